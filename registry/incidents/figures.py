from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.cards import Card, Figure
from registry.incidents.models import Incident, Status


def card(practice, role) -> Card:
    """Open incidents and breaches whose 72 hours passed without a CNIL decision or filing."""
    now = timezone.now()
    figures = (
        Incident.objects.counted()
        .filter(practice=practice)
        .aggregate(
            open=Count("pk", filter=~Q(status=Status.CLOSED)),
            overdue=Count("pk", filter=Q(pk__in=Incident.objects.late(now).values("pk"))),
        )
    )
    url = reverse("incidents:index", kwargs={"practice_slug": practice.slug})
    return Card(
        title=_("Incidents"),
        url=url,
        figures=[
            Figure(_("Incidents ouverts"), figures["open"], "warn" if figures["open"] else "ok"),
            Figure(
                _("Délais de 72 h dépassés"),
                figures["overdue"],
                "bad" if figures["overdue"] else "ok",
            ),
        ],
        actions=[
            (
                _("Signaler un incident"),
                reverse("incidents:report", kwargs={"practice_slug": practice.slug}),
            )
        ],
    )


def console_figures(practice_ids, now) -> dict[int, dict]:
    """Per practice id: open incidents and late ones (``Incident.objects.late``), in one
    query; practices without incidents are absent."""
    late = Incident.objects.filter(practice_id__in=practice_ids).late(now).values("pk")
    rows = (
        Incident.objects.counted()
        .filter(practice_id__in=practice_ids)
        .values("practice_id")
        .annotate(
            open=Count("pk", filter=~Q(status=Status.CLOSED)),
            late=Count("pk", filter=Q(pk__in=late)),
        )
        .order_by()
    )
    return {row["practice_id"]: {"open": row["open"], "late": row["late"]} for row in rows}


def console_changes(practice_ids, since, now) -> dict[int, dict]:
    """Per practice id: incidents reported between ``since`` and ``now``, withdrawn ones
    left out (one query)."""
    rows = (
        Incident.objects.counted()
        .filter(practice_id__in=practice_ids, created_at__gte=since, created_at__lt=now)
        .values("practice_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["practice_id"]: {"new": row["n"]} for row in rows}


# Incidents named in the banner of every page of the practice (the others: its list).
BANNER_SHOWN = 3


def open_decisions(practice, now) -> list[Incident]:
    """The incidents whose CNIL decision is still open (required or not decided, no initial
    filing: the late-incident rule from the moment of awareness), the oldest first, each
    with its ``deadline`` (one query)."""
    from registry.incidents.breach import deadline

    incidents = list(
        Incident.objects.late(now, after=timedelta(0))
        .filter(practice=practice)
        .order_by("aware_at", "pk")
        .only("public_id", "kind", "aware_at", "practice_id")[:BANNER_SHOWN]
    )
    for incident in incidents:
        incident.deadline = deadline(incident)
        incident.is_late = incident.deadline <= now
    return incidents
