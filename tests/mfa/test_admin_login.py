"""Issue 19, item 3: the admin site has no password form of its own.

``/admin/login/`` sent a superuser's right password to a form that answered "Veuillez saisir
votre jeton OTP" (so a guess could be confirmed) and had no rate limit. It now sends every
visitor to the site's own login (throttled, then the second factor), keeping ``next``.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.conftest import verified_client
from tests.factories import PASSWORD, UserFactory
from tests.mfa.test_login_flow import login_password

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss():
    return UserFactory(is_staff=True, is_superuser=True)


def test_admin_login_page_goes_to_the_site_login_keeping_next(client):
    response = client.get("/admin/login/?next=/admin/portal/user/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=/admin/portal/user/"


def test_admin_index_for_an_anonymous_visitor_ends_at_the_site_login(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_login") + "?next=/admin/"
    assert response.status_code == 200


def test_a_foreign_next_is_dropped(client):
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == reverse("account_login") + "?next=/admin/"


def test_posting_a_superuser_password_to_the_admin_form_says_nothing(client, boss):
    right = client.post("/admin/login/", {"username": boss.email, "password": PASSWORD})
    wrong = client.post("/admin/login/", {"username": boss.email, "password": "pas-le-bon-1"})
    assert right.status_code == wrong.status_code == 302
    assert right["Location"] == wrong["Location"]
    assert b"OTP" not in right.content
    assert "_auth_user_id" not in client.session


def test_guessing_goes_through_the_throttled_login(client, boss, settings):
    cache.clear()
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    for _ in range(3):
        client.post(reverse("account_login"), {"login": boss.email, "password": "mauvais-12345"})
    blocked = login_password(client, boss)
    assert "Trop de tentatives" in blocked.content.decode()
    cache.clear()


def test_the_admin_site_stays_for_verified_superusers(client, boss):
    client.force_login(boss)  # password only
    assert client.get("/admin/").status_code == 302
    assert verified_client(boss).get("/admin/").status_code == 200
    assert verified_client(boss).get("/admin/login/")["Location"] == "/admin/"


def test_a_verified_user_who_is_not_a_superuser_is_refused_without_a_loop():
    client = verified_client(UserFactory(is_staff=True))
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) <= 2
