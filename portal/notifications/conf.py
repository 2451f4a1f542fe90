"""Tunables of the reminder plumbing, read from settings with safe defaults.

They are plain settings (not environment variables): the defaults suit production, tests
and the test worker's settings module shorten them.
"""

from datetime import timedelta

from django.conf import settings


def claim_timeout() -> timedelta:
    """How long a claimed ("sending") row is left to the worker holding it.

    Past this, the worker is presumed dead (SIGKILL, lost host) and the row may be claimed
    again. Far above an SMTP exchange (EMAIL_TIMEOUT is 30 s).
    """
    return timedelta(seconds=getattr(settings, "VIGIE_NOTIFY_CLAIM_TIMEOUT", 600))


def requeue_after() -> timedelta:
    """A pending row queued this long ago without being sent is queued again by the sweep."""
    return timedelta(seconds=getattr(settings, "VIGIE_NOTIFY_REQUEUE_AFTER", 600))


def retry_backoff() -> int:
    """Base of the exponential backoff between SMTP retries, in seconds (60, 120, 240…)."""
    return getattr(settings, "VIGIE_NOTIFY_RETRY_BACKOFF", 60)


def max_retries() -> int:
    """Celery retries of one send task; past them, the next sweep queues the row again."""
    return getattr(settings, "VIGIE_NOTIFY_MAX_RETRIES", 8)


def max_attempts() -> int:
    """Attempts (all tasks together) after which a row is marked failed and left alone."""
    return getattr(settings, "VIGIE_NOTIFY_MAX_ATTEMPTS", 20)


def token_max_age() -> timedelta:
    """How long an unsubscribe link stays valid."""
    return timedelta(days=getattr(settings, "VIGIE_NOTIFY_TOKEN_DAYS", 90))
