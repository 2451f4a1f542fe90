"""Journeys in a real browser: sign-in with a forced TOTP enrolment."""

import pytest

from tests.e2e.conftest import SCREENSHOTS
from tests.factories import PASSWORD, MembershipFactory, PracticeFactory
from tests.mfa.totp import secret_from_key_groups, totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretary_signs_in_enrols_keeps_codes_and_reaches_her_practice(page):
    practice = PracticeFactory(name="Cabinet des Tilleuls", slug="cabinet-des-tilleuls")
    user = MembershipFactory(practice=practice, role="staff", job="secretaire").user

    page.goto("/")
    page.fill("#id_login", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")

    page.wait_for_url("**/accounts/2fa/enrolement/")
    assert page.locator("svg.qr-code").is_visible()
    secret = secret_from_key_groups(page.inner_text(".key-groups"))
    page.fill("#id_code", totp(secret))
    page.click("main form button[type=submit]")

    page.wait_for_url("**/securite/codes-de-secours/")
    assert page.locator(".recovery-codes li").count() == 10
    page.click("text=C'est noté, continuer")

    page.wait_for_url(f"**/p/{practice.slug}/")
    assert page.locator("h1").inner_text() == "Cabinet des Tilleuls"
    page.screenshot(path=SCREENSHOTS / "login-journey.png", full_page=True)
