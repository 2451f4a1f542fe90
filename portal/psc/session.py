"""What a PSC sign-in keeps in the browser's session, and for how long."""

from __future__ import annotations

import time

from django.core import signing

from portal.psc.claims import Identity

# The ID token of the PSC sign-in under way, then of the signed-in session (for the
# RP-initiated logout's id_token_hint).
PENDING_ID_TOKEN = "psc_pending_id_token"
ID_TOKEN = "psc_id_token"
# An RPPS not linked yet, waiting for the person to sign in the usual way.
PENDING_LINK = "psc_pending_link"
PENDING_LINK_SECONDS = 15 * 60
LOGOUT_SALT = "vigie.psc.logout"


def remember_id_token(request, uid: str, id_token: str) -> None:
    request.session[PENDING_ID_TOKEN] = {"uid": uid, "id_token": id_token}


def keep_pending_link(request, identity: Identity) -> None:
    request.session[PENDING_LINK] = {
        "national_id": identity.national_id,
        "first_name": identity.first_name,
        "last_name": identity.last_name,
        "profession_code": identity.profession_code,
        "at": time.time(),
    }


def pending_link(request) -> Identity | None:
    data = request.session.get(PENDING_LINK)
    if not data:
        return None
    if time.time() - data.get("at", 0) > PENDING_LINK_SECONDS:
        forget_pending_link(request)
        return None
    return Identity(
        national_id=data["national_id"],
        first_name=data["first_name"],
        last_name=data["last_name"],
        profession_code=data["profession_code"],
    )


def pending_since(request) -> float:
    return (request.session.get(PENDING_LINK) or {}).get("at", 0.0)


def forget_pending_link(request) -> None:
    request.session.pop(PENDING_LINK, None)


def sign_logout_url(url: str) -> str:
    return signing.dumps(url, salt=LOGOUT_SALT)
