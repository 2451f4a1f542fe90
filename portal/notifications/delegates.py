"""The weekly digest of a delegate across the practices that granted them access.

A reminder source like the spaces' (``KINDS`` and ``due(now)``): one row per delegate and
ISO week, due from Monday 07:00 (Paris). Its content is computed when the mail is written,
by ``portal.console.weekly_digest``.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal import console
from portal.reminders import Due, Kind
from practices.models import Oversight


def _weekly(context: dict, step: str) -> str:
    return gettext("Le résumé de la semaine des cabinets que vous suivez.")


KINDS = {
    "delegate.weekly": Kind(
        "delegate.weekly",
        _("Résumé hebdomadaire des cabinets suivis"),
        headline=_weekly,
        template="delegate_weekly",
        audience=frozenset({"delegate"}),
        digest=lambda user, row: digest_of(user, row),
    ),
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
    """The console's digest in the shape the mail renders; None when there is nothing to
    say. Shape: ``{"practices": [{"name", "url", "lines": [str], "attention": bool}],
    "summary": [str]}``. Text is translated when called: call it in the reader's language.
    """
    return from_console(console, console.weekly_digest(delegate, since))


def digest_of(user, row) -> dict | None:
    """The content of a ``delegate.weekly`` mail, computed when it is written."""
    since = parse_datetime((row.context or {}).get("since", "")) or row.created_at
    return weekly_digest(user, since)


def from_console(console, digest: dict | None) -> dict | None:
    """The console's digest (codes with labels in its REASON_LABELS and CHANGE_LABELS,
    practices in "needs_attention" and "changed") in the shape the mail renders."""
    if not digest or "practices" in digest:
        return digest
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
