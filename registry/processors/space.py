"""The processors space's contract (see portal/contract.py)."""

from portal.contract import Space
from registry.processors import demo, figures, reminders, rules

SPACE = Space(
    label="processors",
    kinds=reminders.KINDS,
    due=reminders.due,
    card=figures.card,
    banners=None,
    console_figures=figures.console_figures,
    console_changes=None,
    demo=demo.seed,
    content=None,
    statements=rules.statements,
    seed_coverage=None,
)
