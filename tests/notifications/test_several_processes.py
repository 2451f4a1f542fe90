"""Several processes, as a region runs Vigie: two web servers (gunicorn, each on its own port)
and two Celery workers against one PostgreSQL and one Redis, with a single beat.

* Each reminder that falls due is mailed once (counted in a real SMTP server), although the
  beat sweeps every second and two workers take the queue.
* A session opened on one web server (password, then the authenticator's code) is the same
  session on the other: sessions live in the database, shared by every web process; logging
  out on the second ends it on the first.

In CI this runs through PgBouncer (the "pgbouncer" run of .ci/run): every process, web and
worker, then connects through it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from portal.bench.measure import Browser
from portal.notifications.models import SentReminder, Status
from tests.factories import PASSWORD, MembershipFactory, PracticeFactory
from tests.notifications.conftest import (
    ROOT,
    Processes,
    broker,
    emptied_redis,
    free_port,
    wait_for,
)
from tests.notifications.helpers import expiring_invitation, late_incident

pytestmark = pytest.mark.services

# This test's own Redis database, emptied before and after: never db 7, the reminder suite's.
REDIS_DB = 11


@pytest.fixture
def redis_own_db():
    yield from emptied_redis(REDIS_DB)


class WebServers(Processes):
    """gunicorn processes too, on the same database, Redis and SMTP server as the workers."""

    def web(self, name: str) -> str:
        port = free_port()
        self.count += 1
        log = open(self.logs / f"web-{name}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env({}),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        process.log_path = log.name
        self.running.append(process)
        url = f"http://127.0.0.1:{port}"
        wait_for(
            lambda: process.poll() is not None or _answers(url),
            timeout=60,
            message=f"gunicorn {name} answering on {url}",
        )
        assert process.poll() is None, self.logs_text()
        return url


def _answers(url: str) -> bool:
    response, _ = Browser(url).get("/healthz") if _listening(url) else (None, None)
    return response is not None and response.status == 200


def _listening(url: str) -> bool:
    import socket

    port = urllib.parse.urlparse(url).port
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def processes(pg_database_url, redis_own_db, smtp, tmp_path):
    group = WebServers(pg_database_url, redis_own_db, smtp.url, tmp_path)
    with broker(redis_own_db):
        try:
            yield group
        finally:
            group.stop_all()


def enrol(user) -> bytes:
    """A confirmed authenticator with a known secret: the test computes the codes."""
    from portal.mfa.models import EncryptedTOTPDevice

    secret = EncryptedTOTPDevice.new_secret()
    device = EncryptedTOTPDevice(user=user, name="phone", confirmed=True)
    device.set_secret(secret)
    device.save()
    return secret


def path_of(response) -> str:
    return urllib.parse.urlparse(response.url).path


def test_two_web_servers_two_workers_one_beat(processes, smtp, settings):
    practices = []
    for n in range(4):
        practice = PracticeFactory(name=f"Cabinet r{n}", slug=f"cabinet-r{n}")
        admin = MembershipFactory(practice=practice, role="admin").user
        expiring_invitation(practice, email=f"invite-r{n}@exemple.fr")
        late_incident(practice)
        practices.append((practice, admin))
    practice, admin = practices[0]
    secret = enrol(admin)
    # The servers run the real settings: a password hashed as they hash them (tests use MD5).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    admin.set_password(PASSWORD)
    admin.save(update_fields=["password"])

    first, second = processes.web("one"), processes.web("two")
    processes.worker("a")
    processes.worker("b")
    processes.beat({"VIGIE_TEST_FAST_BEAT": "1"})

    # A session opened on the first web server …
    browser = Browser(first)
    browser.log_in(admin.email, PASSWORD, secret)
    dashboard = f"/p/{practice.slug}/"
    response, page = browser.get(dashboard)
    assert (response.status, path_of(response)) == (200, dashboard)
    # … is the same session on the second: same cookie, another process.
    browser.base_url = second
    response, page = browser.get(dashboard)
    assert (response.status, path_of(response)) == (200, dashboard), page[:500]
    assert practice.name.encode() in page
    assert Session.objects.filter(expire_date__gt=timezone.now()).count() == 1
    # Logging out on the second ends it on the first.
    browser.post_form("/accounts/logout/", {})
    browser.base_url = first
    response, _ = browser.get(dashboard)
    assert path_of(response) == "/accounts/login/"

    # Every reminder due is mailed once, with the beat sweeping every second meanwhile.
    wait_for(
        lambda: (
            SentReminder.objects.count() >= 3 * len(practices)
            and not SentReminder.objects.filter(sent_at=None).exists()
        ),
        timeout=90,
        message="every reminder sent: " + processes.logs_text(),
    )
    sweeps_before = _sweeps(processes)
    wait_for(
        lambda: _sweeps(processes) >= sweeps_before + 3,
        timeout=30,
        message="three more sweeps by the beat",
    )
    seen = smtp.reminder_ids()
    expected = {str(u) for u in SentReminder.objects.values_list("public_id", flat=True)}
    assert set(seen) == expected, "missing or unknown mails"
    assert [key for key, n in seen.items() if n != 1] == [], "mails received twice"
    assert set(SentReminder.objects.values_list("status", flat=True)) == {Status.SENT}
    assert [p.returncode for p in processes.running] == [None] * 5  # 2 web, 2 workers, beat


SWEEP_DONE = re.compile(r"Task portal\.notifications\.tasks\.sweep\[[^\]]+\] succeeded")


def _sweeps(processes) -> int:
    """Sweeps the workers finished, read from their whole logs."""
    return sum(
        len(SWEEP_DONE.findall(Path(process.log_path).read_text(errors="replace")))
        for process in processes.running
    )
