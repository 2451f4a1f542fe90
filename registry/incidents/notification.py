"""The CNIL notification as the CNIL asks it: what GDPR art. 33.3 and the CNIL's online
notification (téléservice) want, gathered from the incident, its assessment and its
notification details, in the téléservice's order (as Vigie reads it: to be checked against
the form when it changes), with what is still missing."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from registry.incidents import breach
from registry.incidents.display import when
from registry.incidents.models import Incident, NotificationDetails

# The CNIL's page on breaches (it links the online form) and the téléservice itself.
CNIL_PAGE = "https://www.cnil.fr/fr/notifier-une-violation-de-donnees-personnelles"
CNIL_FORM = "https://notifications.cnil.fr/"

FIELDS = [
    "confidentiality",
    "integrity",
    "availability",
    "origin",
    "circumstances",
    "started_at",
    "ended_at",
    "ongoing",
    "discovered_how",
    "persons_categories",
    "contact_name",
    "contact_role",
    "contact_email",
    "contact_phone",
    "informed_how",
    "informed_what",
    "processor_involved",
    "processor_name",
    "other_authorities",
]


@dataclass
class Answer:
    label: str
    value: str
    missing: bool = False


@dataclass
class Section:
    title: str
    answers: list[Answer] = field(default_factory=list)


def _yes_no(value) -> str:
    return {True: _("oui"), False: _("non")}.get(value, "")


def details_for(incident: Incident) -> NotificationDetails:
    """The incident's details (unsaved and empty when none were written yet)."""
    try:
        return incident.notification_details
    except NotificationDetails.DoesNotExist:
        return NotificationDetails(incident=incident, practice=incident.practice)


def stored(details: NotificationDetails) -> NotificationDetails:
    """The details as saved (a bound form writes the typed values on its instance)."""
    if details.pk is None:
        return NotificationDetails(incident=details.incident, practice=details.practice)
    return NotificationDetails.objects.get(practice=details.practice_id, pk=details.pk)


def prefill_contact(details: NotificationDetails, header) -> None:
    """The contact point proposed from the record's header: the DPO, or the controller."""
    prefix = "dpo" if header.dpo_designated else "controller"
    names = (getattr(header, f"{prefix}_first_name"), getattr(header, f"{prefix}_last_name"))
    details.contact_name = " ".join(part for part in names if part)
    details.contact_role = _("Délégué à la protection des données") if prefix == "dpo" else ""
    details.contact_email = getattr(header, f"{prefix}_email")
    details.contact_phone = getattr(header, f"{prefix}_phone")


