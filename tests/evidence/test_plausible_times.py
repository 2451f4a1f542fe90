"""Plausible times: no future for what happened, steps in order, an old date confirmed."""

from __future__ import annotations

import html
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from practices.checklists.models import BackupCopy, RestoreTest
from registry.incidents.models import CnilFiling, Incident

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 4, 10, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def text(response) -> str:
    return html.unescape(response.content.decode())


def incidents_url(cast, name, incident=None):
    kwargs = {"practice_slug": cast.practice.slug}
    if incident is not None:
        kwargs["incident_id"] = incident.public_id
    return reverse(f"incidents:{name}", kwargs=kwargs)


def local(moment: datetime) -> str:
    return moment.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")


def make(cast, noticed=NOW - timedelta(hours=5), aware=None):
    return Incident.objects.create(
        practice=cast.practice,
        kind="phishing",
        description="Un mail piégé",
        noticed_at=noticed,
        aware_at=aware or noticed,
    )


def report(cast, noticed_at: str, **extra):
    return cast.client("staff").post(
        incidents_url(cast, "report"),
        {"kind": "phishing", "description": "Lien cliqué", "noticed_at": noticed_at, **extra},
    )


class TestReport:
    def test_a_time_in_the_future_is_refused_next_to_the_field_and_kept(self, cast):
        response = report(cast, "2027-01-01T09:00")
        page = text(response)
        assert response.status_code == 200 and not Incident.objects.exists()
        assert "Cette date est à venir" in page
        assert 'value="2027-01-01T09:00"' in page and "Lien cliqué" in page

    def test_a_few_minutes_ahead_is_a_device_clock_not_the_future(self, cast):
        assert report(cast, local(NOW + timedelta(minutes=3))).status_code == 302

    def test_an_old_date_asks_to_confirm_then_is_kept(self, cast):
        response = report(cast, "2019-01-01T09:00")
        page = text(response)
        assert not Incident.objects.exists()
        assert "Cette date remonte à plus de 30 jours (01/01/2019 09:00)" in page
        assert 'type="checkbox" name="confirm_dates"' in page
        assert 'value="2019-01-01T09:00"' in page
        response = report(cast, "2019-01-01T09:00", confirm_dates="on")
        assert response.status_code == 302
        assert Incident.objects.get().noticed_at == datetime(2019, 1, 1, 9, 0, tzinfo=PARIS)

    def test_a_recent_date_shows_no_checkbox(self, cast):
        response = report(cast, "2026-11-30T09:00", description="")
        assert 'type="checkbox" name="confirm_dates"' not in text(response)
        assert report(cast, "2026-11-30T09:00").status_code == 302


def assess(cast, incident, **data):
    base = {"aware_at": local(incident.aware_at), "personal_data": "false", "cnil_reason": "x"}
    return cast.client("admin").post(incidents_url(cast, "assess", incident), {**base, **data})


class TestAssessment:
    def test_awareness_in_the_future_is_refused(self, cast):
        incident = make(cast)
        response = assess(cast, incident, aware_at="2027-01-01T09:00")
        assert "Cette date est à venir" in text(response)
        incident.refresh_from_db()
        assert incident.aware_at == incident.noticed_at and incident.assessed_at is None

    def test_awareness_cannot_precede_the_observation(self, cast):
        incident = make(cast)
        response = assess(cast, incident, aware_at=local(incident.noticed_at - timedelta(hours=1)))
        page = text(response)
        assert "ne peut pas précéder sa constatation (04/12/2026 05:00)" in page
        assert assess(cast, incident, aware_at=local(NOW - timedelta(hours=1))).status_code == 302

    def test_persons_informed_after_awareness(self, cast):
        incident = make(cast)
        response = assess(
            cast, incident, persons_informed_at=local(incident.aware_at - timedelta(days=1))
        )
        assert "avant la connaissance de la violation" in text(response)

    def test_an_old_awareness_kept_as_it_was_is_not_asked_again(self, cast):
        incident = make(cast, noticed=NOW - timedelta(days=60))
        assert assess(cast, incident).status_code == 302


def file(cast, incident, **data):
    base = {"type": "initial", "reference": "CNIL-1", "delay_reason": "Retard"}
    return cast.client("admin").post(incidents_url(cast, "filing", incident), {**base, **data})


class TestFilings:
    def test_a_filing_in_the_future_is_refused(self, cast):
        incident = make(cast)
        assert file(cast, incident, filed_at="2027-01-01T09:00").status_code == 400
        assert not CnilFiling.objects.exists()

    def test_a_filing_before_awareness_is_refused(self, cast):
        incident = make(cast)
        response = file(cast, incident, filed_at=local(incident.aware_at - timedelta(hours=2)))
        assert response.status_code == 400
        assert "ne peut pas précéder la connaissance" in text(response)

    def test_a_follow_up_comes_after_the_initial_filing(self, cast):
        incident = make(cast, noticed=NOW - timedelta(hours=10))
        response = file(cast, incident, type="complementary", filed_at=local(NOW))
        assert "Enregistrez d'abord la notification initiale" in text(response)
        assert file(cast, incident, filed_at=local(NOW - timedelta(hours=2))).status_code == 302
        response = file(
            cast,
            incident,
            type="complementary",
            reference="CNIL-2",
            filed_at=local(NOW - timedelta(hours=3)),
        )
        assert "suit la notification initiale (déposée le 04/12/2026 08:00)" in (text(response))
        response = file(
            cast, incident, type="complementary", reference="CNIL-2", filed_at=local(NOW)
        )
        assert response.status_code == 302
        assert CnilFiling.objects.count() == 2


class TestFollowUp:
    def test_police_and_ars_dates_are_not_in_the_future_nor_before_the_incident(self, cast):
        incident = make(cast)
        client = cast.client("admin")
        base = {"status": "open", "ars_reference": "", "police_reference": ""}
        follow = incidents_url(cast, "follow_up", incident)
        response = client.post(follow, {**base, "police_at": "2030-01-01T10:00"})
        assert "Cette date est à venir" in text(response)
        response = client.post(follow, {**base, "ars_reported_at": "2026-01-01T10:00"})
        assert "ne peut pas précéder la constatation" in text(response)
        incident.refresh_from_db()
        assert incident.police_at is None and incident.ars_reported_at is None


class TestBackupsAndRegistry:
    def test_a_restore_test_cannot_be_dated_ahead(self, cast):
        copy = BackupCopy.objects.create(
            practice=cast.practice, name="Disque", medium="disk", frequency="daily"
        )
        client = cast.client("admin")
        target = reverse("checklists:backups", kwargs={"practice_slug": cast.practice.slug})
        data = {"tested_on": "2030-01-01", "restored": "Un dossier", "copy": copy.pk}
        response = client.post(
            target, {f"test-{k}": v for k, v in data.items()} | {"test-success": "on"}
        )
        assert "Cette date est à venir" in text(response)
        assert not RestoreTest.objects.exists()

    def test_a_fiche_creation_date_cannot_be_ahead(self, cast):
        from registry.forms import ActivityForm

        form = ActivityForm(
            data={
                "name": "Agenda",
                "reference": "ref-1",
                "created_on": "2031-01-15",
                "status": "draft",
                "main_purpose": "Prendre les rendez-vous",
            },
            practice=cast.practice,
        )
        assert not form.is_valid()
        assert "Cette date est à venir" in str(form.errors["created_on"])
        assert date(2031, 1, 15).isoformat() in form["created_on"].value()
