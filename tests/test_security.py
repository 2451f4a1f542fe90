"""Security headers on every page, CSRF on every form, and Django's deploy checks."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.test import Client

from tests.urlsweep import swept_urls

ROOT = Path(__file__).resolve().parent.parent


def test_every_page_sends_the_security_headers_and_guards_its_forms(cast):
    client = cast.client("admin")
    failures = []
    for route, path in swept_urls(cast.practice):
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        csp = response.get("Content-Security-Policy", "")
        checks = {
            "csp": "'nonce-" in csp or "script-src 'self'" in csp,
            "no unsafe-inline": "unsafe-inline" not in csp,
            "frame-ancestors": "frame-ancestors 'none'" in csp,
            "nosniff": response.get("X-Content-Type-Options") == "nosniff",
            "referrer": bool(response.get("Referrer-Policy")),
            "permissions": bool(response.get("Permissions-Policy")),
        }
        html = response.content.decode()
        for form in re.findall(r"<form[^>]*method=\"post\".*?</form>", html, re.S | re.I):
            checks.setdefault("csrf", True)
            checks["csrf"] = checks["csrf"] and "csrfmiddlewaretoken" in form
        failures += [f"{route}: {name}" for name, ok in checks.items() if not ok]
    assert failures == []


def test_a_post_without_csrf_token_is_refused(cast):
    from django_otp import DEVICE_ID_SESSION_KEY

    client = Client(enforce_csrf_checks=True)
    verified = cast.client("admin")
    client.cookies = verified.cookies
    assert client.session.get(DEVICE_ID_SESSION_KEY)
    response = client.post(f"/p/{cast.practice.slug}/incidents/signaler/", {"kind": "other"})
    assert response.status_code == 403


def test_deploy_checks_pass_under_production_settings():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIE_", "DJANGO_"))}
    env.update(
        {
            "VIGIE_ENV": "production",
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "SECRET_KEY": "p" * 30 + "Zq8#x" + "k" * 30,
            "OTP_ENCRYPTION_KEYS": "a" * 43 + "=",
            "ALLOWED_HOSTS": "vigie.example.fr",
            "EMAIL_URL": "smtp://mail.example.fr:587",
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
