"""The checklists' contract (see portal/contract.py)."""

from portal.contract import SeedCoverage, Space
from practices.checklists import content, demo, figures, reminders

SPACE = Space(
    label="checklists",
    kinds=reminders.KINDS,
    due=reminders.due,
    card=figures.card,
    banners=None,
    console_figures=figures.console_figures,
    console_changes=figures.console_changes,
    demo=demo.seed,
    content=content.load,
    statements=content.statements,
    seed_coverage=SeedCoverage(
        label="contrôle",
        option="checklists",
        default=content.CONTENT,
        collect=content.seed_coverage,
    ),
)
