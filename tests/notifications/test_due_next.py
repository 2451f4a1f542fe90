"""What is due next, stored on the rows: a sweep reads only the rows whose time has come.

Each reminder still goes out once (the sent-log's unique key), at the same moments as when
the sweep rebuilt every candidate; what changes is what a sweep reads. A second sweep with
nothing new reads nothing from the sources that store their next time.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from portal.notifications import sweep
from portal.notifications.models import SentReminder
from practices.checklists import content as checklist_content
from practices.checklists import services as checklist_services
from practices.checklists.models import AttestationReminder, PracticeChecklist, Run, Template
from practices.models import Membership
from registry.incidents.models import Incident
from tests.notifications.helpers import late_incident
from tests.training.conftest import take
from training import content as training_content
from training import reminders as training_reminders
from training.models import Attempt, Module, TrainingReminder

PARIS = ZoneInfo("Europe/Paris")
STORED = ("checklists", "incidents", "training")


def swept(now):
    return sweep.run_sweep(now, enqueue=len)


def steps(kind):
    return sorted(SentReminder.objects.filter(kind=kind).values_list("step", flat=True))


@pytest.fixture
def monthly_run(cast):
    """One monthly checklist of the practice, its current period due on 1 March 2026."""
    checklist_content.load()
    # The team was there before the period ended (a newcomer is not reminded of it).
    Membership.objects.filter(practice=cast.practice).update(
        joined_at=datetime(2026, 1, 5, tzinfo=PARIS)
    )
    template = Template.objects.get(code="backups")
    checklist = PracticeChecklist.objects.create(
        practice=cast.practice,
        template=template,
        cadence="RRULE:FREQ=MONTHLY;BYMONTHDAY=1",
        starts_on=date(2026, 2, 1),
    )
    with time_machine.travel(datetime(2026, 2, 10, 9, tzinfo=PARIS), tick=False):
        checklist_services._generate(checklist)
    return Run.objects.get(checklist=checklist, period_start__month=2)


def test_a_run_is_read_three_days_before_then_when_due_then_never(cast, monthly_run):
    run = monthly_run
    assert run.due_at == datetime(2026, 3, 1, tzinfo=PARIS)
    assert run.remind_at == run.due_at - timedelta(days=3)

    first = swept(datetime(2026, 2, 26, 8, tzinfo=PARIS))
    assert steps("checklist.due") == ["d-3", "d-3"]  # admin and staff
    run.refresh_from_db()
    assert run.remind_at == run.due_at
    again = swept(datetime(2026, 2, 26, 8, 15, tzinfo=PARIS))
    assert again.by_source["checklists"]["due"] < first.by_source["checklists"]["due"]
    assert not again.by_kind.get("checklist.due")

    swept(datetime(2026, 3, 2, 8, tzinfo=PARIS))
    assert steps("checklist.overdue") == ["overdue", "overdue"]
    run.refresh_from_db()
    assert run.remind_at is None
    later = swept(datetime(2026, 3, 5, 8, tzinfo=PARIS))
    assert not later.by_kind.get("checklist.overdue")
    assert SentReminder.objects.filter(object_key__contains=str(run.public_id)).count() == 4


def test_a_completed_run_is_not_read_and_a_reactivated_list_is_read_again(cast, monthly_run):
    run = monthly_run
    run.completed_at = datetime(2026, 2, 20, tzinfo=PARIS)
    run.save(update_fields=["completed_at"])
    run.refresh_from_db()
    assert run.remind_at is None

    run.completed_at = None  # reopened (a correction): read again from its first step
    run.save()
    run.refresh_from_db()
    assert run.remind_at == run.due_at - timedelta(days=3)

    Run.objects.filter(pk=run.pk).update(remind_at=None)  # as after its last step
    PracticeChecklist.objects.filter(pk=run.checklist_id).update(active=False)
    with time_machine.travel(datetime(2026, 2, 27, 9, tzinfo=PARIS), tick=False):
        checklist_services.checklist_activate(
            practice=cast.practice, template=run.checklist.template
        )
    run.refresh_from_db()
    assert run.remind_at == run.due_at - timedelta(days=3)


def test_incident_steps_are_read_when_they_come_and_not_after_72_hours(cast):
    incident = late_incident(cast.practice, hours=30)
    assert incident.remind_at == incident.aware_at + timedelta(hours=24)
    now = incident.aware_at + timedelta(hours=30)
    swept(now)
    incident.refresh_from_db()
    assert incident.remind_at == incident.aware_at + timedelta(hours=48)
    assert swept(now + timedelta(minutes=15)).by_source["incidents"]["due"] == 0
    swept(incident.aware_at + timedelta(hours=80))
    assert steps("incident.deadline") == ["24h", "72h"]  # 48h and 60h passed unswept
    incident.refresh_from_db()
    assert incident.remind_at is None
    assert swept(incident.aware_at + timedelta(days=9)).by_source["incidents"]["due"] == 0


def test_an_incident_no_longer_late_is_let_go(cast):
    incident = late_incident(cast.practice, hours=30)
    incident.personal_data = False
    incident.save()
    swept(incident.aware_at + timedelta(hours=30))
    incident.refresh_from_db()
    assert incident.remind_at is None and not steps("incident.deadline")
    incident.personal_data = True  # the decision corrected: the 72 hours count again
    incident.save()
    swept(incident.aware_at + timedelta(hours=31))
    assert steps("incident.deadline") == ["24h"]
    assert Incident.objects.get(pk=incident.pk).remind_at == incident.aware_at + timedelta(hours=48)


def test_attestations_are_read_once_per_renewal_period(cast):
    now = datetime(2026, 2, 10, 9, tzinfo=PARIS)
    members = Membership.objects.count()
    first = swept(now)
    assert first.by_kind["attestation.due"] == members
    assert AttestationReminder.objects.filter(remind_at__gt=now).count() == members
    again = swept(now + timedelta(minutes=15))
    assert not again.by_kind.get("attestation.due")
    assert SentReminder.objects.filter(kind="attestation.due").count() == members


def test_training_is_read_again_when_a_pass_brings_a_new_expiry(cast):
    training_content.load()
    passed = datetime(2026, 1, 15, 10, tzinfo=PARIS)
    module = Module.objects.order_by("theme").first()
    with time_machine.travel(passed, tick=False):
        swept(passed)  # every member read: nothing passed yet
    assert TrainingReminder.objects.count() == Membership.objects.count()
    take(cast.practice, cast.staff, module, at=passed + timedelta(hours=1))
    row = TrainingReminder.objects.filter(membership__user=cast.staff).first()
    assert row is None  # the pass deleted the staff member's row: read at the next sweep
    swept(passed + timedelta(hours=2))
    row = TrainingReminder.objects.get(membership__user=cast.staff)
    attempt_until = Attempt.objects.get(user=cast.staff, module=module).expires_at
    assert row.remind_at <= attempt_until - training_reminders.EXPIRING_WITHIN
    expiring = attempt_until - timedelta(days=29)
    swept(expiring)
    assert SentReminder.objects.filter(
        kind="training.expiring", recipient=cast.staff, step__startswith="d-30:"
    ).exists()


def test_a_second_sweep_with_nothing_new_reads_nothing_from_stored_sources(cast, monthly_run):
    late_incident(cast.practice, hours=30)
    training_content.load()
    now = datetime(2026, 2, 26, 8, tzinfo=PARIS)
    Incident.objects.update(aware_at=now - timedelta(hours=30), remind_at=None)
    for incident in Incident.objects.all():
        incident.save()
    first = swept(now)
    assert sum(first.by_source[name]["due"] for name in STORED) > 0
    second = swept(now + timedelta(minutes=15))
    assert {name: second.by_source[name]["due"] for name in STORED} == dict.fromkeys(STORED, 0)
    assert not second.rows - second.by_kind.get("delegate.weekly", 0)
