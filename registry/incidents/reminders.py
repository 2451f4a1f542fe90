"""Reminder kinds of the incident register (see portal/reminders.py for the contract)."""

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.reminders import DATETIME, Due, Kind, Next, when
from registry.incidents import breach
from registry.incidents.models import DEADLINE, FIRST_REMINDER, Incident
from registry.incidents.models import Kind as IncidentKind


def _deadline(context: dict, step: str) -> str:
    code = context.get("kind", "")
    values = {
        "kind": str(dict(IncidentKind.choices).get(code, code)),
        "date": when(context.get("deadline"), DATETIME),
    }
    if step == "72h":
        return (
            gettext(
                "Incident (%(kind)s) : le délai de 72 heures pour notifier la CNIL a expiré "
                "le %(date)s. Notifiez sans attendre en expliquant le retard."
            )
            % values
        )
    return (
        gettext(
            "Incident (%(kind)s) : la notification à la CNIL doit être faite avant le %(date)s."
        )
        % values
    )


KINDS = {
    "incident.deadline": Kind(
        "incident.deadline",
        _("Délai de 72 heures d'un incident"),
        urgent=True,
        headline=_deadline,
        audience=frozenset({"admin"}),
    ),
}
STEPS = [
    (FIRST_REMINDER, "24h"),
    (timedelta(hours=48), "48h"),
    (timedelta(hours=60), "60h"),
    (DEADLINE, "72h"),
]


def due(now):
    """One reminder per step reached while a required (or undecided) notification is missing.

    Two queries: the incidents whose ``remind_at`` has come and that the late-incident
    rule (its clock at the first step, 24 hours) no longer holds are let go; then the
    others are read, each later step read from the same rule (``with_lateness``), so the
    « 72h » step is exactly the incidents the pages and the console call late. Each is
    given the time of its next step (``Due.then``), none after 72 hours.
    """
    late = Incident.objects.late(now, after=STEPS[0][0])
    Incident.objects.filter(remind_at__lte=now).exclude(pk__in=late.values("pk")).update(
        remind_at=None
    )
    incidents = late.filter(remind_at__lte=now).select_related("practice")
    for delay, name in STEPS[1:]:
        incidents = incidents.with_lateness(now, after=delay, name=f"reached_{name}")
    for incident in incidents:
        hits = [(d, n, getattr(incident, f"reached_{n}")) for d, n in STEPS[1:]]
        step = [STEPS[0][1], *(n for _d, n, hit in hits if hit)][-1]
        later = [d for d, _n, hit in hits if not hit]
        yield Due(
            kind="incident.deadline",
            practice_id=incident.practice_id,
            object_key=f"incidents.incident:{incident.public_id}",
            step=step,
            url=reverse(
                "incidents:detail",
                kwargs={"practice_slug": incident.practice.slug, "incident_id": incident.public_id},
            ),
            context={
                # The code: the mail names the kind in the recipient's language.
                "kind": incident.kind,
                "deadline": breach.deadline(incident).isoformat(),
            },
            roles=("admin",),
            then=Next(Incident, incident.pk, incident.aware_at + later[0] if later else None),
        )
