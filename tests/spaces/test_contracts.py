"""One explicit contract per space (portal/contract.py), composed by portal/spaces.py, and a
system check that refuses a missing, misnamed or incomplete one, naming it."""

import os
import subprocess
import sys
import types
from dataclasses import replace
from pathlib import Path

import pytest
from django.apps import apps

from portal import checks, spaces
from portal.contract import Space
from portal.reminders import Kind

ROOT = Path(__file__).resolve().parents[2]


def codes(errors) -> list[str]:
    return [error.id for error in errors]


def test_every_space_app_has_its_contract_and_the_check_passes():
    labels = {config.label for config in checks.space_apps()}
    assert labels == {space.label for space in spaces.SPACES}
    assert labels >= {"practices", "checklists", "registry", "incidents", "training"}
    assert checks.space_contracts() == []


def test_manage_py_check_stops_on_a_space_without_contract():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.spaces.settings_spaceless"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "vigie.E001" in result.stderr
    assert "tests.spaces.spaceless.space is missing" in result.stderr


@pytest.fixture
def registry_app():
    return apps.get_app_config("registry")


def test_a_misnamed_contract_is_named(monkeypatch, registry_app):
    renamed = types.ModuleType("registry.space")
    renamed.CONTRACT = spaces.registry  # SPACE renamed
    monkeypatch.setitem(sys.modules, "registry.space", renamed)
    errors = checks.contract_errors(spaces.SPACES, [registry_app])
    assert codes(errors) == ["vigie.E002"]
    assert "registry.space declares no SPACE" in errors[0].msg


def test_a_contract_left_out_of_portal_spaces_is_named(registry_app):
    others = tuple(space for space in spaces.SPACES if space is not spaces.registry)
    errors = checks.contract_errors(others, [registry_app])
    assert codes(errors) == ["vigie.E003"]
    assert "registry.space.SPACE is not in portal.spaces.SPACES" in errors[0].msg


@pytest.mark.parametrize(
    ("change", "code", "words"),
    [
        ({"card": "registry.figures.card"}, "vigie.E005", "card is neither a function nor None"),
        ({"seed_coverage": "contrôle"}, "vigie.E005", "seed_coverage is not a SeedCoverage"),
        ({"due": None}, "vigie.E006", "reminder kinds and due() go together"),
        ({"kinds": {"registry.x": Kind("registry.y", "Y")}}, "vigie.E006", "'registry.x'"),
        ({"label": "registre"}, "vigie.E004", "label 'registre'"),
    ],
)
def test_an_incomplete_contract_is_named(monkeypatch, registry_app, change, code, words):
    broken = replace(spaces.registry, **change)
    module = types.ModuleType("registry.space")
    module.SPACE = broken
    monkeypatch.setitem(sys.modules, "registry.space", module)
    declared = tuple(broken if s is spaces.registry else s for s in spaces.SPACES)
    errors = checks.contract_errors(declared, [registry_app])
    assert code in codes(errors)
    assert any(words in error.msg and "registry.space" in error.msg for error in errors)


def test_a_kind_declared_twice_is_named(monkeypatch, registry_app):
    twice = replace(spaces.registry, kinds={**spaces.registry.kinds, **spaces.training.kinds})
    module = types.ModuleType("registry.space")
    module.SPACE = twice
    monkeypatch.setitem(sys.modules, "registry.space", module)
    declared = tuple(twice if s is spaces.registry else s for s in spaces.SPACES)
    errors = checks.contract_errors(declared, [registry_app])
    assert any("also declared by" in error.msg for error in errors)


def test_the_dashboard_and_the_console_need_what_they_read():
    no_card = replace(spaces.registry, card=None)
    no_figures = replace(spaces.training, console_figures=None)
    errors = checks.contract_errors((), [], dashboard=(no_card,), console=(no_figures,))
    assert codes(errors) == ["vigie.E007", "vigie.E008"]


def test_a_forgotten_field_fails_when_the_space_is_imported():
    with pytest.raises(TypeError, match="seed_coverage"):  # the one left out
        Space(
            label="x",
            kinds={},
            due=None,
            card=None,
            banners=None,
            console_figures=None,
            console_changes=None,
            demo=None,
            content=None,
            statements=None,
        )


def test_no_space_is_loaded_by_name():
    """portal reaches the spaces through portal/spaces.py's imports only."""
    for path in (ROOT / "portal").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import_module" not in text and "importlib" not in text, path
