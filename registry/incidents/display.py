"""How an incident reads on its page: the timeline's details and the summaries, in the
reader's language (rows store codes and values, never translated labels)."""

from __future__ import annotations

import json
from datetime import datetime

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from registry.incidents.models import CnilFiling, Incident, Kind, Risk, Status

FREE_TEXT = {
    "data_categories",
    "consequences",
    "measures",
    "inform_reason",
    "ars_reference",
    "police_reference",
}


def when(value) -> str:
    """dd/mm/yyyy hh:mm in Paris time ('' for no date)."""
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def _label(name: str) -> str:
    return capfirst(Incident._meta.get_field(name).verbose_name)


def _value(name: str, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if name == "status" and value in Status.values:
        return Status(value).label
    if isinstance(value, datetime):
        return when(value)
    if name.endswith("_at"):
        try:
            return when(datetime.fromisoformat(value))
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def _labelled(code, choices) -> str:
    return str(choices(code).label) if code in choices.values else code


def event_detail(event, reflex_texts: dict[str, str]) -> str:
    """The detail of a timeline event, labelled now. Events written before codes were
    stored keep their text as it was written."""
    action, detail = event.action, event.detail
    if action == "reflex":
        key, _sep, note = detail.partition(" — ")
        return reflex_texts.get(key, key) + (f" — {note}" if note else "")
    if action == "reported":
        return _labelled(detail, Kind)
    if action == "assessed":
        return _labelled(detail, Risk)
    if action == "filing":
        code, _sep, reference = detail.partition(" ")
        if code in CnilFiling.Type.values:
            return f"{CnilFiling.Type(code).label} {reference}"
        return detail
    if action in ("status", "shared", "tracks"):
        try:
            changes = json.loads(detail)
        except ValueError:
            return detail
        return ", ".join(
            f"{_label(name)}{_(':')} {_value(name, value)}" for name, value in changes.items()
        )
    return detail


def _rows(incident: Incident, names: list[str], read_text: bool) -> list[tuple[str, str]]:
    rows = []
    for name in names:
        value = getattr(incident, name)
        if value is None or value == "" or (name in FREE_TEXT and not read_text):
            continue
        rows.append((_label(name), _value(name, value)))
    return rows


def assessment_rows(incident: Incident, read_text: bool) -> list[tuple[str, str]]:
    """What the assessment recorded beyond the decisions: counts for everyone, free text
    only for those who may read it."""
    names = [
        "data_categories",
        "persons_count",
        "records_count",
        "consequences",
        "measures",
        "inform_reason",
        "persons_informed_at",
    ]
    return _rows(incident, names, read_text)


def follow_up_rows(incident: Incident, read_text: bool) -> list[tuple[str, str]]:
    """Sharing and the optional reports (ARS / CERT Santé, police)."""
    names = ["ars_reported_at", "ars_reference", "police_at", "police_reference"]
    shared = [(_label("shared_with_delegate"), _value("", incident.shared_with_delegate))]
    return shared + _rows(incident, names, read_text)
