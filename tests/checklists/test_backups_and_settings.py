from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from portal.models import AuditEvent
from practices.checklists import content
from practices.checklists.backups import badge
from practices.checklists.models import BackupCopy, PracticeChecklist, RestoreTest, Template

TODAY = date(2026, 11, 28)
PARIS = ZoneInfo("Europe/Paris")


def copy(cast, name, medium, off_site=False, practice=None):
    return BackupCopy.objects.create(
        practice=practice or cast.practice, name=name, medium=medium, off_site=off_site
    )


class TestBadge:
    def test_three_copies_two_media_one_off_site_and_a_recent_restore(self, cast):
        production = copy(cast, "Serveur", "production")
        copy(cast, "Disque du lundi", "disk")
        assert badge(cast.practice, TODAY).criteria == {
            "copies": False,
            "media": True,
            "off_site": False,
            "tested": False,
        }
        copy(cast, "Cloud HDS", "cloud", off_site=True)
        RestoreTest.objects.create(
            practice=cast.practice,
            tested_on=TODAY - timedelta(days=100),
            restored="Agenda",
            copy=production,
            success=True,
        )
        assert not badge(cast.practice, TODAY).ok  # the test is older than a quarter
        RestoreTest.objects.create(
            practice=cast.practice,
            tested_on=TODAY - timedelta(days=10),
            restored="Agenda",
            copy=production,
            success=False,
        )
        assert not badge(cast.practice, TODAY).ok  # a failed test does not count
        RestoreTest.objects.create(
            practice=cast.practice,
            tested_on=TODAY - timedelta(days=5),
            restored="Dossier patient X",
            copy=production,
            success=True,
        )
        assert badge(cast.practice, TODAY).ok

    def test_another_practice_copies_do_not_count(self, cast):
        for n in range(3):
            copy(
                cast,
                f"c{n}",
                ["disk", "cloud", "nas"][n],
                off_site=True,
                practice=cast.other_practice,
            )
        assert badge(cast.practice, TODAY).copies == 0


class TestPages:
    def url(self, cast):
        return reverse("checklists:backups", kwargs={"practice_slug": cast.practice.slug})

    @time_machine.travel(datetime(2026, 11, 28, 10, 0, tzinfo=PARIS))  # tested 8 days ago
    def test_staff_records_a_restore_test_from_a_copy_of_this_practice_only(self, cast):
        own = copy(cast, "Disque", "disk")
        foreign = copy(cast, "Autre", "disk", practice=cast.other_practice)
        client = cast.client("staff")
        data = {"test-tested_on": "2026-11-20", "test-restored": "Agenda", "test-success": "on"}
        response = client.post(self.url(cast), {**data, "test-copy": foreign.pk})
        assert response.status_code == 200 and not RestoreTest.objects.exists()
        client.post(self.url(cast), {**data, "test-copy": own.pk})
        assert RestoreTest.objects.get().tested_by == cast.staff
        assert AuditEvent.objects.filter(action="backup.restore_test").exists()

    def test_only_the_admin_describes_copies(self, cast):
        data = {"copy-name": "NAS", "copy-medium": "nas"}
        assert cast.client("staff").post(self.url(cast), data).status_code == 403
        cast.client("admin").post(self.url(cast), data)
        assert BackupCopy.objects.get().name == "NAS"


def test_a_copy_with_errors_keeps_its_form_open(cast):
    url = reverse("checklists:backups", kwargs={"practice_slug": cast.practice.slug})
    response = cast.client("admin").post(url, {"copy-name": "NAS du bureau", "copy-medium": ""})
    html = response.content.decode()
    assert not BackupCopy.objects.exists()
    assert "<details open><summary>Décrire une copie" in html
    assert 'value="NAS du bureau"' in html


def test_settings_ask_the_frequency_first(cast, checklist):
    url = reverse(
        "checklists:settings",
        kwargs={"practice_slug": cast.practice.slug, "checklist_id": checklist.public_id},
    )
    html = cast.client("admin").get(url).content.decode()
    assert html.index('name="frequency"') < html.index('name="assigned_role"')


@pytest.fixture
def checklist(cast):
    content.load()
    template = Template.objects.get(code="workstations")
    return PracticeChecklist.objects.create(
        practice=cast.practice, template=template, cadence=template.cadence, starts_on=TODAY
    )


def test_admin_adjusts_cadence_items_and_assignment(cast, checklist):
    url = reverse(
        "checklists:settings",
        kwargs={"practice_slug": cast.practice.slug, "checklist_id": checklist.public_id},
    )
    client = cast.client("admin")
    bad = client.post(
        url, {"frequency": "custom", "custom_rule": "tous les mardis", "active": "on"}
    )
    assert "RRULE valable" in bad.content.decode()
    client.post(
        url,
        {
            "frequency": "FREQ=MONTHLY;INTERVAL=3",
            "disabled": ["privacy_filter"],
            "own_items": "Le coffre à ordonnances est fermé",
            "assigned_role": "staff",
            "active": "on",
        },
    )
    checklist.refresh_from_db()
    assert checklist.cadence == "FREQ=MONTHLY;INTERVAL=3"
    keys = [i["key"] for i in checklist.items()]
    assert "privacy_filter" not in keys and "own-1" in keys
    assert checklist.assigned_role == "staff"
    event = AuditEvent.objects.get(action="checklist.configure")
    assert event.changes["cadence"] == ["FREQ=MONTHLY", "FREQ=MONTHLY;INTERVAL=3"]
    assert cast.client("staff").get(url).status_code == 403


def test_own_points_keep_their_keys_so_past_answers_stay_on_their_point(cast, checklist):
    """Removing or moving a point of the practice's own must not move past answers onto
    another point; a removed key is never given to a new point."""
    from django.utils import timezone

    from practices.checklists import schedule, services

    url = reverse(
        "checklists:settings",
        kwargs={"practice_slug": cast.practice.slug, "checklist_id": checklist.public_id},
    )
    client = cast.client("admin")

    def configure(own):
        response = client.post(url, {"frequency": "FREQ=MONTHLY", "own_items": own, "active": "on"})
        assert response.status_code == 302
        checklist.refresh_from_db()
        return {i["text"]: i["key"] for i in checklist.extra_items}

    first = configure("Le fax est vidé\nLe coffre est fermé")
    assert first == {"Le fax est vidé": "own-1", "Le coffre est fermé": "own-2"}
    schedule.generate_runs(checklist, timezone.now())
    run = checklist.runs.first()
    services.run_answer(
        run=run, item_key="own-2", status="not_done", comment="Clé perdue", user=cast.admin
    )
    # The fax point goes, the safe moves to the top, a new point arrives.
    second = configure("Le coffre est fermé\nLe tiroir des CPS est fermé")
    assert second == {"Le coffre est fermé": "own-2", "Le tiroir des CPS est fermé": "own-3"}
    # own-2 was removed then a point is added again: it gets a key never used.
    third = configure("Le tiroir des CPS est fermé\nLes volets sont baissés")
    assert third == {"Le tiroir des CPS est fermé": "own-3", "Les volets sont baissés": "own-4"}
