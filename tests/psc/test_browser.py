"""In a real Chromium: from the login page through Pro Santé Connect (a real OpenID
provider) then the TOTP code to the practice's dashboard; and each failure's page."""

import pytest
from allauth.socialaccount.models import SocialAccount

from portal.mfa.models import EncryptedTOTPDevice
from portal.models import AuditEvent, User
from portal.psc import services
from portal.psc.config import providers
from tests.e2e.conftest import SCREENSHOTS, page  # noqa: F401 (the browser fixture)
from tests.factories import MembershipFactory, PracticeFactory, UserFactory
from tests.mfa.totp import totp
from tests.psc.conftest import CLIENT_ID, CLIENT_SECRET
from tests.psc.test_sign_in import JEANNE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def doctor():
    practice = PracticeFactory(name="Cabinet des Lilas", slug="cabinet-des-lilas")
    user = MembershipFactory(practice=practice, role="admin", job="medecin").user
    device = EncryptedTOTPDevice(user=user, name="app", confirmed=True)
    secret = EncryptedTOTPDevice.new_secret()
    device.set_secret(secret)
    device.save()
    services.link(user=user, identity=JEANNE)
    return practice, user, secret


def click_psc(browser):
    browser.goto("/accounts/login/")
    browser.click("text=Se connecter avec Pro Santé Connect")


def test_login_page_psc_then_totp_to_the_dashboard(page, psc):  # noqa: F811
    practice, _user, secret = doctor()
    click_psc(page)
    # PSC's e-CPS step is scripted by the test provider; back at Vigie, the code.
    page.wait_for_url("**/accounts/2fa/verification/")
    page.fill("#id_code", totp(secret))
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/p/{practice.slug}/")
    assert page.locator("h1").inner_text() == "Cabinet des Lilas"
    page.screenshot(path=SCREENSHOTS / "psc-journey.png", full_page=True)
    # Signing out goes through PSC's logout and back to Vigie's login page.
    page.goto("/accounts/logout/")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/accounts/login/**")
    page.goto("/accounts/securite/")
    page.wait_for_url("**/accounts/login/**")


def _counts():
    return (User.objects.count(), SocialAccount.objects.count(), AuditEvent.objects.count())


@pytest.mark.parametrize(
    ("case", "sentence"),
    [
        ("acr", "n'a pas confirmé le niveau d'authentification"),
        ("signature", "signature invalide"),
        ("unreachable", "Pro Santé Connect ne répond pas"),
        ("state", "ne correspond à aucune connexion en cours"),
        ("linked elsewhere", "déjà lié à un autre compte Vigie"),
    ],
)
def test_each_failure_is_a_french_page_and_creates_nothing(page, psc, settings, case, sentence):  # noqa: F811
    _practice, _user, _secret = doctor()
    if case == "acr":
        psc.next(acr="eidas0")
    elif case == "signature":
        psc.next(tamper=True)
    elif case == "unreachable":
        settings.SOCIALACCOUNT_PROVIDERS = providers(
            CLIENT_ID, CLIENT_SECRET, "http://127.0.0.1:9/.well-known/wallet-openid-configuration"
        )
    elif case == "linked elsewhere":
        # Someone else, signed in with a password, tries to link the same RPPS.
        from tests.e2e.conftest import log_in
        from tests.factories import PASSWORD

        other = UserFactory()
        device = EncryptedTOTPDevice(user=other, name="app", confirmed=True)
        other_secret = EncryptedTOTPDevice.new_secret()
        device.set_secret(other_secret)
        device.save()
        log_in(page, other.email, PASSWORD)
        page.wait_for_url("**/accounts/2fa/verification/")
        page.fill("#id_code", totp(other_secret))
        page.click("main form button[type=submit]")
        page.wait_for_url("**/cabinets/nouveau/")
        page.goto("/accounts/securite/")
        page.click("text=Lier Pro Santé Connect")
        page.wait_for_url("**/reauthenticate/**")
        page.fill("#id_password", PASSWORD)
        page.click("main form button[type=submit]")
        page.wait_for_url("**/accounts/psc/connecter/")
    before = _counts()
    if case == "state":
        page.goto("/accounts/psc/login/callback/?code=forged&state=forged")
    elif case == "linked elsewhere":
        page.click("text=Lier avec Pro Santé Connect")
    else:
        click_psc(page)
    page.wait_for_selector("p.psc-error")
    assert sentence in page.inner_text("p.psc-error")
    assert "Rien n'a été créé ni modifié dans Vigie." in page.inner_text("main")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert _counts() == before
    page.screenshot(path=SCREENSHOTS / f"psc-error-{case.replace(' ', '-')}.png", full_page=True)
