"""Warn when free text looks like it identifies a patient (seed: write "Patient X").

A warning, never a block: the detector finds a NIR (French social security number) with a
valid key, an e-mail address, a French phone number, or a date of birth next to a name.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

NIR = re.compile(
    r"\b([12378])\s?(\d{2})\s?(0[1-9]|1[0-2]|[2-9]\d)\s?(\d{2}|2[AB])\s?(\d{3})\s?(\d{3})"
    r"\s?(\d{2})\b",
    re.IGNORECASE,
)
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
PHONE = re.compile(r"(?<!\d)(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
BIRTH = re.compile(
    r"\b(?:né|née|naissance|ddn)\b[^.\n]{0,20}?\b\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}\b"
    r"|\b(?:M\.|Mme|Monsieur|Madame)\s+[A-ZÉ][\wéèêëï-]+[^.\n]{0,40}?"
    r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}\b",
    re.IGNORECASE,
)
# A first name and a surname (either order, the surname possibly in capitals) right before a
# 20th-century date, as a patient list writes them: "Jeanne Dupont 12/03/1956",
# "DUPONT Jeanne (12/03/1956)". Case matters here: two capitalised words, not any two. It may
# fire on a product name before an old date ("Windows Server 12/03/1999"): a warning only.
_WORD = r"[A-ZÉÈ][a-zéèêëïîôç]+(?:-[A-ZÉÈ][a-zéèêëïîôç]+)?"
_SURNAME = r"[A-ZÉÈ][A-ZÉÈ'-]+|" + _WORD
NAMED_DATE = re.compile(
    rf"\b(?:{_WORD}\s+(?:{_SURNAME})|(?:[A-ZÉÈ][A-ZÉÈ'-]+)\s+{_WORD})[\s,(]{{1,3}}"
    r"\d{1,2}[/.-]\d{1,2}[/.-]19\d{2}\b"
)


def nir_key_is_valid(match: re.Match) -> bool:
    sex, year, month, dept, commune, order, key = match.groups()
    dept = dept.upper()
    # Corsica: 2A counts as 19 and 2B as 18 in the key computation.
    number = sex + year + month + {"2A": "19", "2B": "18"}.get(dept, dept) + commune + order
    return 97 - (int(number) % 97) == int(key)


def findings(text: str) -> list[str]:
    """What in ``text`` looks identifying, as short French labels (empty: nothing)."""
    found = []
    if any(nir_key_is_valid(m) for m in NIR.finditer(text or "")):
        found.append(str(_("un numéro de sécurité sociale")))
    if EMAIL.search(text or ""):
        found.append(str(_("une adresse e-mail")))
    if PHONE.search(text or ""):
        found.append(str(_("un numéro de téléphone")))
    if BIRTH.search(text or "") or NAMED_DATE.search(text or ""):
        found.append(str(_("une date de naissance associée à une personne")))
    return found
