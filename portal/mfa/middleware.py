"""Safety net behind the login stage: a session is useful only once its second factor
is verified. Any authenticated but unverified session is logged out and sent to the
login page, on every URL except the short allow-list below (kept here, in one place).
"""

from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

# Paths an unverified (or anonymous) session may reach. Prefixes end with "/".
ALLOWED_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/2fa/",
    "/accounts/signup/",
    "/accounts/confirm-email/",
    "/accounts/password/reset/",
    "/accounts/inactive/",
    "/static/",
    "/i18n/",
    "/verifier/",  # public check of a training certificate: validity only, no data
    # Pro Santé Connect's way in and out (portal/psc), and allauth's pages for a failed or
    # cancelled third-party sign-in (no data).
    "/accounts/psc/login/",
    "/accounts/psc/au-revoir/",
    "/accounts/3rdparty/login/",
)
ALLOWED_EXACT = frozenset({"/healthz", "/accounts/psc/lier/"})


def is_allowed_unverified(path: str) -> bool:
    return path in ALLOWED_EXACT or path.startswith(ALLOWED_PREFIXES)


class RequireVerifiedSecondFactor:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        unverified = user.is_authenticated and not user.is_verified()
        if unverified and not is_allowed_unverified(request.path_info):
            logout(request)
            return redirect(f"{reverse('account_login')}?next={request.path_info}")
        return self.get_response(request)
