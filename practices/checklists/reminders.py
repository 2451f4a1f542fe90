"""Reminder kinds of the checklists (see portal/reminders.py for the contract)."""

from datetime import UTC, datetime, timedelta

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.reminders import Due, Kind, Next, coarse, store_next, title, when
from practices.checklists import schedule
from practices.checklists.models import REMINDER_LEAD, Run


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
LEAD = REMINDER_LEAD
# An overdue period is reminded once, and only while it is recent: years of unfinished
# periods must not flood a practice (they stay visible on the checklists page).
OVERDUE_WINDOW = timedelta(days=30)


def due(now):
    yield from due_runs(now)
    yield from due_attestations(now)


def due_runs(now):
    """Open runs due within 3 days (step "d-3") or past due by at most 30 days ("overdue"):
    four queries. The periods begun since the last sweep are created first (two queries,
    idempotent), so a practice that never opens its checklists page is reminded too.

    Only the runs whose ``remind_at`` has come are read: a run is read at ``due_at - 3
    days`` for its "d-3" step, then at ``due_at`` for its "overdue" step, then never again
    (``Due.then``); one past the 30 days is let go in one UPDATE."""
    schedule.generate_due(now)
    Run.objects.filter(remind_at__lte=now, due_at__lte=now - OVERDUE_WINDOW).update(remind_at=None)
    runs = Run.objects.filter(
        remind_at__lte=now,
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
            then=Next(Run, run.pk, None if overdue else run.due_at),
            # A period that ended before someone joined is not theirs to be reminded of.
            joined_by=run.due_at if overdue else None,
        )


def due_attestations(now):
    """Members whose personal attestations are missing or older than the cadence.

    One reminder per member and practice per renewal period (the step is the period index).
    Only the members whose ``AttestationReminder.remind_at`` has come are read (one query
    creates the rows of new members, due at once; three read); each read row is given its
    next time: the end of the renewal period just reminded, or when the last attestation
    runs out.
    """
    from django.db.models import Max

    from practices.checklists.attestations import validity
    from practices.checklists.models import Attestation, AttestationReminder
    from practices.models import Membership

    new = Membership.objects.filter(attestation_reminder=None).values_list("pk", flat=True)
    AttestationReminder.objects.bulk_create(
        [AttestationReminder(membership_id=pk, remind_at=now) for pk in new.order_by()],
        ignore_conflicts=True,
        batch_size=5000,
    )
    reminders = list(
        AttestationReminder.objects.filter(remind_at__lte=now).select_related(
            "membership__practice"
        )
    )
    if not reminders:
        return
    members = [r.membership for r in reminders]
    attestations = Attestation.objects.all()
    if len(members) <= 1000:  # the usual sweep; a first one reads them all
        attestations = attestations.filter(
            practice_id__in={m.practice_id for m in members},
            user_id__in={m.user_id for m in members},
        )
    last = {
        (row["practice_id"], row["user_id"]): row["at"]
        for row in attestations.values("practice_id", "user_id")
        .annotate(at=Max("confirmed_at"))
        .order_by()
    }
    period = validity()
    index = int(now.timestamp() // period.total_seconds())
    period_end = datetime.fromtimestamp((index + 1) * period.total_seconds(), tz=UTC)
    fresh = []
    for reminder in reminders:
        membership = reminder.membership
        seen = last.get((membership.practice_id, membership.user_id))
        if seen is not None and seen + period > now:
            fresh.append(Next(AttestationReminder, reminder.pk, coarse(seen + period, now)))
            continue
        yield Due(
            kind="attestation.due",
            practice_id=membership.practice_id,
            object_key=f"checklists.attestation:{membership.public_id}",
            step=str(index),
            url=reverse(
                "checklists:attestations", kwargs={"practice_slug": membership.practice.slug}
            ),
            user_ids=(membership.user_id,),
            then=Next(AttestationReminder, reminder.pk, period_end),
        )
    # Nothing due for these members yet: read again when their attestations run out.
    store_next(fresh)
