from django.contrib import messages
from django.db.models import Count, Min, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from practices.access import owned, practice_view, require
from practices.checklists import attestations, schedule, services
from practices.checklists.backups import badge as backup_badge
from practices.checklists.forms import (
    BackupCopyForm,
    ChecklistSettingsForm,
    PeriodAnswerForm,
    RestoreTestForm,
)
from practices.checklists.models import (
    Answer,
    BackupCopy,
    PracticeChecklist,
    RestoreTest,
    Run,
    Template,
)
from practices.roles import Cap

# Late periods listed on the checklists page (all are counted).
LATE_SHOWN = 50
NOT_DONE_COUNT = Count("answers", filter=Q(answers__status=Answer.Status.NOT_DONE))


def open_actions(practice):
    """The unfixed "not done" answers, each with the text of its item (one query)."""
    actions = list(
        Answer.open_actions()
        .filter(practice=practice)
        .annotate(since=Min("carried__run__period_start"))
        .select_related("run__checklist__template", "answered_by")
        .order_by("run__due_at", "id")
    )
    for action in actions:
        texts = {i["key"]: i["text"] for i in action.run.checklist.items()}
        action.item_text = texts.get(action.item_key, action.item_key)
    return actions


@practice_view(Cap.VIEW)
def index(request):
    practice, now = request.practice, timezone.now()
    # Explicit order: Meta.ordering is not applied to GROUP BY queries. Per checklist, the
    # trend's periods and the current one only (a window query), however long its history.
    latest = (
        Run.objects.filter(practice=practice)
        .annotate(answered=Count("answers"), not_done=NOT_DONE_COUNT)
        .order_by("-period_start")
    )
    checklists = (
        PracticeChecklist.objects.filter(practice=practice, active=True)
        .select_related("template")
        .prefetch_related(
            Prefetch("runs", queryset=latest[: schedule.TREND_PERIODS + 1], to_attr="latest")
        )
    )
    rows = []
    for checklist in checklists:
        runs = checklist.latest
        trend = schedule.trend_of(runs, now)
        rows.append(
            {
                "checklist": checklist,
                "current": runs[0] if runs else None,
                "count": len(checklist.items()),
                "trend": trend,
                "on_time": sum(ok for _start, ok in trend),
            }
        )
    active_ids = [row["checklist"].template_id for row in rows]
    # Every late period, as the dashboard counts them, the oldest first (two queries).
    late = Run.objects.filter(practice=practice, completed_at=None, due_at__lt=now)
    return render(
        request,
        "checklists/index.html",
        {
            "rows": rows,
            "late": list(
                late.select_related("checklist__template")
                .annotate(answered=Count("answers"))
                .order_by("due_at", "id")[:LATE_SHOWN]
            ),
            "late_count": late.count(),
            "now": now,
            "actions": open_actions(practice),
            "available": Template.objects.exclude(pk__in=active_ids),
        },
    )


@practice_view(Cap.MANAGE_CHECKLISTS)
@require_POST
def activate(request):
    template = Template.objects.filter(code=request.POST.get("code", "")).first()
    if template is None:
        raise Http404
    services.checklist_activate(practice=request.practice, template=template, request=request)
    messages.success(request, _("Liste de contrôle activée : la première période commence."))
    return redirect("checklists:index", practice_slug=request.practice.slug)


def _run_url(run):
    return reverse(
        "checklists:run", kwargs={"practice_slug": run.practice.slug, "run_id": run.public_id}
    )


@practice_view(Cap.VIEW)
def run_detail(request, run_id):
    """A period, answered in one form: one save for all its points."""
    run = owned(
        Run.objects.select_related("checklist__template"), request.practice, public_id=run_id
    )
    answers = {a.item_key: a for a in run.answers.select_related("answered_by", "fixed_by")}
    points = run.checklist.items()
    if request.method == "POST":
        require(request, Cap.COMPLETE_CHECKLISTS)
        forms = {i["key"]: PeriodAnswerForm(request.POST, prefix=i["key"]) for i in points}
        if all(form.is_valid() for form in forms.values()):
            given = {
                key: (form.cleaned_data["status"], form.cleaned_data["comment"])
                for key, form in forms.items()
                if form.cleaned_data["status"]
            }
            saved = services.run_answer_all(
                run=run, answers=given, user=request.user, request=request
            )
            if saved:
                messages.success(request, _("Réponses enregistrées."))
            return redirect(_run_url(run))
    else:
        forms = {
            key: PeriodAnswerForm(
                initial={"status": answer.status, "comment": answer.comment}, prefix=key
            )
            for key, answer in answers.items()
        }
    items = [
        {
            **item,
            "answer": answers.get(item["key"]),
            "form": forms.get(item["key"]) or PeriodAnswerForm(prefix=item["key"]),
        }
        for item in points
    ]
    return render(
        request,
        "checklists/run.html",
        {
            "run": run,
            "items": items,
            "has_errors": any(item["form"].errors for item in items),
            "gaps": any(a.status == Answer.Status.NOT_DONE for a in answers.values()),
        },
    )


@practice_view(Cap.COMPLETE_CHECKLISTS)
@require_POST
def fix(request, answer_id):
    answer = owned(
        Answer.objects.select_related("run__checklist__template"),
        request.practice,
        public_id=answer_id,
        status=Answer.Status.NOT_DONE,
        fixed_at=None,
    )
    services.answer_fix(answer=answer, user=request.user, request=request)
    messages.success(request, _("Action marquée comme corrigée."))
    return redirect("checklists:index", practice_slug=request.practice.slug)


