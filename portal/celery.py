"""The Celery app: ``celery -A portal worker`` and ``celery -A portal beat``.

Settings come from Django's (``CELERY_*``): Redis broker, JSON only, late acks,
Europe/Paris; without ``REDIS_URL`` tasks run eagerly in the web process.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("vigie")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
