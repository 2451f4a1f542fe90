"""Why a Pro Santé Connect sign-in failed: one exception per case, one French page each.

They derive from allauth's OAuth2Error, so its callback view turns them into its
authentication-error page (``socialaccount/authentication_error.html``, Vigie's own),
where :func:`message` picks the sentence. Nothing is created on any of these paths.
"""

from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.utils.translation import gettext as _
from requests import RequestException


class PSCError(OAuth2Error):
    """A PSC answer Vigie refuses."""


class WrongAcr(PSCError):
    """The ID token's `acr` is not the level asked for (eidas1)."""


class BadUserinfoSignature(PSCError):
    """The userinfo JWT does not verify against the provider's keys."""


class BadIdToken(PSCError):
    """The ID token does not verify, or its subject differs from userinfo's."""


class NoNationalId(PSCError):
    """No SubjectNameID in the answer."""


def message(*, exception=None, state_missing=False) -> str:
    """The sentence for the error page."""
    if isinstance(exception, WrongAcr):
        return _(
            "Pro Santé Connect n'a pas confirmé le niveau d'authentification demandé "
            "(carte CPS ou application e-CPS). Reconnectez-vous avec votre carte CPS ou "
            "l'application e-CPS."
        )
    if isinstance(exception, BadUserinfoSignature):
        return _(
            "La réponse de Pro Santé Connect n'a pas pu être vérifiée (signature invalide). "
            "Par sécurité, la connexion est refusée. Réessayez dans quelques minutes ; si cela "
            "se reproduit, connectez-vous avec votre e-mail et votre mot de passe."
        )
    if isinstance(exception, BadIdToken):
        return _(
            "L'identité transmise par Pro Santé Connect n'a pas pu être vérifiée. Par "
            "sécurité, la connexion est refusée."
        )
    if isinstance(exception, NoNationalId):
        return _(
            "Pro Santé Connect n'a pas transmis votre identifiant RPPS ou ADELI : Vigie ne "
            "peut pas vous reconnaître."
        )
    if isinstance(exception, RequestException):
        return unreachable()
    if state_missing:
        return _(
            "Cette réponse de Pro Santé Connect ne correspond à aucune connexion en cours "
            "dans ce navigateur (lien expiré, ouvert dans un autre navigateur, ou déjà "
            "utilisé). Recommencez la connexion depuis la page de Vigie."
        )
    return _("La connexion avec Pro Santé Connect n'a pas abouti. Recommencez depuis Vigie.")


def not_yours() -> str:
    return _(
        "Cette identité Pro Santé Connect n'est pas celle liée à votre compte : l'action "
        "n'a pas été confirmée."
    )


def unreachable() -> str:
    return _(
        "Pro Santé Connect ne répond pas pour le moment. Réessayez dans quelques minutes, "
        "ou connectez-vous avec votre e-mail et votre mot de passe."
    )
