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
from django.db.models import Max, OuterRef, Q, Subquery

from practices.checklists.models import PracticeChecklist, Run

PARIS = ZoneInfo("Europe/Paris")
# Finished periods shown in a checklist's on-time trend.
TREND_PERIODS = 12


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


def _new_periods(checklist: PracticeChecklist, last: datetime | None, now: datetime):
    """``(start, end)`` of the periods begun by ``now`` from the end of the ``last`` one
    stored (its due time)."""
    start = datetime.combine(checklist.starts_on, time(0))
    rule = rrulestr(checklist.cadence, dtstart=start)
    limit = now.astimezone(PARIS).replace(tzinfo=None)
    if last is None:
        occurrences = rule.xafter(start, inc=True)
    else:
        occurrences = rule.xafter(last.astimezone(PARIS).replace(tzinfo=None), inc=True)
    begin = None
    for occurrence in occurrences:
        if begin is not None:
            yield begin.replace(tzinfo=PARIS), occurrence.replace(tzinfo=PARIS)
        if occurrence > limit:
            return
        begin = occurrence


def generate_due(now: datetime, checklists=None) -> int:
    """Create the runs of every period begun by ``now`` for the active ``checklists``
    (default: every practice's whose latest stored period has ended, ``periods_until``), in
    three queries whatever their number: the checklists with their latest period, one
    insert, one update of their ``periods_until``. Only periods from the end of the
    latest stored one are created, so a changed cadence does not refill the past. Returns
    how many rows were offered (a concurrent call may have inserted some first: the
    constraint keeps one)."""
    if checklists is None:  # the sweep: only the checklists whose latest period has ended
        checklists = PracticeChecklist.objects.filter(
            Q(periods_until__lte=now) | Q(periods_until=None)
        )
    checklists = list(
        checklists.filter(active=True)
        .annotate(last=Max("runs__due_at"))
        .only("pk", "practice_id", "cadence", "starts_on")
        .order_by()
    )
    rows = [
        Run(
            practice_id=checklist.practice_id,
            checklist=checklist,
            period_start=begin,
            due_at=end,
        )
        for checklist in checklists
        for begin, end in _new_periods(checklist, checklist.last, now)
    ]
    if rows:
        Run.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    if checklists:
        latest = Run.objects.filter(checklist=OuterRef("pk")).order_by("-due_at")
        PracticeChecklist.objects.filter(pk__in=[c.pk for c in checklists]).update(
            periods_until=Subquery(latest.values("due_at")[:1])
        )
    return len(rows)


def generate_runs(checklist: PracticeChecklist, now: datetime) -> int:
    """Create the runs of every period of one checklist begun by ``now``; returns how many
    were new."""
    before = Run.objects.filter(checklist=checklist).count()
    generate_due(now, PracticeChecklist.objects.filter(pk=checklist.pk))
    return Run.objects.filter(checklist=checklist).count() - before


def trend_of(runs, now: datetime, periods: int = TREND_PERIODS) -> list:
    """The last ``periods`` finished periods among ``runs`` (newest first), oldest first:
    ``[(period start, completed on time?)]``."""
    finished = [run for run in runs if run.due_at <= now][:periods]
    return [
        (run.period_start, bool(run.completed_at and run.completed_at <= run.due_at))
        for run in reversed(finished)
    ]


def on_time_trend(
    checklist: PracticeChecklist, now: datetime, periods: int = TREND_PERIODS
) -> list:
    """The on-time trend of one checklist (one query)."""
    runs = (
        Run.objects.filter(checklist=checklist, due_at__lte=now)
        .order_by("-period_start")
        .only("period_start", "due_at", "completed_at")[:periods]
    )
    return trend_of(list(runs), now, periods)
