"""Reminder kinds of the training space (see portal/reminders.py for the contract).

* ``training.expiring``: a required module's validity ends within 30 days;
* ``training.expired``: it has ended (or a major revision requires retraining);
* ``training.never_started``: 14 days after joining, nothing started (no attempt, no
  outside attestation).

Each goes to the person concerned. The step names the validity it is about (its end
date, or the revision), so a renewed pass that later expires is reminded again, while
the same expiry is reminded once.
"""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.reminders import Due, Kind, Next, coarse, store_next, title, when
from practices.models import Membership
from training.models import Attempt, ExternalAttestation, TrainingReminder
from training.validity import EXPIRING_WITHIN, Facts, State


def _expiring(context: dict, step: str) -> str:
    return gettext(
        "Votre formation « %(title)s » expire le %(date)s : refaites le module pour rester à jour."
    ) % {"title": title(context), "date": when(context.get("until"))}


def _expired(context: dict, step: str) -> str:
    return gettext("Votre formation « %(title)s » n'est plus valide : refaites le module.") % {
        "title": title(context)
    }


def _never_started(context: dict, step: str) -> str:
    return gettext(
        "Vous n'avez pas encore commencé la formation à la sécurité du cabinet : "
        "quelques minutes par module suffisent."
    )


KINDS = {
    "training.expiring": Kind(
        "training.expiring", _("Formation à renouveler dans 30 jours"), headline=_expiring
    ),
    "training.expired": Kind("training.expired", _("Formation expirée"), headline=_expired),
    "training.never_started": Kind(
        "training.never_started", _("Formation pas encore commencée"), headline=_never_started
    ),
}
NEVER_STARTED_AFTER = timedelta(days=14)


def due(now):
    """Nine queries whatever the number of practices and people, and one UPDATE per day
    on which the standing of members with nothing due changes next.

    Only the members whose ``TrainingReminder.remind_at`` has come are read (the rows of
    new members are created first, due at once). Each read member is given the next time
    their standing can change by itself: a validity entering its last 30 days or ending,
    or the 14 days after joining (``Due.then``, or an update when nothing is due now).
    """
    new = Membership.objects.filter(training_reminder=None).values_list("pk", flat=True)
    TrainingReminder.objects.bulk_create(
        [TrainingReminder(membership_id=pk, remind_at=now) for pk in new.order_by()],
        ignore_conflicts=True,
        batch_size=5000,
    )
    reminders = list(
        TrainingReminder.objects.filter(remind_at__lte=now).select_related("membership__practice")
    )
    if not reminders:
        return
    practice_ids = {r.membership.practice_id for r in reminders}
    facts = Facts.read(practice_ids if len(practice_ids) <= 1000 else None)
    attempts = Attempt.objects.all()
    externals = ExternalAttestation.objects.all()
    if len(practice_ids) <= 1000:
        attempts = attempts.filter(practice_id__in=practice_ids)
        externals = externals.filter(practice_id__in=practice_ids)
    started = set(attempts.values_list("practice_id", "user_id").distinct())
    started |= set(externals.values_list("practice_id", "user_id").distinct())
    quiet = []
    for reminder in reminders:
        membership = reminder.membership
        required = facts.required(membership.practice_id, membership.job)
        url = reverse("training:index", kwargs={"practice_slug": membership.practice.slug})
        dues = list(_validity(facts, membership, required, url, now)) if required else []
        key = (membership.practice_id, membership.user_id)
        never_started = required and key not in started
        if never_started and membership.joined_at <= now - NEVER_STARTED_AFTER:
            dues.append(
                Due(
                    kind="training.never_started",
                    practice_id=membership.practice_id,
                    object_key=f"training.membership:{membership.public_id}",
                    step="d+14",
                    url=url,
                    context={"joined_at": membership.joined_at.isoformat()},
                    user_ids=(membership.user_id,),
                )
            )
        later = coarse(_next_change(facts, membership, required, now, never_started), now)
        then = Next(TrainingReminder, reminder.pk, later or NEVER)
        if not dues:
            quiet.append(then)
        for item in dues:
            yield replace(item, then=then)
    # Nothing due for these members now: read again at their next foreseeable change.
    store_next(quiet)


# A member whose standing cannot change by itself is read again only when a change
# deletes their row (see TrainingReminder); the column stays non-null and indexed.
NEVER = datetime(9999, 1, 1, tzinfo=UTC)


def _next_change(facts, membership, required, now, never_started):
    """The next instant after ``now`` at which the member's standing changes by itself."""
    moments = []
    if never_started and membership.joined_at + NEVER_STARTED_AFTER > now:
        moments.append(membership.joined_at + NEVER_STARTED_AFTER)
    for module in required:
        standing = facts.standing(membership.practice_id, membership.user_id, module, now)
        if standing.until is None:
            continue
        for moment in (standing.until - EXPIRING_WITHIN, standing.until):
            if moment > now:
                moments.append(moment)
    return min(moments, default=None)


def _validity(facts, membership, required, url, now):
    for module in required:
        standing = facts.standing(membership.practice_id, membership.user_id, module, now)
        if standing.state == State.EXPIRING:
            kind, step = "training.expiring", f"d-30:{standing.last_day}"
        elif standing.state == State.EXPIRED and standing.until is not None:
            kind, step = "training.expired", f"expired:{standing.last_day}"
        elif standing.state == State.EXPIRED:
            kind, step = "training.expired", f"revision:v{module.major_version}"
        else:
            continue
        yield Due(
            kind=kind,
            practice_id=membership.practice_id,
            object_key=f"training.module:{membership.public_id}:{module.key}",
            step=step,
            url=url,
            # Plain text for the e-mail (French, the source language; English alongside).
            context={
                "title": module.title["fr"],
                "title_en": module.title["en"],
                "until": standing.until.isoformat() if standing.until else None,
            },
            user_ids=(membership.user_id,),
        )
