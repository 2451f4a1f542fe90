"""Content loaders: each space ships versioned data files and a ``load()`` that upserts
them idempotently and returns a one-line summary (its contract's ``content``).
``manage.py load_content`` runs them all, in the order of ``portal.spaces.SPACES``.
"""

from portal import spaces


def load_all(stdout=None) -> list[str]:
    summaries = []
    for space in spaces.SPACES:
        if space.content is None:
            continue
        summaries.append(f"{space.label}: {space.content()}")
        if stdout is not None:
            stdout.write(summaries[-1])
    return summaries


# Dotted paths of the functions listing each space's legal statements with their sources
# (portal/sources.py); ``manage.py content_sources`` runs them all.
SOURCE_COLLECTORS: list[str] = [
    "registry.content.statements",
    "registry.cnil.statements",
    "registry.incidents.breach.statements",
    "practices.checklists.content.statements",
    "training.content.statements",
    "documents.crisis.statements",
    "documents.notice.statements",
]


def statements() -> list:
    found = []
    for dotted in SOURCE_COLLECTORS:
        module_name, func_name = dotted.rsplit(".", 1)
        found.extend(getattr(importlib.import_module(module_name), func_name)())
    return found
