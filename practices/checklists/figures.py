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
    actions = Answer.open_actions().filter(practice=practice).count()
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


# Runs due in this window count in the delegate console's on-time rate.
ON_TIME_WINDOW = timedelta(days=90)


def console_figures(practice_ids, now) -> dict[int, dict]:
    """Per practice id: runs due in the last 90 days (``closed``), those completed by their
    due date (``on_time``), answers "not done" not fixed yet (``open_actions``). Two
    queries whatever the number of practices; practices with nothing are absent."""
    window = Q(due_at__lt=now, due_at__gte=now - ON_TIME_WINDOW)
    figures: dict[int, dict] = {}
    runs = (
        Run.objects.filter(window, practice_id__in=practice_ids)
        .values("practice_id")
        .annotate(
            closed=Count("pk"),
            on_time=Count("pk", filter=Q(completed_at__lte=F("due_at"))),
        )
        .order_by()
    )
    for row in runs:
        figures.setdefault(row["practice_id"], {}).update(
            closed=row["closed"], on_time=row["on_time"]
        )
    actions = (
        Answer.open_actions()
        .filter(practice_id__in=practice_ids)
        .values("practice_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in actions:
        figures.setdefault(row["practice_id"], {})["open_actions"] = row["n"]
    return figures


def console_changes(practice_ids, since, now) -> dict[int, dict]:
    """Per practice id: periods completed (``completed``) and actions fixed (``fixed``)
    between ``since`` and ``now`` (two queries); practices with nothing new are absent."""
    changes: dict[int, dict] = {}
    for key, queryset in (
        ("completed", Run.objects.filter(completed_at__gte=since, completed_at__lt=now)),
        ("fixed", Answer.objects.filter(fixed_at__gte=since, fixed_at__lt=now)),
    ):
        rows = queryset.filter(practice_id__in=practice_ids).values("practice_id")
        for row in rows.annotate(n=Count("pk")).order_by():
            changes.setdefault(row["practice_id"], {})[key] = row["n"]
    return changes
