"""The allauth ↔ django-otp seam: a password alone never yields a usable session."""

import re
import time

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from portal.mfa import services
from portal.mfa.models import EncryptedTOTPDevice
from tests.factories import PASSWORD, UserFactory
from tests.mfa.totp import hotp, secret_from_key_groups, totp

pytestmark = pytest.mark.django_db

# RFC 6238 appendix B, SHA1, 8 digits, secret "12345678901234567890".
RFC_SECRET = b"12345678901234567890"
RFC_VECTORS = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]


@pytest.mark.parametrize(("at", "expected"), RFC_VECTORS)
def test_independent_totp_matches_rfc6238_vectors(at, expected):
    assert hotp(RFC_SECRET, at // 30, digits=8) == expected


@pytest.mark.parametrize(("at", "expected"), RFC_VECTORS)
def test_device_accepts_rfc6238_vectors(at, expected):
    from django_otp.oath import TOTP

    token = TOTP(RFC_SECRET, step=30, digits=8)
    token.time = at
    assert f"{token.token():08d}" == expected


def enrolled_user():
    user = UserFactory()
    device = EncryptedTOTPDevice(user=user, name="app", confirmed=True)
    secret = EncryptedTOTPDevice.new_secret()
    device.set_secret(secret)
    device.save()
    return user, secret


def login_password(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def test_password_alone_does_not_log_in(client):
    user, _secret = enrolled_user()
    response = login_password(client, user)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_wrong_then_right_code_logs_in_verified(client):
    user, secret = enrolled_user()
    login_password(client, user)
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    page = wrong.content.decode()
    assert "Code incorrect" in page
    # A first wrong code locks for one second only: nothing about waiting.
    assert "Patientez" not in page and "Trop d" not in page
    assert "_auth_user_id" not in client.session
    with time_machine.travel(time.time() + 3, tick=False):
        right = client.post(reverse("mfa_authenticate"), {"code": totp(secret)})
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session[DEVICE_ID_SESSION_KEY].startswith("portal.encryptedtotpdevice/")
    assert client.get(reverse("mfa_security")).status_code == 200


def test_a_used_code_cannot_be_replayed(client):
    user, secret = enrolled_user()
    code = totp(secret)
    login_password(client, user)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    client.post(reverse("account_logout"))
    login_password(client, user)
    replay = client.post(reverse("mfa_authenticate"), {"code": code})
    assert replay.status_code == 200
    assert "_auth_user_id" not in client.session


def test_recovery_code_works_once(client):
    user, _secret = enrolled_user()
    codes = services.regenerate_recovery_codes(user)
    assert len(codes) == 10 and len(set(codes)) == 10
    login_password(client, user)
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
    assert services.recovery_codes_left(user) == 9
    client.post(reverse("account_logout"))
    login_password(client, user)
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 200
    assert "_auth_user_id" not in client.session


def test_repeated_failures_are_throttled_with_a_waiting_time(client):
    """1 s, 2 s, 4 s are not told; the fourth wrong code locks for 8 s and says so."""
    user, secret = enrolled_user()
    login_password(client, user)
    start = time.time()
    with time_machine.travel(start, tick=False) as clock:
        for attempt in range(3):
            page = client.post(reverse("mfa_authenticate"), {"code": "123456"})
            assert "Code incorrect" in page.content.decode()
            assert "Patientez" not in page.content.decode(), attempt
            clock.shift(2**attempt)
        fourth = client.post(reverse("mfa_authenticate"), {"code": "123456"}).content.decode()
        assert "Code incorrect" in fourth and "Patientez 8 secondes" in fourth
        clock.shift(3)
        # Still locked: even the right code is not checked, and the wait left is told.
        response = client.post(reverse("mfa_authenticate"), {"code": totp(secret)})
        assert "Patientez 5 secondes" in response.content.decode()
        assert "Code incorrect" not in response.content.decode()
        assert "_auth_user_id" not in client.session
        clock.shift(5)
        assert client.post(reverse("mfa_authenticate"), {"code": totp(secret)}).status_code == 302


def test_a_code_sent_during_a_short_wait_is_asked_again_not_called_wrong(client):
    user, secret = enrolled_user()
    login_password(client, user)
    with time_machine.travel(time.time(), tick=False) as clock:
        client.post(reverse("mfa_authenticate"), {"code": "123456"})
        clock.shift(0.4)
        early = client.post(reverse("mfa_authenticate"), {"code": totp(secret)}).content.decode()
        assert "réessayez dans quelques secondes" in early
        assert "Code incorrect" not in early and "Patientez" not in early
        assert "_auth_user_id" not in client.session
        clock.shift(1)
        assert client.post(reverse("mfa_authenticate"), {"code": totp(secret)}).status_code == 302


def test_a_wrong_first_code_at_enrolment_says_code_incorrect(client):
    user = UserFactory()
    login_password(client, user)
    client.get(reverse("mfa_enrol"))
    page = client.post(reverse("mfa_enrol"), {"code": "000000"}).content.decode()
    assert "Code incorrect" in page
    assert "Patientez" not in page and "Trop d" not in page


@pytest.mark.parametrize("stage", ["mfa_enrol", "mfa_authenticate"])
def test_a_login_stopped_halfway_can_be_cancelled(client, stage):
    """The enrolment page is no dead end: a logout button clears the half-done login."""
    user = UserFactory() if stage == "mfa_enrol" else enrolled_user()[0]
    login_password(client, user)
    page = client.get(reverse(stage)).content.decode()
    assert f'action="{reverse("account_logout")}"' in page
    assert "Annuler et se déconnecter" in page
    client.post(reverse("account_logout"))
    assert client.get(reverse(stage))["Location"] == reverse("account_login")


def test_first_login_forces_enrolment_then_shows_recovery_codes(client):
    user = UserFactory()
    response = client.post(
        reverse("account_login") + "?next=/p/elsewhere/",
        {"login": user.email, "password": PASSWORD, "next": "/p/elsewhere/"},
    )
    assert response["Location"] == reverse("mfa_enrol")
    page = client.get(reverse("mfa_enrol")).content.decode()
    assert "<svg" in page and "qr-code" in page
    groups = re.search(r'class="key-groups"[^>]*>([A-Z2-7 ]+)<', page).group(1)
    secret = secret_from_key_groups(groups)
    device = EncryptedTOTPDevice.objects.get(user=user)
    assert device.confirmed is False
    assert device.config_url.startswith(f"otpauth://totp/Vigie:{user.email}?secret=")
    done = client.post(reverse("mfa_enrol"), {"code": totp(secret)})
    assert done.status_code == 302
    assert done["Location"] == reverse("mfa_recovery_codes")
    codes_page = client.get(done["Location"]).content.decode()
    assert codes_page.count("<li>") >= 10
    assert services.recovery_codes_left(user) == 10
    assert 'download="vigie-codes-de-secours.txt"' in codes_page
    # Shown once: coming back leads to the security page, not to the codes.
    assert client.get(reverse("mfa_recovery_codes"))["Location"] == reverse("mfa_security")
    device.refresh_from_db()
    assert device.confirmed is True


def test_sign_up_confirm_email_enrol(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "nouvelle@cabinet.fr",
            "first_name": " Anne ",
            "last_name": "Leroy",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(email="nouvelle@cabinet.fr")
    assert (user.first_name, user.last_name) == ("Anne", "Leroy")
    assert "_auth_user_id" not in client.session
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)
    confirm = client.post(link.group(1))
    assert confirm.status_code == 302
    assert confirm["Location"] == reverse("mfa_enrol")
    assert "_auth_user_id" not in client.session


def test_short_or_common_password_refused_in_french(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "x@cabinet.fr", "password1": "motdepasse", "password2": "motdepasse"},
    )
    assert response.status_code == 200
    assert "12 caractères" in response.content.decode()


def test_totp_secret_is_not_stored_in_clear():
    user, secret = enrolled_user()
    device = EncryptedTOTPDevice.objects.get(user=user)
    stored = device.encrypted_key
    assert secret.hex() not in stored
    assert device.base32_secret not in stored
    assert device.secret == secret


def test_reset_second_factor_forces_reenrolment_and_ends_sessions(client):
    from tests.conftest import verified_client

    user, _secret = enrolled_user()
    logged_in = verified_client(user)
    assert logged_in.get(reverse("mfa_security")).status_code == 200
    services.reset_second_factor(user=user)
    assert logged_in.get(reverse("mfa_security")).status_code == 302
    assert login_password(client, user)["Location"] == reverse("mfa_enrol")


def test_idle_session_ends(client):
    from tests.conftest import verified_client

    user, _secret = enrolled_user()
    logged_in = verified_client(user)
    assert logged_in.get(reverse("mfa_security")).status_code == 200
    with time_machine.travel(time.time() + 31 * 60):
        assert logged_in.get(reverse("mfa_security")).status_code == 302
    assert logged_in.get(reverse("mfa_security")).status_code == 302


def test_admin_needs_a_verified_superuser(client):
    from tests.conftest import verified_client

    boss = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(boss)  # password only, no second factor
    assert client.get("/admin/").status_code == 302
    assert verified_client(boss).get("/admin/").status_code == 200


def test_logout_other_sessions(client):
    from tests.conftest import verified_client

    user, _secret = enrolled_user()
    first, second = verified_client(user), verified_client(user)
    assert first.post(reverse("mfa_logout_others")).status_code == 302
    assert first.get(reverse("mfa_security")).status_code == 200
    assert second.get(reverse("mfa_security")).status_code == 302


def test_login_attempts_are_rate_limited(client, settings):
    from django.core.cache import cache

    cache.clear()
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    user, _secret = enrolled_user()
    for _ in range(3):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong-1234567"})
    blocked = login_password(client, user)  # even the right password waits now
    assert blocked.status_code == 200
    assert "Trop de tentatives" in blocked.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()


def test_email_change_asks_to_reauthenticate_after_five_minutes():
    from tests.conftest import verified_client

    user, _secret = enrolled_user()
    client = verified_client(user)  # force_login: no recent authentication recorded
    response = client.post(reverse("account_email"), {"action_add": "", "email": "x@y.fr"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_sign_up_asks_for_the_name_and_keeps_what_was_typed(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "sans-nom@cabinet.fr", "first_name": "Anne", "password1": PASSWORD,
         "password2": PASSWORD},
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in html
    assert 'value="sans-nom@cabinet.fr"' in html and 'value="Anne"' in html
    assert 'autocomplete="family-name"' in html