@practice_view(Cap.MANAGE_CHECKLISTS)
def settings_view(request, checklist_id):
    checklist = owned(
        PracticeChecklist.objects.select_related("template"),
        request.practice,
        public_id=checklist_id,
    )
    form = ChecklistSettingsForm(
        request.POST or None, instance=checklist, practice=request.practice
    )
    if request.method == "POST" and form.is_valid():
        checklist.refresh_from_db()
        services.checklist_configure(
            checklist=checklist,
            request=request,
            cadence=form.cleaned_data["cadence"],
            disabled_items=form.cleaned_data["disabled"],
            extra_items=form.cleaned_data["extra_items"],
            assigned_role=form.cleaned_data["assigned_role"],
            assigned_user=form.cleaned_data["assigned_user"],
            active=form.cleaned_data["active"],
        )
        messages.success(request, _("Réglages enregistrés."))
        return redirect("checklists:index", practice_slug=request.practice.slug)
    return render(request, "checklists/settings.html", {"form": form, "checklist": checklist})


@practice_view(Cap.VIEW)
def backups(request):
    practice = request.practice
    copy_form = BackupCopyForm(prefix="copy")
    test_form = RestoreTestForm(prefix="test", practice=practice)
    if request.method == "POST":
        if "copy-name" in request.POST:
            require(request, Cap.MANAGE_CHECKLISTS)
            copy_form = BackupCopyForm(request.POST, prefix="copy")
            if copy_form.is_valid():
                services.backup_copy_add(
                    practice=practice, request=request, **copy_form.cleaned_data
                )
                return redirect("checklists:backups", practice_slug=practice.slug)
        else:
            require(request, Cap.COMPLETE_CHECKLISTS)
            test_form = RestoreTestForm(request.POST, prefix="test", practice=practice)
            if test_form.is_valid():
                services.restore_test_record(
                    practice=practice, user=request.user, request=request, **test_form.cleaned_data
                )
                return redirect("checklists:backups", practice_slug=practice.slug)
    return render(
        request,
        "checklists/backups.html",
        {
            "badge": backup_badge(practice, timezone.localdate()),
            "copies": BackupCopy.objects.filter(practice=practice),
            "tests": RestoreTest.objects.filter(practice=practice).select_related(
                "copy", "tested_by"
            )[:20],
            "copy_form": copy_form,
            "test_form": test_form,
        },
    )


@practice_view(Cap.COMPLETE_CHECKLISTS)
def my_attestations(request):
    practice = request.practice
    if request.method == "POST":
        count = attestations.attest(
            practice=practice, user=request.user, keys=request.POST.getlist("keys"), request=request
        )
        if count:
            messages.success(request, _("Merci : vos engagements sont enregistrés."))
        else:
            messages.error(request, _("Cochez au moins un engagement."))
        return redirect("checklists:attestations", practice_slug=practice.slug)
    return render(
        request,
        "checklists/attestations.html",
        {
            "items": attestations.status(practice, request.user, timezone.now()),
        },
    )


@practice_view(Cap.VIEW)
def history(request, checklist_id):
    checklist = owned(
        PracticeChecklist.objects.select_related("template"),
        request.practice,
        public_id=checklist_id,
    )
    runs = checklist.runs.annotate(answered=Count("answers"), not_done=NOT_DONE_COUNT).order_by(
        "-period_start"
    )[:24]
    return render(
        request,
        "checklists/history.html",
        {
            "checklist": checklist,
            "runs": runs,
            "now": timezone.now(),
            "trend": schedule.on_time_trend(checklist, timezone.now()),
        },
    )


def _backups_url(practice):
    return redirect("checklists:backups", practice_slug=practice.slug)


@practice_view(Cap.MANAGE_CHECKLISTS)
def backup_copy_edit(request, copy_id):
    """The admin corrects a copy's description (traced before → after)."""
    copy = owned(BackupCopy, request.practice, public_id=copy_id)
    form = BackupCopyForm(request.POST or None, instance=copy)
    if request.method == "POST" and form.is_valid():
        copy.refresh_from_db()  # the form already set the new values on the instance
        services.backup_copy_update(copy=copy, request=request, **form.cleaned_data)
        messages.success(request, _("Copie corrigée."))
        return _backups_url(request.practice)
    return render(
        request, "checklists/backup_edit.html", {"form": form, "title": _("Corriger la copie")}
    )


@practice_view(Cap.MANAGE_CHECKLISTS)
@require_POST
def backup_copy_delete(request, copy_id):
    copy = owned(BackupCopy, request.practice, public_id=copy_id)
    if services.backup_copy_delete(copy=copy, request=request):
        messages.success(request, _("Copie supprimée."))
    else:
        messages.error(
            request,
            _(
                "Des tests de restauration citent cette copie : corrigez-les ou "
                "supprimez-les d'abord."
            ),
        )
    return _backups_url(request.practice)


@practice_view(Cap.MANAGE_CHECKLISTS)
def restore_test_edit(request, test_id):
    """The admin corrects a restore test (its date stays plausible, traced)."""
    test = owned(RestoreTest, request.practice, public_id=test_id)
    form = RestoreTestForm(request.POST or None, instance=test, practice=request.practice)
    if request.method == "POST" and form.is_valid():
        test.refresh_from_db()
        services.restore_test_update(test=test, request=request, **form.cleaned_data)
        messages.success(request, _("Test de restauration corrigé."))
        return _backups_url(request.practice)
    return render(
        request,
        "checklists/backup_edit.html",
        {"form": form, "title": _("Corriger le test de restauration")},
    )


@practice_view(Cap.MANAGE_CHECKLISTS)
@require_POST
def restore_test_delete(request, test_id):
    test = owned(RestoreTest, request.practice, public_id=test_id)
    services.restore_test_delete(test=test, request=request)
    messages.success(request, _("Test de restauration supprimé."))
    return _backups_url(request.practice)
