"""The register's columns and rows, shared by the CSV and the PDF."""

from django.utils.translation import gettext as _

from registry.rights import deadlines


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def columns() -> list[str]:
    return [
        _("Reçue le"),
        _("Reçue par"),
        _("Droit exercé"),
        _("Demandeur"),
        _("Personne concernée"),
        _("Identité"),
        _("Complète le"),
        _("Délai"),
        _("Prolongation (raison)"),
        _("Courrier de prolongation"),
        _("Échéance"),
        _("Réponse le"),
        _("Moyen"),
        _("Issue"),
        _("Motif du refus"),
        _("Dans les délais"),
    ]


def row(item) -> list[str]:
    on_time = ""
    if item.answered_on:
        on_time = _("oui") if item.answered_on <= item.deadline else _("non")
    return [
        _date(item.received_on),
        item.get_channel_display(),
        item.get_kind_display(),
        item.get_requester_display(),
        item.person_ref,
        item.get_identity_display(),
        _date(item.complete_on),
        str(deadlines.delay_label(item)),
        item.extension_reason if item.extended else "",
        _date(item.extension_letter_on),
        _date(item.deadline),
        _date(item.answered_on),
        item.get_answer_means_display(),
        item.get_outcome_display(),
        item.refusal_reason,
        on_time,
    ]
