"""The deadline rule (GDPR art. 12.3, L1111-7 CSP) and the one late rule
(``RightsRequest.objects.late``) that the page, the reminders, the dashboard card and the
console follow, under a frozen clock."""

from datetime import date, datetime, timedelta
from itertools import product
from zoneinfo import ZoneInfo

import pytest
import time_machine

from portal import console
from registry.rights import deadlines, figures, reminders
from registry.rights.models import RightsRequest
from tests.rights.helpers import make

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("kind", "received", "complete", "old", "extended", "expected"),
    [
        # One month: the same day of the next month…
        ("access", date(2026, 11, 2), None, False, False, date(2026, 12, 2)),
        # … or that month's last day when it has none: 31 January → 29 February (leap year)
        ("access", date(2028, 1, 31), None, False, False, date(2028, 2, 29)),
        # … and 28 February in a common year; 30 January → 29 February too.
        ("erasure", date(2027, 1, 31), None, False, False, date(2027, 2, 28)),
        ("erasure", date(2028, 1, 30), None, False, False, date(2028, 2, 29)),
        # 31 March → 30 April; 29 February → 29 March.
        ("objection", date(2026, 3, 31), None, False, False, date(2026, 4, 30)),
        ("portability", date(2028, 2, 29), None, False, False, date(2028, 3, 29)),
        # Extended by two months: 31 January → 29 February → 29 April.
        ("rectification", date(2028, 1, 31), None, False, True, date(2028, 4, 29)),
        # From the complete request, not the receipt.
        ("limitation", date(2026, 11, 2), date(2026, 11, 20), False, False, date(2026, 12, 20)),
        # Medical record: 8 days, across a month's end.
        ("medical_record", date(2026, 1, 27), None, False, False, date(2026, 2, 4)),
        ("medical_record", date(2028, 2, 25), None, False, False, date(2028, 3, 4)),
        # Information older than five years: two months; 31 December → 28 February.
        ("medical_record", date(2026, 12, 31), None, True, False, date(2027, 2, 28)),
        # The CSP's delay is not extended (the flag is ignored).
        ("medical_record", date(2026, 11, 2), None, False, True, date(2026, 11, 10)),
        # "Older than five years" means nothing for another kind.
        ("access", date(2026, 11, 2), None, True, False, date(2026, 12, 2)),
    ],
)
def test_deadline(cast, kind, received, complete, old, extended, expected):
    item = make(
        cast.practice,
        kind=kind,
        received_on=received,
        complete_on=complete,
        older_than_five_years=old,
        extended=extended,
    )
    item.refresh_from_db()
    assert item.deadline == expected


NOW = datetime(2028, 2, 29, 9, 0, tzinfo=PARIS)
TODAY = NOW.date()
# Days from today to the deadline (negative: past), answered or not.
OFFSETS = (-40, -1, 0, 1, 3, 4)
ANSWERED = (None, "on_time", "late")


@pytest.fixture
def matrix(cast):
    made = {}
    with time_machine.travel(NOW, tick=False):
        for offset, answered in product(OFFSETS, ANSWERED):
            deadline = TODAY + timedelta(days=offset)
            received = deadline - timedelta(days=8)
            item = make(cast.practice, received_on=received, kind="medical_record")
            assert item.deadline == deadline
            if answered:
                item.answered_on = deadline if answered == "on_time" else deadline + timedelta(1)
                item.answer_means, item.outcome = "post", "granted"
                item.save()
            made[item.pk] = (offset, answered)
        yield made


def test_the_rule_marks_exactly_the_late_requests(matrix):
    late = set(RightsRequest.objects.late(TODAY).values_list("pk", flat=True))
    assert late == {pk for pk, (offset, answered) in matrix.items() if offset < 0 and not answered}
    assert len(late) == 2


def test_the_page_clock_agrees_with_the_rule(matrix):
    late = set(RightsRequest.objects.late(TODAY).values_list("pk", flat=True))
    for item in RightsRequest.objects.all():
        state = deadlines.clock_state(item, TODAY)
        assert (state == deadlines.Clock.LATE) == (item.pk in late)
        offset, answered = matrix[item.pk]
        if answered == "late":
            assert state == deadlines.Clock.ANSWERED_LATE
        if offset == 0 and not answered:
            assert state == deadlines.Clock.DUE_TODAY


def test_card_console_and_reminders_follow_the_rule(cast, matrix):
    with time_machine.travel(NOW, tick=False):
        card = figures.card(cast.practice, "admin")
        due = list(reminders.due(NOW))
    assert [f.value for f in card.figures] == [len(OFFSETS), 2]  # open, late
    assert figures.console_figures([cast.practice.pk, cast.other_practice.pk], NOW) == {
        cast.practice.pk: {"open": len(OFFSETS), "late": 2}
    }
    steps = sorted(d.step for d in due)
    # Open ones only, three days ahead at most: two late, one today, two within three days.
    assert steps == ["d-3", "d-3", "d0", "late", "late"]


def test_the_console_counts_and_flags_late_requests(cast, matrix):
    (row,) = [r for r in console.compute(cast.delegate, NOW) if r.practice == cast.practice]
    assert row.late_rights == 2
    assert "late_rights" in row.reasons


def test_the_deadline_day_is_on_time_until_its_end(cast):
    item = make(cast.practice, received_on=date(2028, 1, 31))  # deadline 29 February
    assert item.deadline == date(2028, 2, 29)
    for moment, late in [
        (datetime(2028, 2, 29, 23, 59, tzinfo=PARIS), False),
        (datetime(2028, 3, 1, 0, 0, tzinfo=PARIS), True),
    ]:
        with time_machine.travel(moment, tick=False):
            from django.utils import timezone

            today = timezone.localdate()
            assert RightsRequest.objects.late(today).filter(pk=item.pk).exists() is late
