"""Writes of the training space: take a module, submit the quiz, attestations, requirements.

Every significant write is audited (portal.audit).
"""

from __future__ import annotations

import secrets
from random import SystemRandom

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal import audit
from training.models import (
    Attempt,
    Certificate,
    ExternalAttestation,
    Module,
    ModuleExemption,
    Question,
    TrainingReminder,
)

# No 0/O, 1/I: a code read aloud over the phone or typed from paper stays unambiguous.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16  # 32**16 = 2**80 codes: not guessable, no rate limit needed.


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(typed: str) -> str:
    """What a person typed (any case, spaces, dashes) in the stored form, or ""."""
    raw = "".join(c for c in typed.upper() if c.isalnum())
    if len(raw) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in raw):
        return ""
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def _order(module: Module, rng) -> list[dict]:
    questions = list(module.questions.prefetch_related("choices"))
    rng.shuffle(questions)
    shown = []
    for question in questions:
        keys = [c.key for c in question.choices.all()]
        rng.shuffle(keys)
        shown.append({"question": question.key, "choices": keys})
    return shown


def shuffled(module: Module, previous: list[dict] | None, rng=None) -> list[dict]:
    """A fresh order of questions and answers, never the exact order of the last attempt."""
    rng = rng or SystemRandom()
    shown = _order(module, rng)
    for _ in range(10):
        if shown != previous:
            break
        shown = _order(module, rng)
    if shown == previous:  # a module too small to shuffle: rotate the answers instead
        shown = [{**q, "choices": q["choices"][1:] + q["choices"][:1]} for q in shown]
    return shown


@transaction.atomic
def attempt_start(*, practice, user, module: Module, rng=None) -> Attempt:
    """Resume the open attempt of the module's current version, or start a new one."""
    attempts = Attempt.objects.filter(practice=practice, user=user, module=module)
    open_attempt = attempts.filter(finished_at=None, module_version=module.version).first()
    if open_attempt is not None:
        return open_attempt
    last = attempts.exclude(finished_at=None).order_by("-started_at").first()
    return Attempt.objects.create(
        practice=practice,
        user=user,
        module=module,
        module_version=module.version,
        major_version=module.major_version,
        shown=shuffled(module, last.shown if last else None, rng),
        started_at=timezone.now(),
    )


def lesson_seen(*, attempt: Attempt, position: int) -> None:
    """Remember the furthest lesson reached (progress bars); never goes back."""
    Attempt.objects.filter(pk=attempt.pk, lesson_reached__lt=position).update(
        lesson_reached=position
    )


def score_of(correct: int, total: int) -> int:
    """Whole percent, rounded down: 79.9 % shows 79 and fails an 80 % mark."""
    return 100 * correct // total if total else 0


def questions_of(module: Module) -> dict[str, Question]:
    """The module's questions by key, their answers prefetched (2 queries)."""
    return {q.key: q for q in module.questions.prefetch_related("choices")}


def certificate_valid(certificate: Certificate, now) -> bool:
    """Not expired, and not made obsolete by a major revision of the module."""
    attempt = certificate.attempt
    return (
        attempt.passed
        and attempt.expires_at is not None
        and attempt.expires_at > now
        and attempt.major_version == attempt.module.major_version
    )


@transaction.atomic
def attempt_submit(*, attempt: Attempt, answers: dict[str, str], request=None) -> Attempt:
    """Score the answers given to the questions shown; a pass issues a certificate.

    ``answers`` maps each shown question key to the chosen answer key (validated by the
    form). An already finished attempt is never scored again.
    """
    attempt = Attempt.objects.select_for_update().select_related("module").get(pk=attempt.pk)
    if attempt.finished:
        return attempt
    questions = questions_of(attempt.module)
    right = {key: next(c.key for c in q.choices.all() if c.correct) for key, q in questions.items()}
    keys = [item["question"] for item in attempt.shown]
    now = timezone.now()
    module = attempt.module
    attempt.answered = {key: answers[key] for key in keys}
    attempt.correct = sum(answers[key] == right.get(key) for key in keys)
    attempt.total = len(keys)
    attempt.score = score_of(attempt.correct, attempt.total)
    attempt.passed = attempt.correct * 100 >= module.pass_mark * attempt.total
    attempt.finished_at = now
    if attempt.passed:
        # Wall-clock months in Paris: passed on 15 January at 10:00, valid until 15 January.
        attempt.expires_at = timezone.localtime(now) + relativedelta(months=module.validity_months)
    attempt.save()
    if attempt.passed:  # a new validity: its expiry is reminded from the next sweep
        TrainingReminder.reset(practice_id=attempt.practice_id, user_id=attempt.user_id)
    if attempt.passed:
        _certificate_issue(attempt, now)
    audit.record(
        request=request,
        actor=attempt.user,
        practice=attempt.practice,
        action="training.attempt",
        target=attempt,
        target_label=f"{module.local_title} — {attempt.user.email}",
        changes={
            "score": [None, attempt.score],
            "passed": [None, attempt.passed],
            "module_version": [None, attempt.module_version],
        },
    )
    return attempt


