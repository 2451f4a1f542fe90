"""The audit trail's hash chains: what makes a changed, deleted, inserted or reordered event
visible.

Each practice has its own chain; events with no practice (platform-level: sign-ups, second
factor…) form one more, the "platform" chain. An event stores its position in its chain
(``seq``, from 1), the previous event's hash (``prev_hash``, empty for the first) and its own
``hash``: the SHA-256 of the canonical form below, which includes ``prev_hash``. Editing an
event breaks its own hash; deleting, inserting or swapping events breaks a ``prev_hash`` or
the run of ``seq``; deleting the newest events is seen against the chain's head row
(``AuditChainHead``, updated with each append) and, if the head row is rewritten too, against
the heads written to the append-only anchor log (``VIGIE_AUDIT_ANCHOR_LOG``) by each daily
check. Someone able to rewrite the database can recompute a whole chain: that is what the
anchors kept outside the database are for (see the README, "Journal d'audit infalsifiable").

Appending (``portal.audit.record``) locks the chain's head row (``SELECT … FOR UPDATE``), so
concurrent writers of one practice form one chain; it costs a constant number of queries.

The canonical form is versioned (``"v": 1``): JSON with sorted keys and no spaces, UTF-8,
times in UTC with microseconds, IP addresses compressed, integral floats as integers (a
PostgreSQL ``jsonb`` gives ``1.0`` back as ``1``).
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction

VERSION = 1
PLATFORM = "platform"


def chain_key(practice_id) -> str:
    return f"p{practice_id}" if practice_id else PLATFORM


def _json_value(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value


def _ip(value) -> str:
    if not value:
        return ""
    try:
        return ipaddress.ip_address(str(value)).compressed
    except ValueError:
        return str(value)


def _time(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(
    *,
    seq,
    practice_id,
    at,
    actor_id,
    actor_label,
    ip_address,
    action,
    target_type,
    target_id,
    target_label,
    changes,
    prev_hash,
) -> bytes:
    content = {
        "v": VERSION,
        "seq": seq,
        "practice": practice_id,
        "at": _time(at),
        "actor": actor_id,
        "actor_label": actor_label or "",
        "ip": _ip(ip_address),
        "action": action,
        "target_type": target_type or "",
        "target_id": target_id or "",
        "target_label": target_label or "",
        "changes": _json_value(changes or {}),
        "prev": prev_hash or "",
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


HASHED = (
    "seq",
    "practice_id",
    "at",
    "actor_id",
    "actor_label",
    "ip_address",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "changes",
    "prev_hash",
)


def event_hash(values) -> str:
    """SHA-256 (hex) of an event given as an object or a dict with the ``HASHED`` names."""
    if isinstance(values, dict):
        data = {name: values.get(name) for name in HASHED}
    else:
        data = {name: getattr(values, name) for name in HASHED}
    return hashlib.sha256(canonical(**data)).hexdigest()


def _head_model():
    from portal.models import AuditChainHead

    return AuditChainHead


def lock_head(practice_id):
    """The chain's head row, locked until the end of the caller's transaction (created on the
    chain's first event; two first writers meet on the unique key and the second waits)."""
    Head = _head_model()
    key = chain_key(practice_id)
    try:
        return Head.objects.select_for_update().get(key=key)
    except Head.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            return Head.objects.create(key=key, practice_id=practice_id)
    except IntegrityError:
        return Head.objects.select_for_update().get(key=key)


class Chainer:
    """Links rows given in chain order (dicts with the ``HASHED`` names but the chain's own):
    used by the migration that chained the events written before chains existed and by the
    benchmark's seed. ``heads`` maps a chain key to its ``(seq, hash)`` so far."""

    def __init__(self, heads: dict[str, tuple[int, str]] | None = None):
        self.heads = dict(heads or {})

    def link(self, row: dict) -> dict:
        key = chain_key(row.get("practice_id"))
        seq, prev = self.heads.get(key, (0, ""))
        row["seq"] = seq + 1
        row["prev_hash"] = prev
        row["hash"] = event_hash(row)
        self.heads[key] = (row["seq"], row["hash"])
        return row


# Verification ------------------------------------------------------------------------------


@dataclass
class Result:
    key: str
    practice_id: int | None
    count: int = 0
    head_seq: int = 0
    head_hash: str = ""
    broken_seq: int | None = None
    broken_id: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem

    def describe(self) -> str:
        where = f"chaîne {self.key}"
        if self.ok:
            return f"{where} : intègre, {self.count} événements, tête n° {self.head_seq}"
        at = f" à l'événement n° {self.broken_seq}" if self.broken_seq is not None else ""
        ident = f" (id {self.broken_id})" if self.broken_id is not None else ""
        return f"{where} : rompue{at}{ident} — {self.problem}"


@dataclass
class _Walk:
    result: Result
    expected_seq: int = 1
    prev_hash: str = ""
    done: bool = False
    watch: int | None = None  # the seq of the head read before the walk, and its hash
    watched: str = ""

    def fail(self, event, problem: str) -> None:
        self.result.broken_seq = event.seq if event is not None else self.expected_seq
        self.result.broken_id = event.pk if event is not None else None
        self.result.problem = problem
        self.done = True

    def step(self, event) -> None:
        if self.done:
            return
        self.result.count += 1
        if event.seq != self.expected_seq:
            if event.seq is None:
                self.fail(event, "événement hors chaîne (aucun numéro)")
            elif event.seq < self.expected_seq:
                self.fail(event, f"numéro {event.seq} en double ou déplacé")
            else:
                self.fail(
                    None,
                    f"événement(s) n° {self.expected_seq} à {event.seq - 1} manquant(s)",
                )
            return
        if event.prev_hash != self.prev_hash:
            self.fail(event, "le lien vers l'événement précédent ne correspond pas")
            return
        if event_hash(event) != event.hash:
            self.fail(event, "contenu modifié (l'empreinte ne correspond plus)")
            return
        if event.seq == self.watch:
            self.watched = event.hash
        self.expected_seq += 1
        self.prev_hash = event.hash


def _events(practice_id: int | None, platform: bool):
    from portal.models import AuditEvent

    events = AuditEvent.objects.order_by("practice_id", "seq", "id")
    if platform:
        events = events.filter(practice__isnull=True)
    elif practice_id is not None:
        events = events.filter(practice_id=practice_id)
    return events.only(*[name for name in HASHED if name != "practice_id"], "practice", "hash")


def _heads(practice_id, only: bool, platform: bool) -> dict:
    heads = _head_model().objects.all()
    if platform:
        heads = heads.filter(key=PLATFORM)
    elif only:
        heads = heads.filter(key=chain_key(practice_id))
    return {head.key: head for head in heads}


def verify(practice_id=None, *, only: bool = False, platform: bool = False) -> list[Result]:
    """Walk the chains (every chain, or one practice's with ``only``, or the platform's) and
    return one ``Result`` per chain, in one streamed query of the events.

    The head rows are read before and after the events: a chain must reach at least the head
    read before (else its newest events were deleted), with the same hash there, and go no
    further than the head read after (else events were added behind Vigie's back); events
    appended meanwhile by Vigie fall between the two.
    """
    before = _heads(practice_id, only, platform)
    walks: dict[str, _Walk] = {}
    for event in _events(practice_id if only else None, platform).iterator(chunk_size=2000):
        key = chain_key(event.practice_id)
        walk = walks.get(key)
        if walk is None:
            head = before.get(key)
            walk = walks[key] = _Walk(Result(key, event.practice_id))
            walk.watch = head.seq if head is not None else None
        walk.step(event)
    after = _heads(practice_id, only, platform)
    results = []
    for key in sorted(set(walks) | set(after)):
        head0, head1 = before.get(key), after.get(key)
        walk = walks.get(key) or _Walk(Result(key, head1.practice_id if head1 else None))
        result = walk.result
        last, last_hash = walk.expected_seq - 1, walk.prev_hash
        result.head_seq, result.head_hash = last, last_hash
        if walk.done:
            pass
        elif head1 is None:
            walk.fail(None, "aucune tête de chaîne enregistrée")
        elif head0 is not None and last < head0.seq:
            walk.fail(
                None, f"la chaîne s'arrête au n° {last} alors que sa tête est le n° {head0.seq}"
            )
            result.broken_seq = last + 1
        elif last > head1.seq:
            walk.fail(None, f"événement(s) au-delà de la tête de chaîne (n° {head1.seq})")
            result.broken_seq = head1.seq + 1
        elif head0 is not None and head0.seq and walk.watched != head0.hash:
            walk.fail(None, "l'empreinte de la tête de chaîne ne correspond pas")
            result.broken_seq = head0.seq
        if not result.ok:
            result.head_seq, result.head_hash = (head1.seq, head1.hash) if head1 else (0, "")
        results.append(result)
    return results


def check_anchors(results: Iterable[Result], path: Path | None = None) -> list[Result]:
    """Compare the anchors written earlier (``key seq hash`` lines) with the chains: an anchor
    whose event is gone or differs marks the chain broken (its tail was deleted or rewritten
    even if the head row was rewritten too). Reads one query per anchored chain at most."""
    from portal.models import AuditEvent

    path = path or anchor_log_path()
    if not path.exists():
        return list(results)
    latest: dict[str, tuple[int, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[2].isdigit():
            latest[parts[1]] = (int(parts[2]), parts[3])  # the last line of a chain wins
    results = list(results)
    for result in results:
        anchor = latest.get(result.key)
        if anchor is None or not result.ok:
            continue
        seq, digest = anchor
        if seq == 0:
            continue
        stored = (
            AuditEvent.objects.filter(practice_id=result.practice_id, seq=seq)
            .values_list("hash", flat=True)
            .first()
        )
        if stored != digest:
            result.broken_seq = seq
            result.problem = (
                f"l'ancre du {path.name} (n° {seq}, {digest[:12]}…) ne se retrouve plus dans "
                "la chaîne : sa fin a été supprimée ou réécrite"
            )
    return results


def anchor_log_path() -> Path:
    return Path(settings.VIGIE_AUDIT_ANCHOR_LOG)


def write_anchors(results: Iterable[Result], now: datetime, path: Path | None = None) -> None:
    """Append ``<UTC time> <chain> <seq> <hash>`` per intact chain to the anchor log (opened in
    append mode only; keep a copy elsewhere, e.g. shipped to another host by the system's
    log forwarding)."""
    path = path or anchor_log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        f"{_time(now)} {r.key} {r.head_seq} {r.head_hash}\n" for r in results if r.ok and r.head_seq
    ]
    if not lines:
        return
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.writelines(lines)


def store_results(results: Iterable[Result], now: datetime) -> None:
    """Keep each chain's last check on its head row (the audit page reads it: one query)."""
    Head = _head_model()
    for result in results:
        Head.objects.filter(key=result.key).update(
            checked_at=now,
            check_ok=result.ok,
            check_seq=result.head_seq if result.ok else result.broken_seq,
            check_message=result.describe()[:1000],
        )


def iter_problems(results: Iterable[Result]) -> Iterator[Result]:
    return (r for r in results if not r.ok)


def run_check(now: datetime, *, practice_id=None, only: bool = False) -> list[Result]:
    """Verify, compare with the anchors, store the results, append the intact heads to the
    anchor log and mail the operator (``ADMINS``) when a chain is broken."""
    from django.core.mail import mail_admins

    results = check_anchors(verify(practice_id, only=only))
    store_results(results, now)
    broken = list(iter_problems(results))
    if broken:
        mail_admins(
            f"Journal d'audit : {len(broken)} chaîne(s) rompue(s)",
            "La vérification du journal d'audit a trouvé :\n\n"
            + "\n".join(r.describe() for r in broken)
            + "\n\nDétail : python manage.py verify_audit\n",
        )
    write_anchors(results, now)
    return results


def head_of(practice):
    """The practice's head row (its last check included), or None before its first event."""
    return _head_model().objects.filter(key=chain_key(practice.pk)).first()
