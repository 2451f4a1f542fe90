import base64
import secrets
import time
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin
from django_otp.oath import TOTP

from portal.mfa import crypto


class EncryptedTOTPDevice(ThrottlingMixin, Device):
    """An RFC 6238 authenticator whose secret is stored encrypted (never in clear).

    Codes: 6 digits, 30-second steps, one step of tolerance either side; a code (or an
    earlier one) already accepted is refused, so a code cannot be replayed.
    """

    encrypted_key = models.TextField(_("secret chiffré"))
    last_t = models.BigIntegerField(default=-1)
    drift = models.SmallIntegerField(default=0)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    STEP = 30
    DIGITS = 6
    TOLERANCE = 1

    class Meta(Device.Meta):
        verbose_name = _("application d'authentification")

    @classmethod
    def new_secret(cls) -> bytes:
        return secrets.token_bytes(20)

    def set_secret(self, secret: bytes) -> None:
        self.encrypted_key = crypto.encrypt(secret)

    @property
    def secret(self) -> bytes:
        return crypto.decrypt(self.encrypted_key)

    @property
    def base32_secret(self) -> str:
        return base64.b32encode(self.secret).decode().rstrip("=")

    @property
    def config_url(self) -> str:
        label = quote(f"{settings.OTP_TOTP_ISSUER}:{self.user.email}", safe=":@")
        query = urlencode(
            {
                "secret": self.base32_secret,
                "issuer": settings.OTP_TOTP_ISSUER,
                "digits": 6,
                "period": self.STEP,
                "algorithm": "SHA1",
            }
        )
        return f"otpauth://totp/{label}?{query}"

    def get_throttle_factor(self):
        return 1

    def verify_token(self, token) -> bool:
        allowed, _info = self.verify_is_allowed()
        if not allowed:
            return False
        token = str(token).replace(" ", "")
        verified = False
        if token.isdigit() and len(token) == self.DIGITS:
            totp = TOTP(self.secret, self.STEP, 0, self.DIGITS, self.drift)
            totp.time = time.time()
            verified = totp.verify(int(token), self.TOLERANCE, self.last_t + 1)
            if verified:
                self.last_t = totp.t()
                self.drift = totp.drift
                self.throttle_reset(commit=False)
                self.save()
        if not verified:
            self.throttle_increment(commit=True)
        return verified
