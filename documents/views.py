"""The documents space: the crisis card and the patient information notice. Every member
may view and print them (the card is for every workstation); only admins edit the card's
contacts and the notice's own paragraph; a delegate reads and never records a print."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents import card, crisis, notice, poster, services
from documents.forms import (
    CrisisContactsForm,
    NoticeGenerateForm,
    NoticeParagraphForm,
    PrintForm,
)
from documents.models import CrisisContacts, Printing
from portal.identifying import findings
from practices.access import practice_view, require
from practices.roles import Cap


def _language(request) -> str:
    return "en" if (get_language() or "fr").startswith("en") else "fr"


@practice_view(Cap.VIEW)
def crisis_card(request):
    practice = request.practice
    status = crisis.statuses([practice.pk])[practice.pk]
    prints = Printing.objects.filter(
        practice=practice, document=Printing.Document.CRISIS_CARD
    ).select_related("printed_by")[:5]
    return render(
        request,
        "documents/crisis_card.html",
        {
            "status": status,
            "contacts": card.contact_lines(status.data),
            "backups": card.backups(status.data),
            "missing": card.missing(status.data),
            "prints": prints,
            "print_form": PrintForm(initial={"language": _language(request)}),
        },
    )


@practice_view(Cap.MANAGE_PRACTICE)
def crisis_contacts(request):
    practice = request.practice
    instance = CrisisContacts.objects.filter(practice=practice).first()
    form = CrisisContactsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.crisis_contacts_save(practice=practice, request=request, **form.cleaned_data)
        messages.success(request, _("Contacts enregistrés. Pensez à réimprimer la fiche réflexe."))
        return redirect("documents:crisis_card", practice_slug=practice.slug)
    return render(request, "documents/crisis_contacts.html", {"form": form})


@practice_view(Cap.VIEW)
def crisis_card_pdf(request):
    """GET: the card as it would print (nothing recorded). POST: a print, recorded with its
    fingerprint (members only: a delegate never writes)."""
    practice, now = request.practice, timezone.now()
    language = _language(request)
    data = crisis.card_data([practice.pk])[practice.pk]
    if request.method == "POST":
        require(request, Cap.PRINT_DOCUMENTS)
        form = PrintForm(request.POST)
        language = form.cleaned_data["language"] if form.is_valid() else language
        services.document_print(
            practice=practice,
            user=request.user,
            request=request,
            document=Printing.Document.CRISIS_CARD,
            language=language,
            fingerprint=crisis.fingerprint(data),
            data=data,
        )
    response = HttpResponse(card.pdf(data, now, language), content_type="application/pdf")
    name = "fiche-reflexe" if language == "fr" else "crisis-card"
    response["Content-Disposition"] = f'inline; filename="{name}-{practice.slug}.pdf"'
    return response


# --- the patient information notice ----------------------------------------------------


def _notice_page(request, paragraph_form=None, warning=None):
    practice, now = request.practice, timezone.now()
    status = notice.statuses([practice.pk])[practice.pk]
    language = request.GET.get("langue") if request.GET.get("langue") in ("fr", "en") else None
    language = language or _language(request)
    own = status.data["own"]
    if paragraph_form is None:
        paragraph_form = NoticeParagraphForm(initial={"own_paragraph": own})
    return render(
        request,
        "documents/notice.html",
        {
            "status": status,
            "language": language,
            "web_html": poster.web_html(practice, status.data, now, language),
            "web_text": poster.web_text(practice, status.data, now, language),
            "generate_form": NoticeGenerateForm(initial={"language": language, "format": "a4"}),
            "paragraph_form": paragraph_form,
            "warning": warning,
            "prints": Printing.objects.filter(
                practice=practice, document=Printing.Document.NOTICE
            ).select_related("printed_by")[:5],
        },
    )


@practice_view(Cap.VIEW)
def notice_page(request):
    return _notice_page(request)


@practice_view(Cap.MANAGE_PRACTICE)
@require_POST
def notice_paragraph(request):
    """The admin's own paragraph: an identifying-data warning once, then saved as typed."""
    form = NoticeParagraphForm(request.POST)
    if not form.is_valid():
        return _notice_page(request, paragraph_form=form)
    text = form.cleaned_data["own_paragraph"]
    found = findings(text)
    if found and not form.cleaned_data["identifying_ack"]:
        form.data = form.data.copy()
        form.data["identifying_ack"] = "True"
        return _notice_page(request, paragraph_form=form, warning=found)
    services.notice_paragraph_save(practice=request.practice, own_paragraph=text, request=request)
    messages.success(
        request, _("Paragraphe enregistré. L'information des patients est à regénérer.")
    )
    return redirect("documents:notice", practice_slug=request.practice.slug)


@practice_view(Cap.PRINT_DOCUMENTS)
@require_POST
def notice_generate(request):
    """A poster (A4/A3 PDF) or the website text, recorded with the fingerprint of its data."""
    practice, now = request.practice, timezone.now()
    form = NoticeGenerateForm(request.POST)
    if not form.is_valid():
        return _notice_page(request)
    language, size = form.cleaned_data["language"], form.cleaned_data["format"]
    data = notice.notice_data([practice.pk])[practice.pk]
    services.document_print(
        practice=practice,
        user=request.user,
        request=request,
        document=Printing.Document.NOTICE,
        language=language,
        variant=size,
        fingerprint=crisis.fingerprint(data),
        data=data,
    )
    if size == "web":
        messages.success(request, _("Texte du site généré : copiez-le ci-dessous."))
        url = reverse("documents:notice", kwargs={"practice_slug": practice.slug})
        return redirect(f"{url}?langue={language}#texte-du-site")
    response = HttpResponse(
        poster.pdf(practice, data, now, language, size), content_type="application/pdf"
    )
    name = "information-patients" if language == "fr" else "patient-information"
    response["Content-Disposition"] = f'inline; filename="{name}-{size}-{practice.slug}.pdf"'
    return response
