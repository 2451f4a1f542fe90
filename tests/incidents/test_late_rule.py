"""The late-incident rule has one definition (``Incident.objects.late``); the dashboard
card, the delegate console, the incident pages' clock (read from the pages themselves) and
the reminders all follow it.

Every combination that matters (decision on personal data and on notification, filings,
hours since awareness around the 72 hours) is built once, the clock frozen, and each
reader is asked which incidents are late.
"""

from datetime import UTC, datetime, timedelta
from itertools import product
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from portal import console
from registry.incidents import breach, figures, reminders
from registry.incidents.models import CnilFiling, Incident

NOW = datetime(2026, 3, 29, 12, 0, tzinfo=ZoneInfo("Europe/Paris"))  # a DST change day
HOURS = (10, 24, 71.99, 72, 73, 500)
DECISIONS = (None, True, False)
FILINGS = (None, "initial", "complementary")


@pytest.fixture
def matrix(cast):
    made = {}
    with time_machine.travel(NOW, tick=False):
        for hours, personal, required, filing in product(HOURS, DECISIONS, DECISIONS, FILINGS):
            aware = NOW.astimezone(UTC) - timedelta(hours=hours)  # real hours
            incident = Incident.objects.create(
                practice=cast.practice,
                kind="phishing",
                description="Courriel suspect",
                noticed_at=aware,
                aware_at=aware,
                personal_data=personal,
                cnil_required=required,
            )
            if filing:
                CnilFiling.objects.create(
                    practice=cast.practice,
                    incident=incident,
                    type=filing,
                    filed_at=NOW - timedelta(hours=1),
                    reference="CNIL-1",
                )
            made[incident.pk] = (hours, personal, required, filing)
        yield made


def expected(hours, personal, required, filing) -> bool:
    """The rule in words: 72 hours passed, not ruled out, no initial filing."""
    return hours >= 72 and personal is not False and required is not False and filing != "initial"


def test_the_rule_marks_exactly_the_late_incidents(matrix):
    late = set(Incident.objects.late(NOW).values_list("pk", flat=True))
    assert late == {pk for pk, facts in matrix.items() if expected(*facts)}
    assert len(late) == 3 * 8  # 3 ages ≥ 72 h × (2 × 2 undecided or yes) × 2 filings


def page_clocks(cast, moment) -> dict[int, str]:
    """Each incident's clock as the incident list shows it at ``moment``."""
    url = reverse("incidents:index", kwargs={"practice_slug": cast.practice.slug})
    with time_machine.travel(moment, tick=False):
        response = cast.client("admin").get(url)
    assert response.status_code == 200
    return {incident.pk: incident.clock for incident in response.context["incidents"]}


def test_the_incident_page_agrees(cast, matrix):
    late = set(Incident.objects.late(NOW).values_list("pk", flat=True))
    clocks = page_clocks(cast, NOW)
    assert set(clocks) == set(matrix)
    for pk, clock in clocks.items():
        assert (clock == breach.ClockState.LATE) == (pk in late), matrix[pk]


def test_the_incident_pages_agree_across_the_dst_change(cast):
    """Known at 11:30 (UTC+1) on 26 March: after the clocks go forward, 72 real hours end
    at 12:30 (UTC+2) on the 29th, not 11:30: neither the pages nor the rule say late at
    noon, all of them an hour later. The list, the detail page and the breach register."""
    aware = datetime(2026, 3, 26, 11, 30, tzinfo=ZoneInfo("Europe/Paris"))
    incident = Incident.objects.create(
        practice=cast.practice,
        kind="phishing",
        description="x",
        noticed_at=aware,
        aware_at=aware,
        personal_data=True,
        cnil_required=True,
    )
    slug = {"practice_slug": cast.practice.slug}
    detail = reverse("incidents:detail", kwargs={**slug, "incident_id": incident.public_id})
    register = reverse("incidents:register", kwargs=slug)
    for moment, late in ((NOW, False), (NOW + timedelta(hours=1), True)):
        assert Incident.objects.late(moment).exists() is late
        assert page_clocks(cast, moment)[incident.pk] == ("late" if late else "running")
        with time_machine.travel(moment, tick=False):
            client = cast.client("admin")
            shown = client.get(detail).context["incident"].clock
            (listed,) = client.get(register).context["incidents"]
        assert shown == listed.clock == ("late" if late else "running")


def test_card_console_and_reminders_count_the_same(cast, matrix):
    late = Incident.objects.late(NOW).count()
    with time_machine.travel(NOW, tick=False):
        card = figures.card(cast.practice, "admin")
        (row,) = console.compute(cast.delegate, NOW)
        dues = list(reminders.due(NOW))
    assert card.figures[1].value == late
    assert row.late_incidents == late
    assert sum(due.step == "72h" for due in dues) == late
    # The reminders start at 24 hours, by the same rule.
    assert len(dues) == Incident.objects.late(NOW, after=timedelta(hours=24)).count()


def test_hours_are_real_hours_across_the_dst_change(cast):
    """On 29 March, 72 real hours before noon in Paris is 11:00, not noon, on the 26th: an
    incident known at 11:30 that day is not late yet."""
    aware = datetime(2026, 3, 26, 11, 30, tzinfo=ZoneInfo("Europe/Paris"))
    Incident.objects.create(
        practice=cast.practice, kind="phishing", description="x", noticed_at=aware, aware_at=aware
    )
    assert not Incident.objects.late(NOW).exists()
    assert Incident.objects.late(NOW + timedelta(hours=1)).exists()


def test_the_rule_moves_with_the_clock(matrix):
    """An hour later, the incidents at 71.99 hours are late too."""
    later = NOW + timedelta(hours=1)
    assert Incident.objects.late(later).count() == 4 * 8
