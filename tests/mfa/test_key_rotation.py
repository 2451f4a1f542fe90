from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.test import override_settings

from portal.mfa.models import EncryptedTOTPDevice
from tests.factories import UserFactory


def test_rotation_re_encrypts_with_the_new_key_so_the_old_one_can_go(db):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(OTP_ENCRYPTION_KEYS=[old]):
        device = EncryptedTOTPDevice(user=UserFactory(), name="app", confirmed=True)
        secret = EncryptedTOTPDevice.new_secret()
        device.set_secret(secret)
        device.save()
    with override_settings(OTP_ENCRYPTION_KEYS=[new, old]):
        call_command("rotate_otp_keys")
    with override_settings(OTP_ENCRYPTION_KEYS=[new]):
        device.refresh_from_db()
        assert device.secret == secret
    with override_settings(OTP_ENCRYPTION_KEYS=[old]):
        try:
            device.secret
        except InvalidToken:
            pass
        else:
            raise AssertionError("the old key still decrypts the rotated secret")
