from django.contrib import messages
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import exports, pdf
from portal.identifying import findings
from practices.access import owned, practice_view
from practices.roles import Cap, can
from registry import services as registry_services
from registry.incidents import breach, display, services
from registry.incidents import notification as notice
from registry.incidents.forms import (
    ASSESSMENT_TEXTS,
    AssessmentForm,
    CorrectionForm,
    FilingCorrectionForm,
    FilingForm,
    FollowUpForm,
    NotificationForm,
    ReportForm,
    WithdrawalForm,
)
from registry.incidents.models import READ_ONLY, CnilFiling, Incident, Status


def _incidents(practice, now):
    """The practice's incidents, each with its initial filing and whether it is late (the
    one rule, ``Incident.objects.late``), in the same query."""
    initial = CnilFiling.objects.filter(incident=OuterRef("pk"), type="initial")
    return (
        Incident.objects.filter(practice=practice)
        .with_lateness(now)
        .annotate(
            has_filing=Exists(initial),
            first_filed_at=Subquery(initial.order_by("filed_at").values("filed_at")[:1]),
        )
    )


def _with_clock(incidents):
    for incident in incidents:
        incident.deadline = breach.deadline(incident)
        incident.clock = breach.clock_state(incident, incident.has_filing, incident.is_late)
        incident.filed_late = incident.has_filing and breach.filing_is_late(
            incident, incident.first_filed_at
        )
    return incidents


@practice_view(Cap.VIEW)
def index(request):
    now = timezone.now()
    incidents = _with_clock(list(_incidents(request.practice, now).select_related("reported_by")))
    counts = (
        Incident.objects.counted()
        .filter(practice=request.practice)
        .aggregate(open=Count("pk", filter=~Q(status=Status.CLOSED)), total=Count("pk"))
    )
    return render(
        request,
        "incidents/index.html",
        {
            "incidents": incidents,
            "counts": counts,
            "read_text": can(request.role, Cap.READ_INCIDENT_TEXT),
        },
    )


@practice_view(Cap.REPORT_INCIDENT)
def report(request):
    initial = {"noticed_at": timezone.localtime().replace(second=0, microsecond=0)}
    form = ReportForm(request.POST or None, initial=initial)
    warning = []
    if request.method == "POST" and form.is_valid():
        warning = findings(form.cleaned_data["description"])
        if warning and not form.cleaned_data["identifying_ack"]:
            form.data = form.data.copy()
            form.data["identifying_ack"] = "True"
        else:
            data = {k: form.cleaned_data[k] for k in ("kind", "description", "noticed_at")}
            incident = services.incident_report(
                practice=request.practice, reporter=request.user, request=request, **data
            )
            messages.success(
                request,
                _(
                    "Incident signalé : l'administrateur est prévenu. "
                    "Suivez maintenant les réflexes ci-dessous."
                ),
            )
            return redirect(services.incident_url(incident))
    return render(request, "incidents/report.html", {"form": form, "warning": warning})


def _incident(request, incident_id):
    incident = owned(
        _incidents(request.practice, timezone.now()).select_related(
            "reported_by", "start_changed_by"
        ),
        request.practice,
        public_id=incident_id,
    )
    return _with_clock([incident])[0]


def _read_only(request, incident):
    """A closed or withdrawn incident is read-only until the admin reopens or reinstates
    it: the write is refused with a message on the incident's page."""
    if incident.status not in READ_ONLY:
        return None
    if incident.status == Status.WITHDRAWN:
        text = _("Cet incident est retiré : réintégrez-le pour le modifier.")
    else:
        text = _("Cet incident est clos : rouvrez-le (statut) pour le modifier.")
    messages.error(request, text)
    return redirect(services.incident_url(incident))


@practice_view(Cap.VIEW)
def detail(request, incident_id):
    return _detail(request, _incident(request, incident_id))


def _detail(request, incident, note_warning=None, status=200):
    read_text = can(request.role, Cap.READ_INCIDENT_TEXT) or incident.shared_with_delegate
    done = {r.key: r for r in incident.reflexes.select_related("done_by")}
    reflexes = [{**r, "done": done.get(r["key"])} for r in breach.reflexes_for(incident.kind)]
    events = incident.events.select_related("actor")
    texts = {r["key"]: r["text"] for r in reflexes}
    for event in events:
        event.label = breach.EVENT_LABELS.get(event.action, event.action)
        event.detail = display.event_detail(event, texts)
    return render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "reflexes": reflexes,
            "events": events,
            "read_text": read_text,
            "filings": incident.filings.all(),
            "activities": incident.activities.all(),
            "assessment_rows": display.assessment_rows(incident, read_text),
            "follow_up_rows": display.follow_up_rows(incident, read_text),
            "read_only": incident.status in READ_ONLY,
            "filing_form": FilingForm(incident=incident),
            "follow_form": FollowUpForm(instance=incident),
            "note_warning": note_warning,
        },
        status=status,
    )


