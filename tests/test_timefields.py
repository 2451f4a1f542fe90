"""Times typed on the two nights a year when the Paris clock moves are recorded, not refused."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from portal.timefields import LocalDateTimeField
from registry.incidents.models import Incident


def test_an_autumn_hour_that_comes_twice_is_its_first_occurrence_in_summer_time():
    value = LocalDateTimeField().clean("2027-10-31T02:30")
    assert value.astimezone(UTC) == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 02:30 CEST


def test_a_spring_hour_that_never_happens_is_read_as_after_the_change():
    value = LocalDateTimeField().clean("2027-03-28T02:30")
    assert value.astimezone(UTC) == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)  # 03:30 CEST


def test_other_times_and_bad_input_behave_as_before():
    assert LocalDateTimeField().clean("2027-07-14T10:00").astimezone(UTC).hour == 8
    with pytest.raises(Exception, match="date"):
        LocalDateTimeField().clean("pas une date")


@pytest.mark.parametrize(
    "now",
    [datetime(2027, 10, 31, 0, 40, tzinfo=UTC), datetime(2027, 10, 31, 1, 20, tzinfo=UTC)],
    ids=["first-02:40", "second-02:20"],
)
def test_an_incident_is_reported_during_the_autumn_night(cast, now):
    """At 02:40 summer time, then at 02:20 winter time (the same wall clock hour again)."""
    with time_machine.travel(now, tick=False):
        typed = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        response = cast.client("staff").post(
            reverse("incidents:report", kwargs={"practice_slug": cast.practice.slug}),
            {"kind": "ransomware", "noticed_at": typed, "description": "Écran de rançon"},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    incident = Incident.objects.get(practice=cast.practice)
    assert incident.noticed_at <= now  # never later than the moment it was typed
