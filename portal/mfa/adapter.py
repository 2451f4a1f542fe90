from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from portal.mfa.signals import SHOW_RECOVERY_SESSION_KEY


class AccountAdapter(DefaultAccountAdapter):
    """allauth adapter: the TOTP stage after the password check."""

    def get_login_stages(self):
        return [*super().get_login_stages(), "portal.mfa.stages.TOTPStage"]

    def get_logout_redirect_url(self, request):
        # Computed before the session ends: a PSC sign-in also ends at PSC.
        from portal.psc.logout import logout_url

        return logout_url(request) or super().get_logout_redirect_url(request)

    def get_login_redirect_url(self, request):
        if request.session.get(SHOW_RECOVERY_SESSION_KEY):
            return reverse("mfa_recovery_codes")
        return super().get_login_redirect_url(request)
