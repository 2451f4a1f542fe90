"""Test settings: the real settings in test mode, with a fast password hasher."""

import os

os.environ.setdefault("VIGIE_ENV", "test")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from portal.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
ACCOUNT_RATE_LIMITS = {}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
