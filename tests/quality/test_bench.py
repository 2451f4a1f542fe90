"""`manage.py bench` at a tiny scale: it seeds, serves, measures every role and writes JSON.

Latencies are reported by the benchmark, never asserted; what is asserted is that every
page answered 200 to a signed-in person and that the report is complete.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.services


@pytest.fixture
def bench_database(postgres_url):
    server = urlparse(postgres_url)
    name = f"vigie_bench_test_{os.getpid()}"
    yield server._replace(path=f"/{name}").geturl()
    with psycopg.connect(server._replace(path="/postgres").geturl(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_benchmark_runs_at_a_tiny_scale_and_writes_its_report(bench_database, tmp_path):
    report_path = tmp_path / "bench.json"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["VIGIE_ENV"] = "development"
    result = subprocess.run(
        [sys.executable, "manage.py", "bench", "--scale", "tiny", "--requests", "2"]
        + ["--database", bench_database, "--json", str(report_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "p50 ms" in result.stdout  # the table was printed

    report = json.loads(report_path.read_text())
    assert report["rows"]["practices"] == 3
    assert report["rows"]["answers"] == 300
    pages = {(row["role"], row["page"]): row for row in report["pages"]}
    assert {role for role, _page in pages} == {"anonymous", "admin", "staff", "delegate"}
    for row in pages.values():
        assert row["status"] == 200, row
        assert row["requests"] == 2 and row["p95_ms"] >= row["p50_ms"] > 0
        assert isinstance(row["queries"], int) and row["queries"] >= 0
    assert pages[("anonymous", "floor (bare Django view)")]["queries"] == 0
    assert report["server"]["peak_rss_mib"] > 0
    assert "first" in report["sweep"] or "skipped" in report["sweep"]
