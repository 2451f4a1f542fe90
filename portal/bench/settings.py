"""Settings of the benchmark's web server: Vigie's own, plus a query counter and a floor.

Used only by ``manage.py bench`` (DJANGO_SETTINGS_MODULE=portal.bench.settings): each
response says how many SQL queries it took (``X-Bench-Queries``), and ``/bench/floor/``
is a bare Django view (whole middleware stack, no database) to measure against.
"""

import warnings

from portal.settings import *  # noqa: F403

# The benchmark serves no static file: WhiteNoise need not warn about a missing STATIC_ROOT.
warnings.filterwarnings("ignore", message="No directory at")

ROOT_URLCONF = "portal.bench.urls"
MIDDLEWARE = ["portal.bench.middleware.count_queries", *MIDDLEWARE]  # noqa: F405
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
