"""Real services for the reminder tests: an SMTP server in this process (aiosmtpd), Celery
workers and beat as subprocesses on Redis db 7 and the test PostgreSQL database.

The worker reaches the data the test wrote because the tests that start one use
``transactional_db`` (committed rows) on PostgreSQL; on SQLite they skip, naming what is
missing, and ``need_service`` fails them in CI.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from portal.celery import app
from tests.conftest import need_service

ROOT = Path(__file__).resolve().parents[2]
REDIS_DB = 7


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout=60.0, interval=0.1, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


class Inbox:
    """The aiosmtpd handler: keeps accepted mails, refuses on demand, calls hooks."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refuse = 0  # DATA commands still to refuse with 451
        self.refused = 0
        self.rcpt_count = 0
        self.on_rcpt = None  # called with the RCPT number, before answering
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.rcpt_count += 1
            number = self.rcpt_count
        if self.on_rcpt is not None:
            self.on_rcpt(number)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refuse > 0:
                self.refuse -= 1
                self.refused += 1
                return "451 4.3.0 Mailbox busy, try again later"
            self.messages.append(
                email.message_from_bytes(envelope.content, policy=email.policy.default)
            )
        return "250 Message accepted for delivery"

    def reminder_ids(self) -> Counter:
        """How many mails carried each sent-log row (digests carry several)."""
        seen = Counter()
        for message in list(self.messages):
            for value in str(message["X-Vigie-Reminder"] or "").split(","):
                if value.strip():
                    seen[value.strip()] += 1
        return seen


@pytest.fixture
def smtp():
    """A real SMTP server on a free port of 127.0.0.1, in this process."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.port = port
    inbox.url = f"smtp://127.0.0.1:{port}"
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def smtp_mailer(smtp, settings):
    """This process's mail goes to the real SMTP server too."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": smtp.port, "timeout": 10},
        }
    }
    return smtp


def reset_broker_pools():
    """Forget the pooled broker connections, so the next publish uses the current URL."""
    from kombu import pools

    pools.reset()  # closes and forgets every pooled connection (kombu keys them by URL)
    app._pool = None
    with contextlib.suppress(AttributeError, KeyError):
        app.__dict__["amqp"]._producer_pool = None


@contextlib.contextmanager
def broker(url: str):
    """Publish this process's tasks to ``url`` (not eagerly) for the duration."""
    keys = ("task_always_eager", "broker_url", "result_backend")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(task_always_eager=False, broker_url=url, result_backend=None)
    reset_broker_pools()
    try:
        yield url
    finally:
        app.conf.update(saved)
        reset_broker_pools()


@pytest.fixture(autouse=True)
def embedded_celery():
    """Tasks run in-process unless a test names a broker (``broker()``), whatever REDIS_URL
    says: no test of this folder publishes to another suite's Redis database."""
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = saved


@pytest.fixture
def redis7():
    """Redis db 7 (this suite's own), emptied: REDIS_URL's host, or 127.0.0.1:6379."""
    yield from emptied_redis(REDIS_DB)


def emptied_redis(db: int):
    """A Redis database of REDIS_URL's host (or 127.0.0.1:6379), emptied before and after."""
    import redis

    base = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    url = base.rsplit("/", 1)[0] + f"/{db}"
    try:
        client = redis.Redis.from_url(url, socket_timeout=2)
        client.ping()
    except redis.RedisError as error:
        need_service("Redis", str(error))
    client.flushdb()
    yield url
    client.flushdb()


@pytest.fixture
def pg_database_url(transactional_db):
    """The test database's URL, for processes started by the test (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        need_service(
            "PostgreSQL",
            "the Celery worker tests share the test database with worker processes, "
            "which needs PostgreSQL (run with DATABASE_URL=postgres://…)",
        )
    params = connection.settings_dict
    auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    port = params["PORT"] or 5432
    return f"postgres://{auth}@{params['HOST'] or '127.0.0.1'}:{port}/{params['NAME']}"


class Processes:
    """Celery workers and beat started by a test; all stopped at its end."""

    def __init__(self, database_url, broker_url, smtp_url, logs: Path):
        self.database_url = database_url
        self.broker_url = broker_url
        self.smtp_url = smtp_url
        self.logs = logs
        self.running: list[subprocess.Popen] = []
        self.count = 0

    def env(self, extra):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
            "VIGIE_ENV": "test",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.broker_url,
            "EMAIL_URL": self.smtp_url,
            "EMAIL_TIMEOUT": "10",
            "VIGIE_TEST_CLAIM_TIMEOUT": "2",
        }
        env.pop("VIGIE_REQUIRE_SERVICES", None)
        env.update(extra or {})
        return env

    def _start(self, args, extra):
        self.count += 1
        log = open(self.logs / f"celery-{self.count}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", *args],
            cwd=ROOT,
            env=self.env(extra),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        process.log_path = log.name
        self.running.append(process)
        return process

    def worker(self, name="w", extra=None):
        return self._start(
            [
                "worker",
                "--pool",
                "solo",
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"{name}{self.count + 1}@%h",
            ],
            extra,
        )

    def beat(self, extra=None):
        schedule = self.logs / f"beat-schedule-{self.count + 1}"
        return self._start(["beat", "--loglevel", "INFO", "--schedule", str(schedule)], extra)

    @staticmethod
    def kill(process):
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self):
        for process in self.running:
            if process.poll() is None:
                process.terminate()
        for process in self.running:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    def logs_text(self) -> str:
        return "\n".join(
            f"--- {Path(p.log_path).name}\n" + Path(p.log_path).read_text(errors="replace")[-4000:]
            for p in self.running
        )


@pytest.fixture
def celery_processes(pg_database_url, redis7, smtp, tmp_path):
    """Start workers (and beat) against db 7, the test database and the SMTP server; this
    process publishes to the same broker."""
    processes = Processes(pg_database_url, redis7, smtp.url, tmp_path)
    with broker(redis7):
        try:
            yield processes
        finally:
            processes.stop_all()
            connection.close()


@pytest.fixture
def claim_timeout(settings):
    """The same short claim timeout as the workers' (tests/notifications/worker_settings)."""
    settings.VIGIE_NOTIFY_CLAIM_TIMEOUT = 2
    return 2
