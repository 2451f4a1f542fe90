"""An independent RFC 6238 implementation (standard library only) for the tests."""

import base64
import hashlib
import hmac
import struct
import time


def hotp(secret: bytes, counter: int, digits: int = 6, digest=hashlib.sha1) -> str:
    mac = hmac.new(secret, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    code = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(code % 10**digits).zfill(digits)


def totp(secret: bytes, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    return hotp(secret, int((time.time() if at is None else at) // step), digits)


def secret_from_key_groups(groups: str) -> bytes:
    key = groups.replace(" ", "")
    return base64.b32decode(key + "=" * (-len(key) % 8))
