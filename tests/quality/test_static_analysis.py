"""Gates an auditor would run: bandit on our code, pip-audit on the lock file.

Both run as subprocesses so `make test` (and so CI) runs them with the rest of the suite.
"""

import json
import re
import subprocess
import sys
import urllib.request
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PYPI_PROJECT_JSON = "https://pypi.org/pypi/{name}/json"


def bandit(*paths, config=ROOT / "pyproject.toml") -> dict:
    """bandit's JSON report for ``paths`` (the whole project by default)."""
    result = subprocess.run(
        [BIN / "bandit", "-q", "-c", config, "-r", *(paths or ["."]), "-f", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.stdout, result.stderr
    return json.loads(result.stdout)


def high_severity(report: dict) -> list[str]:
    return [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}"
        for r in report["results"]
        if r["issue_severity"] == "HIGH"
    ]


def test_bandit_finds_no_high_severity_issue_in_our_code():
    report = bandit()
    scanned = {name.split("/")[1] for name in report["metrics"] if name != "_totals"}
    # The scan really covered the project (an empty scan would pass for the wrong reason)…
    assert {"portal", "practices", "registry", "training"} <= scanned
    assert not any(name.startswith(("tests", ".venv")) for name in scanned)
    assert report["errors"] == []
    assert high_severity(report) == []


def test_bandit_gate_does_fail_on_a_high_severity_issue(tmp_path):
    """The same configuration and filter catch a planted shell injection."""
    planted = tmp_path / "planted.py"
    planted.write_text(
        "import subprocess\n\n\ndef run(user_input):\n"
        "    subprocess.call('ls ' + user_input, shell=True)\n"
    )
    findings = high_severity(bandit(str(planted)))
    assert len(findings) == 1 and "B602" in findings[0]


def pip_audit() -> dict:
    result = subprocess.run(
        [
            BIN / "pip-audit",
            "--requirement",
            "requirements.lock",
            "--require-hashes",
            "--disable-pip",
            "--progress-spinner",
            "off",
            "--format",
            "json",
            "--timeout",
            "30",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.stdout, result.stderr
    return json.loads(result.stdout)


def latest_release_advisories(name: str) -> tuple[str, list[str]]:
    """PyPI's project JSON: the latest version and the advisories that affect it."""
    with urllib.request.urlopen(PYPI_PROJECT_JSON.format(name=name), timeout=20) as response:
        data = json.load(response)
    return data["info"]["version"], [v["id"] for v in data.get("vulnerabilities") or []]


def locked_versions() -> dict[str, str]:
    lock = (ROOT / "requirements.lock").read_text()
    return {
        name.lower().replace("_", "-"): version
        for name, version in re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", lock, re.M)
    }


def fallback_audit(dependencies: list[dict]) -> list[dict]:
    """The pins on their latest release, with that release's advisories (pip-audit's shape).

    PyPI's project JSON lists the advisories of the latest release only, so a pin on an
    older release cannot be judged this way: it is named in a warning, not audited.
    """
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(latest_release_advisories, [d["name"] for d in dependencies]))
    pins = locked_versions()
    audited, behind = [], []
    for dependency, (latest, advisories) in zip(dependencies, answers, strict=True):
        version = pins[dependency["name"]]
        if version == latest:
            vulns = [{"id": id_} for id_ in advisories]
            audited.append({"name": dependency["name"], "version": version, "vulns": vulns})
        else:
            behind.append(f"{dependency['name']} {version} (latest {latest})")
    if behind:
        warnings.warn("not audited (pinned below the latest release): " + ", ".join(behind))
    return audited


def vulnerable_packages(dependencies: list[dict]) -> list[str]:
    return [
        f"{d['name']} {d['version']}: {', '.join(v['id'] for v in d['vulns'])}"
        for d in dependencies
        if d.get("vulns")
    ]


def test_no_known_vulnerability_in_the_lock_file():
    """pip-audit against PyPI's vulnerability data for every pinned package.

    pip-audit reports a package it could not look up as *skipped*, not as vulnerable, and
    still exits 0. Here PyPI's per-release JSON (what pip-audit asks) answers 404 while the
    project JSON answers: when pip-audit could look up nothing, the advisories of each
    package's latest release are read from the project JSON instead, which judges every
    pin that is on its latest release (the others are listed as not audited). Only when
    PyPI cannot be reached at all does the gate skip, loudly, rather than pass.
    """
    dependencies = pip_audit()["dependencies"]
    assert len(dependencies) > 50  # the whole lock file was read
    if any("skip_reason" not in d for d in dependencies):
        audited = [d for d in dependencies if "skip_reason" not in d]
    else:
        try:
            audited = fallback_audit(dependencies)
        except OSError as error:
            pytest.skip(f"PyPI's vulnerability data is unreachable: {error}")
    assert audited, "no package of the lock file could be audited"
    assert vulnerable_packages(audited) == []


def test_the_audit_gate_names_a_vulnerable_pin():
    """What the gate asserts on, fed an advisory the way pip-audit and the fallback give it."""
    dependencies = [
        {"name": "django", "version": "6.1.3", "vulns": []},
        {"name": "example", "version": "1.0", "vulns": [{"id": "PYSEC-0000-1"}]},
    ]
    assert vulnerable_packages(dependencies) == ["example 1.0: PYSEC-0000-1"]
