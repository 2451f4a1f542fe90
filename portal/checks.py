"""``manage.py check`` refuses a space whose contract is missing, misnamed or incomplete.

Every app of the project but portal's own is a space: it declares ``SPACE = Space(...)`` in
its ``space.py``, and ``portal/spaces.py`` imports it. The check names what is wrong; it
never loads a space by name (it reads what ``portal.spaces`` imported).
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, register

# Portal composes the spaces: its apps (portal, portal.notifications, portal.psc…) are not
# spaces.
PORTAL = "portal"
HINT = (
    "Declare SPACE = Space(...) (portal/contract.py) in {module}.space and import it in "
    "portal/spaces.py; see ARCHITECTURE.md, « Adding a space »."
)


def space_apps(app_configs=None) -> list:
    """The apps of this project (not Django's, not a library's) that are spaces."""
    root = Path(settings.BASE_DIR).resolve()
    found = []
    for config in app_configs or apps.get_app_configs():
        path = Path(config.path).resolve()
        portal = config.name == PORTAL or config.name.startswith(f"{PORTAL}.")
        if root in path.parents and ".venv" not in path.parts and not portal:
            found.append(config)
    return found


def contract_errors(declared, app_configs, *, dashboard=(), console=()) -> list[Error]:
    """What is wrong with the contracts ``declared`` for the apps ``app_configs``."""
    from portal.contract import CALLABLE_FIELDS, SeedCoverage, Space
    from portal.reminders import Kind

    errors = []

    def error(message, module, number):
        errors.append(Error(message, hint=HINT.format(module=module), id=f"vigie.E{number:03d}"))

    by_module = {}
    for space in declared:
        if not isinstance(space, Space):
            error(f"{space!r} in portal.spaces.SPACES is not a Space.", "<the space>", 2)
            continue
        by_module[space_module(space)] = space
    for config in app_configs:
        module = f"{config.name}.space"
        contract = getattr(sys.modules.get(module), "SPACE", None)
        if module not in sys.modules:
            error(f"The space {config.name} has no contract: {module} is missing.", config.name, 1)
        elif not isinstance(contract, Space):
            error(f"{module} declares no SPACE (misnamed?).", config.name, 2)
        elif by_module.get(module) is not contract:
            error(f"{module}.SPACE is not in portal.spaces.SPACES.", config.name, 3)
    kinds_seen: dict[str, str] = {}
    for module, space in by_module.items():
        name = module.removesuffix(".space")
        app = next((c for c in app_configs if c.name == name), None)
        if app is not None and space.label != app.label:
            error(f"{module}: label {space.label!r} is not the app's {app.label!r}.", name, 4)
        for field in CALLABLE_FIELDS:
            value = getattr(space, field)
            if value is not None and not callable(value):
                error(f"{module}: {field} is neither a function nor None.", name, 5)
        if space.seed_coverage is not None and not (
            isinstance(space.seed_coverage, SeedCoverage) and callable(space.seed_coverage.collect)
        ):
            error(f"{module}: seed_coverage is not a SeedCoverage.", name, 5)
        if not isinstance(space.kinds, dict):
            error(f"{module}: kinds is not a dict of Kind.", name, 6)
            continue
        if bool(space.kinds) != (space.due is not None):
            error(
                f"{module}: reminder kinds and due() go together (one without the other).", name, 6
            )
        for key, kind in space.kinds.items():
            if not isinstance(kind, Kind) or kind.key != key:
                error(f"{module}: kind {key!r} is not Kind({key!r}, …).", name, 6)
            elif key in kinds_seen:
                error(f"{module}: kind {key!r} is also declared by {kinds_seen[key]}.", name, 6)
            else:
                kinds_seen[key] = module
    for space in dashboard:
        if getattr(space, "card", None) is None:
            error(f"{space_module(space)} is on the dashboard without a card.", space.label, 7)
    for space in console:
        if getattr(space, "console_figures", None) is None:
            error(f"{space_module(space)}: the console reads its console_figures.", space.label, 8)
    return errors


def space_module(space) -> str:
    """The module that declared ``space`` (its ``space.py``)."""
    for name, module in list(sys.modules.items()):
        if name.endswith(".space") and getattr(module, "SPACE", None) is space:
            return name
    return "<unknown>.space"


@register("vigie")
def space_contracts(app_configs=None, **kwargs) -> list[Error]:
    try:
        from portal import spaces
    except ImportError as error:
        return [
            Error(
                f"A space contract cannot be imported: {error}",
                hint=HINT.format(module=getattr(error, "name", None) or "<the space>"),
                id="vigie.E001",
            )
        ]
    return contract_errors(
        spaces.SPACES, space_apps(), dashboard=spaces.DASHBOARD, console=spaces.CONSOLE
    )
