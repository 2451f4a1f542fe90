"""Content loaders: each space ships versioned data files and a ``load()`` that upserts
them idempotently and returns a one-line summary. ``manage.py load_content`` runs them all.
"""

import importlib

# Dotted paths of the loaders, in dependency order. Each space adds its own.
CONTENT_LOADERS: list[str] = [
    "practices.checklists.content.load",
    "registry.content.load",
    "training.content.load",
]


def load_all(stdout=None) -> list[str]:
    summaries = []
    for dotted in CONTENT_LOADERS:
        module_name, func_name = dotted.rsplit(".", 1)
        loader = getattr(importlib.import_module(module_name), func_name)
        summary = loader()
        summaries.append(f"{dotted}: {summary}")
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
