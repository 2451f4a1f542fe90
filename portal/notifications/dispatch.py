"""Sending rows in this process, when there is no worker (embedded mode, ``send_reminders``).

Queueing them for the workers is ``portal.notifications.tasks`` (the one module that knows
Celery). An SMTP failure here is logged and the row waits for the next sweep.
"""

from __future__ import annotations

from portal.notifications import delivery


def send_inline(ids) -> int:
    """Deliver in this process; returns how many rows were handed over (all of them)."""
    for pk in ids:
        delivery.deliver_quietly(delivery.deliver, pk)
    return len(ids)


def digests_inline(mode: str) -> int:
    user_ids = delivery.digest_recipients(mode)
    for user_id in user_ids:
        delivery.deliver_quietly(delivery.deliver_digest, user_id, mode)
    return len(user_ids)
