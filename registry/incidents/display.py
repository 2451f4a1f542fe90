"""How an incident reads on its page: the timeline's details and the summaries, in the
reader's language (rows store codes and values, never translated labels)."""

from __future__ import annotations

import json
from datetime import datetime

from django.template.defaultfilters import yesno
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    if action == "reflex_undone":
        return reflex_texts.get(detail, detail)
    if action in ("corrected", "filing_corrected", "withdrawn", "reinstated"):
        return _traced(event)
    if action in ("status", "shared", "tracks"):
        try:
            changes = json.loads(detail)
        except ValueError:
            return detail
        return ", ".join(
            f"{_label(name)}{_(':')} {_value(name, value)}" for name, value in changes.items()
        )
    return detail


def _field_label(name: str) -> str:
    for model in (Incident, CnilFiling):
        try:
            return capfirst(model._meta.get_field(name).verbose_name)
        except Exception:  # noqa: BLE001, S112 - a name of the other model
            continue
    return name


def _traced_value(name: str, value) -> str:
    if name == "kind" and value in Kind.values:
        return str(Kind(value).label)
    return _value(name, value)


def _traced(event) -> str:
    """« Constaté le : 01/01/2019 10:00 → 01/12/2026 10:00 ; raison : faute de frappe »."""
    try:
        data = json.loads(event.detail)
    except ValueError:
        return event.detail
    parts = [
        f"{_field_label(name)}{_(':')} {_traced_value(name, old)} → {_traced_value(name, new)}"
        for name, (old, new) in data.get("changes", {}).items()
    ]
    label = _("raison")
    parts.append(f"{label}{_(':')} {data.get('reason', '')}")
    return " ; ".join(parts)


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


# The breach register (GDPR Art. 33.5), one row per breach, in the CSV and the PDF.
REGISTER_COLUMNS = [
    gettext_lazy("Type"),
    gettext_lazy("Constaté le"),
    gettext_lazy("Connaissance le"),
    gettext_lazy("Nature de la violation"),
    gettext_lazy("Catégories"),
    gettext_lazy("Personnes"),
    gettext_lazy("Enregistrements"),
    gettext_lazy("Conséquences"),
    gettext_lazy("Mesures"),
    gettext_lazy("Traitements concernés"),
    gettext_lazy("Risque"),
    gettext_lazy("Notification CNIL"),
    gettext_lazy("Information des personnes"),
    gettext_lazy("Autres signalements"),
    gettext_lazy("Statut"),
]


def _decision(value) -> str:
    """Required / not required / to decide, as the detail page says it."""
    return yesno(value, _("requise,non requise,à décider"))


def _cnil_cell(incident) -> str:
    parts = [_decision(incident.cnil_required)]
    if incident.cnil_reason:
        parts[0] += f" — {incident.cnil_reason}"
    for filing in incident.filings.all():
        line = f"{filing.get_type_display()} {when(filing.filed_at)} {filing.reference}"
        if filing.delay_reason:
            line += f" ({_('retard')}{_(':')} {filing.delay_reason})"
        parts.append(line)
    return "\n".join(parts)


def _inform_cell(incident) -> str:
    if incident.inform_waiver:
        text = incident.get_inform_waiver_display()
    else:
        text = _decision(incident.inform_required)
    if incident.inform_reason:
        text += f" — {incident.inform_reason}"
    if incident.persons_informed_at:
        text += f"\n{_label('persons_informed_at')} {when(incident.persons_informed_at)}"
    return text


def _tracks_cell(incident) -> str:
    lines = []
    for at, reference in (("ars_reported_at", "ars_reference"), ("police_at", "police_reference")):
        if getattr(incident, at):
            line = f"{_label(at)} {when(getattr(incident, at))}"
            lines.append(
                f"{line} ({getattr(incident, reference)})" if getattr(incident, reference) else line
            )
    return "\n".join(lines)


def register_row(incident) -> list:
    """One breach as the register's cells (texts in full: the register is for members)."""
    return [
        incident.get_kind_display(),
        when(incident.noticed_at),
        when(incident.aware_at),
        incident.description,
        incident.data_categories,
        incident.persons_count or "",
        incident.records_count or "",
        incident.consequences,
        incident.measures,
        ", ".join(str(a) for a in incident.activities.all()),
        incident.get_risk_display(),
        _cnil_cell(incident),
        _inform_cell(incident),
        _tracks_cell(incident),
        _status_cell(incident),
    ]


def _status_cell(incident) -> str:
    if incident.status == Status.WITHDRAWN and incident.withdrawn_reason:
        return f"{incident.get_status_display()} — {incident.withdrawn_reason}"
    return incident.get_status_display()
