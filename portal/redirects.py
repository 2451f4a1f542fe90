"""Redirects to a URL that came from data or from the query string: this site only.

Every such redirect goes through ``local_url``, which relies on Django's
``url_has_allowed_host_and_scheme`` (it knows that browsers read ``/\\evil.example`` as
``//evil.example``, strip tabs, accept ``http:/host``…) and further asks for a path on this
host (``/…``), never a full URL.
"""

from django.utils.http import url_has_allowed_host_and_scheme


def local_url(request, url: str | None) -> str | None:
    """``url`` if it is a path of this site, else None."""
    if not url or not url.startswith("/"):
        return None
    if not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    return url
