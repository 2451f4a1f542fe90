from django.apps import AppConfig


class SpacelessConfig(AppConfig):
    name = "tests.spaces.spaceless"
    label = "spaceless"
