"""Pro Santé Connect: allauth's OpenID Connect adapter where PSC differs, the login and
callback views around allauth's, and the pages of linking, unlinking and signing out."""

from __future__ import annotations

from urllib.parse import urlsplit

import jwt
from allauth.account.decorators import reauthentication_required
from allauth.account.internal.decorators import login_not_required
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core.exceptions import ReauthenticationRequired
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from requests import RequestException

from portal.psc import config, errors, services, session

# The userinfo JWT is asymmetric-signed by PSC (RS256 today); nothing else is accepted.
USERINFO_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256")


enabled = config.enabled


class PSCOAuth2Adapter(OpenIDConnectOAuth2Adapter):
    """allauth's OpenID Connect adapter with PSC's checks: `acr`, signed userinfo."""

    def __init__(self, request):
        super().__init__(request, config.PROVIDER_ID)

    def get_callback_url(self, request, app):
        return build_absolute_uri(request, reverse("psc_callback"), self.redirect_uri_protocol)

    def complete_login(self, request, app, token, **kwargs):
        id_token_str = kwargs["response"].get("id_token")
        if not id_token_str:
            raise errors.BadIdToken("no id_token")
        id_token = self._decode_id_token(app, id_token_str)
        if id_token.get("acr") != config.ACR:
            raise errors.WrongAcr(str(id_token.get("acr")))
        userinfo = self._fetch_user_info(token.token)
        if userinfo.get("sub") != id_token.get("sub"):
            raise errors.BadIdToken("userinfo sub differs from the ID token's")
        login = self.get_provider().sociallogin_from_response(
            request, {"userinfo": userinfo, "id_token": id_token}
        )
        session.remember_id_token(request, login.account.uid, id_token_str)
        return login

    def _decode_id_token(self, app, id_token):
        # Always checked against the provider's keys (allauth skips it after a direct
        # token request; the check costs one request for the keys).
        try:
            return jwtkit.verify_and_decode(
                credential=id_token,
                keys_url=self.openid_config["jwks_uri"],
                issuer=self.openid_config["issuer"],
                audience=app.client_id,
                lookup_kid=jwtkit.lookup_kid_jwk,
            )
        except OAuth2Error as error:
            raise errors.BadIdToken(str(error)) from error

    def _fetch_user_info(self, access_token: str) -> dict:
        headers = {"Authorization": f"Bearer {access_token}"}
        with get_adapter().get_requests_session() as sess:
            response = sess.get(self.profile_url, headers=headers)
            response.raise_for_status()
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type == "application/jwt":
            return self._verify_userinfo_jwt(response.text.strip())
        return response.json()

    def _verify_userinfo_jwt(self, credential: str) -> dict:
        """The signed userinfo answer, verified against the provider's JWKS."""
        client_id = self.get_provider().app.client_id
        try:
            alg, key = jwtkit.fetch_key(
                credential, self.openid_config["jwks_uri"], jwtkit.lookup_kid_jwk
            )
            if alg not in USERINFO_ALGORITHMS:
                raise errors.BadUserinfoSignature(f"algorithm {alg}")
            unverified = jwt.decode(credential, options={"verify_signature": False})
            return jwt.decode(
                credential,
                key=key,
                algorithms=[alg],
                issuer=self.openid_config["issuer"] if "iss" in unverified else None,
                audience=client_id if "aud" in unverified else None,
                options={"verify_aud": "aud" in unverified, "verify_iss": "iss" in unverified},
            )
        except (jwt.PyJWTError, OAuth2Error, KeyError, ValueError) as error:
            if isinstance(error, errors.BadUserinfoSignature):
                raise
            raise errors.BadUserinfoSignature(str(error)) from error


def error_page(request, message: str, status: int = 400):
    return render(request, "psc/error.html", {"message": message}, status=status)


