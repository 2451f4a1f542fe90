from django.contrib import messages
from django.db.models import Case, Prefetch, Value, When
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from portal import audit
from portal.models import AuditEvent
from practices.access import owned, practice_view
from practices.audit_log import action_label, readable_changes
from practices.roles import Cap, can
from registry import cnil, exports, services
from registry import sources as content_sources
from registry.forms import (
    CENTRE_SANTE_NOTE,
    ActivityForm,
    CustomDataFormSet,
    DataCategoriesForm,
    HeaderForm,
    MeasureFormSet,
    ProfessionsForm,
    RecipientFormSet,
    SubjectFormSet,
    TransferFormSet,
)
from registry.models import ActivityData, Preset, ProcessingActivity

# The list reads like the CNIL one: entries in force, then drafts, archived ones last.
STATUS_ORDER = Case(
    When(status=cnil.Status.ACTIVE, then=Value(0)),
    When(status=cnil.Status.DRAFT, then=Value(1)),
    default=Value(2),
)


def _activities(practice):
    return ProcessingActivity.objects.filter(practice=practice).order_by(STATUS_ORDER, "reference")


def _full(practice):
    """Entries with every part, in a fixed number of queries."""
    return _activities(practice).prefetch_related(
        Prefetch("data", queryset=ActivityData.objects.order_by("pk")),
        "subjects",
        "recipients",
        "measures",
        "transfers",
    )


@practice_view(Cap.VIEW)
def index(request):
    now = timezone.now()
    activities = list(_activities(request.practice))
    for activity in activities:
        activity.is_review_due = activity.review_due(now)
    header = services.header_for(request.practice)
    live = [a for a in activities if a.status != cnil.Status.ARCHIVED]
    return render(
        request,
        "registry/index.html",
        {
            "activities": activities,
            "header": header,
            "header_missing": [
                services.HEADER_REQUIRED[k] for k in services.header_missing(header)
            ],
            "completeness": services.record_completeness(request.practice, live),
            "review_due": sum(a.is_review_due for a in activities),
            "active_count": sum(a.status == cnil.Status.ACTIVE for a in activities),
            "draft_count": sum(a.status == cnil.Status.DRAFT for a in activities),
            "can_edit": can(request.role, Cap.EDIT_REGISTRY),
            "can_export": can(request.role, Cap.EXPORT),
        },
    )


@practice_view(Cap.EDIT_REGISTRY)
def header(request):
    instance = services.header_for(request.practice)
    fields = HeaderForm.Meta.fields
    before = audit.snapshot(instance, fields)  # before validation writes on the instance
    form = HeaderForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.header_save(form=form, before=before, request=request)
        messages.success(request, _("L'en-tête du registre est enregistré."))
        return redirect("registry:index", practice_slug=request.practice.slug)
    return render(
        request, "registry/header.html", {"form": form}, status=400 if form.errors else 200
    )


