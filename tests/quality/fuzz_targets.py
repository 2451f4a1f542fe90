"""The forms the fuzzing tests post to. Add a form: append a ``Target`` to ``TARGETS``.

A target names who posts (a ``cast`` member), where (``path(cast)``, which may create the
objects the URL needs), which form class describes the fields (its ``base_fields`` drive
the generated input), the fixed fields the page always sends, and one valid submission
(``valid(cast)``) used to prove that a failure half-way through saves nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone


def _local(minutes_ago: int) -> str:
    return (timezone.localtime() - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M")


@dataclass(frozen=True)
class Target:
    name: str
    role: str
    path: Callable
    form: Callable  # returns the form class (imported late: apps may be loading)
    valid: Callable
    prefix: str = ""
    fixed: Callable = field(default=lambda cast: {})
    # Checked after every accepted submission: what must hold whatever was posted.
    invariant: Callable = field(default=lambda cast: None)


def _incident_path(cast, suffix=""):
    from tests.urlsweep import FILLERS

    return f"/p/{cast.practice.slug}/incidents/{FILLERS['incident_id'](cast.practice)}/{suffix}"


def _filing_path(cast):
    from tests.urlsweep import FILLERS

    return _incident_path(cast, f"cnil/{FILLERS['filing_id'](cast.practice)}/")


def _backups_path(cast, kind):
    from tests.urlsweep import FILLERS

    key = FILLERS["copy_id" if kind == "copies" else "test_id"](cast.practice)
    return f"/p/{cast.practice.slug}/controles/sauvegardes/{kind}/{key}/"


def _copy_pk(cast) -> str:
    from tests.urlsweep import _backup_copy

    return str(_backup_copy(cast.practice).pk)


def _own_copies_only(cast):
    from practices.checklists.models import RestoreTest

    for test in RestoreTest.objects.filter(practice=cast.practice).select_related("copy"):
        assert test.copy.practice_id == cast.practice.pk


def _activities(cast):
    """A registry entry in each practice: the form must only ever link its own."""
    from registry.models import ProcessingActivity

    for practice in (cast.practice, cast.other_practice):
        ProcessingActivity.objects.get_or_create(
            practice=practice, reference="T-1", defaults={"name": "Dossiers patients"}
        )
    return _incident_path(cast, "evaluation/")


def _links_own_activities_only(cast):
    from registry.incidents.models import Incident

    for incident in Incident.objects.filter(practice=cast.practice):
        assert {a.practice_id for a in incident.activities.all()} <= {cast.practice.pk}


def _run(cast):
    from tests.urlsweep import _checklist_run

    return _checklist_run(cast.practice)


def _item(cast) -> str:
    return _run(cast).checklist.items()[0]["key"]


FORMSETS = ("custom", "subjects", "recipients", "measures", "transfers")


def _no_rows(cast) -> dict:
    """The registry entry page's formsets, posted empty (their rows are tested elsewhere)."""
    data = {}
    for prefix in FORMSETS:
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


def _header_path(cast):
    from registry import services

    services.header_for(cast.practice)  # the page creates it on first visit
    return f"/p/{cast.practice.slug}/registre/en-tete/"


