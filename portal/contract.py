"""The contract between a space and portal: each space declares one ``Space`` in the
``space.py`` at its root (``SPACE = Space(...)``), and ``portal/spaces.py`` imports them all,
explicitly. Portal composes what the spaces declare (dashboard cards, console figures,
reminders, demo data, content, seed coverage); spaces never import each other for that, and
portal never looks a space up by name.

Every field is given, ``None`` where the space has nothing to offer: a forgotten field is a
``TypeError`` when the space is imported, and ``manage.py check`` (``portal/checks.py``)
refuses a contract that is missing, misnamed or incomplete, naming it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path

from portal.reminders import Kind


@dataclass(frozen=True)
class SeedCoverage:
    """What a space's content says about the good-practice sheet's bullets."""

    label: str  # how ``seed_coverage`` names its lines ("contrôle", "quiz")
    option: str  # the command's option that points at other content (tests, drafts)
    default: Path
    collect: Callable[[Path], dict[str, list[str]]]  # bullet id → texts that cover it


@dataclass(frozen=True, kw_only=True)
class Space:
    label: str  # the app label ("registry", "incidents")
    kinds: dict[str, Kind]  # reminder kinds it owns
    due: Callable | None  # due(now) -> Iterable[Due]
    card: Callable | None  # card(practice, role) -> Card: the practice dashboard's card
    # banners(practice, role) -> [Banner]: something to do now, above the dashboard's cards
    banners: Callable | None
    console_figures: Callable | None  # (practice_ids, now) -> {practice_id: {...}}
    # (practice_ids, since, now) -> {practice_id: {...}}: for the console's weekly digest
    console_changes: Callable | None
    demo: Callable | None  # seed(cast) -> None, for manage.py seed_demo
    content: Callable | None  # load() -> one-line summary, for manage.py load_content
    # statements() -> [Statement]: legal statements with their sources (portal/sources.py)
    statements: Callable | None
    seed_coverage: SeedCoverage | None


CALLABLE_FIELDS = tuple(
    f.name for f in fields(Space) if f.name not in ("label", "kinds", "seed_coverage")
)
