"""Test settings: the real settings in test mode, with a fast password hasher."""

import os
from pathlib import Path

os.environ.setdefault("VIGIE_ENV", "test")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from portal.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
ACCOUNT_RATE_LIMITS = {}
# Each test process counts in its own memory (tests clear it); Redis as the shared cache is
# checked by tests/mfa/test_rate_limits.py under its own key prefix, never flushed.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not Django's shared in-memory database: the live server of the browser tests
    # then opens its own connection in its own thread, instead of sharing the test's (a page
    # and its htmx fragments on one shared connection broke each other's savepoints). One
    # file per pytest process, so two runs side by side do not meet.
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"vigie-test-{os.getpid()}.sqlite3")
    }
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA synchronous=OFF"  # noqa: F405
VIGIE_AUDIT_ANCHOR_LOG = BASE_DIR / "var" / "test-audit-anchors.log"  # noqa: F405
