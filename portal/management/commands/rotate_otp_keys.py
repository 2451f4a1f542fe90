from django.core.management.base import BaseCommand
from django.db import transaction

from portal.mfa import crypto
from portal.mfa.models import EncryptedTOTPDevice


class Command(BaseCommand):
    help = (
        "Re-encrypt every TOTP secret with the first key of OTP_ENCRYPTION_KEYS. "
        "Put the new key first, keep the old ones, run this, then remove the old keys."
    )

    def handle(self, *args, **options):
        count = 0
        with transaction.atomic():
            for device in EncryptedTOTPDevice.objects.select_for_update().only("encrypted_key"):
                device.encrypted_key = crypto.rotate(device.encrypted_key)
                device.save(update_fields=["encrypted_key"])
                count += 1
        self.stdout.write(f"{count} secret(s) re-encrypted with the first key.")