@practice_view(Cap.REPORT_INCIDENT)
@require_POST
def reflex(request, incident_id):
    incident = _incident(request, incident_id)
    key = request.POST.get("key", "")
    if key not in {r["key"] for r in breach.reflexes_for(incident.kind)}:
        raise Http404
    if refused := _read_only(request, incident):
        return refused
    if request.POST.get("undo"):
        services.reflex_untick(incident=incident, key=key, user=request.user, request=request)
        return redirect(services.incident_url(incident))
    note = request.POST.get("note", "")
    # "Note what was sent and to whom" invites a patient's name: warn once, as the report does.
    found = findings(note)
    if found and not request.POST.get("identifying_ack"):
        warning = {"key": key, "note": note, "found": found}
        return _detail(request, incident, note_warning=warning)
    services.reflex_tick(incident=incident, key=key, user=request.user, note=note, request=request)
    return redirect(services.incident_url(incident))


@practice_view(Cap.MANAGE_INCIDENTS)
def assess(request, incident_id):
    incident = _incident(request, incident_id)
    if refused := _read_only(request, incident):
        return refused
    form = AssessmentForm(request.POST or None, instance=incident)
    warning = []
    if request.method == "POST" and form.is_valid():
        texts = "\n".join(form.cleaned_data[name] for name in ASSESSMENT_TEXTS)
        warning = findings(texts)
        if warning and not form.cleaned_data["identifying_ack"]:
            form.data = form.data.copy()
            form.data["identifying_ack"] = "True"
            return render(
                request,
                "incidents/assess.html",
                {"incident": incident, "form": form, "warning": warning},
            )
        fields = {k: v for k, v in form.cleaned_data.items() if k in form.Meta.fields}
        incident.refresh_from_db()
        services.incident_assess(
            incident=incident,
            user=request.user,
            request=request,
            reason=form.cleaned_data["reason"],
            activities=form.cleaned_data["activities"],
            **fields,
        )
        messages.success(request, _("Évaluation enregistrée."))
        return redirect(services.incident_url(incident))
    return render(
        request, "incidents/assess.html", {"incident": incident, "form": form, "warning": []}
    )


@practice_view(Cap.MANAGE_INCIDENTS)
@require_POST
def filing(request, incident_id):
    incident = _incident(request, incident_id)
    if refused := _read_only(request, incident):
        return refused
    form = FilingForm(request.POST, incident=incident)
    if form.is_valid():
        services.filing_record(
            incident=incident, user=request.user, request=request, **form.cleaned_data
        )
        messages.success(request, _("Notification à la CNIL enregistrée."))
        return redirect(services.incident_url(incident))
    return render(
        request, "incidents/filing_error.html", {"incident": incident, "form": form}, status=400
    )


@practice_view(Cap.MANAGE_INCIDENTS)
@require_POST
def follow_up(request, incident_id):
    incident = _incident(request, incident_id)
    if incident.status == Status.WITHDRAWN:
        return _read_only(request, incident)
    form = FollowUpForm(request.POST, instance=incident)
    if form.is_valid():
        incident.refresh_from_db()  # the form already set the new values on the instance
        services.incident_update(
            incident=incident,
            user=request.user,
            action="status",
            request=request,
            **form.cleaned_data,
        )
        messages.success(request, _("Suivi enregistré."))
        return redirect(services.incident_url(incident))
    return render(
        request, "incidents/filing_error.html", {"incident": incident, "form": form}, status=400
    )


@practice_view(Cap.MANAGE_INCIDENTS)
def correct(request, incident_id):
    """The admin corrects the report's facts (date, kind, description), with a reason."""
    incident = _incident(request, incident_id)
    if refused := _read_only(request, incident):
        return refused
    form = CorrectionForm(request.POST or None, instance=incident)
    if request.method == "POST" and form.is_valid():
        incident.refresh_from_db()  # the form already set the new values on the instance
        data = {k: form.cleaned_data[k] for k in CorrectionForm.Meta.fields}
        services.incident_correct(
            incident=incident,
            user=request.user,
            request=request,
            reason=form.cleaned_data["reason"],
            **data,
        )
        messages.success(request, _("Correction enregistrée."))
        return redirect(services.incident_url(incident))
    return render(request, "incidents/correct.html", {"incident": incident, "form": form})