def _outbound(request, response):
    """A redirect to PSC as a page that goes there by itself.

    The login form posts to Vigie, whose CSP limits ``form-action`` to itself: a POST
    answered by a redirect to another origin would be blocked by the browser. A page that
    moves on (meta refresh, plus a link) is a new navigation, not a form submission.
    """
    if isinstance(response, HttpResponseRedirect):
        target = urlsplit(response.url)
        if target.netloc and target.netloc != request.get_host():
            return render(request, "psc/outbound.html", {"url": response.url})
    return response


@login_not_required
@never_cache
def login(request):
    if not enabled():
        raise Http404
    try:
        view = OAuth2LoginView.adapter_view(PSCOAuth2Adapter(request))
        return _outbound(request, view(request))
    except SocialApp.DoesNotExist as error:
        raise Http404 from error
    except RequestException:
        return error_page(request, errors.unreachable(), status=502)


@login_not_required
@never_cache
def callback(request):
    if not enabled():
        raise Http404
    try:
        view = OAuth2CallbackView.adapter_view(PSCOAuth2Adapter(request))
        return view(request)
    except SocialApp.DoesNotExist as error:
        raise Http404 from error
    except RequestException:
        return error_page(request, errors.unreachable(), status=502)


@never_cache
def link_required(request):
    """An RPPS not linked to any account: sign in the usual way once, then link it."""
    pending = session.pending_link(request)
    if pending is None:
        return redirect("account_login")
    login_url = reverse("account_login") + "?next=" + reverse("psc_link_confirm")
    return render(request, "psc/link_required.html", {"pending": pending, "login_url": login_url})


def _signed_in_since(request, since: float) -> bool:
    """A password sign-in (or re-authentication) of this session after ``since``."""
    records = get_authentication_records(request, request.user)
    return any(r.get("method") == "password" and r.get("at", 0) > since for r in records)


@login_required
@never_cache
def link_confirm(request):
    """After the usual sign-in that followed an unknown RPPS: link it (on confirmation).

    The password must have been typed after the PSC sign-in (or typed again): a session
    left open is not enough to tie someone's PSC identity to it.
    """
    pending = session.pending_link(request)
    if pending is None:
        messages.info(
            request,
            _("Aucune identité Pro Santé Connect en attente : liez-la depuis cette page."),
        )
        return redirect("mfa_security")
    if not _signed_in_since(request, session.pending_since(request)):
        raise ReauthenticationRequired()
    if request.method == "POST":
        try:
            services.link(user=request.user, identity=pending, request=request)
        except services.LinkError as error:
            session.forget_pending_link(request)
            return error_page(request, str(error), status=409)
        session.forget_pending_link(request)
        messages.success(request, _("Votre compte est lié à Pro Santé Connect."))
        return redirect("mfa_security")
    return render(request, "psc/link_confirm.html", {"pending": pending})


@login_required
@reauthentication_required(allow_get=False)
@never_cache
def connect(request):
    """From the security page, after re-authentication: off to PSC to link it."""
    if not enabled():
        raise Http404
    return render(request, "psc/connect.html", {"security_url": reverse("mfa_security")})


@require_POST
@login_required
@reauthentication_required
def unlink(request):
    try:
        services.unlink(user=request.user, request=request)
    except services.LinkError as error:
        messages.error(request, str(error))
        return redirect("mfa_security")
    messages.success(request, _("Pro Santé Connect n'est plus lié à votre compte."))
    return redirect("mfa_security")


@login_not_required
@never_cache
def leave(request):
    """After Vigie's logout: on to PSC's end of session (RP-initiated logout)."""
    try:
        url = signing.loads(request.GET.get("to", ""), salt=session.LOGOUT_SALT, max_age=300)
    except signing.BadSignature:
        return redirect("account_login")
    return render(request, "psc/outbound.html", {"url": url, "leaving": True})


@login_required
@never_cache
def reauthenticate(request):
    """The re-authentication page of an account linked to PSC (allauth sends it here)."""
    if not enabled() or not request.user.rpps:
        raise Http404
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    return render(request, "psc/reauthenticate.html", {"next_url": next_url})
