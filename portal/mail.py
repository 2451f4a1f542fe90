"""Mail that leaves only once the change it announces is committed, and never turns that
committed change into an error page.

``send_after_commit(send)`` runs ``send`` when the current transaction commits. A mail that
cannot leave (SMTP down or refusing, a header Django refuses) is logged and its
``Delivery`` says so: a view that ran the change outside the request's transaction
(``transaction.non_atomic_requests``) reads ``delivery.sent`` and tells the person; anyone
else simply gets the change saved and the failure logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass
class Delivery:
    """``sent`` is None until the transaction commits, then True or False."""

    what: str
    sent: bool | None = None

    @property
    def failed(self) -> bool:
        return self.sent is False


def send_after_commit(send: Callable[[], object], what: str) -> Delivery:
    delivery = Delivery(what)

    def run():
        try:
            send()
        except (ValueError, OSError):  # BadHeaderError is a ValueError, SMTP errors OSErrors
            logger.exception("Mail not sent: %s", what)
            delivery.sent = False
        else:
            delivery.sent = True

    transaction.on_commit(run)
    return delivery
