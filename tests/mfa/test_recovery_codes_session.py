"""Issue 19, item 11 (first half): recovery codes are kept only until shown.

They used to wait in the session, in clear, until the text file was downloaded (or
forever, if it never was). The page now carries the file itself (a ``data:`` link with
``download``); the session never holds a code.
"""

import re
from urllib.parse import unquote

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.urls import NoReverseMatch, reverse

from portal.mfa import services
from tests.conftest import verified_client
from tests.mfa.test_login_flow import enrolled_user

pytestmark = pytest.mark.django_db


def shown_codes(client):
    session = client.session
    session["vigie_mfa_show_recovery"] = True
    session.save()
    page = client.get(reverse("mfa_recovery_codes")).content.decode()
    return page, re.findall(r"<li>([0-9a-f]{10})</li>", page)


def test_the_session_never_holds_the_codes():
    user, _secret = enrolled_user()
    client = verified_client(user)
    _page, codes = shown_codes(client)
    assert len(codes) == 10 and services.recovery_codes_left(user) == 10
    stored = SessionStore(session_key=client.session.session_key).load()
    assert not any(code in repr(stored) for code in codes)


def test_the_page_offers_the_codes_as_a_file_of_its_own():
    user, _secret = enrolled_user()
    page, codes = shown_codes(verified_client(user))
    link = re.search(r'<a href="(data:text/plain;charset=utf-8,[^"]+)" download="([^"]+)"', page)
    assert link.group(2) == "vigie-codes-de-secours.txt"
    body = unquote(link.group(1).split(",", 1)[1])
    assert user.email in body and all(code in body for code in codes)


def test_there_is_no_download_url_reading_the_session_any_more():
    with pytest.raises(NoReverseMatch):
        reverse("mfa_recovery_codes_download")
