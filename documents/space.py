"""The documents space's contract (see portal/contract.py): the crisis card's and the
patient notice's banners, the notice's reminder."""

from documents import crisis, figures, notice, reminders
from portal.contract import Space


def statements() -> list:
    """The crisis card's statements, then the patient notice's."""
    return [*crisis.statements(), *notice.statements()]


SPACE = Space(
    label="documents",
    kinds=reminders.KINDS,
    due=reminders.due,
    card=None,
    banners=figures.banners,
    console_figures=figures.console_figures,
    console_changes=None,
    demo=None,
    content=None,  # the crisis card's text is read from its file when the card is built
    statements=statements,
    seed_coverage=None,
)
