"""The 72-hour clock and the breach decisions (GDPR Art. 33 and 34), as plain rules.

The deadline is 72 hours of real time after the practice became aware of the breach;
times are stored in UTC and shown in Europe/Paris, so a daylight-saving change moves the
wall-clock hour shown, not the deadline.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import yaml
from django.utils.translation import gettext_lazy as _

from portal.texts import local
from registry.incidents.models import DEADLINE, Incident, Risk, Status

__all__ = ["DEADLINE", "clock_state", "deadline"]
# What the admin's assessment records (and the audit trail compares), awareness time first:
# it starts the clock.
ASSESSMENT_FIELDS = [
    "aware_at",
    "personal_data",
    "health_data",
    "data_categories",
    "persons_count",
    "records_count",
    "consequences",
    "measures",
    "risk",
    "cnil_required",
    "cnil_reason",
    "inform_required",
    "inform_waiver",
    "inform_reason",
    "persons_informed_at",
]
CONTENT = Path(__file__).resolve().parent / "content" / "reflexes.yaml"
# The rules the assessment page states (art. 33 and 34; the CNIL's "en cas de doute, notifiez").
SOURCE = [
    {
        "text": "RGPD",
        "article": "art. 33.1, 33.5 et 34",
        "url": "https://eur-lex.europa.eu/eli/reg/2016/679/oj",
        "checked": "2026-12-04",
    },
    {
        "text": "CNIL, « Notifier une violation de données personnelles »",
        "article": "en cas de doute, notifiez",
        "url": "https://www.cnil.fr/fr/notifier-une-violation-de-donnees-personnelles",
        "checked": "2026-12-04",
    },
]

EVENT_LABELS = {
    "reported": _("Incident signalé"),
    "reflex": _("Réflexe effectué"),
    "assessed": _("Évaluation de la violation enregistrée"),
    "filing": _("Notification à la CNIL enregistrée"),
    "status": _("Statut modifié"),
    "shared": _("Partage avec le délégué modifié"),
    "tracks": _("Signalement ARS / CERT Santé ou plainte enregistré"),
    "notification": _("Préparation de la notification à la CNIL mise à jour"),
    "reflex_undone": _("Réflexe décoché"),
    "corrected": _("Correction"),
    "filing_corrected": _("Notification à la CNIL corrigée"),
    "withdrawn": _("Retiré — erreur ou doublon"),
    "reinstated": _("Réintégré"),
}


class ClockState:
    NOT_APPLICABLE = "not_applicable"  # no personal data, or notification not required
    UNDECIDED = "undecided"  # personal data possible, decision not recorded yet
    RUNNING = "running"  # notification required, not filed, deadline ahead
    LATE = "late"  # notification required (or undecided) and deadline passed
    FILED = "filed"
    WITHDRAWN = "withdrawn"  # an error or a duplicate: no deadline


def deadline(incident: Incident) -> datetime:
    # In UTC: adding hours to a Paris wall-clock time would ignore a DST change.
    return incident.aware_at.astimezone(UTC) + DEADLINE


def clock_state(incident: Incident, has_initial_filing: bool, is_late: bool) -> str:
    """The clock of one incident as its page shows it. LATE is not computed here: it is
    ``is_late``, the incident's membership of ``Incident.objects.late(now)`` (read with
    ``Incident.objects.with_lateness(now)``; tests/incidents/test_late_rule.py checks page
    and queryset across a clock change). The other states say why an incident is not late."""
    if incident.status == Status.WITHDRAWN:
        return ClockState.WITHDRAWN
    if has_initial_filing:
        return ClockState.FILED
    if incident.personal_data is False or incident.cnil_required is False:
        return ClockState.NOT_APPLICABLE
    if is_late:
        return ClockState.LATE
    if incident.cnil_required is None:
        return ClockState.UNDECIDED
    return ClockState.RUNNING


def filing_is_late(incident: Incident, filed_at: datetime) -> bool:
    return filed_at > deadline(incident)


def suggested_risk(*, personal_data: bool, health_data: bool, unintelligible: bool) -> str:
    """Guidance only (the admin decides and writes why): health data weigh heavily."""
    if not personal_data or unintelligible:
        return Risk.NONE
    if health_data:
        return Risk.HIGH
    return Risk.RISK


def decisions_for(risk: str) -> tuple[bool, bool]:
    """(CNIL notification required, informing the persons required) for a risk level."""
    return risk in (Risk.RISK, Risk.HIGH), risk == Risk.HIGH


@cache
def _reflex_file() -> dict:
    return yaml.safe_load(CONTENT.read_text(encoding="utf-8"))


def reflexes_for(kind: str) -> list[dict]:
    """The kind's reflexes with their text in the active language."""
    return [
        {
            "key": r["key"],
            "text": local(r),
            "note": r.get("note", False),
            "source": r.get("source") or [],
            # Where to act: a number to call or a page, with the date it was checked and
            # « à valider » when not confirmed.
            "act": [
                {
                    "label": local(a),
                    "href": a.get("url") or f"tel:{a['tel']}",
                    "checked": "/".join(reversed(str(a.get("checked", "")).split("-"))),
                    "confirm": a.get("confirm", False),
                }
                for a in r.get("act") or []
            ],
        }
        for r in _reflex_file()["kinds"].get(kind, [])
    ]


def statements() -> list:
    """The reflexes' legal statements, for ``manage.py content_sources``."""
    from portal.sources import LEGAL, Statement, parse

    found = [
        Statement(
            where="registry/incidents/templates/incidents/assess.html repères",
            text="Toute violation au registre ; notification si risque ; en cas de doute, notifiez",
            sources=parse(SOURCE),
        )
    ]
    for kind, reflexes in _reflex_file()["kinds"].items():
        for r in reflexes:
            if r.get("source") or LEGAL.search(r["fr"]):
                found.append(
                    Statement(
                        where=f"registry/incidents/content/reflexes.yaml {kind}.{r['key']}",
                        text=r["fr"],
                        sources=parse(r),
                    )
                )
    return found
