"""Where a legal statement of the shipped content comes from, and when it was checked.

Every legal or regulatory statement of the content files (a retention period, a legal
basis, an article, an authority's rule) carries a ``source`` (one mapping) or ``sources``
(a list of them)::

    source: {text: "CSP", article: "art. R1112-7", url: "https://www.legifrance…",
             checked: "2026-12-04", confirm: true}

``text`` names the text (short form as a practice reads it: "CSP", "RGPD"…), ``article``
the article or the point, ``url`` the official text, ``checked`` the day someone read it
against the text (ISO date, quoted), ``confirm`` that it still has to be confirmed ("à
valider"). ``manage.py content_sources`` lists them all and fails when a statement has none,
when a date is too old, or when a retention period gives no figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

# A date checked longer ago than this is stale: the statement must be read again.
MAX_AGE = timedelta(days=365)

# Text that states the law or an authority's rule, and so needs a source.
LEGAL = re.compile(
    r"\bart(?:icle|\.)\s*\d|\b[LRD]\.?\s?\d{3,4}-\d|\bRGPD\b|\bGDPR\b|\bCNIL\b|\bHDS\b"
    r"|\bCERT Santé\b|\bdélibération\b|\bill[ée]gal|\binterdit\b|\bforbidden\b|\bunlawful\b"
    r"|\billicite\b|\bobligatoire\b|\bmandatory\b|\b72 h",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Source:
    text: str
    article: str = ""
    url: str = ""
    checked: date | None = None
    confirm: bool = False

    @property
    def reference(self) -> str:
        """ "art. R1112-7 CSP": the article, then the text."""
        return " ".join(part for part in (self.article, self.text) if part)

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "article": self.article,
            "url": self.url,
            "checked": self.checked.isoformat() if self.checked else "",
            "confirm": self.confirm,
        }


def _date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def parse(entry) -> list[Source]:
    """The sources of a content entry: its ``source`` mapping or its ``sources`` list (or a
    bare mapping / list passed directly)."""
    if isinstance(entry, dict) and ("source" in entry or "sources" in entry):
        raw = entry.get("sources") or entry.get("source") or []
    else:
        raw = entry or []
    if isinstance(raw, dict | Source):
        raw = [raw]
    if all(isinstance(item, Source) for item in raw):
        return list(raw)
    return [
        Source(
            text=str(item.get("text", "")).strip(),
            article=str(item.get("article", "") or "").strip(),
            url=str(item.get("url", "") or "").strip(),
            checked=_date(item.get("checked", "")),
            confirm=bool(item.get("confirm")),
        )
        for item in raw
        if isinstance(item, dict)
    ]


def plain(entry) -> list[dict]:
    """The sources as stored in a JSON field (dates as ISO text)."""
    return [source.as_dict() for source in parse(entry)]


def _checked(source: Source) -> str:
    return source.checked.strftime("%d/%m/%Y") if source.checked else "?"


def line(entry) -> str:
    """ "Source : art. R1112-7 CSP, vérifié le 04/12/2026" (plain text, for exports)."""
    parts = []
    for source in parse(entry):
        text = _("%(reference)s, vérifié le %(date)s") % {
            "reference": source.reference,
            "date": _checked(source),
        }
        if source.confirm:
            text += " " + _("(à valider)")
        if source.url:
            text += f" <{source.url}>"
        parts.append(text)
    if not parts:
        return ""
    return _("Source : %(sources)s") % {"sources": " ; ".join(parts)}


def html(entry):
    """The same line for a page, each reference linked to its official text."""
    items = []
    for source in parse(entry):
        # The reference names a French text as it is titled: marked French, so that an
        # English page reads it out in French.
        reference = format_html('<cite lang="fr">{}</cite>', source.reference)
        if source.url:
            reference = format_html('<a href="{}" rel="noopener">{}</a>', source.url, reference)
        text = format_html(
            "{}{}",
            format_html(
                _("{reference}, vérifié le {date}"), reference=reference, date=_checked(source)
            ),
            (" " + _("(à valider)")) if source.confirm else "",
        )
        items.append((text,))
    if not items:
        return ""
    return format_html(
        '<small class="source">{} {}</small>',
        _("Source :"),
        format_html_join(" ; ", "{}", items),
    )


@dataclass
class Statement:
    where: str  # file and place
    text: str  # the statement (French)
    sources: list[Source]
    retention: bool = False  # a retention period: needs a figure, or a field to fill
    required: bool = False  # the practice fills it in (no figure given on purpose)


def problems(statement: Statement, today: date) -> list[str]:
    """What is wrong with one statement, in plain words ([] when nothing)."""
    found = []
    if not statement.sources:
        found.append("aucune source")
    for source in statement.sources:
        if not source.text:
            found.append("source sans texte")
        if source.checked is None:
            found.append(f"{source.reference} : date de vérification absente")
        elif source.checked > today:
            found.append(f"{source.reference} : date de vérification dans le futur")
        elif today - source.checked > MAX_AGE:
            found.append(f"{source.reference} : vérifié il y a plus de 12 mois")
    if statement.retention and not statement.required and not re.search(r"\d", statement.text):
        found.append("durée de conservation sans chiffre ni champ à remplir")
    return found
