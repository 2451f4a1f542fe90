"""The crisis card as one A4 page: its context, HTML and PDF (WeasyPrint)."""

from __future__ import annotations

import segno
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from documents import crisis
from portal.pdf import render as render_pdf
from portal.texts import local
from practices.checklists.models import BackupCopy
from registry.incidents import breach


def qr(url: str) -> segno.QRCode:
    """The QR code of ``url`` (medium error correction: survives a worn print)."""
    return segno.make(url, error="m", micro=False)


def qr_data_uri(url: str) -> str:
    return qr(url).svg_data_uri(scale=4, border=2, dark="#000", light="#fff")


def _line(label, *values):
    """A contact line: its label and values; ``None`` for a missing one (« à compléter »)."""
    return {"label": label, "values": [v or None for v in values]}


def contact_lines(data: dict) -> list[dict]:
    contacts, admins = data["contacts"], data["admins"]
    manager = contacts["manager_name"] or ", ".join(a["name"] for a in admins)
    lines = [
        _line(_("Responsable au cabinet"), manager, contacts["manager_phone"]),
        _line(
            _("Prestataire informatique"),
            contacts["it_name"],
            contacts["it_phone"],
            contacts["it_email"],
        ),
        _line(
            _("DPO ou référent données"),
            contacts["dpo_name"],
            contacts["dpo_phone"],
            contacts["dpo_email"],
        ),
        _line(
            _("Assureur"),
            contacts["insurer_name"],
            contacts["insurer_phone"],
            contacts["insurer_policy"]
            and _("contrat n° %(n)s") % {"n": contacts["insurer_policy"]},
        ),
    ]
    for delegate in data["delegates"]:
        lines.append(_line(_("Délégué numérique en santé"), delegate["name"], delegate["email"]))
    return lines


def situations() -> list[dict]:
    reflexes = breach._reflex_file()["kinds"]
    return [
        {
            "title": local(situation["title"]),
            "reflexes": [crisis.short(local(r)) for r in reflexes.get(situation["kind"], [])],
        }
        for situation in crisis.content()["situations"]
    ]


def national() -> list[dict]:
    return [
        {"name": local(c["name"]), "how": local(c["how"])} for c in crisis.content()["national"]
    ]


def backups(data: dict) -> dict:
    media = dict(BackupCopy.Medium.choices)
    copies = [
        {**c, "medium_label": media.get(c["medium"], c["medium"])}
        for c in data["copies"][: crisis.COPIES_SHOWN]
    ]
    contacts, restore = data["contacts"], data["restore"] or {}
    return {
        "copies": copies,
        "more": max(0, len(data["copies"]) - crisis.COPIES_SHOWN),
        "restorer": _line(
            _("Qui restaure"),
            contacts["restorer_name"] or restore.get("by"),
            contacts["restorer_phone"],
        ),
    }


def missing(data: dict) -> int:
    """How many « à compléter » the card prints."""
    lines = [*contact_lines(data), backups(data)["restorer"]]
    count = sum(v is None for line in lines for v in line["values"])
    return count + (0 if data["copies"] else 1)


def context(data: dict, printed_at) -> dict:
    return {
        "data": data,
        "contacts": contact_lines(data),
        "situations": situations(),
        "national": national(),
        "backups": backups(data),
        "report_url": data["report_url"],
        "qr": qr_data_uri(data["report_url"]),
        "printed_at": timezone.localtime(printed_at),
        "checked_on": crisis.content()["checked_on"],
    }


def html(data: dict, printed_at, language: str) -> str:
    with translation.override(language):
        return render_to_string("documents/crisis_card_pdf.html", context(data, printed_at))


def pdf(data: dict, printed_at, language: str) -> bytes:
    return render_pdf(html(data, printed_at, language))
