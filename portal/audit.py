"""The audit trail: one call per change, old and new values, never edited.

Usage from any app::

    before = audit.snapshot(entry, ["name", "status"])
    ... change entry ...
    audit.record(request=request, practice=practice, action="activity.update",
                 target=entry, changes=audit.diff(before, audit.snapshot(entry, [...])))
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from portal import audit_chain
from portal.models import AuditEvent


def _plain(value: Any) -> Any:
    """A JSON-safe rendering of a field value."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str | dict):
        return value
    return str(value)


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    return {name: _plain(getattr(instance, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """``{field: [old, new]}`` for the fields whose value changed."""
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def client_ip(request) -> str | None:
    """The client's address, read through our trusted proxies (``VIGIE_TRUSTED_PROXIES``)."""
    if request is None:
        return None
    from django.conf import settings

    address = request.META.get("REMOTE_ADDR") or None
    proxies = settings.VIGIE_TRUSTED_PROXIES
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if proxies > 0 and forwarded:
        # Our nearest proxy appended the address it saw last; n proxies → n-th from the
        # right. Fewer entries than proxies: a request that bypassed one, use the nearest.
        address = forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]
    return address


def actor_label(actor) -> str:
    """Who did it, as it stays in the trail: the e-mail, and the RPPS verified by Pro Santé
    Connect when the person has linked it."""
    label = getattr(actor, "email", "") or ""
    rpps = getattr(actor, "rpps", "")
    return f"{label} (RPPS {rpps})" if label and rpps else label


def record(
    *,
    action: str,
    target: models.Model | None = None,
    practice=None,
    actor=None,
    request=None,
    changes: dict | None = None,
    target_label: str | None = None,
) -> AuditEvent:
    """Append one event to its practice's hash chain (``portal/audit_chain.py``).

    ``actor`` defaults to the request's user. Constant cost: the chain's head row locked
    (``SELECT … FOR UPDATE``), the event inserted, the head moved (plus the savepoint's two
    statements inside a caller's transaction); concurrent writers of a practice wait on the
    head row, so they form one chain.
    """
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    practice_id = getattr(practice, "pk", practice)
    event = AuditEvent(
        practice_id=practice_id,
        actor=actor,
        actor_label=actor_label(actor),
        ip_address=client_ip(request),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(getattr(target, "pk", "") or ""),
        target_label=(target_label if target_label is not None else str(target or ""))[:255],
        changes={k: _plain(v) for k, v in (changes or {}).items()},
    )
    with transaction.atomic():
        head = audit_chain.lock_head(practice_id)
        # Stamped under the lock: a chain's times never go backwards.
        event.at = timezone.now()
        event.seq = head.seq + 1
        event.prev_hash = head.hash
        event.hash = audit_chain.event_hash(event)
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event
