from django.apps import AppConfig


class PscConfig(AppConfig):
    name = "portal.psc"
    label = "psc"
    verbose_name = "Pro Santé Connect"

    def ready(self):
        from portal.psc import signals  # noqa: F401
