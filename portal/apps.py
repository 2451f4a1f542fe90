from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portail")

    def ready(self):
        from portal import checks, languages  # noqa: F401  (registers the check, the signal)
        from portal.mfa import signals  # noqa: F401  (connects the login signal)