@practice_view(Cap.MANAGE_INCIDENTS)
def withdrawal(request, incident_id):
    """Withdraw the incident (an error or a duplicate), or reinstate a withdrawn one."""
    incident = _incident(request, incident_id)
    withdrawn = incident.status == Status.WITHDRAWN
    form = WithdrawalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        change = services.incident_reinstate if withdrawn else services.incident_withdraw
        change(
            incident=incident,
            user=request.user,
            request=request,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("Incident réintégré.") if withdrawn else _("Incident retiré."))
        return redirect(services.incident_url(incident))
    return render(
        request,
        "incidents/withdrawal.html",
        {"incident": incident, "form": form, "withdrawn": withdrawn},
    )


@practice_view(Cap.MANAGE_INCIDENTS)
def filing_edit(request, incident_id, filing_id):
    incident = _incident(request, incident_id)
    filing = owned(
        CnilFiling.objects.filter(incident=incident), request.practice, public_id=filing_id
    )
    if refused := _read_only(request, incident):
        return refused
    form = FilingCorrectionForm(request.POST or None, instance=filing, incident=incident)
    if request.method == "POST" and form.is_valid():
        filing.refresh_from_db()
        filing.incident = incident
        data = {k: form.cleaned_data[k] for k in FilingCorrectionForm.Meta.fields}
        services.filing_correct(
            filing=filing,
            user=request.user,
            request=request,
            reason=form.cleaned_data["reason"],
            **data,
        )
        messages.success(request, _("Notification à la CNIL corrigée."))
        return redirect(services.incident_url(incident))
    return render(
        request,
        "incidents/filing_edit.html",
        {"incident": incident, "filing": filing, "form": form},
    )


def _register(practice, *, withdrawn=False):
    """The breach register's rows; ``withdrawn``: the withdrawn breaches instead, which
    the exports list after the register, marked."""
    base = _incidents(practice, timezone.now()).filter(personal_data=True)
    if withdrawn:
        base = base.filter(status=Status.WITHDRAWN)
    else:
        base = base.filter(pk__in=Incident.objects.counted().values("pk"))
    incidents = base.prefetch_related("activities", "filings")
    return _with_clock(list(incidents))


@practice_view(Cap.VIEW)
def register(request):
    return render(
        request,
        "incidents/register.html",
        {
            "incidents": _register(request.practice),
            "read_text": can(request.role, Cap.READ_INCIDENT_TEXT),
        },
    )


@practice_view(Cap.EXPORT)
def register_csv(request):
    practice = request.practice
    incidents = [*_register(practice), *_register(practice, withdrawn=True)]
    return exports.csv_response(
        "registre-violations.csv",
        display.REGISTER_COLUMNS,
        (display.register_row(incident) for incident in incidents),
    )


def register_pdf_html(practice) -> str:
    return render_to_string(
        "incidents/register_pdf.html",
        {
            "practice": practice,
            "now": timezone.now(),
            "columns": display.REGISTER_COLUMNS,
            "rows": [display.register_row(i) for i in _register(practice)],
            "withdrawn": [display.register_row(i) for i in _register(practice, withdrawn=True)],
        },
    )


@practice_view(Cap.EXPORT)
def register_pdf(request):
    response = HttpResponse(
        pdf.render(register_pdf_html(request.practice)),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = 'attachment; filename="registre-violations.pdf"'
    return response


@practice_view(Cap.MANAGE_INCIDENTS)
def notification(request, incident_id):
    """ "Préparer la notification": what the CNIL's online form asks, in its order, each
    answer with a copy button, the missing ones listed; the details the assessment does not
    hold are filled in below."""
    incident = _incident(request, incident_id)
    details = notice.details_for(incident)
    if details.pk is None:
        notice.prefill_contact(details, registry_services.header_for(request.practice))
    if request.method == "POST" and (refused := _read_only(request, incident)):
        return refused
    form = NotificationForm(request.POST or None, instance=details, incident=incident)
    if request.method == "POST" and form.is_valid():
        services.notification_save(
            incident=incident,
            details=notice.stored(details),
            user=request.user,
            request=request,
            **{name: form.cleaned_data[name] for name in notice.FIELDS},
        )
        messages.success(request, _("Préparation de la notification enregistrée."))
        return redirect(
            "incidents:notification",
            practice_slug=request.practice.slug,
            incident_id=incident.public_id,
        )
    # What is recorded (a refused form's typed values are in the form, not in the summary).
    shown = notice.stored(details) if request.method == "POST" else details
    found = notice.sections(incident, shown, list(incident.filings.all()))
    return render(
        request,
        "incidents/notification.html",
        {
            "incident": incident,
            "form": form,
            "sections": found,
            "missing": notice.missing(found),
            "cnil_page": notice.CNIL_PAGE,
            "cnil_form": notice.CNIL_FORM,
        },
        status=400 if form.errors else 200,
    )
