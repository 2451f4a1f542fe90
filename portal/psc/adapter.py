"""allauth's social-account adapter for PSC: who may sign in, link, or be created.

- A known RPPS signs in (allauth then runs the TOTP stage, as for a password).
- An unknown RPPS is never signed up: the person is asked to sign in the usual way once
  to link it; only an invitee (invitation link opened in this browser, no account yet for
  the invited e-mail) gets an account, and the invitation gives the membership.
- Linking from the security page needs a recent re-authentication.
"""

from __future__ import annotations

from allauth.account.internal.flows import reauthentication
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.psc import claims, errors, reauth, services, session
from portal.psc.config import PROVIDER_ID, REAUTHENTICATE
from practices import invitations


def _stop(response):
    raise ImmediateHttpResponse(response)


def _error(request, message, status=409):
    from portal.psc.views import error_page

    _stop(error_page(request, message, status=status))


def _pending_invitation(request):
    """The invitation this browser came with, if it may still create an account."""
    token = request.session.get(invitations.SESSION_KEY)
    if not token:
        return None
    try:
        invitation = invitations.invitation_from_token(token)
    except invitations.InvitationError:
        return None
    if get_user_model().objects.filter(email__iexact=invitation.email).exists():
        return None  # that person signs in the usual way, then links PSC
    return invitation


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        return False

    def pre_social_login(self, request, sociallogin):
        if sociallogin.account.provider != PROVIDER_ID:
            return
        identity = claims.identity(sociallogin.account.extra_data.get("userinfo") or {})
        process = sociallogin.state.get("process")
        if process == REAUTHENTICATE:
            self._reauthenticate(request, sociallogin)
        if process == AuthProcess.CONNECT:
            self._connect(request, sociallogin, identity)
        if sociallogin.is_existing:
            return  # signs in; the TOTP stage follows
        if process != AuthProcess.LOGIN:
            _error(request, errors.message())
        invitation = _pending_invitation(request)
        if invitation is not None:
            try:
                services.create_invited_user(
                    invitation=invitation, identity=identity, request=request
                )
            except services.LinkError as error:
                _error(request, str(error))
            sociallogin.lookup()
            return
        session.keep_pending_link(request, identity)
        if request.user.is_authenticated:
            _stop(redirect("psc_link_confirm"))
        _stop(redirect("psc_link_required"))

    def _reauthenticate(self, request, sociallogin):
        user = request.user
        if not (user.is_authenticated and sociallogin.is_existing):
            _error(request, errors.not_yours(), status=403)
        if sociallogin.user.pk != user.pk:
            _error(request, errors.not_yours(), status=403)
        reauth.record(request, user, sociallogin.account.uid)
        next_url = sociallogin.state.get("next") or reverse("mfa_security")
        _stop(redirect(next_url))

    def _connect(self, request, sociallogin, identity):
        user = request.user
        if not user.is_authenticated:
            _error(request, errors.message(), status=400)
        if reauthentication.is_reauthentication_required(request, app=""):
            _error(
                request,
                _("Confirmez d'abord votre mot de passe depuis la page Sécurité du compte."),
                status=403,
            )
        if sociallogin.is_existing and sociallogin.user.pk != user.pk:
            _error(request, str(services.already_linked_elsewhere()))
        try:
            services.link(user=user, identity=identity, request=request)
        except services.LinkError as error:
            _error(request, str(error))
        messages.success(request, _("Votre compte est lié à Pro Santé Connect."))
        _stop(redirect("mfa_security"))

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        if extra_context is not None:
            state_missing = exception is None and "state" not in extra_context
            extra_context["message"] = errors.message(
                exception=exception, state_missing=state_missing
            )