@practice_view(Cap.EDIT_REGISTRY)
def start(request):
    """ "Démarrer mon registre": professions → typical activities → drafts to review."""
    practice = request.practice
    adopted = set(
        ProcessingActivity.objects.filter(practice=practice)
        .exclude(preset_key="")
        .values_list("preset_key", flat=True)
    )
    form = ProfessionsForm(
        request.POST or request.GET or None, initial={"professions": practice.professions}
    )
    professions = practice.professions
    if form.is_bound and form.is_valid():
        professions = form.cleaned_data["professions"]
    presets = [p for p in Preset.objects.all() if p.applies_to(professions)]
    if request.method == "POST" and form.is_valid():
        keys = set(request.POST.getlist("preset"))
        created = services.adopt_presets(
            practice=practice,
            preset_keys=[p.key for p in presets if p.key in keys and p.key not in adopted],
            user=request.user,
            request=request,
        )
        if not created:
            messages.warning(
                request,
                _(
                    "Aucune fiche ajoutée : cochez au moins un traitement qui n'est pas "
                    "déjà dans le registre."
                ),
            )
            return redirect("registry:start", practice_slug=practice.slug)
        messages.success(
            request,
            ngettext(
                "%(count)s fiche ajoutée en brouillon : relisez-la, puis validez-la ou retirez-la.",
                "%(count)s fiches ajoutées en brouillon : relisez chacune, "
                "puis validez-la ou retirez-la.",
                len(created),
            )
            % {"count": len(created)},
        )
        return redirect("registry:index", practice_slug=practice.slug)
    return render(
        request,
        "registry/start.html",
        {
            "form": form,
            "presets": presets,
            "adopted": adopted,
            "professions": professions,
            "centre_sante_note": CENTRE_SANTE_NOTE,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@practice_view(Cap.VIEW)
def detail(request, activity_id):
    activity = owned(_full(request.practice), request.practice, public_id=activity_id)
    missing = services.missing_fields(
        activity,
        data=list(activity.data.all()),
        counts={
            "subjects": len(activity.subjects.all()),
            "recipients": len(activity.recipients.all()),
            "measures": len(activity.measures.all()),
        },
    )
    data = list(activity.data.all())
    found = content_sources.for_activity(
        activity, Preset.objects.filter(key=activity.preset_key).first(), rows=data
    )
    for row in data:
        row.sources = found.data.get(row.category, [])
    # The processors space links its rows to the fiches (reverse relation, one query).
    today = timezone.localdate()
    processors = list(activity.processors.order_by("name"))
    for processor in processors:
        processor.flag_hds = processor.hds_missing(today)
    return render(
        request,
        "registry/detail.html",
        {
            "activity": activity,
            "sources": found,
            "header": services.header_for(request.practice),
            "missing": [services.REQUIRED[k] for k in missing],
            "standard_data": [d for d in data if not d.sensitive],
            "sensitive_data": [d for d in data if d.sensitive],
            "review_due": activity.review_due(),
            "processors": processors,
            "hds_missing": [p for p in processors if p.flag_hds],
            "unsigned_processors": [
                r
                for r in activity.recipients.all()
                if r.kind == cnil.RecipientType.PROCESSOR and not r.dpa_signed
            ],
            "can_edit": can(request.role, Cap.EDIT_REGISTRY),
            "incidents": activity.incidents.order_by("-aware_at").only(
                "public_id", "kind", "status", "aware_at", "practice_id"
            ),
            "drafts": _drafts_around(activity),
        },
    )


def _draft_ids(practice) -> list:
    """The public ids of the drafts, in the register's order (one query)."""
    drafts = _activities(practice).filter(status=cnil.Status.DRAFT)
    return list(drafts.values_list("public_id", flat=True))


def _drafts_around(activity) -> dict | None:
    """For a draft: its place among the drafts to review (« brouillon 3 sur 12 ») and
    whether another one follows (one query)."""
    if activity.status != cnil.Status.DRAFT:
        return None
    ids = _draft_ids(activity.practice)
    if activity.public_id not in ids:
        return None
    return {"position": ids.index(activity.public_id) + 1, "total": len(ids)}


def _next_draft(ids: list, current):
    """The draft after ``current`` in ``ids`` (the drafts before validation), wrapping."""
    others = [i for i in ids if i != current]
    if not others:
        return None
    if current in ids:
        after = ids[ids.index(current) + 1 :]
        return after[0] if after else others[0]
    return others[0]


def _forms(request, activity):
    data = request.POST if request.method == "POST" else None
    instance = activity if activity.pk else None
    return {
        "activity": ActivityForm(data, instance=activity, practice=request.practice),
        "data": DataCategoriesForm(data, rows=list(activity.data.all()) if instance else []),
        "custom": CustomDataFormSet(
            data,
            instance=activity,
            prefix="custom",
            queryset=ActivityData.objects.filter(
                activity=instance, category=cnil.DataCategory.CUSTOM
            )
            if instance
            else ActivityData.objects.none(),
        ),
        "subjects": SubjectFormSet(data, instance=activity, prefix="subjects"),
        "recipients": RecipientFormSet(data, instance=activity, prefix="recipients"),
        "measures": MeasureFormSet(data, instance=activity, prefix="measures"),
        "transfers": TransferFormSet(data, instance=activity, prefix="transfers"),
    }


SECTION_NAMES = {
    "activity": "",
    "data": _lazy("Catégories de données"),
    "custom": _lazy("Autres catégories de données"),
    "subjects": _lazy("Personnes concernées"),
    "recipients": _lazy("Destinataires"),
    "measures": _lazy("Mesures de sécurité"),
    "transfers": _lazy("Transferts"),
}


def _error_summary(forms) -> list[dict]:
    """Every error of the fiche, in page order, with a link to its field: the fiche is
    long and an error far down the page must not go unseen."""

    def entries(form, key, line=None):
        section = SECTION_NAMES[key]
        for name, errors in form.errors.items():
            field = form.fields.get(name)
            label = str(field.label) if field is not None else ""
            if key == "data" and name.endswith(("_retention", "_description")):
                category = form.fields[name.rsplit("_", 1)[0] + "_on"].label
                label = f"{category} — {label}"
            where = str(section)
            if line is not None:
                where = _("%(section)s, ligne %(n)s") % {"section": section, "n": line}
            yield {
                "where": " — ".join(part for part in (where, label) if part),
                "message": " ".join(str(e) for e in errors),
                "anchor": form[name].id_for_label if field is not None else "",
            }

    out = []
    for key, form in forms.items():
        if hasattr(form, "forms"):  # a formset
            for number, row in enumerate(form.forms, 1):
                out.extend(entries(row, key, number))
            out.extend(
                {"where": str(SECTION_NAMES[key]), "message": str(e), "anchor": ""}
                for e in form.non_form_errors()
            )
        else:
            out.extend(entries(form, key))
    return out


def _valid(forms) -> bool:
    # Every form is validated (no short-circuit), so every error shows at once.
    results = [form.is_valid() for form in forms.values()]
    valid = all(results)
    if (
        forms["data"].is_valid()
        and forms["activity"].is_valid()
        and forms["data"].has_sensitive
        and not forms["activity"].cleaned_data.get("health_exception")
    ):
        forms["activity"].add_error(
            "health_exception",
            _("Des données sensibles sont cochées : indiquez l'exception de l'article 9."),
        )
        valid = False
    return valid


def _edit(request, activity):
    created = activity.pk is None
    # Taken before validation: a bound ModelForm writes the new values on the instance.
    posting = request.method == "POST"
    before = services.history_snapshot(activity) if posting and not created else {}
    # The title keeps the stored name: validation writes what was typed on the instance.
    title = activity.name
    forms = _forms(request, activity)
    if request.method == "POST" and _valid(forms):
        activity = services.activity_save(
            practice=request.practice,
            activity_form=forms["activity"],
            data_form=forms["data"],
            formsets={key: forms[key] for key in services.ACTIVITY_FORMSETS},
            created=created,
            before=before,
            request=request,
        )
        messages.success(request, _("La fiche est enregistrée."))
        return redirect(
            "registry:detail",
            practice_slug=request.practice.slug,
            activity_id=activity.public_id,
        )
    errors = request.method == "POST"
    return render(
        request,
        "registry/edit.html",
        {
            "forms": forms,
            "activity": activity,
            "title": title,
            "error_summary": _error_summary(forms) if errors else [],
            "created": created,
            "help": cnil.HELP,
        },
        status=400 if errors else 200,
    )


@practice_view(Cap.EDIT_REGISTRY)
def create(request):
    activity = ProcessingActivity(
        practice=request.practice, reference=services.next_reference(request.practice)
    )
    return _edit(request, activity)


@practice_view(Cap.EDIT_REGISTRY)
def edit(request, activity_id):
    return _edit(request, owned(ProcessingActivity, request.practice, public_id=activity_id))


@practice_view(Cap.EDIT_REGISTRY)
@require_POST
def review(request, activity_id):
    activity = owned(ProcessingActivity, request.practice, public_id=activity_id)
    services.mark_reviewed(activity=activity, request=request)
    messages.success(
        request,
        _("Fiche relue : prochaine relecture le %(date)s.")
        % {"date": timezone.localtime(activity.next_review_at).strftime("%d/%m/%Y")},
    )
    return redirect(
        "registry:detail", practice_slug=request.practice.slug, activity_id=activity.public_id
    )


@practice_view(Cap.EDIT_REGISTRY)
@require_POST
def status(request, activity_id):
    activity = owned(ProcessingActivity, request.practice, public_id=activity_id)
    action = request.POST.get("action")
    if action == "activate_next" and activity.status != cnil.Status.DRAFT:
        return redirect(  # validated meanwhile (another tab): nothing to do
            "registry:detail", practice_slug=request.practice.slug, activity_id=activity.public_id
        )
    if action == "activate_next":
        # « Valider et suivant »: this draft in force, the next one opened for review.
        following = _next_draft(_draft_ids(request.practice), activity.public_id)
        services.set_status(activity=activity, status=cnil.Status.ACTIVE, request=request)
        if following is None:
            messages.success(
                request,
                _("La fiche « %(name)s » est validée. Il ne reste aucun brouillon à relire.")
                % {"name": activity.name},
            )
            return redirect("registry:index", practice_slug=request.practice.slug)
        messages.success(
            request,
            _("La fiche « %(name)s » est validée. Voici le brouillon suivant.")
            % {"name": activity.name},
        )
        return redirect(
            "registry:detail", practice_slug=request.practice.slug, activity_id=following
        )
    if action == "activate":
        services.set_status(activity=activity, status=cnil.Status.ACTIVE, request=request)
        messages.success(request, _("La fiche est validée et en vigueur."))
    elif action == "drop":
        dropped = activity.status == cnil.Status.DRAFT
        services.drop(activity=activity, request=request)
        messages.success(
            request, _("Le brouillon est retiré.") if dropped else _("La fiche est archivée.")
        )
        return redirect("registry:index", practice_slug=request.practice.slug)
    elif action == "reopen":
        services.set_status(activity=activity, status=cnil.Status.DRAFT, request=request)
        messages.success(request, _("La fiche est repassée en brouillon."))
    else:
        return HttpResponse(_("Action inconnue."), status=400)
    return redirect(
        "registry:detail", practice_slug=request.practice.slug, activity_id=activity.public_id
    )


@practice_view(Cap.VIEW)
def history(request, activity_id):
    activity = owned(ProcessingActivity, request.practice, public_id=activity_id)
    events = AuditEvent.objects.filter(
        practice=request.practice,
        target_type=ProcessingActivity._meta.label_lower,
        target_id=str(activity.pk),
    ).order_by("-at")
    rows = []
    for event in events:
        event.changes = services.readable_parts(event.changes)  # shown, never saved
        rows.append(
            {
                "event": event,
                "label": action_label(event.action, event.target_type),
                "changes": readable_changes(event),
            }
        )
    return render(request, "registry/history.html", {"activity": activity, "rows": rows})


@practice_view(Cap.EXPORT)
def export(request, fmt):
    practice = request.practice
    activities = list(_full(practice).exclude(status=cnil.Status.ARCHIVED))
    header = services.header_for(practice)
    stamp = timezone.localdate().isoformat()
    if fmt == "pdf":
        body, content_type = exports.to_pdf(practice, header, activities), "application/pdf"
    elif fmt == "csv":
        body, content_type = exports.to_csv(activities), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = exports.to_xlsx(exports.workbook(practice, header, activities))
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = exports.to_ods(exports.workbook(practice, header, activities))
        content_type = "application/vnd.oasis.opendocument.spreadsheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="registre-traitements-{practice.slug}-{stamp}.{fmt}"'
    )
    audit.record(
        request=request, practice=practice, action="registry.export", changes={"format": fmt}
    )
    return response