def _certificate_issue(attempt: Attempt, now) -> Certificate:
    for _ in range(5):
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    practice=attempt.practice, attempt=attempt, code=new_code(), issued_at=now
                )
        except IntegrityError:  # a code already taken: 2**-80 odds, draw again
            continue
    raise RuntimeError("could not draw a free certificate code")


@transaction.atomic
def attestation_upload(
    *, practice, user, title: str, file, content_type: str, completed_on, valid_until, request=None
) -> ExternalAttestation:
    attestation = ExternalAttestation(
        practice=practice,
        user=user,
        title=title,
        content_type=content_type,
        completed_on=completed_on,
        valid_until=valid_until,
        uploaded_at=timezone.now(),
    )
    attestation.file.save(file.name, file, save=False)
    attestation.save()
    TrainingReminder.reset(practice_id=practice.pk, user_id=user.pk)
    audit.record(
        request=request,
        actor=user,
        practice=practice,
        action="training.attestation_upload",
        target=attestation,
        target_label=f"{title} — {user.email}",
        changes={
            "title": [None, title],
            "completed_on": [None, completed_on],
            "valid_until": [None, valid_until],
        },
    )
    return attestation


@transaction.atomic
def attestation_map(
    *, attestation: ExternalAttestation, modules, valid_until, user, request=None
) -> None:
    """The admin says which modules the outside course covers, and until when."""
    before = {
        "modules": sorted(m.key for m in attestation.modules.all()),
        "valid_until": attestation.valid_until.isoformat(),
    }
    attestation.modules.set(modules)
    attestation.valid_until = valid_until
    attestation.mapped_at = timezone.now()
    attestation.mapped_by = user
    attestation.save(update_fields=["valid_until", "mapped_at", "mapped_by"])
    TrainingReminder.reset(practice_id=attestation.practice_id, user_id=attestation.user_id)
    after = {"modules": sorted(m.key for m in modules), "valid_until": valid_until.isoformat()}
    audit.record(
        request=request,
        actor=user,
        practice=attestation.practice,
        action="training.attestation_map",
        target=attestation,
        target_label=f"{attestation.title} — {attestation.user.email}",
        changes=audit.diff(before, after),
    )


@transaction.atomic
def attestation_delete(*, attestation: ExternalAttestation, user, request=None) -> None:
    """Delete the attestation, then its file once the deletion is committed."""
    audit.record(
        request=request,
        actor=user,
        practice=attestation.practice,
        action="training.attestation_delete",
        target=attestation,
        target_label=f"{attestation.title} — {attestation.user.email}",
        changes={
            "title": [attestation.title, None],
            "completed_on": [attestation.completed_on, None],
            "valid_until": [attestation.valid_until, None],
            "modules": [sorted(m.key for m in attestation.modules.all()), None],
        },
    )
    storage, name = attestation.file.storage, attestation.file.name
    TrainingReminder.reset(practice_id=attestation.practice_id, user_id=attestation.user_id)
    attestation.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def requirements_set(*, practice, exempt: set[tuple[str, int]], request=None) -> None:
    """Replace the practice's exemptions with ``{(job, module id)}``; audit the difference."""
    rows = ModuleExemption.objects.filter(practice=practice)
    before = set(rows.values_list("job", "module_id"))
    for job, module_id in before - exempt:
        rows.filter(job=job, module_id=module_id).delete()
    ModuleExemption.objects.bulk_create(
        [ModuleExemption(practice=practice, job=job, module_id=mid) for job, mid in exempt - before]
    )
    if before != exempt:
        TrainingReminder.reset(practice_id=practice.pk)
        keys = dict(Module.objects.values_list("pk", "key"))
        audit.record(
            request=request,
            practice=practice,
            action="training.requirements",
            target_label=str(practice),
            changes={
                "not_required": [
                    sorted(f"{job}:{keys[mid]}" for job, mid in before),
                    sorted(f"{job}:{keys[mid]}" for job, mid in exempt),
                ]
            },
        )
