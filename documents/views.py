"""The documents space: the crisis card (every member may view and print it; only admins
edit its contacts; a delegate reads)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from documents import card, crisis, services
from documents.forms import CrisisContactsForm, PrintForm
from documents.models import CrisisContacts, Printing
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
