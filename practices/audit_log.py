"""The practice's audit trail as its admin reads it: filters and readable old/new values.

Events are written by every space through ``portal.audit.record``; this module only reads
them. Actions of the practice space have their own wording; any other action is shown as
"<kind of object>: <verb>", so a space added later is readable without touching this file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import AuditEvent
from practices.models import Profession

ACTION_LABELS = {
    "practice.create": gettext_lazy("Cabinet créé"),
    "practice.update": gettext_lazy("Informations du cabinet modifiées"),
    "membership.create": gettext_lazy("Arrivée dans l'équipe (invitation acceptée)"),
    "membership.update": gettext_lazy("Rôle ou fonction modifié"),
    "membership.remove": gettext_lazy("Retrait de l'équipe"),
    "membership.leave": gettext_lazy("Départ de l'équipe"),
    "membership.mfa_reset": gettext_lazy("Double authentification réinitialisée"),
    "psc.link": gettext_lazy("Compte lié à Pro Santé Connect (RPPS)"),
    "psc.unlink": gettext_lazy("Pro Santé Connect délié du compte"),
    "oversight.mfa_reset": gettext_lazy("Double authentification d'un délégué réinitialisée"),
    "invitation.create": gettext_lazy("Invitation envoyée"),
    "invitation.resend": gettext_lazy("Invitation renvoyée"),
    "invitation.revoke": gettext_lazy("Invitation annulée"),
    "oversight.grant": gettext_lazy("Accès accordé à un délégué"),
    "oversight.revoke": gettext_lazy("Accès d'un délégué retiré"),
    "checklist.activate": gettext_lazy("Liste de contrôle activée"),
    "checklist.configure": gettext_lazy("Liste de contrôle paramétrée"),
    "checklist.answer": gettext_lazy("Point de contrôle renseigné"),
    "checklist.fix": gettext_lazy("Action corrective réglée"),
    "attestation.confirm": gettext_lazy("Engagements personnels confirmés"),
    "backup.copy_add": gettext_lazy("Copie de sauvegarde notée"),
    "backup.restore_test": gettext_lazy("Test de restauration noté"),
    "backup.copy_update": gettext_lazy("Copie de sauvegarde corrigée"),
    "backup.copy_delete": gettext_lazy("Copie de sauvegarde supprimée"),
    "backup.restore_test_update": gettext_lazy("Test de restauration corrigé"),
    "backup.restore_test_delete": gettext_lazy("Test de restauration supprimé"),
    "incident.report": gettext_lazy("Incident signalé"),
    "incident.reflex": gettext_lazy("Réflexe d'incident coché"),
    "incident.assess": gettext_lazy("Violation de données évaluée"),
    "incident.filing": gettext_lazy("Déclaration ou signalement d'incident enregistré"),
    "incident.notification": gettext_lazy("Préparation de la notification à la CNIL enregistrée"),
    "incident.status": gettext_lazy("Statut d'incident modifié"),
    "incident.reflex_undo": gettext_lazy("Réflexe d'incident décoché"),
    "incident.correct": gettext_lazy("Incident corrigé"),
    "incident.filing_correct": gettext_lazy("Notification à la CNIL corrigée"),
    "incident.withdraw": gettext_lazy("Incident retiré (erreur ou doublon)"),
    "incident.reinstate": gettext_lazy("Incident réintégré"),
    "registry.header.update": gettext_lazy("En-tête du registre modifié"),
    "registry.activity.create": gettext_lazy("Fiche de traitement créée"),
    "registry.activity.update": gettext_lazy("Fiche de traitement modifiée"),
    "registry.activity.review": gettext_lazy("Fiche de traitement relue"),
    "registry.activity.status": gettext_lazy("Statut d'une fiche de traitement modifié"),
    "registry.activity.drop": gettext_lazy("Brouillon de fiche retiré"),
    "registry.export": gettext_lazy("Registre exporté"),
    "processors.create": gettext_lazy("Sous-traitant ou hébergeur ajouté"),
    "processors.update": gettext_lazy("Sous-traitant ou hébergeur modifié"),
    "processors.delete": gettext_lazy("Sous-traitant ou hébergeur supprimé"),
    "rights.create": gettext_lazy("Demande d'exercice des droits enregistrée"),
    "rights.update": gettext_lazy("Demande d'exercice des droits modifiée"),
    "rights.extend": gettext_lazy("Délai d'une demande d'exercice des droits prolongé"),
    "rights.answer": gettext_lazy("Réponse à une demande d'exercice des droits enregistrée"),
    "training.attempt": gettext_lazy("Module de formation passé"),
    "training.requirements": gettext_lazy("Modules de formation obligatoires modifiés"),
    "training.attestation_upload": gettext_lazy("Attestation de formation externe déposée"),
    "training.attestation_map": gettext_lazy("Attestation de formation externe validée"),
    "training.attestation_delete": gettext_lazy("Attestation de formation externe supprimée"),
}
VERBS = {
    "create": gettext_lazy("création"),
    "update": gettext_lazy("modification"),
    "delete": gettext_lazy("suppression"),
    "remove": gettext_lazy("retrait"),
    "report": gettext_lazy("signalement"),
    "activate": gettext_lazy("activation"),
    "configure": gettext_lazy("paramétrage"),
    "answer": gettext_lazy("réponse"),
    "review": gettext_lazy("relecture"),
    "status": gettext_lazy("changement de statut"),
    "drop": gettext_lazy("brouillon retiré"),
}
# Values stored as codes whose field declares no choices.
PLATFORM_OPERATOR = gettext_lazy("l'opérateur de la plateforme")
VALUE_LABELS = {
    ("practices.practice", "professions"): dict(Profession.choices),
    # Who reset a second factor: the practice's name, or the platform operator.
    ("practices.membership", "reset_by"): {
        "platform": gettext_lazy("l'opérateur de la plateforme")
    },
    ("practices.oversight", "reset_by"): {"platform": gettext_lazy("l'opérateur de la plateforme")},
}
# Labels of recorded keys that are not model fields (a space adds its own at start-up).
FIELD_LABELS: dict[tuple[str, str], str] = {
    ("practices.membership", "reset_by"): gettext_lazy("Réinitialisée par"),
    ("practices.oversight", "reset_by"): gettext_lazy("Réinitialisée par"),
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass
class Change:
    field: str
    old: str
    new: str


def _model(target_type: str):
    try:
        return apps.get_model(target_type) if target_type else None
    except (LookupError, ValueError):
        return None


def action_label(action: str, target_type: str = "") -> str:
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    model = _model(target_type)
    verb = action.rsplit(".", 1)[-1]
    if model is None:
        return action
    # ":" is Django's own msgid: " :" with a non-breaking space in French, ":" in English.
    return f"{capfirst(str(model._meta.verbose_name))}{_(':')} {VERBS.get(verb, verb)}"


def _field(model, name: str):
    try:
        return model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        return None


def _value(value, labels: dict) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, list):
        return ", ".join(_value(item, labels) for item in value)
    if isinstance(value, str) and ISO_DATE.match(value):
        return _date_text(value)
    return str(labels.get(value, value))


def _date_text(value: str) -> str:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value
    if parsed.tzinfo is not None:
        return formats.date_format(timezone.localtime(parsed), "SHORT_DATETIME_FORMAT")
    if len(value) == 10:
        return formats.date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
    return formats.date_format(parsed, "SHORT_DATETIME_FORMAT")


def readable_changes(event: AuditEvent) -> list[Change]:
    """``[Change(field label, old, new)]``: verbose names and choice labels, dates in Paris."""
    model = _model(event.target_type)
    rows = []
    for name, values in (event.changes or {}).items():
        field = _field(model, name)
        labels = VALUE_LABELS.get((event.target_type, name)) or dict(
            getattr(field, "flatchoices", None) or []
        )
        label = FIELD_LABELS.get((event.target_type, name)) or (
            str(field.verbose_name) if hasattr(field, "verbose_name") else name
        )
        old, new = values if isinstance(values, list) and len(values) == 2 else (None, values)
        # capfirst, not capitalize: the acronyms of a label stay as written (AIPD, UE, DPO).
        rows.append(Change(capfirst(label), _value(old, labels), _value(new, labels)))
    return rows


def events_of(practice) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(practice=practice)


def filter_choices(practice) -> tuple[list, list]:
    """Action types and people present in the practice's trail (two queries)."""
    events = events_of(practice).order_by()
    actions = events.values_list("action", "target_type").distinct()
    seen = {}
    for action, target_type in actions:
        seen.setdefault(action, action_label(action, target_type))
    people = sorted(set(events.exclude(actor_label="").values_list("actor_label", flat=True)))
    action_choices = sorted(seen.items(), key=lambda item: item[1])
    return action_choices, [(person, person) for person in people]


def filtered(practice, data: dict) -> QuerySet[AuditEvent]:
    """The practice's events matching the cleaned filter ``data`` (newest first)."""
    events = events_of(practice)
    if data.get("action"):
        events = events.filter(action=data["action"])
    if data.get("person"):
        events = events.filter(actor_label=data["person"])
    if data.get("start"):
        events = events.filter(at__date__gte=data["start"])
    if data.get("end"):
        events = events.filter(at__date__lte=data["end"])
    return events
