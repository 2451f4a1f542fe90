"""Signed unsubscribe links: who and which kind, nothing else, salted for this one use.

The link leads to the preferences page (after login and second factor) with the kind
pre-selected to "no e-mail"; the person confirms with one click. Opening the link changes
nothing by itself: mail scanners follow links, and a GET must stay safe.
"""

from django.core import signing

from portal.notifications import conf

SALT = "vigie.notifications.unsubscribe"


def make(user, kind: str) -> str:
    """A token for ``kind`` ("" for every non-urgent kind) of ``user``."""
    return signing.dumps({"u": str(user.public_id), "k": kind}, salt=SALT)


def read(token: str) -> tuple[str, str]:
    """``(user public id, kind)``; raises ``signing.BadSignature`` (also when expired)."""
    data = signing.loads(token, salt=SALT, max_age=conf.token_max_age())
    if not isinstance(data, dict) or not isinstance(data.get("u"), str):
        raise signing.BadSignature("Malformed unsubscribe token.")
    return data["u"], str(data.get("k", ""))
