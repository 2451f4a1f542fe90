"""Signing in with Pro Santé Connect against a real OpenID provider (tests/psc/provider)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from portal.models import AuditEvent, User
from portal.psc import services
from portal.psc.claims import Identity
from portal.psc.session import ID_TOKEN
from tests.factories import PASSWORD
from tests.mfa.test_login_flow import enrolled_user
from tests.mfa.totp import totp
from tests.psc.conftest import DOCTOR, NURSE, sign_in, start

pytestmark = pytest.mark.django_db

JEANNE = Identity(national_id=DOCTOR, first_name="Jeanne", last_name="Martin", profession_code="10")


def linked_user(identity=JEANNE):
    user, secret = enrolled_user()
    services.link(user=user, identity=identity)
    return user, secret


def test_button_hidden_when_not_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    page = client.get(reverse("account_login")).content.decode()
    assert "Pro Santé Connect" not in page
    assert client.post(reverse("psc_login"), {"process": "login"}).status_code == 404


def test_button_shown_when_configured(client, psc):
    page = client.get(reverse("account_login")).content.decode()
    assert "Se connecter avec Pro Santé Connect" in page
    assert f'action="{reverse("psc_login")}"' in page


def test_authorization_request_is_psc_shaped(client, psc):
    response = start(client)
    assert response.status_code == 200
    url = urlsplit(response.context["url"])
    assert f"{url.scheme}://{url.netloc}" == psc.url
    assert url.path == "/auth"
    query = parse_qs(url.query)
    # allauth joins a set: the order varies, OAuth scopes have none.
    assert sorted(query["scope"][0].split(" ")) == ["openid", "scope_all"]
    assert query["acr_values"] == ["eidas1"]
    assert query["client_id"] == ["vigie"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == ["http://testserver/accounts/psc/login/callback/"]
    # The POST is answered by a page that moves on (the CSP's form-action is 'self').
    assert b'http-equiv="refresh"' in response.content


def _second_factor(client, secret):
    response = client.post(reverse("mfa_authenticate"), {"code": totp(secret)})
    assert response.status_code == 302
    return response


@pytest.mark.parametrize("fixture", ["psc", "psc_json"])
def test_linked_rpps_signs_in_then_totp(client, fixture, request):
    request.getfixturevalue(fixture)
    user, secret = linked_user()
    response = sign_in(client)
    # PSC alone is not a login: the second factor is asked first.
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302
    _second_factor(client, secret)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session[DEVICE_ID_SESSION_KEY]
    assert client.session[ID_TOKEN].count(".") == 2
    assert SocialAccount.objects.get(uid=DOCTOR).user == user


def test_unlinked_rpps_is_asked_to_sign_in_once_and_creates_nothing(client, psc):
    user, secret = enrolled_user()
    users = User.objects.count()
    response = sign_in(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("psc_link_required")
    assert User.objects.count() == users
    assert not SocialAccount.objects.exists()
    assert "_auth_user_id" not in client.session
    page = client.get(reverse("psc_link_required")).content.decode()
    assert "Jeanne Martin, RPPS 810100000001" in page
    confirm = reverse("psc_link_confirm")
    assert f"?next={confirm}" in page
    # The usual way, once: password, code, then the link is proposed.
    response = client.post(
        reverse("account_login") + f"?next={confirm}",
        {"login": user.email, "password": PASSWORD, "next": confirm},
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert _second_factor(client, secret)["Location"] == confirm
    assert "RPPS 810100000001" in client.get(confirm).content.decode()
    assert not SocialAccount.objects.exists()
    response = client.post(confirm)
    assert response["Location"] == reverse("mfa_security")
    user.refresh_from_db()
    assert user.rpps == DOCTOR
    assert SocialAccount.objects.get(provider="psc", uid=DOCTOR).user == user
    event = AuditEvent.objects.get(action="psc.link")
    assert event.actor == user
    assert event.changes == {"rpps": [None, DOCTOR]}
    # Next time PSC is enough (with the code).
    client.logout()
    assert sign_in(client)["Location"] == reverse("mfa_authenticate")


def test_other_identity_of_the_provider_maps_names_and_job(client, psc):
    psc.next(account=NURSE)
    sign_in(client)
    page = client.get(reverse("psc_link_required")).content.decode()
    assert "Paul Durand, RPPS 810100000002" in page
