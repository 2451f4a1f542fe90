"""The training space's contract (see portal/contract.py)."""

from portal.contract import SeedCoverage, Space
from training import content, demo, figures, reminders

SPACE = Space(
    label="training",
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
        label="quiz",
        option="modules",
        default=content.MODULES_DIR,
        collect=content.seed_coverage,
    ),
)
