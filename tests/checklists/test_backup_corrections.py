"""Issue 18: backup copies and restore tests are corrected or removed by the admin, traced
in the audit trail with before → after. Clock frozen: the 3-2-1 badge depends on the date."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from portal.models import AuditEvent
from practices.checklists.backups import badge
from practices.checklists.models import BackupCopy, RestoreTest

NOW = datetime(2026, 12, 4, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
TODAY = date(2026, 12, 4)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def link(cast, name, obj, practice=None):
    key = "copy_id" if isinstance(obj, BackupCopy) else "test_id"
    practice = practice or cast.practice
    return reverse(
        f"checklists:{name}", kwargs={"practice_slug": practice.slug, key: obj.public_id}
    )


@pytest.fixture
def disk(cast):
    return BackupCopy.objects.create(practice=cast.practice, name="Disque", medium="disk")


@pytest.fixture
def restore(cast, disk):
    return RestoreTest.objects.create(
        practice=cast.practice,
        tested_on=date(2026, 11, 30),
        restored="Agenda",
        copy=disk,
        success=True,
    )


class TestCopies:
    def test_the_admin_corrects_a_copy_traced_before_after(self, cast, disk):
        response = cast.client("admin").post(
            link(cast, "copy_edit", disk),
            {"name": "Disque du lundi", "medium": "nas", "off_site": "on", "frequency": "Lundi"},
        )
        assert response.status_code == 302
        disk.refresh_from_db()
        assert (disk.name, disk.medium, disk.off_site) == ("Disque du lundi", "nas", True)
        event = AuditEvent.objects.get(action="backup.copy_update")
        assert event.actor == cast.admin
        assert event.changes["name"] == ["Disque", "Disque du lundi"]
        assert event.changes["medium"] == ["disk", "nas"]
        assert event.changes["off_site"] == [False, True]

    def test_bad_input_keeps_what_was_typed(self, cast, disk):
        response = cast.client("admin").post(
            link(cast, "copy_edit", disk), {"name": "Disque du lundi", "medium": "??"}
        )
        assert response.status_code == 200
        assert 'value="Disque du lundi"' in response.content.decode()
        disk.refresh_from_db()
        assert disk.name == "Disque"

    def test_the_admin_removes_a_copy_traced(self, cast, disk):
        response = cast.client("admin").post(link(cast, "copy_delete", disk))
        assert response.status_code == 302
        assert not BackupCopy.objects.exists()
        event = AuditEvent.objects.get(action="backup.copy_delete")
        assert event.changes["name"] == ["Disque", None]
        assert event.target_label == "Disque"

    def test_a_copy_named_by_restore_tests_is_kept(self, cast, disk, restore):
        response = cast.client("admin").post(link(cast, "copy_delete", disk), follow=True)
        assert "Des tests de restauration citent cette copie" in response.content.decode()
        assert BackupCopy.objects.filter(pk=disk.pk).exists()
        assert not AuditEvent.objects.filter(action="backup.copy_delete").exists()


class TestRestoreTests:
    def test_the_admin_corrects_a_test_and_the_badge_follows(self, cast, disk, restore):
        assert badge(cast.practice, TODAY).criteria["tested"]
        response = cast.client("admin").post(
            link(cast, "test_edit", restore),
            {"tested_on": "2026-11-30", "restored": "Agenda", "copy": disk.pk},  # failed
        )
        assert response.status_code == 302
        restore.refresh_from_db()
        assert restore.success is False
        assert not badge(cast.practice, TODAY).criteria["tested"]
        event = AuditEvent.objects.get(action="backup.restore_test_update")
        assert event.changes == {"success": [True, False]}

    def test_a_corrected_date_stays_plausible(self, cast, disk, restore):
        response = cast.client("admin").post(
            link(cast, "test_edit", restore),
            {"tested_on": "2030-01-01", "restored": "Agenda", "copy": disk.pk, "success": "on"},
        )
        assert response.status_code == 200
        assert "Cette date est à venir" in response.content.decode()
        assert 'value="2030-01-01"' in response.content.decode()
        restore.refresh_from_db()
        assert restore.tested_on == date(2026, 11, 30)

    def test_the_admin_removes_a_test_traced(self, cast, restore):
        response = cast.client("admin").post(link(cast, "test_delete", restore))
        assert response.status_code == 302
        assert not RestoreTest.objects.exists()
        event = AuditEvent.objects.get(action="backup.restore_test_delete")
        assert event.changes["tested_on"] == ["2026-11-30", None]
        assert event.changes["success"] == [True, None]


@pytest.mark.parametrize("name", ["copy_edit", "copy_delete", "test_edit", "test_delete"])
def test_staff_and_delegates_are_refused_other_practices_get_404(cast, restore, name):
    obj = restore if name.startswith("test") else restore.copy
    for who in ("staff", "delegate"):
        assert cast.client(who).post(link(cast, name, obj), {}).status_code == 403
    foreign = link(cast, name, obj, practice=cast.other_practice)
    assert cast.client("other_admin").post(foreign, {}).status_code == 404
    assert RestoreTest.objects.filter(pk=restore.pk).exists()
    assert not AuditEvent.objects.exists()
