"""Roles and what each may do: the one table the whole portal consults.

A person's role in a practice comes from their membership (admin, staff) or, failing
that, from an active delegate grant (delegate). Views ask for a capability, never for a
role name.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrateur du cabinet")
    STAFF = "staff", _("Membre de l'équipe")
    DELEGATE = "delegate", _("Délégué numérique en santé")


class Cap(models.TextChoices):
    VIEW = "view", _("Consulter l'espace du cabinet")
    MANAGE_PRACTICE = "manage_practice", _("Modifier le cabinet")
    MANAGE_MEMBERS = "manage_members", _("Gérer l'équipe et les invitations")
    VIEW_AUDIT = "view_audit", _("Consulter le journal d'audit")
    EDIT_REGISTRY = "edit_registry", _("Tenir le registre des traitements")
    EXPORT = "export", _("Exporter les registres")
    REPORT_INCIDENT = "report_incident", _("Signaler un incident")
    MANAGE_INCIDENTS = "manage_incidents", _("Instruire les incidents et violations")
    READ_INCIDENT_TEXT = "read_incident_text", _("Lire le détail des incidents")
    LOG_RIGHTS_REQUEST = "log_rights_request", _("Enregistrer une demande d'exercice des droits")
    MANAGE_RIGHTS = "manage_rights", _("Instruire les demandes d'exercice des droits")
    COMPLETE_CHECKLISTS = "complete_checklists", _("Remplir les listes de contrôle")
    MANAGE_CHECKLISTS = "manage_checklists", _("Paramétrer les listes de contrôle")
    TAKE_TRAINING = "take_training", _("Suivre les formations")
    MANAGE_TRAINING = "manage_training", _("Suivre la formation de l'équipe")
    PRINT_DOCUMENTS = "print_documents", _("Imprimer la fiche réflexe et l'affiche patients")


CAPABILITIES: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(Cap.values),
    Role.STAFF: frozenset(
        {
            Cap.VIEW,
            Cap.EXPORT,
            Cap.REPORT_INCIDENT,
            Cap.READ_INCIDENT_TEXT,
            # A request arrives at the desk: the secretary logs it, the admin answers it.
            Cap.LOG_RIGHTS_REQUEST,
            Cap.COMPLETE_CHECKLISTS,
            Cap.TAKE_TRAINING,
            # The crisis card is for every workstation: any member prints it.
            Cap.PRINT_DOCUMENTS,
        }
    ),
    # Read-only oversight; incident free text only where the practice shared it.
    Role.DELEGATE: frozenset({Cap.VIEW}),
}

# Capabilities that only read: every other one needs a member (never a delegate).
READ_ONLY_CAPS = frozenset({Cap.VIEW})


def can(role: str | None, capability: str) -> bool:
    return role is not None and capability in CAPABILITIES.get(role, frozenset())
