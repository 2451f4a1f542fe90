"""Each way a PSC sign-in fails: a clear French page, nobody signed in, nothing created."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from portal.models import AuditEvent, User
from portal.psc.config import providers
from tests.factories import UserFactory
from tests.psc.conftest import CLIENT_ID, CLIENT_SECRET, DOCTOR, sign_in, start, through_provider
from tests.psc.test_sign_in import JEANNE, linked_user

pytestmark = pytest.mark.django_db


def counts():
    return (User.objects.count(), SocialAccount.objects.count(), AuditEvent.objects.count())


def assert_nothing_happened(client, response, sentence, before):
    page = response.content.decode()
    assert response.status_code >= 400, response.status_code
    assert "Connexion avec Pro Santé Connect impossible" in page
    assert sentence in page
    assert "Rien n'a été créé ni modifié dans Vigie." in page
    assert "_auth_user_id" not in client.session
    assert counts() == before


def test_wrong_acr_is_refused(client, psc):
    users = counts()
    psc.next(acr="eidas0")
    response = sign_in(client)
    assert_nothing_happened(
        client, response, "n&#x27;a pas confirmé le niveau d&#x27;authentification", users
    )
    assert not SocialAccount.objects.exists()


def test_wrong_acr_refused_for_a_linked_account_too(client, psc):
    linked_user()
    users = counts()
    psc.next(acr="eidas0")
    response = sign_in(client)
    assert_nothing_happened(client, response, "niveau d&#x27;authentification", users)


def test_bad_userinfo_signature_is_refused(client, psc):
    linked_user()
    users = counts()
    psc.next(tamper=True)
    response = sign_in(client)
    assert_nothing_happened(client, response, "signature invalide", users)


def test_the_same_answer_signed_properly_passes(client, psc):
    """The check above is the signature's: untampered, the same identity gets through."""
    linked_user()
    assert sign_in(client)["Location"] == reverse("mfa_authenticate")


def test_provider_unreachable(client, settings):
    with __import__("socket").socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.SOCIALACCOUNT_PROVIDERS = providers(
        CLIENT_ID, CLIENT_SECRET, f"http://127.0.0.1:{port}/.well-known/wallet-openid-configuration"
    )
    users = counts()
    response = start(client)
    assert response.status_code == 502
    assert_nothing_happened(client, response, "Pro Santé Connect ne répond pas", users)


def test_provider_gone_between_request_and_callback(client, psc, settings):
    response = start(client)
    back = through_provider(response.context["url"])
    settings.SOCIALACCOUNT_PROVIDERS = providers(
        CLIENT_ID, CLIENT_SECRET, "http://127.0.0.1:9/.well-known/wallet-openid-configuration"
    )
    users = counts()
    response = client.get(back.removeprefix("http://testserver"))
    assert_nothing_happened(client, response, "Pro Santé Connect ne répond pas", users)


def test_state_mismatch(client, psc):
    linked_user()
    response = start(client)
    back = through_provider(response.context["url"])
    forged = back.removeprefix("http://testserver").replace("state=", "state=x")
    users = counts()
    response = client.get(forged)
    assert_nothing_happened(client, response, "ne correspond à aucune connexion en cours", users)


def test_callback_in_another_browser(client, psc):
    """The provider's answer opened where the sign-in did not start: no state there."""
    linked_user()
    back = through_provider(start(client).context["url"])
    other = client.__class__()
    users = counts()
    response = other.get(back.removeprefix("http://testserver"))
    assert_nothing_happened(other, response, "ne correspond à aucune connexion en cours", users)


def test_rpps_linked_to_another_account_cannot_be_linked_again(client, psc):
    from tests.conftest import verified_client

    owner, _secret = linked_user()
    other = UserFactory()
    browser = verified_client(other)
    from tests.factories import PASSWORD

    browser.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    users = counts()
    response = sign_in(browser, process="connect")
    assert response.status_code == 409
    page = response.content.decode()
    assert "déjà lié à un autre compte Vigie" in page
    assert "Rien n&#x27;a été créé ni modifié dans Vigie." in page or "Rien n'a été créé" in page
    assert counts() == users
    assert SocialAccount.objects.get(uid=DOCTOR).user == owner
    other.refresh_from_db()
    assert other.rpps == ""
    assert not AuditEvent.objects.filter(action="psc.link", actor=other).exists()


def test_connect_without_recent_password_is_refused(client, psc):
    from tests.conftest import verified_client

    user = UserFactory()
    browser = verified_client(user)
    response = sign_in(browser, process="connect")
    assert response.status_code == 403
    assert "Confirmez d&#x27;abord votre mot de passe" in response.content.decode()
    assert not SocialAccount.objects.exists()
    assert JEANNE.national_id == DOCTOR
