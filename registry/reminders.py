"""Reminder kinds of the registry (see portal/reminders.py for the contract)."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.reminders import Due, Kind, title
from registry import cnil
from registry.models import ProcessingActivity


def _review(context: dict, step: str) -> str:
    return gettext(
        "La fiche « %(title)s » du registre des traitements est à relire : vérifiez "
        "qu'elle décrit toujours ce que fait le cabinet, puis marquez-la comme relue."
    ) % {"title": title(context)}


KINDS = {
    "registry.review_due": Kind(
        "registry.review_due",
        _("Fiche du registre à relire"),
        headline=_review,
        audience=frozenset({"admin"}),
    ),
}


def due(now):
    """Entries in force whose review date has come: one query, to the practice admins.

    The step is the review date, so a new reminder goes out after each review cycle.
    """
    activities = (
        ProcessingActivity.objects.filter(status=cnil.Status.ACTIVE)
        .filter(Q(next_review_at__lte=now) | Q(next_review_at=None))
        .select_related("practice")
        .only("public_id", "name", "reference", "next_review_at", "practice__slug")
    )
    for activity in activities:
        step = activity.next_review_at.date().isoformat() if activity.next_review_at else "never"
        yield Due(
            kind="registry.review_due",
            practice_id=activity.practice_id,
            object_key=f"registry.activity:{activity.public_id}",
            step=step,
            url=reverse(
                "registry:detail",
                kwargs={"practice_slug": activity.practice.slug, "activity_id": activity.public_id},
            ),
            context={
                "title": f"{activity.reference} — {activity.name}",
                "due_at": activity.next_review_at.isoformat() if activity.next_review_at else "",
            },
            roles=("admin",),
        )
