"""Pro Santé Connect as a django-allauth provider: its OpenID Connect provider, subclassed
where PSC differs (scope, acr, the national identifier as key, no e-mail)."""

from __future__ import annotations

from allauth.socialaccount.providers.openid_connect.provider import (
    OpenIDConnectProvider,
    OpenIDConnectProviderAccount,
)
from allauth.utils import get_request_param
from django.urls import reverse
from django.utils.http import urlencode

from portal.psc import claims
from portal.psc.config import ACR, PROVIDER_ID, REAUTHENTICATE, SCOPE
from portal.psc.errors import NoNationalId
from portal.psc.views import PSCOAuth2Adapter


def _userinfo(data: dict) -> dict:
    return data.get("userinfo") or data.get("id_token") or data


class PSCAccount(OpenIDConnectProviderAccount):
    def to_str(self):
        return self.account.uid


class PSCProvider(OpenIDConnectProvider):
    id = PROVIDER_ID
    name = "Pro Santé Connect"
    account_class = PSCAccount
    oauth2_adapter_class = PSCOAuth2Adapter
    # Only the browser flow: no ID token posted by an app.
    supports_token_authentication = False

    def get_login_url(self, request, **kwargs):
        url = reverse("psc_login")
        return f"{url}?{urlencode(kwargs)}" if kwargs else url

    def get_callback_url(self):
        return reverse("psc_callback")

    def get_default_scope(self):
        return list(SCOPE)

    def get_scope(self):
        return list(SCOPE)

    def get_scope_from_request(self, request):
        return list(SCOPE)  # nothing added from the request

    def get_auth_params(self):
        return {**super().get_auth_params(), "acr_values": ACR}

    def get_auth_params_from_request(self, request, action):
        # Nothing from the request may lower the level asked for.
        params = {**super().get_auth_params_from_request(request, action), "acr_values": ACR}
        if get_request_param(request, "process") == REAUTHENTICATE:
            params["prompt"] = "login"  # the card or the app again, not PSC's session
        return params

    def get_oauth2_adapter(self, request):
        return self.oauth2_adapter_class(request)

    def extract_uid(self, data):
        try:
            return claims.identity(_userinfo(data)).national_id
        except claims.MissingIdentifier as error:
            raise NoNationalId("SubjectNameID") from error

    def extract_common_fields(self, data):
        who = claims.identity(_userinfo(data))
        return {"first_name": who.first_name, "last_name": who.last_name}

    def extract_email_addresses(self, data):
        return []

    def extract_extra_data(self, data):
        return {"userinfo": claims.kept(_userinfo(data))}


provider_classes = [PSCProvider]
