"""Pages only read: checklist periods are created when a checklist is activated or set up
(a POST) and by the reminder sweep, never by opening a page, a delegate's included."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from practices.checklists import content, reminders
from practices.checklists.models import PracticeChecklist, Run, Template

PARIS = ZoneInfo("Europe/Paris")
TODAY = datetime(2026, 11, 20, 9, 0, tzinfo=PARIS)


@pytest.fixture
def library(db):
    content.load()


def index(cast):
    return reverse("checklists:index", kwargs={"practice_slug": cast.practice.slug})


def test_a_checklist_activated_shows_its_current_period_at_once(cast, library):
    """The first hour: no sweep has run since the activation, the period is there."""
    template = Template.objects.get(code="workstations")  # monthly
    with time_machine.travel(TODAY, tick=False):
        client = cast.client("admin")
        client.post(
            reverse("checklists:activate", kwargs={"practice_slug": cast.practice.slug}),
            {"code": template.code},
        )
        run = Run.objects.get(checklist__practice=cast.practice)
        assert run.period_start <= TODAY < run.due_at
        page = client.get(index(cast)).content.decode()
    assert (
        reverse(
            "checklists:run", kwargs={"practice_slug": cast.practice.slug, "run_id": run.public_id}
        )
        in page
    )


@pytest.mark.parametrize("who", ["admin", "staff", "delegate"])
def test_opening_the_page_creates_no_period_the_sweep_does(cast, library, who):
    template = Template.objects.get(code="workstations")
    PracticeChecklist.objects.create(
        practice=cast.practice,
        template=template,
        cadence="FREQ=MONTHLY",
        starts_on=date(2026, 9, 1),
    )
    with time_machine.travel(TODAY, tick=False):
        assert cast.client(who).get(index(cast)).status_code == 200
        assert Run.objects.count() == 0  # a GET wrote nothing
        list(reminders.due(TODAY))  # the sweep's source creates the periods begun so far
    assert Run.objects.count() == 3  # September, October, November


def test_setting_up_a_checklist_creates_its_periods_on_the_post(cast, library):
    """A checklist created without its periods (an import, the admin site) gets them when
    its settings are saved, not when its page is opened."""
    from practices.checklists import services

    checklist = PracticeChecklist.objects.create(
        practice=cast.practice,
        template=Template.objects.get(code="workstations"),
        cadence="FREQ=MONTHLY",
        starts_on=date(2026, 9, 1),
    )
    with time_machine.travel(TODAY, tick=False):
        services.checklist_configure(checklist=checklist, assigned_role="staff")
    assert checklist.runs.count() == 3
