"""Issue 19, item 2: a practice admin resets the second factor only of a person who is
theirs alone; anyone else is reset by the platform operator, and every reset shows in the
trail of each practice the person belongs to and is mailed to them."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.mfa.models import EncryptedTOTPDevice
from portal.models import AuditEvent
from practices.audit_log import readable_changes
from tests.factories import MembershipFactory, OversightFactory
from tests.practices.helpers import url
from tests.practices.test_members import membership

pytestmark = pytest.mark.django_db


def app(user):
    return EncryptedTOTPDevice.objects.create(user=user, name="app", confirmed=True)


@pytest.fixture
def locum(cast):
    """The practice's staff member also works at the other practice."""
    MembershipFactory(practice=cast.other_practice, user=cast.staff, role="staff")
    return membership(cast, "staff")


def test_a_locum_is_not_reset_by_one_practice_and_the_page_says_who_can(cast, locum, on_commit):
    device = app(cast.staff)
    staff_client = cast.client("staff")
    admin = cast.client("admin")
    page = admin.get(url("members", cast)).content.decode()
    assert url("member_reset_mfa", cast, member_id=locum.public_id) not in page
    assert "opérateur de la plateforme" in page
    with on_commit(execute=True):
        response = admin.post(url("member_reset_mfa", cast, member_id=locum.public_id), follow=True)
    html = response.content.decode()
    assert "opérateur de la plateforme" in html and "réinitialisée" not in html
    assert EncryptedTOTPDevice.objects.filter(pk=device.pk).exists()
    assert staff_client.get(url("members", cast)).status_code == 200  # session kept
    assert not AuditEvent.objects.filter(action="membership.mfa_reset").exists()
    assert mail.outbox == []


def test_a_member_who_is_a_delegate_elsewhere_is_not_reset_by_the_practice(cast, on_commit):
    OversightFactory(practice=cast.other_practice, delegate=cast.staff)
    device = app(cast.staff)
    target = membership(cast, "staff")
    with on_commit(execute=True):
        cast.client("admin").post(url("member_reset_mfa", cast, member_id=target.public_id))
    assert EncryptedTOTPDevice.objects.filter(pk=device.pk).exists()
    assert mail.outbox == []


def test_a_revoked_grant_elsewhere_no_longer_blocks_the_practice(cast, on_commit):
    from django.utils import timezone

    OversightFactory(practice=cast.other_practice, delegate=cast.staff, revoked_at=timezone.now())
    app(cast.staff)
    target = membership(cast, "staff")
    with on_commit(execute=True):
        cast.client("admin").post(url("member_reset_mfa", cast, member_id=target.public_id))
    assert not EncryptedTOTPDevice.objects.filter(user=cast.staff).exists()
    event = AuditEvent.objects.get(action="membership.mfa_reset")
    assert event.practice == cast.practice
    assert [(c.field, c.new) for c in readable_changes(event)] == [
        ("Réinitialisée par", "Cabinet des Lilas")
    ]
    assert mail.outbox[-1].to == [cast.staff.email]


def test_the_platform_command_resets_a_locum_in_every_trail_and_mails_once(cast, locum, on_commit):
    app(cast.staff)
    out = StringIO()
    with on_commit(execute=True):
        call_command("reset_second_factor", cast.staff.email, stdout=out)
    assert not EncryptedTOTPDevice.objects.filter(user=cast.staff).exists()
    events = AuditEvent.objects.filter(action="membership.mfa_reset")
    assert {e.practice for e in events} == {cast.practice, cast.other_practice}
    assert all(e.target_label == cast.staff.email and e.actor is None for e in events)
    change = readable_changes(events[0])[0]
    assert (change.field, change.new) == ("Réinitialisée par", "l'opérateur de la plateforme")
    assert [m.to for m in mail.outbox] == [[cast.staff.email]]
    assert "opérateur de la plateforme" in mail.outbox[0].body
    assert "Cabinet des Lilas" in out.getvalue() and "Maison de santé du Port" in out.getvalue()


def test_the_platform_command_resets_a_delegate(cast, on_commit):
    app(cast.delegate)
    with on_commit(execute=True):
        call_command("reset_second_factor", cast.delegate.email, stdout=StringIO())
    assert not EncryptedTOTPDevice.objects.filter(user=cast.delegate).exists()
    event = AuditEvent.objects.get(action="oversight.mfa_reset")
    assert event.practice == cast.practice and event.target_label == cast.delegate.email
    assert mail.outbox[-1].to == [cast.delegate.email]


def test_the_platform_command_refuses_an_unknown_address(db):
    with pytest.raises(CommandError, match="Aucun compte"):
        call_command("reset_second_factor", "personne@nulle-part.fr", stdout=StringIO())
