"""No import cycle anywhere in the project, module-level or inside functions: the
dependencies go one way (see ARCHITECTURE.md), and an import hidden in a function to dodge
a circle counts as much as one at the top."""

import textwrap

from tests.quality.imports import ROOT, cycles, graph


def test_the_project_has_no_import_cycle():
    edges = graph(ROOT)
    assert len(edges) > 150  # the walk found the project (not an empty folder)
    assert "portal.notifications.sweep" in edges["portal.notifications.tasks"]
    assert cycles(edges) == []


def test_a_cycle_through_an_import_inside_a_function_is_found(tmp_path):
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from app import b\n")
    (package / "b.py").write_text(
        textwrap.dedent(
            """
            def later():
                from .c import thing
                return thing
            """
        )
    )
    (package / "c.py").write_text("import app.a\nthing = 1\n")
    (package / "d.py").write_text("from app.c import thing\n")
    edges = graph(tmp_path, packages=("app",))
    assert edges["app.b"] == {"app.c"}
    assert cycles(edges) == [["app.a", "app.b", "app.c"]]


def test_layers_spaces_never_import_the_composer():
    """A space (practices, registry, training) may use portal's kernel (audit, cards,
    texts, reminders…) but never what composes the spaces: the dashboards, the console,
    the reminders' plumbing."""
    composer = (
        "portal.views",
        "portal.console",
        "portal.notifications",
        "portal.demo",
        "portal.spaces",
        "portal.checks",
        "portal.content",
        "portal.suggestions",
        "portal.management",
    )
    edges = graph(ROOT)
    wrong = {
        (source, target)
        for source, targets in edges.items()
        if source.startswith(("practices", "registry", "training", "documents"))
        for target in targets
        if target.startswith(composer)
    }
    assert wrong == set()
