"""Writes on rights requests: log, correct, extend, answer. Each one audited, in one
transaction, with the before → after of what it changed (and the reason of a date change)."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from portal import audit
from registry.rights.models import RightsRequest

FACTS = [
    "received_on",
    "channel",
    "kind",
    "requester",
    "person_ref",
    "identity",
    "complete_on",
    "older_than_five_years",
    "notes",
]
EXTENSION = ["extended", "extension_reason", "extension_letter_on"]
ANSWER = ["answered_on", "answer_means", "outcome", "refusal_reason", "answer_notes"]
# The deadline moves with the facts: the trail shows it too.
TRACKED = [*FACTS, *EXTENSION, *ANSWER, "deadline"]


def request_url(rights_request) -> str:
    return reverse(
        "rights:detail",
        kwargs={
            "practice_slug": rights_request.practice.slug,
            "request_id": rights_request.public_id,
        },
    )


def _change(rights_request, action, *, user, request, reason="", **values) -> RightsRequest:
    before = audit.snapshot(rights_request, TRACKED)
    for name, value in values.items():
        setattr(rights_request, name, value)
    with transaction.atomic():
        rights_request.save()
        changes = audit.diff(before, audit.snapshot(rights_request, TRACKED))
        if reason:
            changes["reason"] = [None, reason]
        audit.record(
            action=action,
            target=rights_request,
            practice=rights_request.practice,
            actor=user,
            request=request,
            changes=changes,
        )
    return rights_request


def rights_request_log(*, practice, user, request=None, **facts) -> RightsRequest:
    rights_request = RightsRequest(practice=practice, created_by=user)
    return _change(rights_request, "rights.create", user=user, request=request, **facts)


def rights_request_update(*, rights_request, user, request=None, reason="", **facts):
    """Corrects the facts; a changed date that starts the delay comes with its reason."""
    return _change(
        rights_request, "rights.update", user=user, request=request, reason=reason, **facts
    )


def rights_request_extend(
    *, rights_request, user, extension_reason, extension_letter_on, request=None
):
    return _change(
        rights_request,
        "rights.extend",
        user=user,
        request=request,
        extended=True,
        extension_reason=extension_reason,
        extension_letter_on=extension_letter_on,
    )


def rights_request_answer(*, rights_request, user, request=None, **answer):
    if answer.get("outcome") == "granted":
        answer["refusal_reason"] = ""
    return _change(rights_request, "rights.answer", user=user, request=request, **answer)
