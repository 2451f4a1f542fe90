"""Content: each space ships versioned data files and a ``load()`` that upserts them
idempotently and returns a one-line summary (its contract's ``content``), and lists the
legal statements of its content with their sources (its contract's ``statements``).
``manage.py load_content`` and ``manage.py content_sources`` run them all, in the order of
``portal.spaces.SPACES``.
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


def collectors() -> list:
    """Each space's ``statements() -> [Statement]``: its legal statements with their sources
    (portal/sources.py); ``manage.py content_sources`` runs them all."""
    return [space.statements for space in spaces.SPACES if space.statements is not None]


def statements() -> list:
    return [statement for collect in collectors() for statement in collect()]
