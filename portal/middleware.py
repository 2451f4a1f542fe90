import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.utils.translation import gettext as _

LAST_SEEN_KEY = "vigie_last_seen"


class IdleTimeout:
    """End a session idle for ``VIGIE_IDLE_TIMEOUT`` seconds (seed: lock your PC)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY, now)
            if now - last_seen > settings.VIGIE_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, _("Votre session a expiré après une période d'inactivité."))
                return redirect(settings.LOGIN_URL)
            request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class SecurityHeaders:
    """Headers Django does not set itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if request.user.is_authenticated:
            response.setdefault("Cache-Control", "no-store, private")
        return response


class FrenchFirstLocaleMiddleware(LocaleMiddleware):
    """French unless the person chose otherwise (language cookie): a practice's staff
    should not get English pages because of a browser setting."""

    def process_request(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)
