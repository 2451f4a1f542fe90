"""Celery tasks of the reminders: ids in, one function called, JSON only."""

from smtplib import SMTPException

from celery import shared_task

from portal.notifications import conf, delivery, dispatch
from portal.notifications.models import Mode

RETRY = {
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": conf.retry_backoff(),
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": conf.max_retries(),
    "acks_late": True,
}


@shared_task
def sweep() -> dict:
    """Beat, every 15 minutes: what is due, written once, queued."""
    from portal.notifications.sweep import run_sweep

    stats = run_sweep()
    return {"due": stats.due, "rows": stats.rows, "queued": stats.queued}


@shared_task(**RETRY)
def send(sent_id: int) -> str:
    """One immediate reminder; retried with backoff on SMTP and network errors."""
    return delivery.deliver(sent_id)


@shared_task
def send_digests(mode: str) -> int:
    """Beat, daily or weekly: one digest task per person with waiting rows."""
    if mode not in (Mode.DAILY, Mode.WEEKLY):
        raise ValueError(f"Unknown digest mode {mode!r}.")
    queued, _failed = dispatch.enqueue_digests(mode)
    return queued


@shared_task(**RETRY)
def send_digest(user_id: int, mode: str) -> str:
    return delivery.deliver_digest(user_id, mode)
