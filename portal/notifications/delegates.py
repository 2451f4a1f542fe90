"""The weekly digest of a delegate across the practices that granted them access.

A reminder source like the spaces' (``KINDS`` and ``due(now)``): one row per delegate and
ISO week, due from Monday 07:00 (Paris). Its content is computed when the mail is written,
by ``portal.console.weekly_digest`` when the delegate console provides it, else by the
minimal digest below.
"""

from __future__ import annotations

import importlib
from datetime import datetime, time, timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.reminders import Due, Kind

KINDS = {
    "delegate.weekly": Kind("delegate.weekly", _("Résumé hebdomadaire des cabinets suivis")),
}
SEND_AT = time(7, 0)


def week_start(now: datetime) -> datetime:
    """The latest Monday 07:00 (Paris) at or before ``now``."""
    local = timezone.localtime(now)
    monday = local.date() - timedelta(days=local.weekday())
    start = timezone.make_aware(datetime.combine(monday, SEND_AT), local.tzinfo)
    return start if start <= now else start - timedelta(days=7)


def due(now):
    """One digest per delegate holding a live grant, once per ISO week (one query)."""
    from practices.models import Oversight

    start = week_start(now)
    year, week, _day = start.isocalendar()
    delegates = (
        Oversight.objects.filter(revoked_at=None, delegate__is_active=True)
        .values_list("delegate_id", flat=True)
        .distinct()
        .order_by("delegate_id")
    )
    url = reverse("delegate_console")
    for delegate_id in delegates:
        yield Due(
            kind="delegate.weekly",
            practice_id=None,
            object_key=f"portal.delegate:{delegate_id}",
            step=f"{year}-W{week:02d}",
            url=url,
            context={"since": (start - timedelta(days=7)).isoformat()},
            user_ids=(delegate_id,),
        )


def weekly_digest(delegate, since: datetime) -> dict | None:
    """The console's digest when it exists, else ours; None when there is nothing to say.

    Shape (both): ``{"practices": [{"name", "url", "lines": [str], "attention": bool}],
    "summary": [str]}``; every key but ``practices`` optional.
    """
    try:
        console = importlib.import_module("portal.console")
    except ModuleNotFoundError as error:
        if error.name != "portal.console":
            raise
        console = None
    if console is not None and hasattr(console, "weekly_digest"):
        return from_console(console, console.weekly_digest(delegate, since))
    return minimal_digest(delegate, since)


def from_console(console, digest: dict | None) -> dict | None:
    """The console's digest (codes with labels in its REASON_LABELS and CHANGE_LABELS,
    practices in "needs_attention" and "changed") in the shape the mail renders."""
    if not digest or "practices" in digest:
        return digest
    from django.utils.translation import gettext

    reasons = getattr(console, "REASON_LABELS", {})
    changes = getattr(console, "CHANGE_LABELS", {})
    colon = gettext(":")  # " :" in French (non-breaking space), ":" in English
    totals = digest.get("totals", {}).items()
    summary = [f"{changes.get(code, code)}{colon} {n}" for code, n in totals]
    practices: dict[object, dict] = {}
    attention = digest.get("needs_attention", [])
    for item in [*attention, *digest.get("changed", [])]:
        key = item.get("practice_id", item.get("name"))
        if key in practices:
            continue
        lines = [str(reasons.get(code, code)) for code in item.get("reasons", [])]
        lines += [f"{changes.get(c, c)}{colon} {n}" for c, n in item.get("changes", {}).items()]
        practices[key] = {
            "name": item.get("name", ""),
            "url": item.get("url", ""),
            "lines": lines,
            "attention": bool(item.get("reasons")),
        }
    return {"practices": list(practices.values()), "summary": summary}


def minimal_digest(delegate, since: datetime) -> dict | None:
    """The practices overseen, their open incidents and those reported since (2 queries).

    Text is translated when called: call it under the recipient's language.
    """
    from practices.access import overseen_by
    from registry.incidents.models import Incident, Status

    practices = list(overseen_by(delegate).order_by("name"))
    counts = {
        row["practice_id"]: row
        for row in Incident.objects.counted()
        .filter(practice__in=practices)
        .values("practice_id")
        .annotate(
            open=Count("pk", filter=~Q(status=Status.CLOSED)),
            new=Count("pk", filter=Q(created_at__gte=since)),
        )
        .order_by()
    }
    rows = []
    for practice in practices:
        figures = counts.get(practice.pk, {"open": 0, "new": 0})
        lines = [
            gettext("Incidents ouverts : %(count)s") % {"count": figures["open"]},
            gettext("Incidents signalés depuis une semaine : %(count)s")
            % {"count": figures["new"]},
        ]
        rows.append(
            {
                "name": practice.name,
                "url": practice.get_absolute_url(),
                "lines": lines,
                "attention": figures["new"] > 0,
            }
        )
    return {"practices": rows} if rows else None
