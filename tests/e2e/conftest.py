import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import need_service

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def page(live_server):
    """A real Chromium page (Debian's), French, against the live test server."""
    if not shutil.which(CHROMIUM):
        need_service("Chromium", f"{CHROMIUM} not found (apt-get install chromium)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(locale="fr-FR", base_url=live_server.url)
        yield context.new_page()
        browser.close()


def log_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    page.click("main form button[type=submit]")


def enrol(page, check=None) -> bytes:
    """The forced first enrolment: key from the page, a code, the recovery codes kept.

    ``check(page, name)`` (the accessibility check) runs on the enrolment and codes pages.
    """
    from tests.mfa.totp import secret_from_key_groups, totp

    page.wait_for_url("**/accounts/2fa/enrolement/")
    if check:
        check(page, "enrolment")
    secret = secret_from_key_groups(page.inner_text(".key-groups"))
    page.fill("#id_code", totp(secret))
    page.click("main form button[type=submit]")
    page.wait_for_url("**/securite/codes-de-secours/")
    assert page.locator(".recovery-codes li").count() == 10
    if check:
        check(page, "recovery codes")
    page.click("text=C'est noté, continuer")
    return secret
