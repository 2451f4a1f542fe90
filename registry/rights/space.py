"""The rights requests' contract (see portal/contract.py)."""

from portal.contract import Space
from registry.rights import demo, figures, reminders, statements

SPACE = Space(
    label="rights",
    kinds=reminders.KINDS,
    due=reminders.due,
    card=figures.card,
    banners=None,
    console_figures=figures.console_figures,
    console_changes=None,
    demo=demo.seed,
    content=None,  # the rules and letters are in deadlines.py and the templates
    statements=statements.statements,
    seed_coverage=None,
)
