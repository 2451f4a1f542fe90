"""The incident register's contract (see portal/contract.py)."""

from portal.contract import Space
from registry.incidents import breach, demo, figures, reminders

SPACE = Space(
    label="incidents",
    kinds=reminders.KINDS,
    due=reminders.due,
    card=figures.card,
    banners=None,
    console_figures=figures.console_figures,
    console_changes=figures.console_changes,
    demo=demo.seed,
    content=None,  # the reflexes are read from their file when shown (breach.reflexes_for)
    statements=breach.statements,
    seed_coverage=None,
)
