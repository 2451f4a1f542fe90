"""Reminder kinds of the training space (see portal/reminders.py for the contract).

* ``training.expiring``: a required module's validity ends within 30 days;
* ``training.expired``: it has ended (or a major revision requires retraining);
* ``training.never_started``: 14 days after joining, nothing started (no attempt, no
  outside attestation).

Each goes to the person concerned. The step names the validity it is about (its end
date, or the revision), so a renewed pass that later expires is reminded again, while
the same expiry is reminded once.
"""

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.reminders import Due, Kind, title, when
from practices.models import Membership
from training.models import Attempt, ExternalAttestation
from training.validity import Facts, State


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
    """Seven queries whatever the number of practices and people."""
    memberships = list(Membership.objects.select_related("practice"))
    facts = Facts.read()
    started = set(Attempt.objects.values_list("practice_id", "user_id").distinct())
    started |= set(ExternalAttestation.objects.values_list("practice_id", "user_id").distinct())
    for membership in memberships:
        required = facts.required(membership.practice_id, membership.job)
        if not required:
            continue
        url = reverse("training:index", kwargs={"practice_slug": membership.practice.slug})
        yield from _validity(facts, membership, required, url, now)
        key = (membership.practice_id, membership.user_id)
        if key not in started and membership.joined_at <= now - NEVER_STARTED_AFTER:
            yield Due(
                kind="training.never_started",
                practice_id=membership.practice_id,
                object_key=f"training.membership:{membership.public_id}",
                step="d+14",
                url=url,
                context={"joined_at": membership.joined_at.isoformat()},
                user_ids=(membership.user_id,),
            )


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
