"""The sweep: what is due, for whom, written once to the sent-log, then queued for sending.

Idempotent, so beat may run it as often as it likes, twice at once, or after a week off:
the unique key (kind, object_key, recipient, step) turns a second finding into nothing, and
rows still unsent (a task lost with its worker, a broker that was down) are queued again.

Queries are constant whatever the number of practices: each source's own (see
portal/reminders.py), then at most four to resolve recipients and preferences, one insert,
one update per model and next time to store on the source rows when they are due next,
one select of the rows to queue, one update of their queue time.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portal.notifications import conf
from portal.notifications import kinds as reminder_sources
from portal.notifications.kinds import all_kinds, effective_mode, kind_of
from portal.notifications.models import Mode, NotificationPreference, SentReminder, Status
from portal.reminders import Due, store_next

logger = logging.getLogger(__name__)
# Rows queued by one sweep at most; the rest wait for the next one.
QUEUE_LIMIT = 10_000


@dataclass
class SweepStats:
    due: int = 0
    rows: int = 0
    queued: int = 0
    queue_failed: int = 0
    advanced: int = 0  # source rows whose next reminder time was stored
    seconds: float = 0.0
    by_kind: dict[str, int] = field(default_factory=dict)
    # {source: {"due": items it yielded, "seconds": time it took}}: where a sweep spends.
    by_source: dict[str, dict] = field(default_factory=dict)
    broken_sources: list[str] = field(default_factory=list)


def collect(now, stats: SweepStats) -> list[Due]:
    """Every source's due items; a source that raises is logged and skipped, not fatal."""
    found: list[Due] = []
    for source in reminder_sources.sources():
        started, before = time.monotonic(), len(found)
        try:
            found.extend(source.due(now))
        except Exception:
            logger.exception("Reminder source %s failed", source.name)
            stats.broken_sources.append(source.name)
        stats.by_source[source.name] = {
            "due": len(found) - before,
            "seconds": round(time.monotonic() - started, 3),
        }
    return found


def _role_holders(dues: list[Due]) -> dict[tuple[int, str], list[int]]:
    """``{(practice_id, role): [user_id]}`` for the roles the due items name (1-2 queries)."""
    from practices.models import Membership, Oversight

    practice_ids = {d.practice_id for d in dues if d.roles and d.practice_id}
    roles = {role for d in dues for role in d.roles}
    holders: dict[tuple[int, str], list[int]] = defaultdict(list)
    if not practice_ids:
        return holders
    members = Membership.objects.filter(
        practice_id__in=practice_ids, role__in=roles, user__is_active=True
    ).values_list("practice_id", "role", "user_id")
    for practice_id, role, user_id in members.order_by():
        holders[(practice_id, role)].append(user_id)
    if "delegate" in roles:
        grants = Oversight.objects.filter(
            practice_id__in=practice_ids, revoked_at=None, delegate__is_active=True
        ).values_list("practice_id", "delegate_id")
        for practice_id, user_id in grants.order_by():
            holders[(practice_id, "delegate")].append(user_id)
    return holders


def _joined(dues: list[Due]) -> dict[tuple[int, int], object]:
    """``{(practice_id, user_id): joined_at}`` in the practices of the due items that are
    for members who had joined by a moment (one query, none if no item asks)."""
    from practices.models import Membership

    practice_ids = {d.practice_id for d in dues if d.joined_by is not None}
    if not practice_ids:
        return {}
    rows = Membership.objects.filter(practice_id__in=practice_ids).values_list(
        "practice_id", "user_id", "joined_at"
    )
    return {(practice_id, user_id): at for practice_id, user_id, at in rows.order_by()}


