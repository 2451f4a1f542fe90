from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.cards import Card, Figure
from registry.rights.models import RightsRequest


def _aggregates(today) -> dict:
    """Open requests, and late ones by the one rule (a subquery, no query of its own)."""
    late = RightsRequest.objects.late(today).values("pk")
    return {
        "open": Count("pk", filter=Q(answered_on=None)),
        "late": Count("pk", filter=Q(pk__in=late)),
    }


def card(practice, role) -> Card:
    """Open rights requests and those past their deadline (``RightsRequest.objects.late``),
    in one query."""
    figures = RightsRequest.objects.filter(practice=practice).aggregate(
        **_aggregates(timezone.localdate())
    )
    return Card(
        title=_("Demandes d'exercice des droits"),
        url=reverse("rights:index", kwargs={"practice_slug": practice.slug}),
        figures=[
            Figure(_("Demandes en cours"), figures["open"], "warn" if figures["open"] else "ok"),
            Figure(_("Demandes en retard"), figures["late"], "bad" if figures["late"] else "ok"),
        ],
        actions=[
            (
                _("Enregistrer une demande"),
                reverse("rights:create", kwargs={"practice_slug": practice.slug}),
            )
        ],
    )


def console_figures(practice_ids, now) -> dict[int, dict]:
    """Per practice id: open requests and late ones, in one query; practices without
    requests are absent."""
    rows = (
        RightsRequest.objects.filter(practice_id__in=practice_ids)
        .values("practice_id")
        .annotate(**_aggregates(timezone.localdate(now)))
        .order_by()
    )
    return {row["practice_id"]: {"open": row["open"], "late": row["late"]} for row in rows}
