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
        name="checklist answer",
        role="staff",
        path=lambda cast: f"/p/{cast.practice.slug}/controles/periodes/{_run(cast).public_id}/",
        form=_forms("practices.checklists.forms", "AnswerForm"),
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
]
