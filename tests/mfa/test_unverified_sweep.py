"""Every URL of the project, requested with a password-only session, answers no data.

Data-driven: the URL list comes from the resolver (tests/urlsweep.py), so a URL added
later is swept the day it lands.
"""

from django.test import Client

from portal.mfa.middleware import is_allowed_unverified
from tests.urlsweep import swept_urls

# Answering without any login is their purpose; they show no practice data.
PUBLIC_ROUTES = {"healthz"}


def test_password_only_session_gets_no_page_and_is_logged_out(cast):
    failures = []
    for route, path in swept_urls(cast.practice):
        if is_allowed_unverified(path):
            continue
        for method in ("get", "post"):
            client = Client()
            client.force_login(cast.admin)  # password checked, no second factor
            response = getattr(client, method)(path)
            if response.status_code != 302 or "/accounts/login/" not in response["Location"]:
                failures.append(f"{method.upper()} {route}: {response.status_code}")
            elif "_auth_user_id" in client.session:
                failures.append(f"{method.upper()} {route}: session still logged in")
    assert failures == []


def test_anonymous_visitor_gets_no_data_page(cast):
    failures = []
    for route, path in swept_urls(cast.practice):
        if is_allowed_unverified(path) or route in PUBLIC_ROUTES:
            continue
        response = Client().get(path)
        if response.status_code == 200:
            failures.append(route)
    assert failures == []


def test_the_sweep_covers_practice_pages(cast):
    routes = [route for route, _ in swept_urls(cast.practice)]
    assert "p/<slug:practice_slug>/" in routes
    assert len(routes) > 20
