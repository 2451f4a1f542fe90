"""Handing rows to the workers, or sending them in-process when there are none.

A broker that is down must not break the caller (beat, the command, a web request): the
failure is logged, the rows stay unqueued, and the next sweep queues them.
"""

from __future__ import annotations

import logging

from kombu.exceptions import OperationalError

from portal.notifications import delivery

logger = logging.getLogger(__name__)
BROKER_ERRORS = (OperationalError, OSError)
# Publish retries: short, a sweep comes back in 15 minutes anyway.
RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}


def _eager(task) -> bool:
    return bool(task.app.conf.task_always_eager)


def send_inline(ids) -> int:
    """Deliver in this process (embedded mode, ``send_reminders``)."""
    for pk in ids:
        delivery.deliver_quietly(delivery.deliver, pk)
    return len(ids)


def enqueue_sends(ids) -> int:
    """Queue one send task per row, in order; stop at the first broker error.

    Returns how many of the first ``ids`` were handed over (the sweep stamps them).
    """
    from portal.notifications.tasks import send

    if ids and _eager(send):
        return send_inline(ids)
    for done, pk in enumerate(ids):
        try:
            send.apply_async((pk,), retry_policy=RETRY_POLICY)
        except BROKER_ERRORS as error:
            logger.warning("Broker unavailable, %s reminders wait: %s", len(ids) - done, error)
            return done
    return len(ids)


def digests_inline(mode: str) -> int:
    user_ids = delivery.digest_recipients(mode)
    for user_id in user_ids:
        delivery.deliver_quietly(delivery.deliver_digest, user_id, mode)
    return len(user_ids)


def enqueue_digests(mode: str) -> tuple[int, int]:
    """Queue one digest task per person with waiting rows. ``(queued, failed)``."""
    from portal.notifications.tasks import send_digest

    if _eager(send_digest):
        return digests_inline(mode), 0
    user_ids = delivery.digest_recipients(mode)
    for done, user_id in enumerate(user_ids):
        try:
            send_digest.apply_async((user_id, mode), retry_policy=RETRY_POLICY)
        except BROKER_ERRORS as error:
            logger.warning("Broker unavailable, %s digests wait: %s", len(user_ids) - done, error)
            return done, len(user_ids) - done
    return len(user_ids), 0
