"""``send_reminders`` (embedded mode, cron), the beat schedule, and a broker that is down."""

from __future__ import annotations

import socket
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from portal.celery import app
from portal.notifications import sweep, tasks
from portal.notifications.models import Mode, NotificationPreference, SentReminder, Status
from tests.notifications.conftest import broker, free_port
from tests.notifications.helpers import expiring_invitation, late_incident


def test_send_reminders_sends_what_is_due_once(cast):
    late_incident(cast.practice)
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "due=" in out.getvalue()
    alerts = [m for m in mail.outbox if "72 heures" in m.subject]
    assert [m.to for m in alerts] == [[cast.admin.email]]
    sent = len(mail.outbox)
    assert sent == SentReminder.objects.filter(status=Status.SENT).count()
    call_command("send_reminders", stdout=StringIO())
    assert len(mail.outbox) == sent  # nothing twice


def test_send_reminders_with_the_daily_digest(cast):
    NotificationPreference.objects.create(user=cast.admin, kind="", mode=Mode.DAILY)
    expiring_invitation(cast.practice)
    out = StringIO()
    call_command("send_reminders", "--digest", "daily", stdout=out)
    assert "digests=1" in out.getvalue()
    [digest] = [m for m in mail.outbox if m.to == [cast.admin.email]]
    assert "résumé du jour" in digest.subject and "Invitation" in digest.body


def test_beat_runs_the_sweep_and_the_digests_with_expiry():
    from django.conf import settings

    schedule = settings.CELERY_BEAT_SCHEDULE
    tasks = {entry["task"] for entry in schedule.values()}
    assert "portal.notifications.tasks.sweep" in tasks
    assert "portal.notifications.tasks.send_digests" in tasks
    digests = [e for e in schedule.values() if e["task"].endswith("send_digests")]
    assert sorted(e["args"] for e in digests) == [("daily",), ("weekly",)]
    assert all(e["options"]["expires"] for e in schedule.values())
    for name in ("sweep", "send", "send_digests", "send_digest"):
        assert f"portal.notifications.tasks.{name}" in app.tasks


def test_send_tasks_ack_late_and_retry_smtp_errors_with_backoff():
    from smtplib import SMTPException

    from portal.notifications.tasks import send, send_digest

    for task in (send, send_digest):
        assert task.acks_late is True
        assert SMTPException in task.autoretry_for and OSError in task.autoretry_for
        assert task.retry_backoff and task.retry_backoff_max == 3600


def closed_port() -> int:
    port = free_port()
    with socket.socket() as probe:  # nothing listens there
        assert probe.connect_ex(("127.0.0.1", port)) != 0
    return port


def test_broker_down_sweep_survives_rows_wait_and_the_web_works(cast):
    late_incident(cast.practice)
    with broker(f"redis://127.0.0.1:{closed_port()}/0"):
        stats = sweep.run_sweep(timezone.now(), enqueue=tasks.enqueue_sends)
        assert stats.rows > 0 and stats.queued == 0 and stats.queue_failed == stats.rows
        assert mail.outbox == []
        waiting = SentReminder.objects.filter(status=Status.PENDING, queued_at=None)
        assert waiting.count() == stats.rows
        # The web does not need the broker: pages answer, the inbox shows the alert.
        client = cast.client("admin")
        assert client.get("/notifications/").status_code == 200
        assert client.get(cast.practice.get_absolute_url()).status_code == 200
        assert client.get("/healthz").json()["database"] == "ok"
    # Broker back (here: embedded mode): the next sweep sends what waited, once (it
    # queues the waiting rows, whether or not it finds anything new).
    written = SentReminder.objects.count()
    stats = sweep.run_sweep(timezone.now(), enqueue=tasks.enqueue_sends)
    assert stats.queued == written == SentReminder.objects.count()
    assert len(mail.outbox) == written
    assert not SentReminder.objects.filter(sent_at=None).exists()


def test_digests_wait_too_when_the_broker_is_down(cast):
    from portal.notifications import tasks

    NotificationPreference.objects.create(user=cast.admin, kind="", mode=Mode.DAILY)
    expiring_invitation(cast.practice)
    sweep.run_sweep(timezone.now(), enqueue=lambda ids: 0)
    with broker(f"redis://127.0.0.1:{closed_port()}/0"):
        assert tasks.enqueue_digests(Mode.DAILY) == (0, 1)
    assert SentReminder.objects.filter(recipient=cast.admin, delivery=Mode.DAILY, sent_at=None)
