"""The registry's contract (see portal/contract.py)."""

from portal.contract import Space
from registry import content, demo, figures, reminders

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
    seed_coverage=None,
)
