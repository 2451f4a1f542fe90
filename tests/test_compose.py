"""No Docker engine runs here: check docker-compose.yml and the Dockerfile as files."""

import importlib
import re
import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def _settings_variables() -> set[str]:
    source = (ROOT / "portal" / "settings.py").read_text()
    return set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z_]+)\"", source))


def _command(service: str) -> str:
    command = SERVICES[service]["command"]
    return command if isinstance(command, str) else " ".join(command)


def test_every_production_service_is_present_with_a_healthcheck():
    assert set(SERVICES) >= {"web", "worker", "beat", "pgbouncer", "db", "redis", "mail"}
    for name in ("web", "worker", "pgbouncer", "db", "redis", "mail"):
        assert "healthcheck" in SERVICES[name], f"{name} has no healthcheck"


def test_web_serves_gunicorn_on_a_real_wsgi_module_and_checks_healthz():
    command = _command("web")
    target = re.search(r"gunicorn (\S+)", command).group(1)
    module, attribute = target.split(":")
    assert callable(getattr(importlib.import_module(module), attribute))
    assert "migrate" in command
    assert "/healthz" in " ".join(SERVICES["web"]["healthcheck"]["test"])


def test_worker_and_beat_point_at_the_celery_app():
    for service, role in (("worker", "worker"), ("beat", "beat")):
        words = shlex.split(_command(service))
        assert words[:3] == ["celery", "-A", "portal"] and role in words
    from portal.celery import app

    assert app.main == "vigie"


def test_app_services_wait_for_healthy_database_and_broker():
    for name in ("web", "worker", "beat"):
        depends = SERVICES[name]["depends_on"]
        assert depends["db"]["condition"] == "service_healthy"
        assert depends["pgbouncer"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"


def test_environment_variables_are_ones_settings_read():
    known = _settings_variables()
    for name in ("web", "worker", "beat"):
        assert set(SERVICES[name]["environment"]) <= known
    env = SERVICES["web"]["environment"]
    assert env["DATABASE_URL"].startswith("postgres://") and "@pgbouncer:" in env["DATABASE_URL"]
    assert env["DATABASE_POOLER"] == "pgbouncer"
    assert env["REDIS_URL"].startswith("redis://redis:")
    assert env["EMAIL_URL"].startswith("smtp://mail:")


def test_database_and_redis_keep_their_data_in_volumes():
    assert any("/var/lib/postgresql/data" in v for v in SERVICES["db"]["volumes"])
    assert set(COMPOSE["volumes"]) >= {"pgdata"}


def _published(port) -> tuple[str, str]:
    """(host address, container port) of a compose port, short or long syntax."""
    if isinstance(port, dict):
        return port.get("host_ip", ""), str(port.get("target"))
    parts = str(port).split(":")
    host_ip = parts[0] if len(parts) == 3 else ""
    return host_ip, parts[-1]


def test_mail_catcher_web_ui_is_reachable_from_this_host_only():
    """Issue 19, item 8: Mailpit has no password; published on every interface, anyone on
    the network read every mail (invitation links, password resets)."""
    ports = [_published(p) for p in SERVICES["mail"].get("ports", [])]
    assert ("127.0.0.1", "8025") in ports
    for host_ip, target in ports:
        assert host_ip in ("127.0.0.1", "::1", "[::1]"), f"mail port {target} on {host_ip or 'all'}"


def test_no_service_but_web_is_published_on_every_interface():
    for name, service in SERVICES.items():
        for host_ip, target in (_published(p) for p in service.get("ports", [])):
            assert name == "web" or host_ip in ("127.0.0.1", "::1", "[::1]"), (name, target)


def test_dockerfile_installs_pango_for_weasyprint_and_the_locked_requirements():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "libpango-1.0-0" in dockerfile
    assert "--require-hashes -r requirements.lock" in dockerfile
    assert re.search(r"^FROM python:3\.1[2-9]", dockerfile, re.M)


def test_pgbouncer_pools_transactions_in_front_of_the_database():
    pgbouncer = SERVICES["pgbouncer"]
    assert pgbouncer["environment"]["POOL_MODE"] == "transaction"
    assert "@db:5432/" in pgbouncer["environment"]["DATABASE_URL"]
    assert pgbouncer["depends_on"]["db"]["condition"] == "service_healthy"
    assert not pgbouncer.get("ports"), "PgBouncer is for the other services only"
    image = pgbouncer["image"]
    assert ":" in image and not image.endswith(":latest")
