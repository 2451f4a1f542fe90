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

from django.db import models

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
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


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
    """Append one event. ``actor`` defaults to the request's user."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return AuditEvent.objects.create(
        practice=practice,
        actor=actor,
        actor_label=getattr(actor, "email", "") or "",
        ip_address=client_ip(request),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(getattr(target, "pk", "") or ""),
        target_label=(target_label if target_label is not None else str(target or ""))[:255],
        changes={k: _plain(v) for k, v in (changes or {}).items()},
    )
