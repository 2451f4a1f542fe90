"""Where reminders come from and what each kind allows.

The sources are the spaces' contracts (``portal.spaces.SPACES``, their ``kinds`` and
``due``) then portal's own: the delegates' weekly digest and the delegates' suggestions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from portal import spaces, suggestions
from portal.notifications import delegates
from portal.notifications.models import Mode
from portal.reminders import Kind


@dataclass(frozen=True)
class Source:
    name: str
    kinds: dict[str, Kind]
    due: Callable


# A kind that is a digest itself: sent or not, never folded into another digest.
SELF_DIGESTED = {"delegate.weekly"}


def sources() -> list[Source]:
    """Every reminder source, in display order (the preferences page lists their kinds so)."""
    found = [Source(space.label, space.kinds, space.due) for space in spaces.SPACES if space.due]
    found.append(Source("delegates", delegates.KINDS, delegates.due))
    found.append(Source("suggestions", suggestions.KINDS, suggestions.due))
    return found


def all_kinds() -> dict[str, Kind]:
    kinds: dict[str, Kind] = {}
    for source in sources():
        kinds.update(source.kinds)
    return kinds


def kind_of(key: str, kinds: dict[str, Kind] | None = None) -> Kind:
    """The declared kind. A sent-log row keeps its kind's key: a row written before its kind
    was removed still shows, under its key and the common sentence."""
    kinds = all_kinds() if kinds is None else kinds
    return kinds.get(key) or Kind(key, key)


def allowed_modes(kind: Kind) -> list[str]:
    if kind.urgent:
        return [Mode.IMMEDIATE]
    if kind.key in SELF_DIGESTED:
        return [Mode.IMMEDIATE, Mode.OFF]
    return list(Mode.values)


def effective_mode(kind: Kind, own: str | None, default: str | None) -> str:
    """The mode that applies: the kind's choice, else the person's default, else immediate.

    Urgent kinds are immediate whatever is stored (the form never offers them, and a row
    written behind its back changes nothing). A mode the kind does not allow (a daily
    digest of the weekly delegate digest) falls back to immediate.
    """
    if kind.urgent:
        return Mode.IMMEDIATE
    mode = own or default or Mode.IMMEDIATE
    return mode if mode in allowed_modes(kind) else Mode.IMMEDIATE
