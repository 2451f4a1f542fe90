"""Sending a sent-log row (or a digest of rows): claim atomically, send, record.

Guarantee, written down as the style guide asks: **at least once, exactly once in every
case but one**. A row is claimed by one conditional UPDATE (``sent_at IS NULL`` and not
claimed recently), so two tasks, two sweeps or a redelivered message never send it twice.
The one case left: a worker killed after the SMTP server accepted the mail and before
the row was marked sent (a window of one UPDATE). Its claim expires after
``VIGIE_NOTIFY_CLAIM_TIMEOUT`` and the row is sent again. We prefer a rare duplicate to a
lost reminder: these mails keep legal deadlines, and nothing tells a dead worker's
"maybe sent" from "not sent".
"""

from __future__ import annotations

import logging
import uuid
from smtplib import SMTPException

from django.db.models import F, Q
from django.utils import timezone

from portal.notifications import conf, emails
from portal.notifications.models import Mode, SentReminder, Status

logger = logging.getLogger(__name__)
RETRYABLE = (SMTPException, OSError)


def claimable(now) -> Q:
    """Rows nobody holds: never claimed, released, or claimed by a worker presumed dead."""
    return Q(sent_at=None) & (
        Q(status=Status.PENDING)
        | Q(status=Status.SENDING, claimed_at__lt=now - conf.claim_timeout())
    )


def _claim(now, **lookup) -> int:
    return (
        SentReminder.objects.filter(claimable(now), **lookup)
        .exclude(delivery=Mode.OFF)
        .update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


def _release(rows, claimed_at, error: Exception, *, retryable: bool) -> None:
    """Hand claimed rows back (pending, to retry) or give up on them (failed)."""
    held = SentReminder.objects.filter(
        pk__in=[row.pk for row in rows], status=Status.SENDING, claimed_at=claimed_at
    )
    exhausted = not retryable or max(row.attempts for row in rows) >= conf.max_attempts()
    held.update(
        status=Status.FAILED if exhausted else Status.PENDING,
        claimed_at=None,
        batch=None,
        queued_at=timezone.now(),
        last_error=f"{type(error).__name__}: {error}"[:1000],
    )
    log = logger.error if exhausted else logger.warning
    log("Reminder mail not sent (%s rows): %s", len(rows), error)


def _finish(rows, claimed_at, status=Status.SENT) -> None:
    done = SentReminder.objects.filter(
        pk__in=[row.pk for row in rows], status=Status.SENDING, claimed_at=claimed_at
    ).update(status=status, sent_at=timezone.now(), last_error="")
    if done != len(rows):
        # Our claim expired while sending (a very slow SMTP server): another worker may
        # have sent it too. Visible in the logs, never silent.
        logger.warning("Reminder claim lost while sending: rows %s", [r.pk for r in rows])


def _send(rows, claimed_at, build) -> str:
    try:
        message = build()
        if message is None:
            _finish(rows, claimed_at, Status.EMPTY)
            return "empty"
        message.send()
    except RETRYABLE as error:
        _release(rows, claimed_at, error, retryable=True)
        raise
    except Exception as error:
        _release(rows, claimed_at, error, retryable=False)
        raise
    _finish(rows, claimed_at)
    return "sent"


def deliver(sent_id: int) -> str:
    """Send one immediate row if nobody else has: "sent", "empty" or "skipped".

    Raises the SMTP (or network) error after handing the row back, for the task to retry.
    """
    now = timezone.now()
    if not _claim(now, pk=sent_id, delivery=Mode.IMMEDIATE):
        return "skipped"
    row = SentReminder.objects.select_related("recipient", "practice").get(pk=sent_id)
    return _send([row], now, lambda: emails.reminder_message(row))


def digest_recipients(mode: str, now=None) -> list[int]:
    """People with rows waiting for this digest (one query)."""
    now = now or timezone.now()
    return list(
        SentReminder.objects.filter(claimable(now), delivery=mode)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )


def deliver_digest(user_id: int, mode: str) -> str:
    """Claim every waiting row of this person for this digest and send them in one mail."""
    now = timezone.now()
    batch = uuid.uuid4()
    claimed = (
        SentReminder.objects.filter(claimable(now), recipient_id=user_id, delivery=mode)
        .exclude(delivery=Mode.OFF)
        .update(status=Status.SENDING, claimed_at=now, batch=batch, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "skipped"
    rows = list(
        SentReminder.objects.filter(batch=batch, status=Status.SENDING)
        .select_related("recipient", "practice")
        .order_by("created_at", "pk")
    )
    return _send(rows, now, lambda: emails.digest_message(rows[0].recipient, rows, mode))


def deliver_quietly(deliver_one, *args) -> str:
    """Run a delivery in-process (embedded mode, the command): an SMTP error is logged and
    the row waits for the next sweep, instead of breaking the sweep."""
    try:
        return deliver_one(*args)
    except RETRYABLE:
        return "retry"  # handed back, logged: the next sweep tries again
    except Exception:
        logger.exception("Reminder delivery failed for %s", args)
        return "failed"
