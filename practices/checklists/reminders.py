"""Reminder kinds of the checklists (see portal/reminders.py for the contract)."""

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.reminders import Due, Kind, title, when
from practices.checklists import schedule
from practices.checklists.models import Run


def _due(context: dict, step: str) -> str:
    return gettext("La liste de contrôle « %(title)s » est à faire avant le %(date)s.") % {
        "title": title(context),
        "date": when(context.get("due_at")),
    }


def _overdue(context: dict, step: str) -> str:
    return gettext(
        "La liste de contrôle « %(title)s » est en retard : elle était à faire avant le %(date)s."
    ) % {"title": title(context), "date": when(context.get("due_at"))}


def _attestation(context: dict, step: str) -> str:
    return gettext("Vos engagements personnels de sécurité sont à confirmer de nouveau.")


KINDS = {
    "checklist.due": Kind(
        "checklist.due", _("Liste de contrôle à faire dans 3 jours"), headline=_due
    ),
    "checklist.overdue": Kind(
        "checklist.overdue", _("Liste de contrôle en retard"), headline=_overdue
    ),
    "attestation.due": Kind(
        "attestation.due", _("Engagements personnels à renouveler"), headline=_attestation
    ),
}
LEAD = timedelta(days=3)
# An overdue period is reminded once, and only while it is recent: years of unfinished
# periods must not flood a practice (they stay visible on the checklists page).
OVERDUE_WINDOW = timedelta(days=30)


def due(now):
    yield from due_runs(now)
    yield from due_attestations(now)


def due_runs(now):
    """Open runs due within 3 days (step "d-3") or past due by at most 30 days ("overdue"):
    three queries. The periods begun since the last sweep are created first (two queries,
    idempotent), so a practice that never opens its checklists page is reminded too."""
    schedule.generate_due(now)
    runs = Run.objects.filter(
        completed_at=None,
        due_at__lte=now + LEAD,
        due_at__gt=now - OVERDUE_WINDOW,
        checklist__active=True,
    ).select_related("practice", "checklist__template", "checklist__assigned_user")
    for run in runs:
        overdue = run.due_at <= now
        checklist = run.checklist
        yield Due(
            kind="checklist.overdue" if overdue else "checklist.due",
            practice_id=run.practice_id,
            object_key=f"checklists.run:{run.public_id}",
            step="overdue" if overdue else "d-3",
            url=reverse(
                "checklists:run",
                kwargs={"practice_slug": run.practice.slug, "run_id": run.public_id},
            ),
            context={
                "title": checklist.template.title.get("fr", ""),
                "title_en": checklist.template.title.get("en", ""),
                "due_at": run.due_at.isoformat(),
            },
            user_ids=(checklist.assigned_user_id,) if checklist.assigned_user_id else (),
            roles=()
            if checklist.assigned_user_id
            else ((checklist.assigned_role,) if checklist.assigned_role else ("admin", "staff")),
        )


def due_attestations(now):
    """Members whose personal attestations are missing or older than the cadence (2 queries).

    One reminder per member and practice per renewal period (the step is the period index).
    """
    from django.db.models import Max

    from practices.checklists.attestations import validity
    from practices.checklists.models import Attestation
    from practices.models import Membership

    last = {
        (row["practice_id"], row["user_id"]): row["at"]
        for row in Attestation.objects.values("practice_id", "user_id").annotate(
            at=Max("confirmed_at")
        )
    }
    period = validity()
    for membership in Membership.objects.select_related("practice"):
        seen = last.get((membership.practice_id, membership.user_id))
        if seen is not None and seen + period > now:
            continue
        step = str(int(now.timestamp() // period.total_seconds()))
        yield Due(
            kind="attestation.due",
            practice_id=membership.practice_id,
            object_key=f"checklists.attestation:{membership.public_id}",
            step=step,
            url=reverse(
                "checklists:attestations", kwargs={"practice_slug": membership.practice.slug}
            ),
            user_ids=(membership.user_id,),
        )
