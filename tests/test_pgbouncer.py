"""Production runs behind PgBouncer in transaction pooling (docs/deploy.md).

* The settings for it: no server-side cursors, no prepared statements, kept connections
  checked before reuse.
* The code keeps nothing in the database session: no session advisory lock, no plain SET, no
  LISTEN/NOTIFY, no temporary table, no prepared statement (a search over the product code).
* In CI's "pgbouncer" run (DATABASE_POOLER=pgbouncer, .ci/run), the test process really
  talks to PgBouncer: its admin console lists this connection, in transaction pooling.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import pgbouncer_admin
from tests.test_settings import run_settings, settings_of

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("portal", "practices", "registry", "training", "documents")

# Each pattern names what would break under transaction pooling.
SESSION_STATE = {
    "session-level advisory lock (use pg_advisory_xact_lock inside transaction.atomic)": (
        r"pg_(try_)?advisory_lock(_shared)?\s*\("
    ),
    "SET outside a transaction (use SET LOCAL)": (
        r"""["'](?i:\s*SET\s+(?!LOCAL\b)(SESSION\s+)?[a-z_."]+\s*(=|TO\b))"""
    ),
    "LISTEN/NOTIFY (a listener needs its own session)": r"""["']\s*(?i:LISTEN|NOTIFY)\s""",
    "temporary table (lives in the session)": r"(?i:CREATE\s+(GLOBAL\s+|LOCAL\s+)?TEMP(ORARY)?\s)",
    "prepared statement kept by the session": r"(?i:[\"']\s*PREPARE\s)|prepare_threshold\s*=\s*\d",
    "server-side cursor (a named cursor outlives the transaction)": (
        r"(?i:DECLARE\s+\w+\s+(BINARY\s+)?(NO\s+)?(SCROLL\s+)?CURSOR\s+WITH\s+HOLD)"
    ),
}


def session_state_in(text: str) -> list[str]:
    return [name for name, pattern in SESSION_STATE.items() if re.search(pattern, text)]


def test_the_search_finds_each_kind_of_session_state():
    samples = {
        'cursor.execute("SELECT pg_advisory_lock(%s)", [42])': 1,
        'cursor.execute("SELECT pg_try_advisory_lock(1)")': 1,
        "cursor.execute(\"SET statement_timeout = '5s'\")": 1,
        'cursor.execute("SET search_path TO vigie")': 1,
        'cursor.execute("LISTEN reminders")': 1,
        "cursor.execute(\"NOTIFY reminders, 'x'\")": 1,
        'cursor.execute("CREATE TEMPORARY TABLE due (id int)")': 1,
        'cursor.execute("PREPARE due AS SELECT 1")': 1,
        'OPTIONS = {"prepare_threshold": 5}': 0,  # a dict: see the settings test
        "psycopg.connect(url, prepare_threshold=5)": 1,
        'cursor.execute("DECLARE c CURSOR WITH HOLD FOR SELECT 1")': 1,
        # What transaction pooling allows:
        'cursor.execute("SELECT pg_advisory_xact_lock(%s)", [42])': 0,
        "cursor.execute(\"SET LOCAL statement_timeout = '5s'\")": 0,
        'cursor.execute("SELECT 1")': 0,
        "# settings of the reminders": 0,
    }
    for sample, found in samples.items():
        assert len(session_state_in(sample)) == found, sample


def test_product_code_keeps_nothing_in_the_database_session():
    offenders = []
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            for name in session_state_in(path.read_text()):
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []


def test_pgbouncer_settings_turn_off_what_transaction_pooling_breaks():
    url = "postgres://vigie:vigie@pgbouncer:6432/vigie"
    values = settings_of(
        {"VIGIE_ENV": "development", "DATABASE_URL": url, "DATABASE_POOLER": "pgbouncer"},
        ["DATABASES"],
    )["DATABASES"]["default"]
    assert values["PORT"] == 6432
    assert values["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert values["OPTIONS"]["prepare_threshold"] is None
    assert values["CONN_HEALTH_CHECKS"] is True
    assert values["ATOMIC_REQUESTS"] is True
    direct = settings_of(
        {"VIGIE_ENV": "development", "DATABASE_URL": url, "DATABASE_POOLER": ""}, ["DATABASES"]
    )
    assert "DISABLE_SERVER_SIDE_CURSORS" not in direct["DATABASES"]["default"]


def test_an_unknown_pooler_or_a_pooler_on_sqlite_is_refused():
    unknown = run_settings({"VIGIE_ENV": "development", "DATABASE_POOLER": "pgpool"}, ["DEBUG"])
    assert unknown.returncode != 0 and "DATABASE_POOLER must be pgbouncer" in unknown.stderr
    sqlite = run_settings({"VIGIE_ENV": "development", "DATABASE_POOLER": "pgbouncer"}, ["DEBUG"])
    assert sqlite.returncode != 0 and "needs a postgres:// DATABASE_URL" in sqlite.stderr


@pytest.fixture
def behind_pgbouncer(db):
    if not settings.DATABASE_POOLER:
        pytest.skip("not behind PgBouncer (CI's pgbouncer run sets DATABASE_POOLER=pgbouncer)")
    return connection.settings_dict


def test_this_run_talks_to_postgresql_through_pgbouncer_in_transaction_pooling(behind_pgbouncer):
    name, port = behind_pgbouncer["NAME"], int(behind_pgbouncer["PORT"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT inet_server_port(), current_database()")
        server_port, database = cursor.fetchone()
    # Django dialled PgBouncer's port; the server that answers listens on another one.
    assert database == name
    assert server_port != port
    with pgbouncer_admin() as admin:
        clients = admin.execute("SHOW CLIENTS").fetchall()
        columns = [c.name for c in admin.execute("SHOW POOLS").description]
        pools = {
            row[0]: dict(zip(columns, row, strict=True)) for row in admin.execute("SHOW POOLS")
        }
    # This test's own connection (in its transaction) is an active client of PgBouncer, on
    # the test database, which PgBouncer pools per transaction.
    assert any(name in row for row in clients)
    assert pools[name]["pool_mode"] == "transaction"
    assert pools[name]["cl_active"] >= 1


def test_two_clients_one_after_the_other_share_one_server_connection(behind_pgbouncer):
    """What transaction pooling means: a server connection serves whichever client starts a
    transaction next. Two Django connections of their own, one statement each, one after the
    other, land on the same PostgreSQL backend (PgBouncer reuses the last one freed); with
    direct connections each would have its own."""
    from django.db import connections

    first, second = (connections.create_connection("default") for _ in range(2))
    try:
        backends = []
        for client in (first, second):
            with client.cursor() as cursor:  # autocommit: the statement is the transaction
                cursor.execute("SELECT pg_backend_pid()")
                backends.append(cursor.fetchone()[0])
        with first.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backends.append(cursor.fetchone()[0])
    finally:
        first.close()
        second.close()
    assert len(set(backends)) == 1, backends
