"""Ways around the second factor that must stay closed, and the device's own arithmetic."""

import re
import time
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from portal.mfa import services
from portal.mfa.models import EncryptedTOTPDevice
from tests.conftest import verified_client
from tests.factories import PASSWORD, UserFactory
from tests.mfa.test_login_flow import RFC_SECRET, RFC_VECTORS, enrolled_user, login_password
from tests.mfa.totp import hotp, secret_from_key_groups, totp

pytestmark = pytest.mark.django_db


def test_password_alone_cannot_enrol_a_new_authenticator_over_the_existing_one(client):
    user, _secret = enrolled_user()
    original = EncryptedTOTPDevice.objects.get(user=user)
    login_password(client, user)
    response = client.get(reverse("mfa_enrol"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    posted = client.post(reverse("mfa_enrol"), {"code": "123456"})
    assert posted["Location"] == reverse("mfa_authenticate")
    assert list(EncryptedTOTPDevice.objects.filter(user=user)) == [original]
    assert "_auth_user_id" not in client.session


def test_first_enrolment_never_replaces_a_confirmed_authenticator():
    user, _secret = enrolled_user()
    pending = services.pending_totp(user, {})
    code = totp(pending.secret)
    assert services.confirm_totp(device=pending, token=code) is False
    assert EncryptedTOTPDevice.objects.filter(user=user, confirmed=True).count() == 1


def test_code_page_without_authenticator_leads_to_enrolment(client):
    user = UserFactory()
    login_password(client, user)
    response = client.get(reverse("mfa_authenticate"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_enrol")


def test_stage_pages_without_a_login_in_progress_go_back_to_login(client):
    for name in ("mfa_authenticate", "mfa_enrol"):
        response = client.get(reverse(name))
        assert response["Location"] == reverse("account_login")


def test_a_recovery_code_made_only_of_digits_still_works(client):
    user, _secret = enrolled_user()
    device = StaticDevice.objects.create(user=user, name=services.RECOVERY_DEVICE_NAME)
    StaticToken.objects.create(device=device, token="1234567890")
    login_password(client, user)
    response = client.post(reverse("mfa_authenticate"), {"code": "12345 67890"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_recovery_code_typed_in_capitals_with_a_dash_works(client):
    user, _secret = enrolled_user()
    code = services.regenerate_recovery_codes(user)[3]
    login_password(client, user)
    typed = (code[:5] + "-" + code[5:]).upper()
    assert client.post(reverse("mfa_authenticate"), {"code": typed}).status_code == 302
    assert services.recovery_codes_left(user) == 9


def test_wrong_recovery_codes_are_throttled_too(client):
    user, secret = enrolled_user()
    login_password(client, user)
    with time_machine.travel(time.time(), tick=False) as clock:
        for attempt in range(4):
            clock.shift(2**attempt)  # each wrong code doubles the wait: 1, 2, 4, then 8 s
            client.post(reverse("mfa_authenticate"), {"code": "abcdefabcd"})
        response = client.post(reverse("mfa_authenticate"), {"code": totp(secret)})
    assert "Patientez" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_enrolment_page_names_compatible_apps_and_the_qr_code_is_csp_safe(client):
    user = UserFactory()
    login_password(client, user)
    page = client.get(reverse("mfa_enrol")).content.decode()
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert "style=" not in svg and "<script" not in svg
    assert "FreeOTP" in page and "RFC 6238" in page
    assert "http" not in svg  # drawn locally, no external QR service
    groups = re.search(r'class="key-groups"[^>]*>([A-Z2-7 ]+)<', page).group(1)
    assert all(len(group) == 4 for group in groups.split()[:-1])


def test_on_a_phone_the_key_can_be_added_by_a_link_instead_of_scanning(client):
    """The phone that shows the QR code cannot scan it: an otpauth:// link opens the app."""
    user = UserFactory()
    login_password(client, user)
    page = client.get(reverse("mfa_enrol")).content.decode()
    link = re.search(r'href="(otpauth://totp/[^"]+)"', page).group(1)
    groups = re.search(r'class="key-groups"[^>]*>([A-Z2-7 ]+)<', page).group(1)
    assert "secret=" + groups.replace(" ", "") in link and "issuer=Vigie" in link


def test_code_from_an_independent_rfc6238_implementation_is_accepted(client):
    user = UserFactory()
    login_password(client, user)
    page = client.get(reverse("mfa_enrol")).content.decode()
    groups = re.search(r'class="key-groups"[^>]*>([A-Z2-7 ]+)<', page).group(1)
    secret = secret_from_key_groups(groups)
    # Our own HMAC-SHA1 computation, then the previous 30-second step (tolerance of one).
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, 10, tzinfo=UTC), tick=False):
        earlier = hotp(secret, int(datetime(2026, 3, 2, 8, 59, 50, tzinfo=UTC).timestamp()) // 30)
        assert client.post(reverse("mfa_enrol"), {"code": earlier}).status_code == 302


@pytest.mark.parametrize(("at", "expected"), RFC_VECTORS)
def test_rfc6238_vectors_pass_our_device_verification(at, expected):
    """The published 8-digit codes end with the 6-digit code of the same step."""
    device = EncryptedTOTPDevice(user=UserFactory(), name="rfc", confirmed=True)
    device.set_secret(RFC_SECRET)
    device.save()
    with time_machine.travel(at, tick=False):
        assert device.verify_token(expected[-6:]) is True
        assert device.verify_token(expected[-6:]) is False  # the same step cannot be replayed


def test_code_two_steps_old_is_refused():
    user, secret = enrolled_user()
    device = EncryptedTOTPDevice.objects.get(user=user)
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, 10, tzinfo=UTC), tick=False):
        stale = totp(secret, at=datetime(2026, 3, 2, 8, 59, 20, tzinfo=UTC).timestamp())
        assert device.verify_token(stale) is False


def test_database_column_holds_no_readable_secret():
    user, secret = enrolled_user()
    table = EncryptedTOTPDevice._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE user_id = %s", [user.pk])  # noqa: S608
        row = " ".join(str(value) for value in cursor.fetchone())
    device = EncryptedTOTPDevice.objects.get(user=user)
    for readable in (secret.hex(), secret.hex().upper(), device.base32_secret):
        assert readable not in row
    assert device.secret == secret


def test_admin_login_form_with_a_password_only_does_not_sign_in(client):
    boss = UserFactory(is_staff=True, is_superuser=True)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": boss.email, "password": PASSWORD}
    )
    assert response.status_code == 302  # to the site's own login (tests/mfa/test_admin_login.py)
    assert "_auth_user_id" not in client.session


def test_admin_refuses_a_verified_user_who_is_not_staff():
    response = verified_client(UserFactory()).get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_replacing_the_authenticator_keeps_the_old_one_until_the_new_is_confirmed(client):
    user, old_secret = enrolled_user()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": totp(old_secret)})
    asked = client.get(reverse("mfa_replace"))
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    resumed = client.post(asked["Location"], {"password": PASSWORD})
    assert resumed["Location"] == reverse("mfa_replace")
    page = client.get(reverse("mfa_replace"))
    assert page.status_code == 200
    groups = re.search(r'class="key-groups"[^>]*>([A-Z2-7 ]+)<', page.content.decode()).group(1)
    wrong = client.post(reverse("mfa_replace"), {"code": "000000"})
    assert wrong.status_code == 200
    assert EncryptedTOTPDevice.objects.get(user=user, confirmed=True).secret == old_secret
    new_secret = secret_from_key_groups(groups)
    with time_machine.travel(datetime.now(tz=UTC).timestamp() + 30, tick=False):
        done = client.post(reverse("mfa_replace"), {"code": totp(new_secret)})
    assert done["Location"] == reverse("mfa_security")
    assert [d.secret for d in EncryptedTOTPDevice.objects.filter(user=user)] == [new_secret]
    assert client.get(reverse("mfa_security")).status_code == 200  # still verified


def test_changing_the_authenticator_asks_to_reauthenticate_after_five_minutes():
    user, _secret = enrolled_user()
    client = verified_client(user)  # force_login: no recent authentication recorded
    response = client.get(reverse("mfa_replace"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_regenerating_codes_after_reauthentication_invalidates_the_old_ones():
    user, _secret = enrolled_user()
    old = services.regenerate_recovery_codes(user)
    client = verified_client(user)
    asked = client.post(reverse("mfa_regenerate"))
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    resumed = client.post(asked["Location"], {"password": PASSWORD})
    assert resumed["Location"] == reverse("mfa_recovery_codes")
    page = client.get(resumed["Location"]).content.decode()
    new = re.findall(r"<li>([0-9a-f]{10})</li>", page)
    assert len(new) == 10 and not set(new) & set(old)
    assert services.recovery_codes_left(user) == 10
    assert not StaticToken.objects.filter(token__in=old).exists()
