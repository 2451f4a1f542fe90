from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent
from practices.checklists import reminders
from practices.checklists.models import Attestation


def url(cast):
    return reverse("checklists:attestations", kwargs={"practice_slug": cast.practice.slug})


def test_member_confirms_and_renews_each_quarter(cast):
    client = cast.client("staff")
    page = client.get(url(cast)).content.decode()
    assert "Je verrouille mon poste" in page and "jamais confirmé" in page
    client.post(url(cast), {"keys": ["lock_screen", "no_unknown_usb", "unknown-key"]})
    assert set(Attestation.objects.filter(user=cast.staff).values_list("key", flat=True)) == {
        "lock_screen",
        "no_unknown_usb",
    }
    assert AuditEvent.objects.filter(action="attestation.confirm", actor=cast.staff).exists()
    assert 'value="lock_screen" disabled' in client.get(url(cast)).content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=92)):
        fresh = cast.client("staff")  # the old session has gone idle meanwhile
        assert "à renouveler" in fresh.get(url(cast)).content.decode()


def test_attestation_reminder_until_confirmed(cast):
    now = timezone.now()
    due = [d for d in reminders.due_attestations(now) if d.user_ids == (cast.staff.pk,)]
    assert len(due) == 1 and due[0].practice_id == cast.practice.pk
    cast.client("staff").post(url(cast), {"keys": ["lock_screen"]})
    assert not [
        d
        for d in reminders.due_attestations(now + timedelta(minutes=1))
        if d.user_ids == (cast.staff.pk,)
    ]
    later = [
        d
        for d in reminders.due_attestations(now + timedelta(days=92))
        if d.user_ids == (cast.staff.pk,)
    ]
    assert len(later) == 1


def test_delegates_do_not_attest(cast):
    assert cast.client("delegate").post(url(cast), {"keys": ["lock_screen"]}).status_code == 403
    assert not Attestation.objects.exists()


def test_history_page(cast):
    from datetime import date

    from practices.checklists import content, schedule
    from practices.checklists.models import PracticeChecklist, Template

    content.load()
    template = Template.objects.get(code="backups")
    checklist = PracticeChecklist.objects.create(
        practice=cast.practice,
        template=template,
        cadence=template.cadence,
        starts_on=date(2026, 6, 1),
    )
    schedule.generate_runs(checklist, timezone.now())
    page = cast.client("delegate").get(
        reverse(
            "checklists:history",
            kwargs={"practice_slug": cast.practice.slug, "checklist_id": checklist.public_id},
        )
    )
    assert page.status_code == 200 and page.content.decode().count("<tr>") >= 6
