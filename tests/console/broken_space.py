"""A space module whose own dependency is missing (for the console's import tolerance)."""

import vigie_dependency_that_is_not_installed  # noqa: F401


def console_figures(practice_ids):
    return {}
