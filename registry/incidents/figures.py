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
