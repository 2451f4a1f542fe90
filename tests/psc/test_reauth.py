"""Re-authenticating with Pro Santé Connect: an account opened with it has no password."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from portal.psc import services
from tests.conftest import verified_client
from tests.factories import UserFactory
from tests.psc.conftest import NURSE, sign_in, start
from tests.psc.test_sign_in import JEANNE

pytestmark = pytest.mark.django_db


def psc_only_user():
    user = UserFactory()
    user.set_unusable_password()
    user.save()
    services.link(user=user, identity=JEANNE)
    return user


def test_psc_only_account_confirms_with_psc_then_acts(psc):
    browser = verified_client(psc_only_user())
    guarded = reverse("mfa_replace")
    response = browser.get(guarded)
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"{reverse('psc_reauthenticate')}?next={guarded.replace('/', '%2F')}"
    )
    page = browser.get(response["Location"]).content.decode()
    assert "Confirmer avec Pro Santé Connect" in page
    assert "mot de passe" not in page
    # The request asks PSC for a fresh authentication.
    query = parse_qs(urlsplit(start(browser, "reauthenticate", guarded).context["url"]).query)
    assert query["prompt"] == ["login"]
    assert query["acr_values"] == ["eidas1"]
    response = sign_in(browser, process="reauthenticate", next_url=guarded)
    assert response["Location"] == guarded
    assert browser.get(guarded).status_code == 200


def test_another_psc_identity_does_not_confirm(psc):
    browser = verified_client(psc_only_user())
    guarded = reverse("mfa_replace")
    psc.next(account=NURSE)
    response = sign_in(browser, process="reauthenticate", next_url=guarded)
    assert response.status_code == 403
    assert "n&#x27;est pas celle liée à votre compte" in response.content.decode()
    assert browser.get(guarded).status_code == 302


def test_a_password_account_keeps_its_password_first(psc):
    user = UserFactory()
    services.link(user=user, identity=JEANNE)
    browser = verified_client(user)
    response = browser.get(reverse("mfa_replace"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_reauthentication_page_needs_a_linked_account(psc):
    browser = verified_client(UserFactory())
    assert browser.get(reverse("psc_reauthenticate")).status_code == 404
