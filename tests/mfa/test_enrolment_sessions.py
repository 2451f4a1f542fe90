"""Issue 19, item 1: each enrolment attempt has its own secret, bound to its session.

Two sessions that passed the password step (the person, and whoever else knows the
password) must never be shown the same secret, and confirming one deletes the other.
"""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from portal.mfa import services
from portal.mfa.models import EncryptedTOTPDevice
from tests.conftest import verified_client
from tests.factories import PASSWORD, UserFactory
from tests.mfa.test_login_flow import enrolled_user, login_password
from tests.mfa.totp import secret_from_key_groups, totp

pytestmark = pytest.mark.django_db

AT = datetime(2026, 12, 4, 9, 0, 5, tzinfo=UTC)


def shown_secret(client, url) -> bytes:
    page = client.get(url)
    assert page.status_code == 200
    groups = re.search(r'class="key-groups"[^>]*>([A-Z2-7 ]+)<', page.content.decode()).group(1)
    return secret_from_key_groups(groups)


def test_two_sessions_past_the_password_get_different_secrets_and_only_one_is_kept():
    user = UserFactory()
    owner, other = Client(), Client()
    with time_machine.travel(AT, tick=False):
        login_password(owner, user)
        login_password(other, user)
        owner_secret = shown_secret(owner, reverse("mfa_enrol"))
        other_secret = shown_secret(other, reverse("mfa_enrol"))
        assert owner_secret != other_secret
        # A reload in the same session keeps its secret (the app already scanned it).
        assert shown_secret(owner, reverse("mfa_enrol")) == owner_secret
        assert EncryptedTOTPDevice.objects.filter(user=user, confirmed=False).count() == 2

        done = owner.post(reverse("mfa_enrol"), {"code": totp(owner_secret)})
        assert done["Location"] == reverse("mfa_recovery_codes")
        assert [d.secret for d in EncryptedTOTPDevice.objects.filter(user=user)] == [owner_secret]

        # The other session's secret is gone: its code neither enrols nor signs in.
        refused = other.post(reverse("mfa_enrol"), {"code": totp(other_secret)})
        assert refused["Location"] == reverse("mfa_authenticate")
        third = Client()
        login_password(third, user)
        denied = third.post(reverse("mfa_authenticate"), {"code": totp(other_secret)})
        assert denied.status_code == 200
        assert "_auth_user_id" not in third.session
    assert [d.secret for d in EncryptedTOTPDevice.objects.filter(user=user)] == [owner_secret]


def test_a_code_of_another_session_secret_does_not_confirm_this_session():
    user = UserFactory()
    owner, other = Client(), Client()
    with time_machine.travel(AT, tick=False):
        login_password(owner, user)
        login_password(other, user)
        owner_secret = shown_secret(owner, reverse("mfa_enrol"))
        shown_secret(other, reverse("mfa_enrol"))
        # The other session types a code of the owner's secret: its own device is checked.
        wrong = other.post(reverse("mfa_enrol"), {"code": totp(owner_secret)})
        assert wrong.status_code == 200
        assert not EncryptedTOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_after_an_admin_reset_each_session_enrols_its_own_secret():
    user, _old = enrolled_user()
    services.reset_second_factor(user=user)
    first, second = Client(), Client()
    with time_machine.travel(AT, tick=False):
        login_password(first, user)
        login_password(second, user)
        assert shown_secret(first, reverse("mfa_enrol")) != shown_secret(
            second, reverse("mfa_enrol")
        )


def test_replacing_the_app_in_two_sessions_shows_two_secrets_and_keeps_the_confirmed_one():
    user, old_secret = enrolled_user()
    first, second = verified_client(user), verified_client(user)
    with time_machine.travel(AT, tick=False):
        for client in (first, second):
            asked = client.get(reverse("mfa_replace"))
            client.post(asked["Location"], {"password": PASSWORD})
        first_secret = shown_secret(first, reverse("mfa_replace"))
        second_secret = shown_secret(second, reverse("mfa_replace"))
        assert first_secret != second_secret
        assert first.post(reverse("mfa_replace"), {"code": totp(first_secret)}).status_code == 302
        assert [d.secret for d in EncryptedTOTPDevice.objects.filter(user=user)] == [first_secret]
        again = second.post(reverse("mfa_replace"), {"code": totp(second_secret)})
        assert again.status_code == 200
    confirmed = EncryptedTOTPDevice.objects.filter(user=user, confirmed=True)
    assert [d.secret for d in confirmed] == [first_secret]
    assert old_secret != first_secret
