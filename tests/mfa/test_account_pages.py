"""Every sign-in and account page: French, real labels, nothing inline that CSP would block."""

import re
from html.parser import HTMLParser

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tests.mfa.test_login_flow import enrolled_user, login_password
from tests.test_settings import settings_of

pytestmark = pytest.mark.django_db

# allauth's own English words that would show if a page fell back to English.
ENGLISH = ("Sign In", "Sign Up", "Sign Out", "Email Addresses", "Forgot Password", "Verified")


class PageAudit(HTMLParser):
    """Collects what the accessibility and CSP rules care about."""

    def __init__(self):
        super().__init__()
        self.labels, self.controls, self.problems, self.label_depth = set(), [], [], 0
        self.title, self.in_title = "", False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.problems.append(f"style= on <{tag}>")
        if tag == "script" and ("nonce" not in attrs or "src" not in attrs):
            self.problems.append("inline or nonce-less <script>")
        if tag == "label":
            self.label_depth += 1
            if attrs.get("for"):
                self.labels.add(attrs["for"])
        if tag == "title":
            self.in_title = True
        hidden = attrs.get("type") in ("hidden", "submit", "button")
        if tag in ("input", "select", "textarea") and not hidden and not self.label_depth:
            self.controls.append(attrs.get("id"))

    def handle_endtag(self, tag):
        if tag == "label":
            self.label_depth -= 1
        if tag == "title":
            self.in_title = False

    def handle_data(self, data):
        if self.in_title:
            self.title += data.strip()


def audit(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    page = PageAudit()
    page.feed(html)
    problems = list(page.problems)
    problems += [f"no <label> for #{c}" for c in page.controls if c not in page.labels]
    problems += [f"English: {word}" for word in ENGLISH if word in html]
    if not page.title:
        problems.append("empty <title>")
    if '<html lang="fr"' not in html:
        problems.append("not French")
    return problems


def anonymous_pages(client):
    user = UserFactory()
    address = EmailAddress.objects.get_or_create(user=user, email=user.email)[0]
    confirm_key = EmailConfirmationHMAC(address).key
    reset = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return {
        "login": reverse("account_login"),
        "signup": reverse("account_signup"),
        "reset": reverse("account_reset_password"),
        "reset done": reverse("account_reset_password_done"),
        "verification sent": reverse("account_email_verification_sent"),
        "inactive": reverse("account_inactive"),
        "confirm e-mail": reverse("account_confirm_email", args=[confirm_key]),
        "new password from the e-mail link": client.get(reset)["Location"],
        "reset from key done": reverse("account_reset_password_from_key_done"),
    }


def test_pages_before_sign_in(client):
    failures = {}
    for name, path in anonymous_pages(client).items():
        problems = audit(client.get(path))
        if problems:
            failures[name] = problems
    assert failures == {}


def test_second_step_pages(client):
    newcomer = UserFactory()
    login_password(client, newcomer)
    assert audit(client.get(reverse("mfa_enrol"))) == []
    other = client.__class__()
    user, _secret = enrolled_user()
    login_password(other, user)
    assert audit(other.get(reverse("mfa_authenticate"))) == []


def test_pages_of_a_signed_in_person(client):
    user, secret = enrolled_user()
    from tests.mfa.totp import totp

    login_password(client, user)
    client.post(reverse("mfa_authenticate"), {"code": totp(secret)})
    failures = {}
    for name in ("mfa_security", "account_reauthenticate", "account_logout"):
        if problems := audit(client.get(reverse(name))):
            failures[name] = problems
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    for name in ("account_email", "account_change_password", "mfa_replace"):
        if problems := audit(client.get(reverse(name))):
            failures[name] = problems
    assert failures == {}


def test_wrong_password_keeps_the_address_and_says_so_in_french(client):
    user = UserFactory()
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "pas-le-bon-mot-de-passe"}
    )
    html = response.content.decode()
    assert audit(response) == []
    assert f'value="{user.email}"' in html
    assert "errorlist" in html and "mot de passe" in html.lower()


def test_sign_up_page_is_for_a_new_practice_admin_and_points_staff_to_invitations(client):
    html = client.get(reverse("account_signup")).content.decode()
    assert "titulaire" in html and "invitation" in html
    assert re.search(r'<label for="id_email"', html)


def test_production_cookies_are_secure_http_only_and_same_site():
    values = settings_of(
        {"VIGIE_ENV": "production", "SECRET_KEY": "s" * 50, "OTP_ENCRYPTION_KEYS": "k"},
        [
            "SESSION_COOKIE_SECURE",
            "SESSION_COOKIE_HTTPONLY",
            "SESSION_COOKIE_SAMESITE",
            "CSRF_COOKIE_SECURE",
            "CSRF_COOKIE_SAMESITE",
            "LANGUAGE_COOKIE_SECURE",
            "LANGUAGE_COOKIE_HTTPONLY",
            "ACCOUNT_SESSION_REMEMBER",
        ],
    )
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "LANGUAGE_COOKIE_SECURE": True,
        "LANGUAGE_COOKIE_HTTPONLY": True,
        "ACCOUNT_SESSION_REMEMBER": False,
    }


def test_session_cookie_sent_after_login_is_http_only_and_same_site(client):
    user, secret = enrolled_user()
    from tests.mfa.totp import totp

    login_password(client, user)
    response = client.post(reverse("mfa_authenticate"), {"code": totp(secret)})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_signed_in_pages_carry_the_idle_warning(client):
    from tests.conftest import verified_client

    user, _secret = enrolled_user()
    html = verified_client(user).get(reverse("mfa_security")).content.decode()
    assert 'data-idle-timeout="1800"' in html
    assert 'id="idle-warning"' in html and "vigie/vigie.js" in html
