"""Issue 19, item 10: a notification's link leads only to a page of this site.

The check was ``startswith("/") and not startswith("//")``, which let ``/\\evil.example``
through (browsers read a backslash as a slash). Redirect targets now go through Django's
``url_has_allowed_host_and_scheme`` (``portal/redirects.py``).
"""

import pytest

from portal.notifications.models import SentReminder
from portal.redirects import local_url

pytestmark = pytest.mark.django_db

FOREIGN = [
    "/\\evil.example/",
    "/\\/evil.example/",
    "\\\\evil.example/",
    "//evil.example/",
    "/\t/evil.example/",
    "https://evil.example/",
    "http:/evil.example/",
    "javascript:alert(1)",
    "",
]


def notification(cast, url):
    return SentReminder.objects.create(
        kind="checklist.due",
        object_key="k",
        step="d-3",
        recipient=cast.admin,
        practice=cast.practice,
        url=url,
        context={"title": "Sauvegardes"},
    )


@pytest.mark.parametrize("url", FOREIGN, ids=repr)
def test_a_foreign_link_goes_to_the_inbox(cast, url):
    row = notification(cast, url)
    response = cast.client("admin").get(f"/notifications/ouvrir/?id={row.public_id}")
    assert response.status_code == 302
    assert response["Location"] == "/notifications/"


def test_a_local_link_is_followed(cast):
    row = notification(cast, "/p/cabinet-des-lilas/controles/?x=1")
    response = cast.client("admin").get(f"/notifications/ouvrir/?id={row.public_id}")
    assert response["Location"] == "/p/cabinet-des-lilas/controles/?x=1"


@pytest.mark.parametrize("url", FOREIGN, ids=repr)
def test_local_url_refuses_what_a_browser_would_take_elsewhere(rf, url):
    assert local_url(rf.get("/"), url) is None
