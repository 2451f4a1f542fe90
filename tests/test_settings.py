"""Settings come from the environment and fail loudly: checked in fresh interpreters."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({k: getattr(settings, k) for k in %r}, default=str))"
)


def run_settings(env: dict, keys: list[str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIE_", "DJANGO_"))}
    for name in (
        "DATABASE_URL",
        "DATABASE_POOLER",
        "REDIS_URL",
        "EMAIL_URL",
        "SECRET_KEY",
        "DEBUG",
    ):
        clean.pop(name, None)
    clean.update({"DJANGO_SETTINGS_MODULE": "portal.settings", **env})
    return subprocess.run(
        [sys.executable, "-c", PROBE % keys],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_of(env: dict, keys: list[str]) -> dict:
    result = run_settings(env, keys)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_start_refused_without_secret_key():
    result = run_settings({"VIGIE_ENV": "production"}, ["DEBUG"])
    assert result.returncode != 0
    assert "SECRET_KEY is required in production" in result.stderr


def test_production_start_refused_without_otp_encryption_key():
    result = run_settings({"VIGIE_ENV": "production", "SECRET_KEY": "x" * 50}, ["DEBUG"])
    assert result.returncode != 0
    assert "OTP_ENCRYPTION_KEYS is required" in result.stderr


def test_unknown_environment_name_is_refused():
    result = run_settings({"VIGIE_ENV": "staging"}, ["DEBUG"])
    assert result.returncode != 0
    assert "VIGIE_ENV must be" in result.stderr


def test_embedded_defaults_sqlite_eager_console_french_paris():
    values = settings_of(
        {"VIGIE_ENV": "development"},
        [
            "DATABASES",
            "CELERY_TASK_ALWAYS_EAGER",
            "MAILERS",
            "DEBUG",
            "LANGUAGE_CODE",
            "TIME_ZONE",
            "LANGUAGES",
        ],
    )
    assert values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert values["DATABASES"]["default"]["NAME"].endswith("db.sqlite3")
    assert values["CELERY_TASK_ALWAYS_EAGER"] is True
    assert (
        values["MAILERS"]["default"]["BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    )
    assert values["DEBUG"] is False  # off unless asked
    assert values["LANGUAGE_CODE"] == "fr"
    assert values["TIME_ZONE"] == "Europe/Paris"
    assert [code for code, _ in values["LANGUAGES"]] == ["fr", "en"]


def test_development_secret_key_is_generated_once_per_checkout():
    first = settings_of({"VIGIE_ENV": "development"}, ["SECRET_KEY"])["SECRET_KEY"]
    second = settings_of({"VIGIE_ENV": "development"}, ["SECRET_KEY"])["SECRET_KEY"]
    assert first == second
    assert len(first) >= 50
    assert (ROOT / ".secret_key").read_text().strip() == first


def test_every_variable_is_parsed():
    values = settings_of(
        {
            "VIGIE_ENV": "production",
            "SECRET_KEY": "s" * 50,
            "OTP_ENCRYPTION_KEYS": "a,b",
            "DEBUG": "true",
            "ALLOWED_HOSTS": "vigie.example.fr,www.vigie.example.fr",
            "DATABASE_URL": "postgres://vigie:pw@db:5432/vigie",
            "REDIS_URL": "redis://redis:6379/0",
            "EMAIL_URL": "smtp+tls://user:secret@mail.example.fr:587",
            "DEFAULT_FROM_EMAIL": "Vigie <vigie@example.fr>",
            "VIGIE_IDLE_TIMEOUT": "600",
        },
        [
            "DEBUG",
            "ALLOWED_HOSTS",
            "DATABASES",
            "CELERY_BROKER_URL",
            "CELERY_TASK_ALWAYS_EAGER",
            "MAILERS",
            "DEFAULT_FROM_EMAIL",
            "VIGIE_IDLE_TIMEOUT",
            "OTP_ENCRYPTION_KEYS",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "SECURE_HSTS_SECONDS",
        ],
    )
    assert values["DEBUG"] is True
    assert values["ALLOWED_HOSTS"] == ["vigie.example.fr", "www.vigie.example.fr"]
    db = values["DATABASES"]["default"]
    assert (db["ENGINE"], db["NAME"], db["HOST"], db["USER"]) == (
        "django.db.backends.postgresql",
        "vigie",
        "db",
        "vigie",
    )
    assert values["CELERY_BROKER_URL"] == "redis://redis:6379/0"
    assert values["CELERY_TASK_ALWAYS_EAGER"] is False
    smtp = values["MAILERS"]["default"]
    assert smtp["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert smtp["OPTIONS"]["host"] == "mail.example.fr"
    assert smtp["OPTIONS"]["port"] == 587
    assert smtp["OPTIONS"]["use_tls"] is True
    assert smtp["OPTIONS"]["username"] == "user"
    assert values["DEFAULT_FROM_EMAIL"] == "Vigie <vigie@example.fr>"
    assert values["VIGIE_IDLE_TIMEOUT"] == 600
    assert values["OTP_ENCRYPTION_KEYS"] == ["a", "b"]
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31536000


def test_malformed_integer_fails_loudly():
    result = run_settings(
        {"VIGIE_ENV": "development", "VIGIE_IDLE_TIMEOUT": "half an hour"}, ["VIGIE_IDLE_TIMEOUT"]
    )
    assert result.returncode != 0
    assert "ValueError" in result.stderr


def test_env_example_documents_every_variable_read_by_settings():
    import re

    source = (ROOT / "portal" / "settings.py").read_text()
    read = set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z_]+)\"", source))
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read, "the probe found no variable: the regex no longer matches settings.py"
    assert read - documented == set()


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_migrations_apply_on_a_fresh_database(engine, tmp_path, request):
    if engine == "sqlite":
        url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    else:
        import psycopg

        admin_url = request.getfixturevalue("postgres_url")
        name = f"vigie_migrate_{os.getpid()}"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        url = admin_url.rsplit("/", 1)[0] + f"/{name}"
        request.addfinalizer(lambda: _drop(admin_url, name))
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_POOLER"}
    }
    env.update({"VIGIE_ENV": "development", "DATABASE_URL": url})
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    check = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, "models changed without a migration:\n" + check.stdout


def _drop(admin_url, name):
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_concurrent_requests_on_sqlite_wait_instead_of_failing(tmp_path, django_db_blocker):
    """Two requests that read then write at the same time (a page and its htmx fragment,
    both saving the session): with the embedded settings, neither gets "database is locked"."""
    import contextlib
    import threading

    from django.conf import settings
    from django.db.backends.sqlite3.base import DatabaseWrapper

    config = {**settings.DATABASES["default"], "NAME": str(tmp_path / "db.sqlite3")}
    embedded = settings_of({"VIGIE_ENV": "development"}, ["DATABASES"])["DATABASES"]["default"]
    config["OPTIONS"] = embedded["OPTIONS"]
    setup = DatabaseWrapper(config)
    with django_db_blocker.unblock(), setup.cursor() as cursor:
        cursor.execute("CREATE TABLE seen (n integer)")
    setup.close()
    both_read, errors = threading.Barrier(2, timeout=10), []

    def request():
        connection = DatabaseWrapper(config)
        try:
            with connection.cursor() as cursor:
                cursor.execute("BEGIN " + config["OPTIONS"].get("transaction_mode", ""))
                cursor.execute("SELECT count(*) FROM seen")
                # Deferred mode: both now hold a read lock. Immediate mode: the other one
                # is still waiting at BEGIN, so the barrier breaks after half a second.
                with contextlib.suppress(threading.BrokenBarrierError):
                    both_read.wait(timeout=0.5)
                cursor.execute("INSERT INTO seen VALUES (1)")
                cursor.execute("COMMIT")
        except Exception as error:  # noqa: BLE001 (the failure is what is asserted)
            errors.append(error)
        finally:
            connection.close()

    with django_db_blocker.unblock():  # a throwaway file database, not the test database
        threads = [threading.Thread(target=request) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
