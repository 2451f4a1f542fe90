"""Encryption at rest of TOTP secrets: MultiFernet over ``OTP_ENCRYPTION_KEYS``.

The first key encrypts, every key decrypts, so a new key can be put first and the old ones
kept until ``manage.py rotate_otp_keys`` has re-encrypted every device. In development a
key ``derive:<text>`` is derived from that text (the checkout's SECRET_KEY).
"""

import base64
import hashlib

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


def _fernet(key: str) -> Fernet:
    if key.startswith("derive:"):
        digest = hashlib.sha256(("vigie-otp:" + key[7:]).encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return Fernet(key.encode())


def cipher() -> MultiFernet:
    return MultiFernet([_fernet(k) for k in settings.OTP_ENCRYPTION_KEYS])


def encrypt(secret: bytes) -> str:
    return cipher().encrypt(secret).decode()


def decrypt(token: str) -> bytes:
    return cipher().decrypt(token.encode())


def rotate(token: str) -> str:
    return cipher().rotate(token.encode()).decode()
