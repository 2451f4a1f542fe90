"""The delegate console (across practices) and the practice side of suggestions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from portal import console, exports, suggestions
from portal.console_forms import ConsoleFilterForm, SuggestionForm
from portal.models import Suggestion
from practices.access import overseen_by, owned, practice_view, require
from practices.roles import Cap, can


def _percent(value) -> str:
    return "" if value is None else str(round(100 * value))


def _formula() -> dict:
    return {
        "rates": list(console.RATE_LABELS.values()),
        "late_penalty": console.LATE_INCIDENT_PENALTY,
        "action_penalty": console.OPEN_ACTION_PENALTY,
        "action_penalty_max": console.OPEN_ACTION_PENALTY_MAX,
        "reasons": list(console.REASON_LABELS.values()),
    }


COLUMNS = [
    ("name", gettext_lazy("Cabinet")),
    ("region", gettext_lazy("Région")),
    ("registry", gettext_lazy("Registre")),
    ("training", gettext_lazy("Formation")),
    ("on_time", gettext_lazy("Contrôles à l'heure (90 j)")),
    ("actions", gettext_lazy("Actions ouvertes")),
    ("incidents", gettext_lazy("Incidents ouverts")),
    ("late", gettext_lazy("72 h dépassées")),
    ("activity", gettext_lazy("Dernière activité")),
    ("documents", gettext_lazy("Documents imprimés")),
    ("score", gettext_lazy("Score")),
]


def _headers(sort: str, query: str) -> list[dict]:
    """Column headers: the link that sorts by each (again: reversed) and its aria-sort."""
    headers = []
    for key, label in COLUMNS:
        current = sort.lstrip("-") == key
        descending = sort.startswith("-")
        next_sort = (key if descending else f"-{key}") if current else key
        headers.append(
            {
                "label": label,
                "url": f"?{query}&tri={next_sort}" if query else f"?tri={next_sort}",
                "aria_sort": ("descending" if descending else "ascending") if current else "",
            }
        )
    return headers


# Rows shown per page: a territory of hundreds of practices is read a page at a time.
PAGE_SIZE = 50


@login_required
@require_GET
def console_page(request):
    """The delegate's home: every practice that granted them access, one row each."""
    form = ConsoleFilterForm(request.GET or None)
    filters = form.filters()
    page = Paginator(console.rows(request.user, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("tri", None)
    query.pop("page", None)  # a new order starts at its first page
    others = request.GET.copy()
    others.pop("page", None)
    sort = filters.get("sort", console.DEFAULT_SORT)
    context = {
        "form": form,
        "rows": page.object_list,
        "page": page,
        "page_query": f"{others.urlencode()}&" if others else "",
        "headers": _headers(sort, query.urlencode()),
        "filtered": bool(set(filters) - {"sort"}),
        "full_query": request.GET.urlencode(),
        "formula": _formula(),
        "weeks": console.ACTIVITY_WEEKS,
        "pending": Suggestion.objects.filter(
            delegate=request.user,
            status=Suggestion.Status.PENDING,
            practice__in=overseen_by(request.user),
        ).count(),
    }
    return render(request, "portal/delegate_console.html", context)


CSV_COLUMNS = [
    gettext_lazy("Cabinet"),
    gettext_lazy("Identifiant"),
    gettext_lazy("Professions"),
    gettext_lazy("Région"),
    gettext_lazy("Accès depuis le"),
    gettext_lazy("Complétude du registre (%)"),
    gettext_lazy("Fiches du registre"),
    gettext_lazy("Revues en retard"),
    gettext_lazy("Couverture de la formation (%)"),
    gettext_lazy("Personnes à jour"),
    gettext_lazy("Personnes concernées"),
    gettext_lazy("Contrôles à l'heure sur 90 jours (%)"),
    gettext_lazy("Périodes échues sur 90 jours"),
    gettext_lazy("Actions ouvertes"),
    gettext_lazy("Incidents ouverts"),
    gettext_lazy("Délais de 72 h dépassés"),
    gettext_lazy("Demandes de droits en retard"),
    gettext_lazy("Dernière activité"),
    gettext_lazy("Fiche réflexe"),
    gettext_lazy("Information des patients"),
    gettext_lazy("Score"),
    gettext_lazy("À surveiller"),
]


def _local_date(value, fmt="%d/%m/%Y %H:%M") -> str:
    return "" if value is None else timezone.localtime(value).strftime(fmt)


def _csv_row(row) -> list:
    registry, training = row.registry or {}, row.training or {}
    return [
        row.practice.name,
        row.practice.slug,
        ", ".join(row.practice.profession_labels),
        row.practice.region.name,
        _local_date(row.since, "%d/%m/%Y"),
        _percent(row.registry_completeness_shown),
        registry.get("entries", ""),
        registry.get("review_overdue", ""),
        _percent(training.get("coverage")),
        training.get("valid_staff", ""),
        training.get("staff", ""),
        _percent(row.on_time),
        row.runs_closed,
        row.open_actions,
        row.open_incidents,
        row.late_incidents,
        row.late_rights,
        _local_date(row.last_activity),
        row.card_label,
        row.notice_label,
        "" if row.score is None else row.score,
        " ; ".join(str(label) for label in row.reason_labels),
    ]


@login_required
@require_GET
def console_csv(request):
    """The console table as CSV (same filters and order as the page)."""
    rows = console.rows(request.user, ConsoleFilterForm(request.GET or None).filters())
    return exports.csv_response("cabinets-suivis.csv", CSV_COLUMNS, (_csv_row(r) for r in rows))


@login_required
def suggest(request):
    """Suggest a checklist or a registry preset to several overseen practices at once."""
    granted = overseen_by(request.user).order_by("name")
    form = SuggestionForm(request.POST or None, practices=granted, offered=suggestions.choices())
    if request.method == "POST" and form.is_valid():
        kind, key = form.cleaned_data["item"]
        try:
            result = suggestions.suggestion_send(
                delegate=request.user,
                practices=list(form.cleaned_data["practices"]),
                kind=kind,
                key=key,
                note=form.cleaned_data["note"],
            )
        except suggestions.SuggestionError:
            form.add_error("item", _("Cet élément ne peut pas être suggéré."))
        else:
            _sent_message(request, result)
            return redirect("delegate_suggest")
    sent = suggestions.with_titles(
        Suggestion.objects.filter(delegate=request.user, practice__in=granted)
        .select_related("practice")
        .order_by("-created_at", "-id")[:100]
    )
    return render(request, "portal/suggest.html", {"form": form, "sent": sent})


def _sent_message(request, result) -> None:
    created, skipped = len(result["created"]), len(result["skipped"])
    if created:
        messages.success(
            request,
            ngettext(
                "Suggestion envoyée à %(n)s cabinet.",
                "Suggestion envoyée à %(n)s cabinets.",
                created,
            )
            % {"n": created},
        )
    if skipped:
        messages.info(
            request,
            ngettext(
                "%(n)s cabinet avait déjà cette suggestion en attente.",
                "%(n)s cabinets avaient déjà cette suggestion en attente.",
                skipped,
            )
            % {"n": skipped},
        )


@practice_view(Cap.VIEW)
@require_GET
def practice_suggestions(request):
    """The practice's suggestions from its delegates: pending first, then decided ones."""
    items = suggestions.with_titles(
        Suggestion.objects.filter(practice=request.practice)
        .select_related("delegate", "decided_by")
        .order_by("-created_at", "-id")
    )
    pending = [s for s in items if s.status == Suggestion.Status.PENDING]
    decided = [s for s in items if s.status != Suggestion.Status.PENDING][:50]
    for suggestion in pending:
        suggestion.can_decide = can(request.role, suggestions.DECIDE_CAPABILITY[suggestion.kind])
    return render(
        request, "portal/practice_suggestions.html", {"pending": pending, "decided": decided}
    )


@practice_view(Cap.VIEW)
@require_POST
def suggestion_decide(request, suggestion_id, decision):
    suggestion = owned(
        Suggestion.objects.select_related("practice"),
        request.practice,
        public_id=suggestion_id,
    )
    require(request, suggestions.DECIDE_CAPABILITY[suggestion.kind])
    decide = (
        suggestions.suggestion_accept if decision == "accept" else suggestions.suggestion_decline
    )
    try:
        decide(suggestion=suggestion, user=request.user, request=request)
    except suggestions.SuggestionError:
        messages.error(request, _("Cette suggestion a déjà été traitée ou n'est plus disponible."))
    else:
        if decision == "accept":
            (shown,) = suggestions.with_titles([suggestion])
            label = f"{shown.get_kind_display()} — {shown.display_title}"
            messages.success(request, _("Suggestion acceptée : « %(t)s ».") % {"t": label})
        else:
            messages.success(request, _("Suggestion refusée."))
    return redirect("suggestions", practice_slug=request.practice.slug)