def _attestation_path(cast):
    from django.core.files.base import ContentFile

    from training.models import ExternalAttestation

    attestation = ExternalAttestation.objects.filter(practice=cast.practice).first()
    if attestation is None:
        attestation = ExternalAttestation(
            practice=cast.practice,
            user=cast.staff,
            title="SensCyber",
            content_type="application/pdf",
            completed_on=timezone.localdate() - timedelta(days=30),
            valid_until=timezone.localdate() + timedelta(days=300),
            uploaded_at=timezone.now(),
        )
        attestation.file.save("a.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        attestation.save()
    return f"/p/{cast.practice.slug}/formation/attestations/{attestation.public_id}/"


def _modules(cast) -> list[str]:
    from training import content
    from training.models import Module

    if not Module.objects.exists():
        content.load()
    return [str(pk) for pk in Module.objects.order_by("theme").values_list("pk", flat=True)[:2]]


def _own_registry_entries_only(cast):
    from registry.models import ProcessingActivity

    assert (
        not ProcessingActivity.objects.filter(practice=cast.other_practice)
        .exclude(reference="T-1")
        .exists()
    )


def _forms(module: str, name: str) -> Callable:
    def form():
        import importlib

        return getattr(importlib.import_module(module), name)

    return form


TARGETS = [
    Target(
        name="incident report",
        role="staff",
        path=lambda cast: f"/p/{cast.practice.slug}/incidents/signaler/",
        form=_forms("registry.incidents.forms", "ReportForm"),
        valid=lambda cast: {
            "kind": "ransomware",
            "description": "Écran bloqué, demande de rançon",
            "noticed_at": _local(30),
        },
    ),
    Target(
        name="incident assessment",
        role="admin",
        path=_activities,
        form=_forms("registry.incidents.forms", "AssessmentForm"),
        invariant=_links_own_activities_only,
        valid=lambda cast: {
            "aware_at": _local(20),
            "personal_data": "true",
            "health_data": "on",
            "persons_count": "12",
            "risk": "high",
            "cnil_required": "true",
            "cnil_reason": "Dossiers patients chiffrés",
            "inform_required": "true",
        },
    ),
    Target(
        name="incident correction",
        role="admin",
        path=lambda cast: _incident_path(cast, "correction/"),
        form=_forms("registry.incidents.forms", "CorrectionForm"),
        valid=lambda cast: {
            "noticed_at": _local(50),
            "kind": "phishing",
            "description": "Courriel piégé ouvert à l'accueil",
            "reason": "Faute de frappe sur l'heure",
        },
    ),
    Target(
        name="incident withdrawal",
        role="admin",
        path=lambda cast: _incident_path(cast, "retrait/"),
        form=_forms("registry.incidents.forms", "WithdrawalForm"),
        valid=lambda cast: {"reason": "Doublon du signalement de ce matin"},
    ),
    Target(
        name="CNIL filing correction",
        role="admin",
        path=_filing_path,
        form=_forms("registry.incidents.forms", "FilingCorrectionForm"),
        valid=lambda cast: {
            "filed_at": _local(20),
            "reference": "CNIL-2026-0042",
            "reason": "Heure du récépissé",
        },
    ),
    Target(
        name="backup copy correction",
        role="admin",
        path=lambda cast: _backups_path(cast, "copies"),
        form=_forms("practices.checklists.forms", "BackupCopyForm"),
        valid=lambda cast: {"name": "NAS du bureau", "medium": "nas", "frequency": "Chaque soir"},
    ),
    Target(
        name="restore test correction",
        role="admin",
        path=lambda cast: _backups_path(cast, "tests"),
        form=_forms("practices.checklists.forms", "RestoreTestForm"),
        invariant=_own_copies_only,
        valid=lambda cast: {
            "tested_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
            "restored": "Agenda du cabinet",
            "copy": _copy_pk(cast),
            "success": "on",
        },
    ),
    Target(
        name="checklist answer",
        role="staff",
        path=lambda cast: f"/p/{cast.practice.slug}/controles/periodes/{_run(cast).public_id}/",
        form=_forms("practices.checklists.forms", "PeriodAnswerForm"),
        prefix="{item}",
        fixed=lambda cast: {"item": _item(cast)},
        valid=lambda cast: {"status": "not_done", "comment": "Antivirus à renouveler"},
    ),
    Target(
        name="invitation",
        role="admin",
        path=lambda cast: f"/p/{cast.practice.slug}/equipe/inviter/",
        form=_forms("practices.forms", "InvitationForm"),
        valid=lambda cast: {"email": "nouvelle@exemple.fr", "role": "staff", "job": "secretaire"},
    ),
    Target(
        name="practice settings",
        role="admin",
        path=lambda cast: f"/p/{cast.practice.slug}/cabinet/",
        form=_forms("practices.forms", "PracticeForm"),
        valid=lambda cast: {
            "name": "Cabinet des Lilas et des Roses",
            "professions": ["medecine_generale"],
            "region": str(cast.practice.region_id),
            "siret": "",
        },
    ),
    Target(
        name="practice creation",
        role="outsider",
        path=lambda cast: "/cabinets/nouveau/",
        form=_forms("practices.forms", "PracticeForm"),
        valid=lambda cast: {
            "name": "Cabinet des Glycines",
            "professions": ["kinesitherapeute"],
            "region": str(cast.practice.region_id),
        },
    ),
    Target(
        name="registry entry",
        role="admin",
        path=lambda cast: f"/p/{cast.practice.slug}/registre/fiches/nouvelle/",
        form=_forms("registry.forms", "ActivityForm"),
        fixed=_no_rows,
        invariant=_own_registry_entries_only,
        valid=lambda cast: {
            "name": "Dossier patient",
            "reference": "ref-201",
            "created_on": "2026-01-15",
            "status": "active",
            "main_purpose": "Suivi médical des patients",
            "legal_basis": "6.1.c",
            "health_exception": "9.2.h",
            "dpia": "done",
            "dpia_done_on": "2026-02-01",
            "health_on": "on",
            "health_description": "Antécédents, diagnostics",
            "health_retention": "20 ans après la dernière consultation",
        },
    ),
    Target(
        name="registry header",
        role="admin",
        path=_header_path,
        form=_forms("registry.forms", "HeaderForm"),
        valid=lambda cast: {
            "controller_last_name": "Martin",
            "controller_first_name": "Claire",
            "controller_email": "claire.martin@exemple.fr",
            "no_dpo_note": "Pas de traitement à grande échelle (considérant 91).",
            "review_interval_months": "12",
        },
    ),
    Target(
        name="external attestation mapping",
        role="admin",
        path=_attestation_path,
        form=_forms("training.forms", "AttestationMapForm"),
        valid=lambda cast: {
            "modules": _modules(cast),
            "valid_until": (timezone.localdate() + timedelta(days=200)).isoformat(),
        },
    ),
    Target(
        name="crisis card contacts",
        role="admin",
        path=lambda cast: f"/p/{cast.practice.slug}/documents/fiche-reflexe/contacts/",
        form=_forms("documents.forms", "CrisisContactsForm"),
        valid=lambda cast: {
            "it_name": "InfoSoins 75",
            "it_phone": "01 45 67 89 10",
            "it_email": "urgence@infosoins75.fr",
            "insurer_phone": "3233",
        },
    ),
]