def recipients(dues: list[Due]) -> list[list[int]]:
    """The people each due item goes to, in the same order (explicit users and role holders),
    without those who joined the practice after the item's ``joined_by``."""
    holders = _role_holders(dues)
    joined = _joined(dues)
    explicit = {user_id for d in dues for user_id in d.user_ids}
    active = set()
    if explicit:
        users = get_user_model().objects.filter(pk__in=explicit, is_active=True)
        active = set(users.values_list("pk", flat=True))
    result = []
    for due in dues:
        people = [u for u in due.user_ids if u in active]
        for role in due.roles:
            people.extend(holders.get((due.practice_id, role), ()))
        if due.joined_by is not None:
            people = [
                u
                for u in people
                if (at := joined.get((due.practice_id, u))) is None or at <= due.joined_by
            ]
        result.append(list(dict.fromkeys(people)))
    return result


def _preferences(user_ids: Iterable[int]) -> dict[tuple[int, str], str]:
    rows = NotificationPreference.objects.filter(user_id__in=set(user_ids))
    return {
        (user_id, kind): mode for user_id, kind, mode in rows.values_list("user_id", "kind", "mode")
    }


def build_rows(dues: list[Due], now) -> list[SentReminder]:
    kinds = all_kinds()
    people = recipients(dues)
    prefs = _preferences(u for group in people for u in group)
    rows: dict[tuple, SentReminder] = {}
    for due, group in zip(dues, people, strict=True):
        kind = kind_of(due.kind, kinds)
        for user_id in group:
            mode = effective_mode(kind, prefs.get((user_id, due.kind)), prefs.get((user_id, "")))
            key = (due.kind, due.object_key, user_id, due.step)
            rows.setdefault(
                key,
                SentReminder(
                    kind=due.kind,
                    object_key=due.object_key,
                    step=due.step,
                    recipient_id=user_id,
                    practice_id=due.practice_id,
                    url=due.url,
                    context=due.context,
                    delivery=mode,
                    status=Status.MUTED if mode == Mode.OFF else Status.PENDING,
                    created_at=now,
                ),
            )
    return list(rows.values())


def to_queue(now) -> list[int]:
    """Immediate rows to hand to a worker: never queued, queued long ago, or held by a
    worker presumed dead (one query)."""
    stale_queue = now - conf.requeue_after()
    stale_claim = now - conf.claim_timeout()
    waiting = Q(status=Status.PENDING) & (Q(queued_at=None) | Q(queued_at__lt=stale_queue))
    lost = Q(status=Status.SENDING, claimed_at__lt=stale_claim)
    rows = SentReminder.objects.filter(waiting | lost, sent_at=None, delivery=Mode.IMMEDIATE)
    return list(rows.order_by("pk").values_list("pk", flat=True)[:QUEUE_LIMIT])


def advance(dues: list[Due]) -> int:
    """Store on each source row when it is due next (``Due.then``), in a few UPDATEs."""
    return store_next(due.then for due in dues if due.then is not None)


def run_sweep(now=None, *, enqueue: Callable[[list[int]], int]) -> SweepStats:
    """One sweep at ``now``: collect, write once, queue. The benchmark hook.

    ``enqueue(ids) -> int`` hands the rows on and says how many of the first ids it handed
    over: ``tasks.enqueue_sends`` (the Celery workers, or in-process in embedded mode) from
    beat, ``dispatch.send_inline`` from the command, ``len`` from the benchmark.
    Run outside a transaction: the rows must be committed before a worker looks for them.
    """
    now = now or timezone.now()
    started = time.monotonic()
    stats = SweepStats()
    dues = collect(now, stats)
    stats.due = len(dues)
    rows = build_rows(dues, now)
    stats.rows = len(rows)
    for row in rows:
        stats.by_kind[row.kind] = stats.by_kind.get(row.kind, 0) + 1
    with transaction.atomic():
        SentReminder.objects.bulk_create(rows, ignore_conflicts=True)
        stats.advanced = advance(dues)
    ids = to_queue(now)
    stats.queued = enqueue(ids)
    stats.queue_failed = len(ids) - stats.queued
    if stats.queued:
        handed = ids[: stats.queued]
        SentReminder.objects.filter(pk__in=handed, sent_at=None).update(queued_at=now)
    stats.seconds = time.monotonic() - started
    logger.info("Reminder sweep: %s", stats)
    return stats
