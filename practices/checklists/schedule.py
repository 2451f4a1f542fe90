"""Periods of a checklist from its RRULE, and idempotent run generation.

Periods start at midnight Europe/Paris on the rule's dates; a run is due at the start of
the next period (so a monthly run of March is due on 1 April, 00:00 Paris time, whatever
the daylight-saving offset). Generation inserts under a unique constraint: running it
twice, or concurrently, creates each run once.
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from practices.checklists.models import PracticeChecklist, Run

PARIS = ZoneInfo("Europe/Paris")


def period_starts(checklist: PracticeChecklist, until: datetime) -> list[datetime]:
    """Naive Paris-midnight starts of every period up to ``until`` (plus the next one)."""
    start = datetime.combine(checklist.starts_on, time(0))
    rule = rrulestr(checklist.cadence, dtstart=start)
    limit = until.astimezone(PARIS).replace(tzinfo=None)
    starts = []
    for occurrence in rule:
        starts.append(occurrence)
        if occurrence > limit:
            break
    return starts


def generate_runs(checklist: PracticeChecklist, now: datetime) -> int:
    """Create the runs of every period begun by ``now``; returns how many were new."""
    starts = period_starts(checklist, now)
    rows = [
        Run(
            practice_id=checklist.practice_id,
            checklist=checklist,
            period_start=begin.replace(tzinfo=PARIS),
            due_at=end.replace(tzinfo=PARIS),
        )
        for begin, end in zip(starts, starts[1:], strict=False)
        if begin.replace(tzinfo=PARIS) <= now
    ]
    before = Run.objects.filter(checklist=checklist).count()
    Run.objects.bulk_create(rows, ignore_conflicts=True)
    return Run.objects.filter(checklist=checklist).count() - before


def trend_of(runs, now: datetime, periods: int = 12) -> list:
    """The last ``periods`` finished periods among ``runs`` (newest first), oldest first:
    ``[(period start, completed on time?)]``."""
    finished = [run for run in runs if run.due_at <= now][:periods]
    return [
        (run.period_start, bool(run.completed_at and run.completed_at <= run.due_at))
        for run in reversed(finished)
    ]


def on_time_trend(checklist: PracticeChecklist, now: datetime, periods: int = 12) -> list:
    """The on-time trend of one checklist (one query)."""
    runs = (
        Run.objects.filter(checklist=checklist, due_at__lte=now)
        .order_by("-period_start")
        .only("period_start", "due_at", "completed_at")[:periods]
    )
    return trend_of(list(runs), now, periods)
