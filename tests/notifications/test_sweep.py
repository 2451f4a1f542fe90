"""The sweep: what is due, for whom, written once; sources discovered, preferences applied."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.notifications import kinds, sweep
from portal.notifications.models import Mode, NotificationPreference, SentReminder, Status
from portal.reminders import Due, Kind
from tests.factories import MembershipFactory, UserFactory
from tests.notifications.helpers import expiring_invitation, late_incident


def collected(calls):
    """An ``enqueue`` that records the ids instead of queueing them."""

    def enqueue(ids):
        calls.append(list(ids))
        return len(ids)

    return enqueue


def keys(**lookup):
    return set(SentReminder.objects.filter(**lookup).values_list("kind", "recipient_id", "step"))


def test_due_items_become_one_row_per_recipient_once(cast):
    expiring_invitation(cast.practice)
    late_incident(cast.practice)
    calls = []
    stats = sweep.run_sweep(timezone.now(), enqueue=collected(calls))
    # admins only, for both kinds; attestations for each member
    assert keys(kind="invitation.expiring") == {("invitation.expiring", cast.admin.pk, "48h")}
    assert keys(kind="incident.deadline") == {("incident.deadline", cast.admin.pk, "24h")}
    assert keys(kind="attestation.due", practice=cast.practice) == {
        ("attestation.due", cast.admin.pk, keys(kind="attestation.due").pop()[2]),
        ("attestation.due", cast.staff.pk, keys(kind="attestation.due").pop()[2]),
    }
    assert stats.rows == SentReminder.objects.count() and stats.due >= 5
    assert sorted(calls[0]) == sorted(SentReminder.objects.values_list("pk", flat=True))

    row = SentReminder.objects.get(kind="invitation.expiring")
    assert row.url == "/p/cabinet-des-lilas/equipe/" and row.practice == cast.practice
    assert row.status == Status.PENDING and row.delivery == Mode.IMMEDIATE
    assert row.queued_at is not None  # stamped after queueing

    again = []
    second = sweep.run_sweep(timezone.now(), enqueue=collected(again))
    # What was written is not read again (the rows store when they are due next) …
    assert second.rows < stats.rows and not second.by_kind.get("attestation.due")
    assert SentReminder.objects.count() == stats.rows  # … and nothing is written twice
    assert again == [[]]  # queued recently: not queued twice


def test_a_new_step_is_a_new_reminder(cast):
    late_incident(cast.practice, hours=30)
    sweep.run_sweep(timezone.now(), enqueue=collected([]))
    sweep.run_sweep(timezone.now() + timedelta(hours=20), enqueue=collected([]))
    steps = SentReminder.objects.filter(kind="incident.deadline").values_list("step", flat=True)
    assert sorted(steps) == ["24h", "48h"]


def test_delegate_digest_once_a_week_for_live_grants_only(cast):
    sweep.run_sweep(timezone.now(), enqueue=collected([]))
    weekly = SentReminder.objects.filter(kind="delegate.weekly")
    assert set(weekly.values_list("recipient_id", flat=True)) == {
        cast.delegate.pk,
        cast.other_delegate.pk,
    }
    assert weekly.first().url == "/delegue/"
    sweep.run_sweep(timezone.now() + timedelta(days=7), enqueue=collected([]))
    assert weekly.filter(recipient=cast.delegate).count() == 2  # the next week's


def test_week_starts_monday_seven_paris():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from portal.notifications.delegates import week_start

    paris = ZoneInfo("Europe/Paris")
    monday_early = datetime(2026, 3, 2, 6, 59, tzinfo=paris)
    monday_late = datetime(2026, 3, 2, 7, 0, tzinfo=paris)
    assert week_start(monday_early) == datetime(2026, 2, 23, 7, 0, tzinfo=paris)
    assert week_start(monday_late) == monday_late


def test_inactive_people_and_revoked_grants_get_nothing(cast):
    expiring_invitation(cast.practice)
    cast.admin.is_active = False
    cast.admin.save()
    MembershipFactory(practice=cast.practice, role="admin", user=UserFactory(is_active=False))
    sweep.run_sweep(timezone.now(), enqueue=collected([]))
    assert not SentReminder.objects.filter(kind="invitation.expiring").exists()
    assert not SentReminder.objects.filter(recipient=cast.admin).exists()


def test_preferences_route_rows(cast):
    NotificationPreference.objects.create(user=cast.admin, kind="", mode=Mode.DAILY)
    NotificationPreference.objects.create(user=cast.staff, kind="attestation.due", mode="off")
    # Written behind the form's back: still immediate, urgent kinds are never switched.
    NotificationPreference.objects.create(user=cast.admin, kind="incident.deadline", mode="off")
    expiring_invitation(cast.practice)
    late_incident(cast.practice)
    calls = []
    sweep.run_sweep(timezone.now(), enqueue=collected(calls))
    invitation = SentReminder.objects.get(kind="invitation.expiring")
    assert (invitation.delivery, invitation.status) == (Mode.DAILY, Status.PENDING)
    incident = SentReminder.objects.get(kind="incident.deadline")
    assert (incident.delivery, incident.status) == (Mode.IMMEDIATE, Status.PENDING)
    muted = SentReminder.objects.get(kind="attestation.due", recipient=cast.staff)
    assert (muted.delivery, muted.status) == (Mode.OFF, Status.MUTED)
    assert incident.pk in calls[0] and invitation.pk not in calls[0] and muted.pk not in calls[0]


def test_explicit_recipients_and_roles_are_merged_without_duplicates(cast, monkeypatch):
    fake_due = lambda now: [  # noqa: E731
        Due(
            kind="fake.kind",
            practice_id=cast.practice.pk,
            object_key="fake:1",
            step="s",
            url="/",
            user_ids=(cast.admin.pk, cast.outsider.pk),
            roles=("admin", "delegate"),
        )
    ]
    fake = kinds.Source("tests_fake_source", {"fake.kind": Kind("fake.kind", "Faux")}, fake_due)
    monkeypatch.setattr(kinds, "sources", lambda: [fake])
    sweep.run_sweep(timezone.now(), enqueue=collected([]))
    assert set(SentReminder.objects.values_list("recipient_id", flat=True)) == {
        cast.admin.pk,
        cast.outsider.pk,
        cast.delegate.pk,
    }


def test_a_failing_source_does_not_stop_the_others(cast, monkeypatch):
    from portal import spaces

    def due(now):
        raise RuntimeError("boom")

    incidents = spaces.incidents
    monkeypatch.setattr(
        kinds,
        "sources",
        lambda: [
            kinds.Source("tests_failing_source", {}, due),
            kinds.Source(incidents.label, incidents.kinds, incidents.due),
        ],
    )
    late_incident(cast.practice)
    stats = sweep.run_sweep(timezone.now(), enqueue=collected([]))
    assert stats.broken_sources == ["tests_failing_source"]
    assert SentReminder.objects.filter(kind="incident.deadline").count() == 1


def test_every_expected_source_is_listed():
    names = [source.name for source in kinds.sources()]
    assert names[:2] == ["practices", "checklists"]
    for name in ("registry", "incidents", "training", "delegates", "suggestions"):
        assert name in names
    assert kinds.all_kinds()["incident.deadline"].urgent is True
    assert kinds.allowed_modes(kinds.all_kinds()["delegate.weekly"]) == ["immediate", "off"]


def test_lost_and_stale_rows_are_queued_again(cast, settings):
    settings.VIGIE_NOTIFY_CLAIM_TIMEOUT = 60
    settings.VIGIE_NOTIFY_REQUEUE_AFTER = 120
    late_incident(cast.practice)
    now = timezone.now()
    sweep.run_sweep(now, enqueue=collected([]))
    row = SentReminder.objects.get(kind="incident.deadline")
    # A worker claimed it, then died (SIGKILL): the claim ages.
    SentReminder.objects.filter(pk=row.pk).update(status=Status.SENDING, claimed_at=now)
    assert row.pk not in sweep.to_queue(now + timedelta(seconds=30))
    assert row.pk in sweep.to_queue(now + timedelta(seconds=61))
    # Queued but the message was lost (broker restarted empty): queued again later.
    SentReminder.objects.filter(pk=row.pk).update(status=Status.PENDING, claimed_at=None)
    assert row.pk not in sweep.to_queue(now + timedelta(seconds=60))
    assert row.pk in sweep.to_queue(now + timedelta(seconds=121))
    SentReminder.objects.filter(pk=row.pk).update(status=Status.SENT, sent_at=now)
    assert row.pk not in sweep.to_queue(now + timedelta(days=1))


def _world(count, start):
    """``count`` practices, each with an admin, a staff member, an expiring invitation and a
    late incident, and a delegate per ten practices; built in bulk."""
    from django.contrib.auth import get_user_model

    from practices.models import Invitation, Membership, Oversight, Practice, Region
    from registry.incidents.models import Incident

    region = Region.objects.get_or_create(code="11", defaults={"name": "Île-de-France"})[0]
    now = timezone.now()
    practices = Practice.objects.bulk_create(
        Practice(name=f"Cabinet {i}", slug=f"budget-{i}", region=region)
        for i in range(start, start + count)
    )
    User = get_user_model()
    users = User.objects.bulk_create(
        User(email=f"budget-{i}-{role}@exemple.fr", password="!")
        for i in range(start, start + count)
        for role in ("admin", "staff")
    )
    Membership.objects.bulk_create(
        Membership(practice=practice, user=users[2 * n + k], role=role)
        for n, practice in enumerate(practices)
        for k, role in enumerate(("admin", "staff"))
    )
    delegates = User.objects.bulk_create(
        User(email=f"budget-delegate-{i}@exemple.fr", password="!")
        for i in range(start, start + count, 10)
    )
    Oversight.objects.bulk_create(
        Oversight(practice=practice, delegate=delegates[n // 10])
        for n, practice in enumerate(practices)
    )
    Invitation.objects.bulk_create(
        Invitation(
            practice=practice,
            email=f"invite-{practice.slug}@exemple.fr",
            sent_at=now - timedelta(days=6),
            expires_at=now + timedelta(hours=24),
        )
        for practice in practices
    )
    aware = now - timedelta(hours=30)
    Incident.objects.bulk_create(
        Incident(practice=p, kind="phishing", description="x", noticed_at=aware, aware_at=aware)
        for p in practices
    )
    NotificationPreference.objects.bulk_create(
        NotificationPreference(user=user, kind="", mode=Mode.WEEKLY) for user in users[::3]
    )


def _sweep_queries():
    SentReminder.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        stats = sweep.run_sweep(timezone.now(), enqueue=collected([]))
    table = SentReminder._meta.db_table
    inserts = [
        q
        for q in queries.captured_queries
        if q["sql"].startswith("INSERT") and table in q["sql"].split("(")[0]
    ]
    return stats, len(queries) - len(inserts), len(inserts)


def test_sweep_queries_do_not_grow_with_practices(db):
    """10 then 1,000 practices: the same queries, and one INSERT per batch the database
    takes (one on PostgreSQL; SQLite caps the parameters of one statement)."""
    _world(10, 0)
    small, small_other, small_inserts = _sweep_queries()
    _world(990, 10)
    large, large_other, large_inserts = _sweep_queries()
    # per source: invitations 1, checklist runs 1, attestations 2, incidents 1, delegates 1
    # (and training/registry's when present); then memberships, oversights, preferences,
    # the rows to queue and their queue time.
    assert large_other == small_other
    fields = len(SentReminder._meta.concrete_fields) - 1
    batch = connection.ops.bulk_batch_size([None] * fields, [None] * large.rows)
    assert large_inserts == -(-large.rows // batch)
    if connection.vendor == "postgresql":
        assert small_inserts == large_inserts == 1
    assert large.rows >= 100 * small.rows / 2
    # The first ten practices' incidents were reminded by the first sweep, which stored
    # their next step (48 hours): the second one reads the 990 others only.
    assert large.by_kind["incident.deadline"] == 990
    assert large.by_kind["delegate.weekly"] == 100
