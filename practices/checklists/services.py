"""Writes on checklists: activate, answer, fix. Audited.

Periods are created here and by the reminder sweep (``schedule.generate_due``), never by a
page: activating or re-configuring a checklist creates its periods begun so far, so its
current period shows at once; a period that begins later is created by the next sweep
(every 15 minutes).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from portal import audit
from practices.checklists import schedule
from practices.checklists.models import REMINDER_LEAD, Answer, PracticeChecklist, Run


@transaction.atomic
def checklist_activate(*, practice, template, request=None) -> PracticeChecklist:
    checklist, created = PracticeChecklist.objects.get_or_create(
        practice=practice,
        template=template,
        defaults={"cadence": template.cadence, "starts_on": timezone.localdate()},
    )
    if not created and not checklist.active:
        checklist.active = True
        checklist.save(update_fields=["active"])
        # Its open periods are reminded again from their first step (the sent-log keeps
        # what was already sent from being sent twice).
        Run.objects.filter(checklist=checklist, completed_at=None).update(
            remind_at=F("due_at") - REMINDER_LEAD
        )
    audit.record(
        request=request,
        practice=practice,
        action="checklist.activate",
        target=checklist,
        changes={"active": [None, True]},
    )
    _generate(checklist)
    return checklist


def _generate(checklist: PracticeChecklist) -> None:
    """The periods of ``checklist`` begun by now (two queries; idempotent)."""
    schedule.generate_due(timezone.now(), PracticeChecklist.objects.filter(pk=checklist.pk))


@transaction.atomic
def run_answer(*, run: Run, item_key: str, status: str, comment: str, user, request=None) -> Answer:
    return run_answer_all(
        run=run, answers={item_key: (status, comment)}, user=user, request=request
    ).get(item_key)


@transaction.atomic
def run_answer_all(*, run: Run, answers: dict, user, request=None) -> dict:
    """Answers of one period at once: ``{item_key: (status, comment)}``. A point whose answer
    did not change is left as it was (no audit noise); each changed point is audited as the
    per-point saves were. Returns the answers saved, by item key."""
    existing = {a.item_key: a for a in Answer.objects.filter(run=run)}
    saved = {}
    for item_key, (status, comment) in answers.items():
        answer = existing.get(item_key)
        before = {"status": answer.status, "comment": answer.comment} if answer else {}
        after = {"status": status, "comment": comment}
        if before == after:
            continue
        defaults = {"status": status, "comment": comment, "answered_by": user}
        if status == Answer.Status.NOT_DONE and before.get("status") != Answer.Status.NOT_DONE:
            # A new "not done" is a new open action, even if an earlier one was fixed.
            defaults |= {"fixed_at": None, "fixed_by": None}
        answer, _created = Answer.objects.update_or_create(
            practice=run.practice, run=run, item_key=item_key, defaults=defaults
        )
        _carry(answer, run, before.get("status"))
        audit.record(
            request=request,
            actor=user,
            practice=run.practice,
            action="checklist.answer",
            target=run.checklist,
            target_label=f"{run.checklist} — {item_key}",
            changes=audit.diff(before, after),
        )
        saved[item_key] = answer
    keys = {i["key"] for i in run.checklist.items()}
    answered = set(existing) | set(saved)
    if saved and run.completed_at is None and keys <= answered:
        run.completed_at = timezone.now()
        run.save(update_fields=["completed_at"])
    return saved


def _carry(answer: Answer, run: Run, was: str | None) -> None:
    """One open action per point: a new "not done" carries the same point's actions still
    open from earlier periods (they leave the open list, the new one says since when); a
    "not done" changed to another answer gives them back."""
    if answer.status == Answer.Status.NOT_DONE and was != Answer.Status.NOT_DONE:
        Answer.objects.filter(
            Q(carried_by=None) | Q(carried_by__run__period_start__lt=run.period_start),
            run__checklist=run.checklist,
            run__period_start__lt=run.period_start,
            item_key=answer.item_key,
            status=Answer.Status.NOT_DONE,
            fixed_at=None,
        ).update(carried_by=answer)
    elif was == Answer.Status.NOT_DONE and answer.status != Answer.Status.NOT_DONE:
        Answer.objects.filter(carried_by=answer).update(carried_by=None)


@transaction.atomic
def answer_fix(*, answer: Answer, user, request=None) -> None:
    """The action is fixed, and with it the earlier periods' answers it carried."""
    now = timezone.now()
    Answer.objects.filter(Q(pk=answer.pk) | Q(carried_by=answer), fixed_at=None).update(
        fixed_at=now, fixed_by=user
    )
    answer.fixed_at, answer.fixed_by = now, user
    audit.record(
        request=request,
        actor=user,
        practice=answer.practice,
        action="checklist.fix",
        target=answer.run.checklist,
        target_label=f"{answer.run.checklist} — {answer.item_key}",
        changes={"fixed": [False, True]},
    )


