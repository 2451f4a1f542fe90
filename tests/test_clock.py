"""Product code reads the time in one way, so a test (time_machine) or CI (faketime) can set it.

The one way is Django's ``timezone.now()`` (aware, UTC) and ``timezone.localdate()`` /
``localtime()`` (Europe/Paris); ``time.time()`` only for epoch counters (TOTP steps, idle
timeout). ``datetime.now()``, ``date.today()`` and ``utcnow()`` give the machine's zone or a
naive value, and the database's ``Now()`` reads the database server's clock, which neither a
frozen test clock nor a shifted process clock moves.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("portal", "practices", "registry", "training")
FORBIDDEN = {
    ("datetime", "now"): "timezone.now()",
    ("datetime", "today"): "timezone.localdate()",
    ("datetime", "utcnow"): "timezone.now()",
    ("date", "today"): "timezone.localdate()",
}


def clock_reads(tree: ast.AST):
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        if isinstance(function, ast.Attribute) and isinstance(
            function.value, ast.Name | ast.Attribute
        ):
            owner = (
                function.value.id if isinstance(function.value, ast.Name) else function.value.attr
            )
            if (owner, function.attr) in FORBIDDEN:
                yield node.lineno, f"{owner}.{function.attr}()", FORBIDDEN[(owner, function.attr)]
        name = function.id if isinstance(function, ast.Name) else getattr(function, "attr", "")
        if name == "Now":
            yield node.lineno, "Now()", "timezone.now() as a parameter"


def test_product_code_reads_the_clock_only_through_django_timezone():
    found = []
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for line, call, instead in clock_reads(tree):
                found.append(f"{path.relative_to(ROOT)}:{line}: {call} (use {instead})")
    assert not found, "\n".join(found)


def test_the_check_finds_each_forbidden_read():
    source = (
        "from datetime import date, datetime\n"
        "a = datetime.now()\nb = date.today()\nc = datetime.datetime.utcnow()\n"
        "d = Now()\ne = timezone.now()\n"
    )
    calls = [call for _, call, _ in clock_reads(ast.parse(source))]
    assert calls == ["datetime.now()", "date.today()", "datetime.utcnow()", "Now()"]
