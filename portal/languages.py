"""A person's language is kept on their account, not only in one browser's cookie.

The UI language is the cookie's (French when there is none: a browser setting never
switches a practice to English). Choosing a language while signed in, or signing in with a
language already chosen on the login page, saves it on the account: reminders and other
mail follow it, and a browser that has no cookie yet (another computer, a phone) opens in it.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation
from django.views.i18n import set_language as django_set_language

CODES = frozenset(code for code, _name in settings.LANGUAGES)


def _save(user, code) -> None:
    if code in CODES and user.language != code:
        user.language = code
        user.save(update_fields=["language"])


def set_language(request):
    """Django's language switch, which also saves the choice of a signed-in person (with
    their second factor: a password-only session changes the page, not the account)."""
    response = django_set_language(request)
    user = request.user
    if request.method == "POST" and user.is_authenticated and user.is_verified():
        _save(user, request.POST.get("language"))
    return response


@receiver(user_logged_in)
def keep_chosen_language(sender, request, user, **kwargs):
    if request is not None:
        _save(user, request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))


class AccountLanguage:
    """In a browser without a language cookie, a signed-in person's pages (and the cookie,
    so that the login page after a logout stays in that language) take their account's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = self._account_language(request)
        if language is None:
            return self.get_response(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if settings.LANGUAGE_COOKIE_NAME in response.cookies:  # the switch was just used
            return response
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response

    @staticmethod
    def _account_language(request):
        if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
            return None
        if not request.user.is_authenticated:
            return None
        language = request.user.language
        if language not in CODES or language == translation.get_language():
            return None
        return language
