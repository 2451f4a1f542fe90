from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "practices"
    verbose_name = _("Cabinets")

    def ready(self):
        from allauth.account.signals import user_logged_in

        from practices import invitations

        user_logged_in.connect(invitations.accept_on_login, dispatch_uid="invitation-on-login")
