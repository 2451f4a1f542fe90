from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import exports, pdf
from portal.identifying import findings
from practices.access import owned, practice_view
from practices.roles import Cap, can
from registry import services as registry_services
from registry.rights import deadlines, display, services
from registry.rights.forms import AnswerForm, ExtensionForm, RequestForm
from registry.rights.models import RightsRequest

LETTERS = ("acknowledgment", "extension", "answer")


def _with_clock(requests, today):
    for item in requests:
        item.clock = deadlines.clock_state(item, today)
        item.days_left = deadlines.days_left(item, today)
    return requests


def _requests(practice):
    return RightsRequest.objects.filter(practice=practice)


def _request(request, request_id) -> RightsRequest:
    item = owned(_requests(request.practice), request.practice, public_id=request_id)
    return _with_clock([item], timezone.localdate())[0]


@practice_view(Cap.VIEW)
def index(request):
    today = timezone.localdate()
    late = RightsRequest.objects.late(today).values("pk")
    counts = _requests(request.practice).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(answered_on=None)),
        late=Count("pk", filter=Q(pk__in=late)),
    )
    return render(
        request,
        "rights/index.html",
        {
            "requests": _with_clock(list(_requests(request.practice)), today),
            "counts": counts,
            "details": can(request.role, Cap.LOG_RIGHTS_REQUEST),
            "sources": deadlines.SOURCES,
        },
    )


def _warned(form, texts) -> list[str]:
    """The identifying-data warning, once: a second submission with the flag goes through."""
    found = findings("\n".join(texts))
    if found and not form.cleaned_data.get("identifying_ack"):
        form.data = form.data.copy()
        form.data["identifying_ack"] = "True"
        return found
    return []


def _facts(form) -> dict:
    return {name: form.cleaned_data[name] for name in services.FACTS}


@practice_view(Cap.LOG_RIGHTS_REQUEST)
def create(request):
    form = RequestForm(request.POST or None, initial={"received_on": timezone.localdate()})
    warning = []
    if request.method == "POST" and form.is_valid():
        warning = _warned(form, [form.cleaned_data["person_ref"], form.cleaned_data["notes"]])
        if not warning:
            item = services.rights_request_log(
                practice=request.practice, user=request.user, request=request, **_facts(form)
            )
            messages.success(request, _("Demande enregistrée : l'échéance est calculée."))
            return redirect(services.request_url(item))
    return render(
        request,
        "rights/form.html",
        {"form": form, "warning": warning, "title": _("Enregistrer une demande"), "item": None},
        status=400 if form.errors else 200,
    )


@practice_view(Cap.VIEW)
def detail(request, request_id):
    item = _request(request, request_id)
    return render(
        request,
        "rights/detail.html",
        {
            "item": item,
            "details": can(request.role, Cap.LOG_RIGHTS_REQUEST),
            "can_extend": deadlines.can_extend(item) and not item.extended,
            "initial_deadline": deadlines.initial_deadline(item),
            "delay": deadlines.delay_label(item),
            "sources": deadlines.SOURCES,
            "letters": LETTERS,
        },
    )


@practice_view(Cap.MANAGE_RIGHTS)
def edit(request, request_id):
    item = _request(request, request_id)
    form = RequestForm(request.POST or None, instance=item)
    warning = []
    if request.method == "POST" and form.is_valid():
        warning = _warned(form, [form.cleaned_data["person_ref"], form.cleaned_data["notes"]])
        if not warning:
            item.refresh_from_db()  # the form already set the new values on the instance
            services.rights_request_update(
                rights_request=item,
                user=request.user,
                request=request,
                reason=form.cleaned_data.get("reason", ""),
                **_facts(form),
            )
            messages.success(request, _("Demande modifiée."))
            return redirect(services.request_url(item))
    return render(
        request,
        "rights/form.html",
        {"form": form, "warning": warning, "title": _("Modifier la demande"), "item": item},
        status=400 if form.errors else 200,
    )


@practice_view(Cap.MANAGE_RIGHTS)
def extend(request, request_id):
    item = _request(request, request_id)
    if not deadlines.can_extend(item) or item.extended or item.answered_on:
        messages.error(request, _("Le délai de cette demande ne peut pas être prolongé."))
        return redirect(services.request_url(item))
    form = ExtensionForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in ExtensionForm.Meta.fields}
        item.refresh_from_db()
        services.rights_request_extend(
            rights_request=item, user=request.user, request=request, **data
        )
        messages.success(request, _("Délai prolongé de deux mois."))
        return redirect(services.request_url(item))
    return render(
        request,
        "rights/extend.html",
        {"form": form, "item": item, "limit": deadlines.initial_deadline(item)},
        status=400 if form.errors else 200,
    )


@practice_view(Cap.MANAGE_RIGHTS)
def answer(request, request_id):
    item = _request(request, request_id)
    form = AnswerForm(request.POST or None, instance=item)
    warning = []
    if request.method == "POST" and form.is_valid():
        warning = _warned(form, [form.cleaned_data["answer_notes"]])
        if not warning:
            data = {name: form.cleaned_data[name] for name in AnswerForm.Meta.fields}
            item.refresh_from_db()
            services.rights_request_answer(
                rights_request=item, user=request.user, request=request, **data
            )
            messages.success(request, _("Réponse enregistrée."))
            return redirect(services.request_url(item))
    return render(
        request,
        "rights/answer.html",
        {"form": form, "item": item, "warning": warning, "sources": deadlines.SOURCES},
        status=400 if form.errors else 200,
    )


@practice_view(Cap.LOG_RIGHTS_REQUEST)
def letter(request, request_id, letter):
    """A letter to the person, from the template, to print (the browser's print or PDF)."""
    item = _request(request, request_id)
    return render(
        request,
        "rights/letter.html",
        {
            "item": item,
            "letter": letter,
            "header": registry_services.header_for(request.practice),
            "today": timezone.localdate(),
            "extended_deadline": deadlines.initial_deadline(item) + deadlines.EXTENSION,
            "sources": deadlines.SOURCES,
        },
    )


@practice_view(Cap.EXPORT)
def register_csv(request):
    rows = [display.row(item) for item in _requests(request.practice)]
    return exports.csv_response("registre-demandes-droits.csv", display.columns(), rows)


def register_pdf_html(practice) -> str:
    return render_to_string(
        "rights/register_pdf.html",
        {
            "practice": practice,
            "now": timezone.now(),
            "columns": display.columns(),
            "rows": [display.row(item) for item in _requests(practice)],
        },
    )


@practice_view(Cap.EXPORT)
def register_pdf(request):
    response = HttpResponse(
        pdf.render(register_pdf_html(request.practice)), content_type="application/pdf"
    )
    response["Content-Disposition"] = 'attachment; filename="registre-demandes-droits.pdf"'
    return response
