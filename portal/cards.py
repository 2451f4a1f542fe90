"""What a space shows on the practice dashboard: one card, a few figures, a link.

Each space exposes ``card(practice, role) -> Card`` in its ``figures`` module; the
dashboard (portal.views) composes them, so spaces never import each other.
"""

from dataclasses import dataclass, field


@dataclass
class Figure:
    label: str
    value: object
    # "ok", "warn", "bad" or "" (neutral): drives the colour and the text badge.
    status: str = ""


@dataclass
class Card:
    title: str
    url: str
    figures: list[Figure] = field(default_factory=list)
    status: str = ""
    summary: str = ""
    actions: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Banner:
    """A line above the dashboard's cards: something to do now (« à réimprimer »)."""

    text: str
    url: str
    action: str
    status: str = "warn"
