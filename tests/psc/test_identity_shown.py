"""Where the RPPS verified by PSC shows: the team page, the audit trail."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal import audit
from portal.models import AuditEvent
from portal.psc import services
from tests.factories import MembershipFactory
from tests.psc.test_sign_in import JEANNE

pytestmark = pytest.mark.django_db


def members_page(cast):
    return cast.client("admin").get(
        reverse("practices:members", kwargs={"practice_slug": cast.practice.slug})
    )


def test_team_page_shows_the_rpps_as_verified(cast):
    assert "vérifié par Pro Santé Connect" not in members_page(cast).content.decode()
    services.link(user=cast.staff, identity=JEANNE)
    page = members_page(cast).content.decode()
    assert "RPPS 810100000001" in page
    assert "vérifié par Pro Santé Connect" in page
    assert page.count("rpps-verified") == 1


def test_team_page_queries_do_not_grow_with_linked_members(cast):
    members_page(cast)
    with CaptureQueriesContext(connection) as before:
        members_page(cast)
    for n in range(3):
        member = MembershipFactory(practice=cast.practice, role="staff").user
        services.link(user=member, identity=JEANNE.__class__(f"81010000009{n}", "A", "B", "10"))
    with CaptureQueriesContext(connection) as after:
        members_page(cast)
    assert len(after.captured_queries) == len(before.captured_queries)


def test_audit_trail_names_the_person_with_the_rpps(cast):
    services.link(user=cast.admin, identity=JEANNE)
    event = audit.record(actor=cast.admin, practice=cast.practice, action="test.change")
    assert event.actor_label == f"{cast.admin.email} (RPPS 810100000001)"
    link_event = AuditEvent.objects.get(action="psc.link")
    assert link_event.actor_label == f"{cast.admin.email} (RPPS 810100000001)"
    page = cast.client("admin").get(
        reverse("practices:audit", kwargs={"practice_slug": cast.practice.slug})
    )
    assert f"{cast.admin.email} (RPPS 810100000001)" in page.content.decode()


def test_audit_label_without_psc_is_the_email(cast):
    event = audit.record(actor=cast.staff, practice=cast.practice, action="test.change")
    assert event.actor_label == cast.staff.email
