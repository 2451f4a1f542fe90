"""The audit trail page: admin only, filters, readable old/new values, nobody edits it."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from portal import audit
from portal.models import AuditEvent
from practices.models import Membership, Region
from tests.practices.helpers import url


def change_job(cast, job="assistant"):
    staff = Membership.objects.get(practice=cast.practice, user=cast.staff)
    response = cast.client("admin").post(
        url("member_edit", cast, member_id=staff.public_id), {"role": "staff", "job": job}
    )
    assert response.status_code == 302


def test_only_the_admin_sees_the_trail(cast):
    assert cast.client("admin").get(url("audit", cast)).status_code == 200
    assert cast.client("staff").get(url("audit", cast)).status_code == 403
    assert cast.client("delegate").get(url("audit", cast)).status_code == 403


def test_old_and_new_values_are_readable_in_french(cast):
    change_job(cast)
    html = cast.client("admin").get(url("audit", cast)).content.decode()
    assert "Rôle ou fonction modifié" in html
    assert "<strong>Fonction</strong>\u00a0: Secrétaire → Assistant(e)" in html
    assert cast.admin.email in html and "127.0.0.1" in html


def test_in_english_values_follow_english_typography_and_dates_stay_day_first(cast):
    """No French " :" before a colon, and a recorded date reads 04/03/2026, not 03/04."""
    change_job(cast)
    audit.record(
        action="registry.activity.update",
        practice=cast.practice,
        actor=cast.admin,
        changes={"next_review_at": [None, "2026-03-04T10:00:00+00:00"]},
    )
    client = cast.client("admin")
    client.post("/i18n/setlang/", {"language": "en"})
    html = client.get(url("audit", cast)).content.decode()
    assert "Role or job changed" in html
    assert "<strong>Job</strong>: Secretary → Assistant" in html
    assert "</strong> :" not in html and "</strong>\u00a0:" not in html
    assert "04/03/2026 11:00" in html


def test_practice_settings_changes_show_labels_not_codes(cast):
    region = Region.objects.get(code="84")
    cast.client("admin").post(
        url("settings", cast),
        {
            "name": "Cabinet des Lilas",
            "professions": ["medecine_generale", "infirmier"],
            "region": region.pk,
            "city": "Lyon",
        },
    )
    html = cast.client("admin").get(url("audit", cast)).content.decode()
    assert "Informations du cabinet modifiées" in html
    assert "Médecine générale → Médecine générale, Infirmier" in html
    assert "Île-de-France → Auvergne-Rhône-Alpes" in html


def test_filters_by_action_person_and_dates_and_keep_them_across_pages(cast):
    with time_machine.travel(timezone.now() - timedelta(days=40)):
        change_job(cast, "autre")
    change_job(cast, "assistant")
    audit.record(action="practice.update", practice=cast.practice, actor=cast.staff)
    for _ in range(55):
        audit.record(action="membership.update", practice=cast.practice, actor=cast.admin)
    client = cast.client("admin")
    today = timezone.localdate()

    def rows(**filters):
        return client.get(url("audit", cast), filters).context["page"].paginator.count

    assert rows() == 58
    assert rows(action="membership.update") == 57
    assert rows(person=cast.staff.email) == 1
    assert rows(start=(today - timedelta(days=1)).isoformat()) == 57
    assert rows(end=(today - timedelta(days=30)).isoformat()) == 1
    page = client.get(url("audit", cast), {"action": "membership.update"}).content.decode()
    assert "?action=membership.update&amp;page=2" in page


def test_bad_filter_input_gets_a_french_message(cast):
    response = cast.client("admin").get(
        url("audit", cast), {"start": "2026-05-02", "end": "2026-05-01"}
    )
    assert "La date de fin doit suivre la date de début." in response.content.decode()
    assert 'value="2026-05-02"' in response.content.decode()


def test_another_practice_events_never_show(cast):
    audit.record(action="practice.update", practice=cast.other_practice, actor=cast.other_admin)
    response = cast.client("admin").get(url("audit", cast))
    assert cast.other_admin.email not in response.content.decode()
    assert response.context["page"].paginator.count == 0


def test_query_count_does_not_grow_with_events(cast, django_assert_max_num_queries):
    for _ in range(60):
        change_job(cast, "assistant")
        change_job(cast, "secretaire")
    client = cast.client("admin")
    client.get(url("audit", cast))
    # session, user, OTP device, practice+region, role, action choices, people choices,
    # count, page of events, the chain's head and last check, practice switcher, session
    # save; two SAVEPOINT/RELEASE pairs; the banner of incidents whose CNIL decision is open
    with django_assert_max_num_queries(17):
        assert client.get(url("audit", cast)).status_code == 200


def test_nobody_can_edit_the_trail(cast):
    event = audit.record(action="practice.update", practice=cast.practice)
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(action="y")
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    response = cast.client("admin").post(url("audit", cast), {"action": "x"})
    assert AuditEvent.objects.get(pk=event.pk).action == "practice.update"
    assert response.status_code == 405


def test_every_recorded_action_has_a_label_of_its_own():
    """A new audit action gets a French sentence on the trail, not its code."""
    import re
    from pathlib import Path

    from practices.audit_log import ACTION_LABELS

    root = Path(__file__).resolve().parents[2]
    found = set()
    for package in ("portal", "practices", "registry", "training"):
        for path in (root / package).rglob("*.py"):
            if "bench" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            code = text.split('"""', 2)[-1] if text.startswith('"""') else text  # no docstring
            found |= set(re.findall(r'action="([a-z_]+\.[a-z_.]+)"', code))
            # a service helper given the action as its second argument (registry/rights)
            found |= set(re.findall(r'_change\(\s*\w+,\s*"([a-z_]+\.[a-z_.]+)"', code))
            for pair in re.findall(
                r'action="([a-z_]+\.[a-z_.]+)" if [\w.]+ else "([a-z_]+\.[a-z_.]+)"', code
            ):
                found |= set(pair)
    found.add("incident.status")  # incident_update(action="status") records incident.<action>
    assert len(found) >= 30
    assert found - set(ACTION_LABELS) == set()
