"""The registry's contract (see portal/contract.py)."""

from portal.contract import Space
from registry import cnil, content, demo, figures, reminders


def statements() -> list:
    """The presets' statements, then the CNIL model's."""
    return [*content.statements(), *cnil.statements()]


SPACE = Space(
    label="registry",
    kinds=reminders.KINDS,
    due=reminders.due,
    card=figures.card,
    banners=None,
    console_figures=figures.console_figures,
    console_changes=figures.console_changes,
    demo=demo.seed,
    content=content.load,
    statements=statements,
    seed_coverage=None,
)
