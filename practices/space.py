"""The team space's contract (see portal/contract.py): the invitation reminder."""

from portal.contract import Space
from practices import reminders

SPACE = Space(
    label="practices",
    kinds=reminders.KINDS,
    due=reminders.due,
    card=None,
    banners=None,
    console_figures=None,
    console_changes=None,
    demo=None,  # the demo's practices and people are portal.demo's base cast
    content=None,
    statements=None,
    seed_coverage=None,
)
