from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from portal.audit import client_ip
from portal.mfa.signals import SHOW_RECOVERY_SESSION_KEY


class AccountAdapter(DefaultAccountAdapter):
    """allauth adapter: the TOTP stage after the password check; the client's address read
    through our trusted proxies; failed passwords counted per account and address."""

    def get_client_ip(self, request):
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def _get_login_attempts_cache_key(self, request, **credentials):
        # allauth counts failures per account ("key"): anyone could lock a person out by
        # typing wrong passwords for their address. Per account and address, the stranger
        # locks only themselves out (the per-address limit still holds across accounts).
        key = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{key}:{self.get_client_ip(request)}"

    def get_login_stages(self):
        return [*super().get_login_stages(), "portal.mfa.stages.TOTPStage"]

    def get_reauthentication_methods(self, user):
        # An account linked to Pro Santé Connect may confirm with it: after the password
        # when there is one, else first (allauth sends the person to the first method).
        from portal.psc.reauth import method_for

        methods = super().get_reauthentication_methods(user)
        psc = method_for(user)
        if psc is None:
            return methods
        return [*methods, psc] if user.has_usable_password() else [psc, *methods]

    def is_reauthentication_required(self, *, app, **kwargs):
        from portal.psc.reauth import recently

        required = super().is_reauthentication_required(app=app, **kwargs)
        return required and not (self.request is not None and recently(self.request))

    def get_logout_redirect_url(self, request):
        # Computed before the session ends: a PSC sign-in also ends at PSC.
        from portal.psc.logout import logout_url

        return logout_url(request) or super().get_logout_redirect_url(request)

    def get_login_redirect_url(self, request):
        if request.session.get(SHOW_RECOVERY_SESSION_KEY):
            return reverse("mfa_recovery_codes")
        return super().get_login_redirect_url(request)
