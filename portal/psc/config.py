"""Pro Santé Connect configuration, from three environment variables (read by settings).

Kept free of Django imports: ``portal/settings.py`` calls :func:`providers`.
"""

PROVIDER_ID = "psc"
# PSC asks for this eIDAS level; the `acr` of the ID token must say it was reached.
ACR = "eidas1"
SCOPE = ["openid", "scope_all"]
# allauth's `process` for a re-authentication (allauth has login, connect, redirect).
REAUTHENTICATE = "reauthenticate"


def providers(client_id: str, secret: str, discovery_url: str) -> dict:
    """``SOCIALACCOUNT_PROVIDERS``: one PSC app when configured, else nothing (no button)."""
    if not (client_id and secret and discovery_url):
        return {}
    return {
        PROVIDER_ID: {
            "APPS": [
                {
                    "provider_id": PROVIDER_ID,
                    "name": "Pro Santé Connect",
                    "client_id": client_id,
                    "secret": secret,
                    "settings": {
                        # PSC's discovery is at /.well-known/wallet-openid-configuration:
                        # the whole URL is given, allauth keeps it as it is.
                        "server_url": discovery_url,
                        "oauth_pkce_enabled": True,
                    },
                }
            ]
        }
    }


def enabled() -> bool:
    """PSC is offered only when configured (PSC_CLIENT_ID, PSC_CLIENT_SECRET, PSC_DISCOVERY_URL)."""
    from django.conf import settings

    return bool(getattr(settings, "SOCIALACCOUNT_PROVIDERS", {}).get(PROVIDER_ID, {}).get("APPS"))
