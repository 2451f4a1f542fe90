"""Walk every URL pattern of the project and fill its path parameters with real objects.

Sweeps (second factor, isolation) use ``swept_urls(practice)``: every pattern, its
parameters filled with objects *owned by* ``practice``. A parameter name with no filler
fails loudly, so a URL added later is covered the day it lands: add its filler below.

A filler is ``filler(practice) -> str``: it creates (or finds) an object belonging to the
given practice and returns the value to put in the URL.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

from django.urls import URLPattern, URLResolver, get_resolver

from tests.training.sweep import FILLERS as _training_fillers


def _member(practice):
    from practices.models import Membership
    from tests.factories import MembershipFactory

    membership = Membership.objects.filter(practice=practice, role="staff").first()
    return (membership or MembershipFactory(practice=practice)).public_id


def _invitation(practice):
    from datetime import timedelta

    from django.utils import timezone

    from practices.models import Invitation

    invitation, _ = Invitation.objects.get_or_create(
        practice=practice,
        email=f"invite@{practice.slug}.fr",
        defaults={"expires_at": timezone.now() + timedelta(days=7)},
    )
    return invitation.public_id


def _oversight(practice):
    from practices.models import Oversight
    from tests.factories import OversightFactory

    oversight = Oversight.objects.filter(practice=practice, revoked_at=None).first()
    return (oversight or OversightFactory(practice=practice)).public_id


def _incident(practice):
    from django.utils import timezone

    from registry.incidents.models import Incident

    incident = Incident.objects.filter(practice=practice).first()
    if incident is None:
        # Noticed an hour ago: the forms' valid times (a few minutes ago) follow it.
        noticed = timezone.now() - timedelta(hours=1)
        incident = Incident.objects.create(
            practice=practice,
            kind="phishing",
            description="Courriel suspect",
            noticed_at=noticed,
            aware_at=noticed,
        )
    return incident.public_id


def _filing(practice):
    from django.utils import timezone

    from registry.incidents.models import CnilFiling, Incident

    filing = CnilFiling.objects.filter(practice=practice).first()
    if filing is None:
        incident = Incident.objects.get(public_id=_incident(practice))
        filing = CnilFiling.objects.create(
            practice=practice,
            incident=incident,
            filed_at=max(incident.aware_at, timezone.now() - timedelta(minutes=30)),
            reference="CNIL-SWEEP-1",
        )
    return filing.public_id


def _backup_copy(practice):
    from practices.checklists.models import BackupCopy

    copy, _ = BackupCopy.objects.get_or_create(
        practice=practice, name="Disque du lundi", defaults={"medium": "disk"}
    )
    return copy


def _restore_test(practice):
    from django.utils import timezone

    from practices.checklists.models import RestoreTest

    test = RestoreTest.objects.filter(practice=practice).first()
    if test is None:
        test = RestoreTest.objects.create(
            practice=practice,
            tested_on=timezone.localdate(),
            restored="Dossier comptable",
            copy=_backup_copy(practice),
            success=True,
        )
    return test.public_id


def _checklist_run(practice):
    from django.utils import timezone

    from practices.checklists.content import load
    from practices.checklists.models import Run, Template
    from practices.checklists.services import checklist_activate

    run = Run.objects.filter(practice=practice).first()
    if run is None:
        load()
        checklist = checklist_activate(practice=practice, template=Template.objects.first())
        now = timezone.now()
        # Activation created the current period when the cadence has one today.
        run = checklist.runs.first() or Run.objects.create(
            practice=practice,
            checklist=checklist,
            period_start=now,
            due_at=now + timedelta(days=30),
        )
    return run


def _answer(practice):
    from practices.checklists.models import Answer

    run = _checklist_run(practice)
    answer, _ = Answer.objects.get_or_create(
        practice=practice,
        run=run,
        item_key=run.checklist.items()[0]["key"],
        defaults={"status": "not_done", "comment": "Filtre manquant"},
    )
    return answer.public_id


def _suggestion(practice):
    from portal.models import Suggestion

    suggestion, _ = Suggestion.objects.get_or_create(
        practice=practice,
        kind="checklist",
        key="sweep",
        status="pending",
        defaults={"title": "Liste suggérée"},
    )
    return suggestion.public_id


def _activity(practice):
    from registry.models import ProcessingActivity

    activity = ProcessingActivity.objects.filter(practice=practice).first()
    if activity is None:
        activity = ProcessingActivity.objects.create(
            practice=practice, name="Dossier patient", reference="ref-001"
        )
    return activity.public_id


def _processor(practice):
    from registry.processors.models import Processor

    processor = Processor.objects.filter(practice=practice).first()
    if processor is None:
        processor = Processor.objects.create(
            practice=practice, name="Éditeur du logiciel", service="Dossier patient en ligne"
        )
        from django.core.files.base import ContentFile

        from registry.models import ProcessingActivity

        processor.contract_file.save("contrat.pdf", ContentFile(b"%PDF-1.4 sweep"))
        processor.activities.add(
            ProcessingActivity.objects.get(practice=practice, public_id=_activity(practice))
        )
    return processor.public_id


def _rights_request(practice):
    from django.utils import timezone

    from registry.rights.models import RightsRequest

    item = RightsRequest.objects.filter(practice=practice).first()
    if item is None:
        item = RightsRequest.objects.create(
            practice=practice,
            received_on=timezone.localdate() - timedelta(days=2),
            channel="post",
            kind="access",
            requester="patient",
            person_ref="P. X.",
            identity="done",
        )
    return item.public_id


FILLERS: dict[str, Callable] = {
    "run_id": lambda practice: _checklist_run(practice).public_id,
    "checklist_id": lambda practice: _checklist_run(practice).checklist.public_id,
    "answer_id": _answer,
    "incident_id": _incident,
    "filing_id": _filing,
    "copy_id": lambda practice: _backup_copy(practice).public_id,
    "test_id": _restore_test,
    "activity_id": _activity,
    "processor_id": _processor,
    "practice_slug": lambda practice: practice.slug,
    "member_id": _member,
    "invitation_id": _invitation,
    "oversight_id": _oversight,
    "suggestion_id": _suggestion,
    "request_id": _rights_request,
}
FILLERS.update(_training_fillers)  # attempt_id, position, certificate_id, attestation_id

# Patterns that are not pages of Vigie's own (Django's admin has its own OTP gate, tested
# separately), or that take a value no object backs. Keep this list short.
EXCLUDED_PREFIXES = ("admin/",)
# Parameters whose value is not an object (a token, a code): any well-formed value.
FREE_PARAMS = {
    "key": lambda practice: "not-a-real-key",
    "uidb36": lambda practice: "1",
    "token": lambda practice: "not-a-real-token",
    "code": lambda practice: "ABCD-EFGH",
    "path": lambda practice: "nothing",
    "document_root": lambda practice: "",
}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def all_patterns() -> list[tuple[str, URLPattern]]:
    return [
        (route, p)
        for route, p in _walk(get_resolver().url_patterns)
        if not route.startswith(EXCLUDED_PREFIXES)
    ]


def _param_names(route: str) -> list[str]:
    import re

    return re.findall(r"<(?:\w+:)?(\w+)>", route) + re.findall(r"\(\?P<(\w+)>", route)


def fill(route: str, practice, fillers=None) -> str:
    """The concrete path for ``route``, parameters filled for ``practice``."""
    import re

    fillers = {**FREE_PARAMS, **FILLERS, **(fillers or {})}
    path = route
    for name in _param_names(route):
        if name not in fillers:
            raise LookupError(
                f"No filler for URL parameter {name!r} in {route!r}: add one to "
                "tests/urlsweep.py FILLERS so the sweeps cover this URL."
            )
        value = str(fillers[name](practice))
        path = re.sub(rf"\(\?P<{name}>(?:[^()]|\([^()]*\))*\)", lambda _m, v=value: v, path)
        path = re.sub(rf"<(?:\w+:)?{name}>", lambda _m, v=value: v, path, count=1)
    return "/" + path.replace("^", "").replace("$", "")


def swept_urls(practice, fillers=None) -> list[tuple[str, str]]:
    """``[(route, path)]`` for every pattern of the project."""
    return [(route, fill(route, practice, fillers)) for route, _ in all_patterns()]


def random_uuid(_practice) -> str:
    return str(uuid.uuid4())
