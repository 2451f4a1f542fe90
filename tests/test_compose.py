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
    assert set(SERVICES) >= {"web", "worker", "beat", "db", "redis", "mail"}
    for name in ("web", "worker", "db", "redis", "mail"):
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
        assert depends["redis"]["condition"] == "service_healthy"


def test_environment_variables_are_ones_settings_read():
    known = _settings_variables()
    for name in ("web", "worker", "beat"):
        assert set(SERVICES[name]["environment"]) <= known
    env = SERVICES["web"]["environment"]
    assert env["DATABASE_URL"].startswith("postgres://") and "@db:" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:")
    assert env["EMAIL_URL"].startswith("smtp://mail:")


def test_database_and_redis_keep_their_data_in_volumes():
    assert any("/var/lib/postgresql/data" in v for v in SERVICES["db"]["volumes"])
    assert set(COMPOSE["volumes"]) >= {"pgdata"}


def test_mail_catcher_has_a_web_ui():
    assert any(str(p).endswith("8025") for p in SERVICES["mail"]["ports"])


def test_dockerfile_installs_pango_for_weasyprint_and_the_locked_requirements():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "libpango-1.0-0" in dockerfile
    assert "--require-hashes -r requirements.lock" in dockerfile
    assert re.search(r"^FROM python:3\.1[2-9]", dockerfile, re.M)
