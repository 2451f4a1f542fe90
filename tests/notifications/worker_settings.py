"""Settings of the Celery worker and beat processes the reminder tests start.

The real settings (DATABASE_URL, REDIS_URL, EMAIL_URL come from the test's environment),
with the reminder plumbing's delays shortened so a test sees a claim expire or a retry
come back within seconds.
"""

import os

os.environ.setdefault("VIGIE_ENV", "test")

from portal.settings import *  # noqa: E402,F403

VIGIE_NOTIFY_CLAIM_TIMEOUT = float(os.environ.get("VIGIE_TEST_CLAIM_TIMEOUT", "600"))
VIGIE_NOTIFY_RETRY_BACKOFF = 1
VIGIE_NOTIFY_MAX_RETRIES = 30
# No connection kept between tasks: the test database is flushed between tests.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

if os.environ.get("VIGIE_TEST_FAST_BEAT"):
    CELERY_BEAT_SCHEDULE = {
        "reminders-sweep": {
            "task": "portal.notifications.tasks.sweep",
            "schedule": float(os.environ["VIGIE_TEST_FAST_BEAT"]),
            "options": {"expires": 5},
        }
    }
