"""Every PDF Vigie renders (the record, the breach register, training certificates) goes
through ``render``: WeasyPrint may read the app's own static files and inline ``data:``
resources, nothing else. Its default fetcher would follow any ``http://``, ``https://`` or
``file://`` URL met while rendering (a request to an internal address, a local file put
into the document)."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.utils._os import safe_join

# Relative URLs in the templates (``/static/…``) resolve against this host, which never
# exists (RFC 2606 ``.invalid``) and is only ever answered by ``StaticOnlyFetcher``.
BASE_HOST = "vigie.invalid"
BASE_URL = f"https://{BASE_HOST}/"


def static_path(relative: str) -> Path | None:
    """The file of a static path (finders in development, STATIC_ROOT once collected)."""
    relative = unquote(relative)
    try:
        found = finders.find(relative)
        if found:
            return Path(found)
        if settings.STATIC_ROOT:
            candidate = Path(safe_join(str(settings.STATIC_ROOT), relative))
            if candidate.is_file():
                return candidate
    except SuspiciousFileOperation:
        return None
    return None


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if (
                parts.scheme == "https"
                and parts.netloc == BASE_HOST
                and parts.path.startswith(settings.STATIC_URL)
            ):
                path = static_path(parts.path[len(settings.STATIC_URL) :])
                if path is not None:
                    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})
            raise ValueError(f"Not fetched into a PDF (only Vigie's static files): {url}")

    return StaticOnlyFetcher


def fetcher():
    return _fetcher_class()()


def render(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher()).write_pdf()
