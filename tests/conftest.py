"""The shared cast: two practices and everyone who may (or may not) look at them.

* ``practice``: admin, staff, delegate (a live grant)
* ``other_practice``: other_admin, other_delegate
* ``outsider``: signed up, belongs nowhere
"""

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

from tests.factories import MembershipFactory, OversightFactory, PracticeFactory, UserFactory


@pytest.fixture(autouse=True)
def nothing_leaks_into_the_next_test():
    """Whatever the order, a test leaves no injected database fault and no moved clock behind:
    either would make a later, innocent test fail (or pass) for a reason of its own."""
    import time_machine
    from django.db import connections

    yield
    leaks = []
    for connection in connections.all(initialized_only=True):
        if connection.execute_wrappers:
            leaks.append(
                f"{len(connection.execute_wrappers)} execute wrapper(s), {connection.alias}"
            )
            connection.execute_wrappers.clear()
    if time_machine.escape_hatch.is_travelling():
        leaks.append("a time_machine travel still running (use it as a context manager)")
    assert not leaks, "this test leaked: " + "; ".join(leaks)


@pytest.fixture(autouse=True)
def french_by_default():
    """Every test starts in French: a request in English (cookie or account language)
    leaves its language active in the thread, which would leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def verified_client(user) -> Client:
    """A client logged in with a verified second factor, as after a real login."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="test-verified", defaults={"confirmed": True}
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@dataclass
class Cast:
    practice: object
    other_practice: object
    admin: object
    staff: object
    delegate: object
    other_admin: object
    other_delegate: object
    outsider: object

    def client(self, name: str) -> Client:
        return verified_client(getattr(self, name))


@pytest.fixture
def cast(db) -> Cast:
    practice = PracticeFactory(name="Cabinet des Lilas", slug="cabinet-des-lilas")
    other = PracticeFactory(name="Maison de santé du Port", slug="msp-du-port")
    admin = MembershipFactory(practice=practice, role="admin", job="medecin").user
    staff = MembershipFactory(practice=practice, role="staff", job="secretaire").user
    delegate = OversightFactory(practice=practice).delegate
    other_admin = MembershipFactory(practice=other, role="admin", job="medecin").user
    other_delegate = OversightFactory(practice=other).delegate
    outsider = UserFactory()
    return Cast(practice, other, admin, staff, delegate, other_admin, other_delegate, outsider)


@pytest.fixture
def admin_client(cast):
    return cast.client("admin")


@pytest.fixture
def staff_client(cast):
    return cast.client("staff")


@pytest.fixture
def delegate_client(cast):
    return cast.client("delegate")


def need_service(name: str, reason: str):
    """Skip locally when a real service is missing; fail in CI (VIGIE_REQUIRE_SERVICES=1)."""
    if os.environ.get("VIGIE_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{name} is required in CI: {reason}")
    pytest.skip(f"{name} unavailable: {reason}")


@pytest.fixture
def redis_url():
    """A reachable Redis (REDIS_URL, default 127.0.0.1:6379/15)."""
    import redis

    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_timeout=2).ping()
    except redis.RedisError as error:
        need_service("Redis", str(error))
    return url


@pytest.fixture
def postgres_url():
    """A reachable PostgreSQL server (admin URL, default postgres@127.0.0.1/test)."""
    import psycopg

    url = os.environ.get("VIGIE_TEST_POSTGRES_URL") or "postgresql://postgres@127.0.0.1:5432/test"
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.Error as error:
        need_service("PostgreSQL", str(error))
    return url


# PgBouncer (production's pooler, docs/deploy.md). CI runs the browser journeys and every
# test that starts processes of its own through it (.ci/run, the "pgbouncer" run, with
# DATABASE_POOLER=pgbouncer); the other runs connect to PostgreSQL directly.
POOLED = (
    "e2e/",
    "notifications/test_real_services.py",
    "test_celery_worker.py",
    "test_pgbouncer.py",
    "notifications/test_several_processes.py",
)


def pytest_collection_modifyitems(config, items):
    root = Path(__file__).resolve().parent
    for item in items:
        relative = Path(str(item.path)).resolve().relative_to(root).as_posix()
        if relative.startswith(POOLED) or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.pooled)


def pgbouncer_admin():
    """A connection to PgBouncer's admin console (the ``pgbouncer`` database), where
    DATABASE_URL points. Simple queries only: ClientCursor."""
    import psycopg
    from django.conf import settings

    params = settings.DATABASES["default"]
    return psycopg.connect(
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 6432,
        user=params["USER"],
        password=params["PASSWORD"] or None,
        dbname="pgbouncer",
        autocommit=True,
        cursor_factory=psycopg.ClientCursor,
        connect_timeout=5,
    )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Behind PgBouncer, the test database is dropped through it at the end: PgBouncer keeps
    idle server connections to it, and PostgreSQL refuses to drop a database in use. They
    are closed first (KILL, then RESUME so the name is usable again)."""
    yield
    from django.conf import settings

    if not settings.DATABASE_POOLER:
        return
    from django.db import connection

    name = connection.settings_dict["NAME"]
    with pgbouncer_admin() as admin:
        admin.execute(f'KILL "{name}"')
        admin.execute(f'RESUME "{name}"')
