"""The test settings plus an app that forgot its contract."""

from tests.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.spaces.spaceless"]  # noqa: F405
