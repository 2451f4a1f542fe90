"""Personal attestations: what each member confirms for themselves, and when it is due."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from portal import audit
from portal.texts import local
from practices.checklists.content import _data
from practices.checklists.models import Attestation


def definition() -> dict:
    return _data()["attestations"]


def validity() -> timedelta:
    return timedelta(days=definition()["cadence_days"])


def items() -> list[dict]:
    return [{"key": i["key"], "text": local(i["text"])} for i in definition()["items"]]


def status(practice, user, now: datetime) -> list[dict]:
    """Each statement with its last confirmation and whether it is due again (one query)."""
    last = dict(
        Attestation.objects.filter(practice=practice, user=user)
        .values("key")
        .annotate(at=Max("confirmed_at"))
        .values_list("key", "at")
    )
    return [
        {
            **item,
            "confirmed_at": last.get(item["key"]),
            "due": last.get(item["key"]) is None or last[item["key"]] + validity() <= now,
        }
        for item in items()
    ]


@transaction.atomic
def attest(*, practice, user, keys: list[str], request=None) -> int:
    known = {i["key"] for i in items()}
    now = timezone.now()
    rows = [
        Attestation(practice=practice, user=user, key=k, confirmed_at=now)
        for k in keys
        if k in known
    ]
    Attestation.objects.bulk_create(rows)
    if rows:
        audit.record(
            request=request,
            actor=user,
            practice=practice,
            action="attestation.confirm",
            target_label=user.email,
            changes={r.key: [None, True] for r in rows},
        )
    return len(rows)
