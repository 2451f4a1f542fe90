"""The one fr/en text picker: content files give their texts as ``{"fr": …, "en": …}``.

French is the source language: every text has it. English is shown to an English reader
when the text has it, French otherwise (a missing translation never shows an empty line or
raises). A plain string is a text that exists in one language only and is returned as is.
"""

from __future__ import annotations

from django.utils.translation import get_language


def english(language: str | None = None) -> bool:
    """True when ``language`` (by default the active one) is English."""
    return (language or get_language() or "fr").startswith("en")


def local(texts: dict | str | None, language: str | None = None) -> str:
    """The text in ``language`` (by default the active one), French when English is missing."""
    if texts is None:
        return ""
    if not isinstance(texts, dict):
        return str(texts)
    if english(language) and texts.get("en"):
        return str(texts["en"])
    return str(texts.get("fr") or "")
