"""RP-initiated logout at PSC: after Vigie's own logout, the browser goes to PSC's
end-session endpoint with ``id_token_hint``, ``post_logout_redirect_uri`` and ``state``."""

from __future__ import annotations

import secrets

from allauth.utils import build_absolute_uri
from django.urls import reverse
from django.utils.http import urlencode
from requests import RequestException

from portal.psc import config, session


def logout_url(request) -> str | None:
    """Vigie's page that sends the browser on to PSC, or None (not a PSC session, PSC down)."""
    id_token = request.session.get(session.ID_TOKEN)
    if not id_token or not config.enabled():
        return None
    from portal.psc.views import PSCOAuth2Adapter

    try:
        endpoint = PSCOAuth2Adapter(request).openid_config.get("end_session_endpoint")
    except (RequestException, ValueError):
        return None
    if not endpoint:
        return None
    params = {
        "id_token_hint": id_token,
        "post_logout_redirect_uri": build_absolute_uri(request, reverse("account_login")),
        "state": secrets.token_urlsafe(16),
    }
    target = f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"
    return reverse("psc_leave") + "?" + urlencode({"to": session.sign_logout_url(target)})
