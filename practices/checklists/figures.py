from datetime import timedelta

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import formatting
from portal.cards import Card, Figure
from practices.checklists.models import Answer, Run


def card(practice, role) -> Card:
    """Runs late, runs completed on time over 90 days, open actions."""
    now = timezone.now()
    runs = Run.objects.filter(practice=practice).aggregate(
        late=Count("pk", filter=Q(completed_at=None, due_at__lt=now)),
        closed=Count("pk", filter=Q(due_at__lt=now, due_at__gte=now - timedelta(days=90))),
        on_time=Count(
            "pk",
            filter=Q(
                due_at__lt=now, due_at__gte=now - timedelta(days=90), completed_at__lte=F("due_at")
            ),
        ),
    )
    actions = Answer.objects.filter(
        practice=practice, status=Answer.Status.NOT_DONE, fixed_at=None
    ).count()
    rate = formatting.share(runs["on_time"] / runs["closed"]) if runs["closed"] else "—"
    return Card(
        title=_("Contrôles"),
        url=reverse("checklists:index", kwargs={"practice_slug": practice.slug}),
        figures=[
            Figure(_("Périodes en retard"), runs["late"], "bad" if runs["late"] else "ok"),
            Figure(_("À l'heure (90 jours)"), rate),
            Figure(_("Actions ouvertes"), actions, "warn" if actions else "ok"),
        ],
    )
