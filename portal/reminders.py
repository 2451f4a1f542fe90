"""The reminder part of a space's contract (``portal.contract.Space``): kinds and due items.

A space declares:

* its ``kinds``: ``{kind: Kind(...)}``, each with its label, its sentence (``headline``)
  and, when it is not the common one, the mail template it is written with;
* ``due(now) -> Iterable[Due]``: what is due at ``now``, in a constant number of queries
  whatever the number of practices (select ``due_at <= now``, never equality on a date).
  A source whose objects are many stores on each row when it is next due (a
  ``remind_at`` column, indexed, as healthchecks stores ``alert_after`` on a check),
  reads only the rows with ``remind_at <= now``, and says with ``Due.then`` when the row
  is due next: the sweep writes it in the transaction that writes the sent-log. A
  ``remind_at`` earlier than needed is harmless (the row is read, the sent-log drops
  what was sent); so a change to the object sets it back to its first step.

It says *what* is due, never *how* to send: portal decides recipients (explicit users or
everyone holding a role in the practice), writes one sent-log row per
(kind, object_key, recipient, step) under a unique constraint, and queues the sending task.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext

from portal.texts import local

# Dates as on every page of the portal (dd/mm/yyyy, Paris time), in both languages: the
# long format wrote "1 décembre" for "1er décembre" and "Dec. 1, 2026" in English.
DATE = "d/m/Y"
DATETIME = "d/m/Y H:i"


def when(value, fmt=DATE) -> str:
    """A date of a reminder's context (ISO text or datetime) as the reader reads it."""
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is None:
        return str(value or "")
    return date_format(timezone.localtime(moment), fmt)


def title(context: dict) -> str:
    """The item's title in the active language: ``title`` (French) and ``title_en``, or a
    ``{"fr": …, "en": …}`` text as the content files give it."""
    value = context.get("title") or ""
    if isinstance(value, dict):
        return local(value)
    return local({"fr": value, "en": context.get("title_en")})


def labelled(label, context: dict) -> str:
    """The common sentence: the kind's label, the item's title and its date, if any."""
    name = title(context) or context.get("name")
    date = next(
        (
            context[k]
            for k in ("due_at", "until", "expires_at", "review_at", "deadline")
            if context.get(k)
        ),
        None,
    )
    # ":" is Django's own msgid: " :" (no-break space) in French, ":" in English.
    text = f"{label}{gettext(':')} {name}" if name else str(label)
    if date:
        text += " — " + gettext("échéance le %(date)s") % {"date": when(date)}
    return text


@dataclass(frozen=True)
class Kind:
    key: str
    label: str  # lazy-translated label, shown in preferences and in the mail's subject
    # Urgent kinds (incident deadlines) are always sent at once, never digested or muted.
    urgent: bool = False
    # ``headline(context, step) -> str``: what is due, in one sentence, in the active
    # language; without one, the common sentence (label, title, date).
    headline: Callable[[dict, str], str] | None = None
    # The mail templates (``notifications/email/<template>.txt`` and ``.html``).
    template: str = "reminder"
    # ``digest(user, row) -> dict | None``: the content of a kind that is a digest itself,
    # computed when the mail is written; None: nothing to say, no mail.
    digest: Callable | None = None
    # The roles whose holders may receive it (its ``Due`` rows name only these): the
    # preferences page lists a kind only to a person holding one of them.
    audience: frozenset[str] = frozenset({"admin", "staff"})

    def sentence(self, context: dict, step: str) -> str:
        if self.headline is None:
            return labelled(self.label, context)
        return self.headline(context, step)


@dataclass(frozen=True)
class Next:
    """When the row a reminder comes from is due next (None: no step left): the sweep
    sets ``model.<column>`` of row ``pk`` to ``at`` once the sent-log is written."""

    model: type
    pk: int
    at: datetime | None
    column: str = "remind_at"


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
    # What the row is due for next, once this reminder is written (sources with remind_at).
    then: Next | None = None
    # Only members who had joined the practice by this moment (a period that ended before
    # someone arrived is not theirs to be reminded of); None: every recipient.
    joined_by: datetime | None = None


# Row ids per UPDATE when storing next times (SQLite allows 32,766 parameters).
STORE_BATCH = 5_000


def store_next(items: Iterable[Next]) -> int:
    """Store each row's next time: one UPDATE per model, column and time (rows of a kind
    share their times, see ``coarse``), whatever the number of rows. Returns the rows."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for item in items:
        groups[(item.model, item.column, item.at)].append(item.pk)
    for (model, column, at), pks in groups.items():
        for start in range(0, len(pks), STORE_BATCH):
            chunk = pks[start : start + STORE_BATCH]
            model._base_manager.filter(pk__in=chunk).update(**{column: at})
    return sum(len(pks) for pks in groups.values())


def coarse(moment: datetime | None, now: datetime) -> datetime | None:
    """A next time brought forward to the start of its day (UTC), so that the rows of a
    kind share a few times and are stored in a few UPDATEs. Earlier is harmless (the row
    is read and given its next time again); a time already come stays as it is."""
    if moment is None:
        return None
    day = moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day if day > now else moment
