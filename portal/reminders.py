"""The reminder contract between the spaces and portal's sending plumbing.

Each space has a ``reminders.py`` exposing:

* ``KINDS``: ``{kind: Kind(...)}`` for the kinds it owns;
* ``due(now) -> Iterable[Due]``: what is due at ``now``, in a constant number of queries
  whatever the number of practices (select ``due_at <= now``, never equality on a date).

It says *what* is due, never *how* to send: portal decides recipients (explicit users or
everyone holding a role in the practice), writes one sent-log row per
(kind, object_key, recipient, step) under a unique constraint, and queues the sending task.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Kind:
    key: str
    label: str  # lazy-translated label, shown in preferences
    # Urgent kinds (incident deadlines) are always sent at once, never digested or muted.
    urgent: bool = False


@dataclass(frozen=True)
class Due:
    kind: str
    practice_id: int | None
    # Stable identity of the object the reminder is about, e.g. "checklists.run:<uuid>".
    object_key: str
    # The escalation step, e.g. "d-3", "overdue", "24h"; one send per step.
    step: str
    # Path (no host) of the exact page to act on.
    url: str
    # JSON-safe values for the e-mail template (title, due date as ISO text, …).
    context: dict = field(default_factory=dict)
    # Recipients: explicit users, or everyone holding one of these roles in the practice.
    user_ids: tuple[int, ...] = ()
    roles: tuple[str, ...] = ()
