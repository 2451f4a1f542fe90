"""Every due reminder arrives exactly once, proven with real parts: Celery workers and beat
as processes, Redis, PostgreSQL, and an SMTP server receiving the mails.

Each test counts, in the SMTP server, the mails carrying each sent-log row
(``X-Vigie-Reminder``): every row of the database exactly once, none missing.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from portal.notifications import sweep, tasks
from portal.notifications.models import SentReminder, Status
from tests.factories import MembershipFactory, PracticeFactory
from tests.notifications.conftest import broker, free_port, wait_for
from tests.notifications.helpers import expiring_invitation, late_incident

pytestmark = pytest.mark.services


def practices_with_due_reminders(count, prefix="p"):
    """``count`` practices, each with an admin, an expiring invitation and a late incident:
    three rows each (invitation, 72-hour alert, the admin's attestations)."""
    for n in range(count):
        practice = PracticeFactory(name=f"Cabinet {prefix}{n}", slug=f"cabinet-{prefix}{n}")
        MembershipFactory(practice=practice, role="admin")
        expiring_invitation(practice, email=f"invite-{prefix}{n}@exemple.fr")
        late_incident(practice)


def expected_ids() -> set[str]:
    return {str(u) for u in SentReminder.objects.values_list("public_id", flat=True)}


def all_sent() -> bool:
    return not SentReminder.objects.filter(sent_at=None).exists()


def assert_exactly_once(smtp):
    seen = smtp.reminder_ids()
    expected = expected_ids()
    assert set(seen) == expected, "missing or unknown mails"
    assert [key for key, n in seen.items() if n != 1] == [], "mails received twice"
    assert set(SentReminder.objects.values_list("status", flat=True)) == {Status.SENT}


def concurrent(*functions):
    """Run functions at the same instant in threads (each with its own connection)."""
    barrier = threading.Barrier(len(functions))
    results, errors = [None] * len(functions), []

    def run(index, function):
        try:
            barrier.wait(timeout=10)
            results[index] = function()
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return results


def test_two_sweeps_at_the_same_time_send_each_reminder_once(celery_processes, smtp):
    practices_with_due_reminders(8)
    celery_processes.worker("a")
    celery_processes.worker("b")
    now = timezone.now()
    first, second = concurrent(
        lambda: sweep.run_sweep(now, enqueue=tasks.enqueue_sends),
        lambda: sweep.run_sweep(now, enqueue=tasks.enqueue_sends),
    )
    # Both found everything and both queued it: every row has two messages in Redis.
    assert first.rows == second.rows == SentReminder.objects.count() >= 24
    assert first.queued + second.queued >= SentReminder.objects.count()
    wait_for(all_sent, message="every row sent: " + celery_processes.logs_text())
    # Sweeps through the workers themselves, twice at once, find nothing new to send.
    from portal.notifications.tasks import sweep as sweep_task

    sweep_task.delay()
    sweep_task.delay()
    time.sleep(3)
    assert_exactly_once(smtp)


def test_worker_killed_mid_batch_then_restarted_still_exactly_once(
    celery_processes, smtp, claim_timeout
):
    practices_with_due_reminders(6)
    worker = celery_processes.worker("doomed")

    def kill_on_fifth_recipient(number):
        if number == 5:
            # The worker is between RCPT and DATA of its fifth mail: SIGKILL, for real.
            celery_processes.kill(worker)

    smtp.on_rcpt = kill_on_fifth_recipient
    stats = sweep.run_sweep(timezone.now(), enqueue=tasks.enqueue_sends)
    assert stats.queued == SentReminder.objects.count()
    wait_for(lambda: worker.poll() is not None, message="the worker killed")
    smtp.on_rcpt = None
    assert worker.returncode == -signal.SIGKILL
    assert len(smtp.messages) == 4
    held = SentReminder.objects.filter(status=Status.SENDING)
    assert held.count() == 1  # claimed by the dead worker, not sent
    lost = held.get()

    celery_processes.worker("restarted")
    # The queued messages are sent; the dead worker's row waits for its claim to expire …
    wait_for(
        lambda: SentReminder.objects.filter(sent_at=None).count() == 1,
        message="the queue drained: " + celery_processes.logs_text(),
    )
    time.sleep(claim_timeout + 0.5)
    # … and the next sweep hands it over again.
    assert sweep.run_sweep(timezone.now(), enqueue=tasks.enqueue_sends).queued == 1
    wait_for(all_sent, message="the lost row sent: " + celery_processes.logs_text())
    assert_exactly_once(smtp)
    lost.refresh_from_db()
    assert lost.attempts == 2


def test_smtp_refusing_for_a_while_then_accepting_delivers_once(celery_processes, smtp):
    practices_with_due_reminders(1)
    smtp.refuse = 4  # 451 to the first four DATA commands
    celery_processes.worker("patient")
    sweep.run_sweep(timezone.now(), enqueue=tasks.enqueue_sends)
    wait_for(all_sent, timeout=90, message="sent after the refusals")
    assert smtp.refused == 4
    assert_exactly_once(smtp)
    attempts = sum(SentReminder.objects.values_list("attempts", flat=True))
    assert attempts == SentReminder.objects.count() + 4  # one more attempt per refusal
    assert set(SentReminder.objects.values_list("last_error", flat=True)) == {""}


@pytest.fixture
def own_redis(tmp_path):
    """A second redis-server of our own (port from 6390), that the test may stop and start."""
    binary = shutil.which("redis-server")
    if binary is None:
        from tests.conftest import need_service

        need_service("redis-server", "the binary is needed to restart a Redis of our own")
    port = 6390 if _free(6390) else free_port()

    def start():
        process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(tmp_path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(lambda: not _free(port), timeout=10, message="redis-server listening")
        return process

    server = {"process": start()}

    def stop():
        server["process"].terminate()
        server["process"].wait(timeout=10)

    def restart():
        server["process"] = start()

    try:
        yield {"url": f"redis://127.0.0.1:{port}/0", "stop": stop, "restart": restart}
    finally:
        if server["process"].poll() is None:
            stop()


def _free(port) -> bool:
    import socket

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_redis_restarting_between_sweeps_loses_nothing_and_sends_once(
    pg_database_url, smtp, own_redis, tmp_path, cast
):
    from tests.notifications.conftest import Processes

    processes = Processes(pg_database_url, own_redis["url"], smtp.url, tmp_path)
    try:
        with broker(own_redis["url"]):
            processes.worker("steady")
            practices_with_due_reminders(3, prefix="a")
            sweep.run_sweep(timezone.now(), enqueue=tasks.enqueue_sends)
            wait_for(all_sent, message="first batch: " + processes.logs_text())
            first = len(smtp.messages)

            own_redis["stop"]()
            practices_with_due_reminders(3, prefix="b")
            stats = sweep.run_sweep(timezone.now(), enqueue=tasks.enqueue_sends)
            assert stats.queued == 0 and stats.queue_failed >= 9  # caught, logged, waiting
            assert SentReminder.objects.filter(queued_at=None, sent_at=None).count() >= 9
            page = cast.client("admin").get("/notifications/")
            assert page.status_code == 200  # the web does not notice
            time.sleep(1)
            assert len(smtp.messages) == first

            own_redis["restart"]()
            stats = sweep.run_sweep(timezone.now(), enqueue=tasks.enqueue_sends)
            assert stats.queued >= 9
            wait_for(all_sent, timeout=90, message="second batch: " + processes.logs_text())
            assert_exactly_once(smtp)
    finally:
        processes.stop_all()
        connection.close()


def test_beat_and_worker_send_due_reminders_once_over_many_sweeps(celery_processes, smtp):
    practices_with_due_reminders(2)
    fast = {"VIGIE_TEST_FAST_BEAT": "1"}
    celery_processes.worker("w", extra=fast)
    celery_processes.beat(extra=fast)
    wait_for(all_sent, timeout=60, message="beat's sweep: " + celery_processes.logs_text())
    practices_with_due_reminders(1, prefix="late")  # falls due while beat runs
    wait_for(
        lambda: all_sent() and SentReminder.objects.count() >= 9,
        timeout=60,
        message="the later reminder: " + celery_processes.logs_text(),
    )
    time.sleep(3)  # a few more sweeps: nothing more
    assert_exactly_once(smtp)


def test_daily_digests_queued_twice_at_once_go_out_once_per_person(celery_processes, smtp):
    from portal.notifications.models import Mode, NotificationPreference
    from portal.notifications.tasks import send_digests
    from practices.models import Membership

    practices_with_due_reminders(4)
    for membership in Membership.objects.all():
        NotificationPreference.objects.create(user=membership.user, kind="", mode=Mode.DAILY)
    celery_processes.worker("a")
    celery_processes.worker("b")
    sweep.run_sweep(timezone.now(), enqueue=tasks.enqueue_sends)
    wait_for(
        lambda: SentReminder.objects.filter(delivery=Mode.IMMEDIATE, sent_at=None).count() == 0,
        message="the urgent alerts: " + celery_processes.logs_text(),
    )
    alerts = len(smtp.messages)
    assert alerts == 4  # the 72-hour alerts are never digested
    send_digests.delay("daily")
    send_digests.delay("daily")
    wait_for(all_sent, message="the digests: " + celery_processes.logs_text())
    time.sleep(2)
    digests = smtp.messages[alerts:]
    assert len(digests) == 4  # one per admin, though queued twice
    assert all("résumé du jour" in str(m["Subject"]) for m in digests)
    assert_exactly_once(smtp)
