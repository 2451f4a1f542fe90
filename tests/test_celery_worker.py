"""A real Celery worker, started as a process, runs a task sent through a real Redis."""

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils.dateparse import parse_datetime

from portal.celery import app
from portal.tasks import heartbeat

ROOT = Path(__file__).resolve().parent.parent


def forget_connections():
    """Drop the broker pools and the result backend the app cached for an earlier test's
    URLs (the delivery tests use another Redis database and no result backend): whatever
    ran before, this test sends and reads through the URLs it set."""
    from kombu import pools

    pools.reset()
    app._pool = None
    app._backend_cache = None
    with contextlib.suppress(AttributeError):
        del app._local.backend
    with contextlib.suppress(AttributeError, KeyError):
        app.__dict__["amqp"]._producer_pool = None


@pytest.fixture
def worker(redis_url):
    queue = f"vigie-test-{os.getpid()}"
    env = {
        **os.environ,
        "VIGIE_ENV": "test",
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DATABASE_POOLER", None)  # no database: no pooler either
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-Q",
            queue,
            "--concurrency",
            "1",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url", "result_backend")}
    app.conf.update(task_always_eager=False, broker_url=redis_url, result_backend=redis_url)
    forget_connections()
    try:
        yield queue
    finally:
        app.conf.update(saved)
        forget_connections()
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_worker_runs_a_task_end_to_end(worker):
    sent = time.time()
    result = heartbeat.apply_async(queue=worker)
    ran_at = parse_datetime(result.get(timeout=60))
    assert ran_at is not None
    assert ran_at.timestamp() >= sent - 1
    assert result.successful()


def test_celery_app_is_json_only_with_late_acks():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.timezone == "Europe/Paris"
