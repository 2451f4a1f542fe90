"""Celery tasks of the reminders: ids in, one function called, JSON only.

The only module of the reminders that knows Celery (and its broker errors): the sweep and
the command receive what they enqueue with (``enqueue_sends``, ``enqueue_digests`` here,
or ``dispatch.send_inline`` to send in-process), and nothing imports back into this module.
"""

import logging
from smtplib import SMTPException

from celery import shared_task
from kombu.exceptions import OperationalError

from portal.notifications import conf, delivery, dispatch
from portal.notifications.models import Mode
from portal.notifications.sweep import run_sweep

logger = logging.getLogger(__name__)
BROKER_ERRORS = (OperationalError, OSError)
# Publish retries: short, a sweep comes back in 15 minutes anyway.
RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
RETRY = {
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": conf.retry_backoff(),
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": conf.max_retries(),
    "acks_late": True,
}


@shared_task(**RETRY)
def send(sent_id: int) -> str:
    """One immediate reminder; retried with backoff on SMTP and network errors."""
    return delivery.deliver(sent_id)


@shared_task(**RETRY)
def send_digest(user_id: int, mode: str) -> str:
    return delivery.deliver_digest(user_id, mode)


def _eager(task) -> bool:
    return bool(task.app.conf.task_always_eager)


def enqueue_sends(ids) -> int:
    """Queue one send task per row, in order; stop at the first broker error (sent
    in-process in embedded mode). Returns how many of the first ``ids`` were handed over
    (the sweep stamps them)."""
    if ids and _eager(send):
        return dispatch.send_inline(ids)
    for done, pk in enumerate(ids):
        try:
            send.apply_async((pk,), retry_policy=RETRY_POLICY)
        except BROKER_ERRORS as error:
            logger.warning("Broker unavailable, %s reminders wait: %s", len(ids) - done, error)
            return done
    return len(ids)


def enqueue_digests(mode: str) -> tuple[int, int]:
    """Queue one digest task per person with waiting rows. ``(queued, failed)``."""
    if _eager(send_digest):
        return dispatch.digests_inline(mode), 0
    user_ids = delivery.digest_recipients(mode)
    for done, user_id in enumerate(user_ids):
        try:
            send_digest.apply_async((user_id, mode), retry_policy=RETRY_POLICY)
        except BROKER_ERRORS as error:
            logger.warning("Broker unavailable, %s digests wait: %s", len(user_ids) - done, error)
            return done, len(user_ids) - done
    return len(user_ids), 0


@shared_task
def sweep() -> dict:
    """Beat, every 15 minutes: what is due, written once, queued."""
    stats = run_sweep(enqueue=enqueue_sends)
    return {"due": stats.due, "rows": stats.rows, "queued": stats.queued}


@shared_task
def send_digests(mode: str) -> int:
    """Beat, daily or weekly: one digest task per person with waiting rows."""
    if mode not in (Mode.DAILY, Mode.WEEKLY):
        raise ValueError(f"Unknown digest mode {mode!r}.")
    queued, _failed = enqueue_digests(mode)
    return queued