SETTINGS_FIELDS = [
    "cadence",
    "disabled_items",
    "extra_items",
    "assigned_role",
    "assigned_user",
    "active",
]


@transaction.atomic
def checklist_configure(*, checklist: PracticeChecklist, request=None, **fields) -> None:
    before = audit.snapshot(checklist, SETTINGS_FIELDS)
    for name, value in fields.items():
        setattr(checklist, name, value)
    checklist.save()
    _generate(checklist)
    changes = audit.diff(before, audit.snapshot(checklist, SETTINGS_FIELDS))
    if changes:
        audit.record(
            request=request,
            practice=checklist.practice,
            action="checklist.configure",
            target=checklist,
            changes=changes,
        )


@transaction.atomic
def backup_copy_add(*, practice, request=None, **fields):
    from practices.checklists.models import BackupCopy

    copy = BackupCopy.objects.create(practice=practice, **fields)
    audit.record(
        request=request,
        practice=practice,
        action="backup.copy_add",
        target=copy,
        changes={k: [None, v] for k, v in audit.snapshot(copy, list(fields)).items()},
    )
    return copy


COPY_FIELDS = ["name", "medium", "off_site", "frequency"]
TEST_FIELDS = ["tested_on", "restored", "copy", "success"]


@transaction.atomic
def backup_copy_update(*, copy, request=None, **fields) -> None:
    """A copy corrected by the admin: before → after in the audit trail."""
    before = audit.snapshot(copy, COPY_FIELDS)
    for name, value in fields.items():
        setattr(copy, name, value)
    changes = audit.diff(before, audit.snapshot(copy, COPY_FIELDS))
    if not changes:
        return
    copy.save()
    audit.record(
        request=request,
        practice=copy.practice,
        action="backup.copy_update",
        target=copy,
        changes=changes,
    )


@transaction.atomic
def backup_copy_delete(*, copy, request=None) -> bool:
    """Removed by the admin, what it said kept in the audit trail. A copy that restore
    tests name is kept (False): correct or remove those tests first."""
    if copy.tests.exists():
        return False
    before = audit.snapshot(copy, COPY_FIELDS)
    audit.record(
        request=request,
        practice=copy.practice,
        action="backup.copy_delete",
        target=copy,
        changes={k: [v, None] for k, v in before.items()},
    )
    copy.delete()
    return True


@transaction.atomic
def restore_test_update(*, test, request=None, **fields) -> None:
    before = audit.snapshot(test, TEST_FIELDS)
    for name, value in fields.items():
        setattr(test, name, value)
    changes = audit.diff(before, audit.snapshot(test, TEST_FIELDS))
    if not changes:
        return
    test.save()
    audit.record(
        request=request,
        practice=test.practice,
        action="backup.restore_test_update",
        target=test,
        target_label=test.restored,
        changes=changes,
    )


@transaction.atomic
def restore_test_delete(*, test, request=None) -> None:
    audit.record(
        request=request,
        practice=test.practice,
        action="backup.restore_test_delete",
        target=test,
        target_label=test.restored,
        changes={k: [v, None] for k, v in audit.snapshot(test, TEST_FIELDS).items()},
    )
    test.delete()


@transaction.atomic
def restore_test_record(*, practice, user, request=None, **fields):
    from practices.checklists.models import RestoreTest

    test = RestoreTest.objects.create(practice=practice, tested_by=user, **fields)
    audit.record(
        request=request,
        actor=user,
        practice=practice,
        action="backup.restore_test",
        target=test,
        target_label=fields["restored"],
        changes={"success": [None, fields["success"]]},
    )
    return test
