"""The registry's figures: the practice dashboard card and the delegate console's columns."""

from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import formatting
from portal.cards import Card, Figure
from registry import cnil, services
from registry.models import ProcessingActivity, RecordHeader


def card(practice, role) -> Card:
    """Record completeness, entries in force, reviews due."""
    now = timezone.now()
    activities = list(
        ProcessingActivity.objects.filter(practice=practice)
        .exclude(status=cnil.Status.ARCHIVED)
        .only("status", "completeness", "next_review_at")
    )
    completeness = services.record_completeness(practice, activities)
    due = sum(a.review_due(now) for a in activities)
    active = sum(a.status == cnil.Status.ACTIVE for a in activities)
    return Card(
        title=_("Registre des traitements"),
        url=reverse("registry:index", kwargs={"practice_slug": practice.slug}),
        figures=[
            Figure(
                _("Complétude"),
                formatting.percent(completeness),
                "" if completeness is None else ("ok" if completeness >= 80 else "warn"),
            ),
            Figure(_("Fiches en vigueur"), active, "" if active else "warn"),
            Figure(_("Fiches à relire"), due, "bad" if due else "ok"),
        ],
    )


def console_figures(practice_ids, now=None) -> dict[int, dict]:
    """Per practice: record completeness as on the registry page (0..1), entries not
    archived, reviews overdue. Two queries whatever the number of practices."""
    now = now or timezone.now()
    rows = (
        ProcessingActivity.objects.filter(practice_id__in=practice_ids)
        .exclude(status=cnil.Status.ARCHIVED)
        .values("practice_id")
        .annotate(
            entries=Count("pk"),
            mean=Avg("completeness"),
            review_overdue=Count(
                "pk",
                filter=Q(status=cnil.Status.ACTIVE)
                & (Q(next_review_at__lte=now) | Q(next_review_at=None)),
            ),
        )
        .order_by()
    )
    headers = {
        header.practice_id: header
        for header in RecordHeader.objects.filter(practice_id__in=practice_ids)
    }
    figures = {}
    for row in rows:
        header = headers.get(row["practice_id"]) or RecordHeader()
        header_pct = services.header_completeness(header)
        figures[row["practice_id"]] = {
            "completeness": (row["mean"] * row["entries"] + header_pct)
            / (row["entries"] + 1)
            / 100,
            "entries": row["entries"],
            "review_overdue": row["review_overdue"],
        }
    for practice_id in practice_ids:
        figures.setdefault(practice_id, {"completeness": None, "entries": 0, "review_overdue": 0})
    return figures


def console_changes(practice_ids, since, now=None) -> dict[int, dict]:
    """Per practice id: ``{"reviews": fiches reviewed since ``since``}`` (one query).

    Used by the delegate's weekly digest; practices with nothing new are absent.
    """
    rows = (
        ProcessingActivity.objects.filter(
            practice_id__in=list(practice_ids), last_reviewed_at__gte=since
        )
        .values("practice_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["practice_id"]: {"reviews": row["n"]} for row in rows}
