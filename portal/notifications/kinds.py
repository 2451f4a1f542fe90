"""Where reminders come from (the spaces' ``reminders.py``) and what each kind allows."""

from __future__ import annotations

import importlib
from types import ModuleType

from portal.notifications.models import Mode
from portal.reminders import Kind

# Modules following the contract of portal/reminders.py, in display order. A space not
# written yet is skipped (its module does not exist); any other import error is raised.
REMINDER_SOURCES = [
    "practices.reminders",
    "practices.checklists.reminders",
    "registry.reminders",
    "registry.incidents.reminders",
    "training.reminders",
    "documents.reminders",
    "portal.notifications.delegates",
    "portal.suggestions",
]

# A kind that is a digest itself: sent or not, never folded into another digest.
SELF_DIGESTED = {"delegate.weekly"}


def sources() -> list[ModuleType]:
    modules = []
    for name in REMINDER_SOURCES:
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as error:
            if error.name != name:
                raise  # a real missing dependency inside the space, not an absent space
    return modules


def all_kinds() -> dict[str, Kind]:
    kinds: dict[str, Kind] = {}
    for module in sources():
        kinds.update(module.KINDS)
    return kinds


def kind_of(key: str, kinds: dict[str, Kind] | None = None) -> Kind:
    """The declared kind, or a plain non-urgent one for a key no source declares."""
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
