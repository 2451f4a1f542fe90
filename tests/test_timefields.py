"""Times typed on the two nights a year when the Paris clock moves are recorded, not refused."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from portal.timefields import LocalDateTimeField
from registry.incidents.models import Incident


def test_an_autumn_hour_that_comes_twice_is_the_latest_occurrence_already_passed():
    with time_machine.travel(datetime(2027, 10, 31, 0, 40, tzinfo=UTC), tick=False):  # 02:40 CEST
        first_time = LocalDateTimeField().clean("2027-10-31T02:30")
    with time_machine.travel(datetime(2027, 10, 31, 1, 35, tzinfo=UTC), tick=False):  # 02:35 CET
        second_time = LocalDateTimeField().clean("2027-10-31T02:30")
    assert first_time.astimezone(UTC) == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # CEST
    assert second_time.astimezone(UTC) == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)  # CET


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
    assert now - timedelta(minutes=1) <= incident.noticed_at <= now  # the moment typed


def project_forms():
    """Every form class defined in the project's modules whose name mentions forms."""
    import importlib
    from pathlib import Path

    from django.forms import BaseForm

    root = Path(__file__).resolve().parent.parent
    for package in ("portal", "practices", "registry", "training"):
        for path in sorted((root / package).rglob("*forms*.py")):
            name = ".".join(path.relative_to(root).with_suffix("").parts)
            module = importlib.import_module(name)
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, BaseForm)
                    and value.__module__ == name
                ):
                    yield value


def test_every_date_and_time_a_person_types_goes_through_the_local_field():
    from django import forms

    plain = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in project_forms()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.DateTimeField) and not isinstance(field, LocalDateTimeField)
    ]
    assert plain == [], "use portal.timefields (LocalDateTimeField or local_times): " + str(plain)
    assert any(
        isinstance(field, LocalDateTimeField)
        for form in project_forms()
        for field in form.base_fields.values()
    )
