"""The spaces portal composes: their contracts, imported explicitly, here and only here.

A new space adds its ``space.py`` and one line below; ``manage.py check`` refuses a space
app whose contract is missing from this list, misnamed or incomplete (portal/checks.py).
"""

from documents.space import SPACE as documents
from practices.checklists.space import SPACE as checklists
from practices.space import SPACE as practices
from registry.incidents.space import SPACE as incidents
from registry.processors.space import SPACE as processors
from registry.rights.space import SPACE as rights
from registry.space import SPACE as registry
from training.space import SPACE as training

# Every space, in the order their reminders, content and demo data are taken.
SPACES = (practices, checklists, registry, processors, incidents, rights, training, documents)
# The practice dashboard's cards, in display order.
DASHBOARD = (registry, processors, incidents, rights, training, checklists)
# The spaces whose figures make the delegate console's row.
CONSOLE = (checklists, registry, processors, incidents, rights, training, documents)

__all__ = [
    "CONSOLE",
    "DASHBOARD",
    "SPACES",
    "checklists",
    "documents",
    "incidents",
    "practices",
    "processors",
    "registry",
    "rights",
    "training",
]
