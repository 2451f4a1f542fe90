"""Re-authentication with Pro Santé Connect, for the account actions that ask for it
(replace the authenticator, new recovery codes, unlink…): an account opened with PSC has
no password to type again. allauth 65 has no such flow for a third-party account, so its
adapter is given one more method (``portal/mfa/adapter.py``) and this record."""

from __future__ import annotations

import time

from allauth.account import app_settings as account_settings
from allauth.account.internal.flows.login import get_authentication_records, record_authentication
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.psc import config


def method_for(user) -> dict | None:
    """allauth's description of the PSC re-authentication, for a linked account."""
    if not config.enabled() or not user.is_authenticated or not getattr(user, "rpps", ""):
        return None
    return {
        "id": "psc_reauthenticate",
        "description": _("Avec Pro Santé Connect"),
        "url": reverse("psc_reauthenticate"),
    }


def record(request, user, uid: str) -> None:
    record_authentication(
        request, user, "socialaccount", reauthenticated=True, provider=config.PROVIDER_ID, uid=uid
    )


def recently(request) -> bool:
    """True when this session re-authenticated with PSC within allauth's timeout."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    now = time.time()
    return any(
        r.get("method") == "socialaccount"
        and r.get("provider") == config.PROVIDER_ID
        and r.get("reauthenticated")
        and now - r.get("at", 0) < account_settings.REAUTHENTICATION_TIMEOUT
        for r in get_authentication_records(request, user)
    )
