"""Reminder kinds of the rights requests (see portal/reminders.py for the contract)."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.reminders import DATE, Due, Kind
from registry.rights.deadlines import REMIND_BEFORE
from registry.rights.models import RequestKind, RightsRequest


def _day(value) -> str:
    """The deadline (a day, ISO text) as the reader reads it: a day has no time zone."""
    try:
        return date_format(date.fromisoformat(value or ""), DATE)
    except ValueError:
        return str(value or "")


def _headline(context: dict, step: str) -> str:
    code = context.get("kind", "")
    values = {
        "kind": str(dict(RequestKind.choices).get(code, code)),
        "date": _day(context.get("deadline")),
        "days": REMIND_BEFORE,
    }
    if step == "late":
        text = gettext(
            "Demande d'exercice des droits (%(kind)s) : l'échéance du %(date)s est passée "
            "sans réponse enregistrée. Répondez sans attendre."
        )
    elif step == "d0":
        text = gettext(
            "Demande d'exercice des droits (%(kind)s) : la réponse doit partir aujourd'hui "
            "(%(date)s)."
        )
    else:
        text = gettext(
            "Demande d'exercice des droits (%(kind)s) : la réponse doit partir au plus tard "
            "le %(date)s."
        )
    return text % values


KINDS = {
    "rights.deadline": Kind(
        "rights.deadline",
        _("Échéance d'une demande d'exercice des droits"),
        # A legal deadline (GDPR art. 12.3, L1111-7 CSP): always sent at once.
        urgent=True,
        headline=_headline,
        template="rights_deadline",
        audience=frozenset({"admin"}),
    ),
}


def step_for(deadline, today) -> str:
    if deadline < today:
        return "late"
    if deadline == today:
        return "d0"
    return f"d-{REMIND_BEFORE}"


def due(now):
    """One reminder per step (three days before, on the day, once late) for every open
    request, to the practice's admins. One query: open requests whose deadline is at most
    three days ahead (``deadline <= …``, never equality: a missed sweep loses nothing)."""
    today = timezone.localdate(now)
    requests = (
        RightsRequest.objects.open()
        .filter(deadline__lte=today + timedelta(days=REMIND_BEFORE))
        .select_related("practice")
    )
    for item in requests:
        yield Due(
            kind="rights.deadline",
            practice_id=item.practice_id,
            object_key=f"rights.rightsrequest:{item.public_id}",
            step=step_for(item.deadline, today),
            url=reverse(
                "rights:detail",
                kwargs={"practice_slug": item.practice.slug, "request_id": item.public_id},
            ),
            context={"kind": item.kind, "deadline": item.deadline.isoformat()},
            roles=("admin",),
        )