def sections(incident: Incident, details: NotificationDetails, filings) -> list[Section]:
    """The CNIL form's sections. ``incident`` comes annotated ``is_late`` (the one rule,
    ``Incident.objects.with_lateness``)."""
    nature = [
        label
        for flag, label in (
            (details.confidentiality, _("confidentialité")),
            (details.integrity, _("intégrité")),
            (details.availability, _("disponibilité")),
        )
        if flag
    ]
    initial = [f for f in filings if f.type == "initial"]
    late = incident.is_late
    first_late = bool(initial) and breach.filing_is_late(incident, initial[0].filed_at)
    end = _("toujours en cours") if details.ongoing else when(details.ended_at)
    if incident.inform_waiver:
        inform = incident.get_inform_waiver_display()
    else:
        inform = {
            True: _("requise"),
            False: _("non requise"),
        }.get(incident.inform_required, "")
    if incident.inform_reason:
        inform = f"{inform} — {incident.inform_reason}" if inform else incident.inform_reason
    tracks = []
    if incident.ars_reported_at:
        tracks.append(
            _("ARS / CERT Santé le %(date)s") % {"date": when(incident.ars_reported_at)}
            + (f" ({incident.ars_reference})" if incident.ars_reference else "")
        )
    if incident.police_at:
        tracks.append(
            _("plainte le %(date)s") % {"date": when(incident.police_at)}
            + (f" ({incident.police_reference})" if incident.police_reference else "")
        )
    if details.other_authorities:
        tracks.append(details.other_authorities)
    processor = _yes_no(details.processor_involved)
    if details.processor_involved and details.processor_name:
        processor = f"{processor} — {details.processor_name}"
    informed_needed = incident.inform_required is True
    out = [
        Section(
            _("Type de notification"),
            [
                Answer(
                    _("Notification"),
                    _("complémentaire (notification initiale le %(date)s, %(ref)s)")
                    % {"date": when(initial[0].filed_at), "ref": initial[0].reference}
                    if initial
                    else _("initiale"),
                ),
                Answer(
                    _("Motifs du retard (plus de 72 heures)"),
                    "\n".join(f.delay_reason for f in initial if f.delay_reason),
                    missing=(late or first_late) and not any(f.delay_reason for f in initial),
                )
                if late or first_late
                else None,
            ],
        ),
        Section(
            _("Personne à contacter"),
            [
                Answer(_("Nom"), details.contact_name, missing=not details.contact_name),
                Answer(_("Fonction"), details.contact_role),
                Answer(_("Adresse mél"), details.contact_email, missing=not details.contact_email),
                Answer(_("Téléphone"), details.contact_phone, missing=not details.contact_phone),
            ],
        ),
        Section(
            _("Chronologie"),
            [
                Answer(
                    _("Début de la violation"),
                    when(details.started_at),
                    missing=details.started_at is None,
                ),
                Answer(
                    _("Fin de la violation"),
                    end,
                    missing=not details.ongoing and details.ended_at is None,
                ),
                Answer(_("Découverte (connaissance de la violation)"), when(incident.aware_at)),
                Answer(
                    _("Comment elle a été découverte"),
                    details.discovered_how,
                    missing=not details.discovered_how,
                ),
            ],
        ),
        Section(
            _("Nature de la violation"),
            [
                Answer(_("Nature"), ", ".join(nature), missing=not nature),
                Answer(
                    _("Origine"),
                    details.get_origin_display() if details.origin else "",
                    missing=not details.origin,
                ),
                Answer(
                    _("Cause et circonstances"),
                    details.circumstances or incident.description,
                    missing=not (details.circumstances or incident.description),
                ),
            ],
        ),
        Section(
            _("Données et personnes concernées"),
            [
                Answer(
                    _("Catégories de données"),
                    incident.data_categories
                    + (f" ({_('dont données de santé')})" if incident.health_data else ""),
                    missing=not incident.data_categories,
                ),
                Answer(
                    _("Nombre approximatif d'enregistrements"),
                    str(incident.records_count or ""),
                    missing=incident.records_count is None,
                ),
                Answer(
                    _("Catégories de personnes"),
                    details.persons_categories,
                    missing=not details.persons_categories,
                ),
                Answer(
                    _("Nombre approximatif de personnes"),
                    str(incident.persons_count or ""),
                    missing=incident.persons_count is None,
                ),
            ],
        ),
        Section(
            _("Conséquences probables"),
            [
                Answer(
                    _("Conséquences pour les personnes"),
                    incident.consequences,
                    missing=not incident.consequences,
                )
            ],
        ),
        Section(
            _("Mesures prises ou envisagées"),
            [Answer(_("Mesures"), incident.measures, missing=not incident.measures)],
        ),
        Section(
            _("Information des personnes"),
            [
                Answer(_("Décision"), inform, missing=incident.inform_required is None),
                Answer(
                    _("Informées le"),
                    when(incident.persons_informed_at),
                    missing=informed_needed and incident.persons_informed_at is None,
                ),
                Answer(
                    _("Par quel moyen"),
                    details.informed_how,
                    missing=informed_needed and not details.informed_how,
                ),
                Answer(
                    _("Ce qui leur a été dit"),
                    details.informed_what,
                    missing=informed_needed and not details.informed_what,
                ),
            ],
        ),
        Section(
            _("Sous-traitant et autres autorités"),
            [
                Answer(
                    _("Sous-traitant en cause"),
                    processor,
                    missing=details.processor_involved is None,
                ),
                Answer(_("Autres autorités informées"), "\n".join(tracks)),
            ],
        ),
    ]
    for section in out:
        section.answers = [a for a in section.answers if a is not None]
    return out


def missing(found: list[Section]) -> list[str]:
    return [f"{s.title} — {a.label}" for s in found for a in s.answers if a.missing]
