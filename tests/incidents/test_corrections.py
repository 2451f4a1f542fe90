"""Issue 18, part C: times that drive a deadline are traceable, an incident's facts can be
corrected, an incident can be withdrawn (error or duplicate) and reinstated, reflexes can
be unticked, and a closed incident is read-only until reopened. Clock frozen throughout."""

import csv
import io
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from portal import console
from portal.models import AuditEvent
from registry.incidents import figures, reminders
from registry.incidents.models import CnilFiling, Event, Incident, NotificationDetails, Reflex

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 4, 10, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def url(cast, name, incident, **kwargs):
    kwargs = {"practice_slug": cast.practice.slug, "incident_id": incident.public_id, **kwargs}
    return reverse(f"incidents:{name}", kwargs=kwargs)


def typed(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def make(cast, **fields):
    values = {
        "kind": "ransomware",
        "description": "Écran de rançon sur le poste accueil",
        "noticed_at": NOW - timedelta(hours=2),
        "aware_at": NOW - timedelta(hours=2),
        **fields,
    }
    return Incident.objects.create(practice=cast.practice, **values)


def assessed(cast, **fields):
    return make(
        cast,
        personal_data=True,
        risk="risk",
        cnil_required=True,
        cnil_reason="Fichier patients exposé",
        assessed_at=NOW - timedelta(hours=1),
        **fields,
    )


ASSESSMENT = {
    "personal_data": "true",
    "risk": "risk",
    "cnil_required": "true",
    "cnil_reason": "Fichier patients exposé",
}


def traced(incident, action):
    event = Event.objects.filter(incident=incident, action=action).last()
    return event, json.loads(event.detail)


class TestDeadlineTimesAreTraced:
    def test_first_assessment_sets_awareness_without_a_reason(self, cast):
        incident = make(cast)
        aware = NOW - timedelta(hours=1)
        response = cast.client("admin").post(
            url(cast, "assess", incident), {**ASSESSMENT, "aware_at": typed(aware)}
        )
        assert response.status_code == 302
        incident.refresh_from_db()
        assert incident.aware_at == aware and incident.start_changed_at is None

    def test_moving_awareness_once_assessed_needs_a_reason_and_keeps_what_was_typed(self, cast):
        incident = assessed(cast)
        client = cast.client("admin")
        moved = typed(NOW - timedelta(minutes=30))
        response = client.post(url(cast, "assess", incident), {**ASSESSMENT, "aware_at": moved})
        assert response.status_code == 200
        page = response.content.decode()
        assert "Indiquez la raison de ce changement" in page
        assert f'value="{moved}"' in page
        assert '<textarea name="reason"' in page  # shown now that the value changed
        incident.refresh_from_db()
        assert incident.aware_at == NOW - timedelta(hours=2)
        assert not AuditEvent.objects.filter(action="incident.correct").exists()

    def test_moving_awareness_is_recorded_before_after_who_when_why(self, cast):
        incident = assessed(cast)
        client = cast.client("admin")
        response = client.post(
            url(cast, "assess", incident),
            {
                **ASSESSMENT,
                "aware_at": typed(NOW - timedelta(minutes=30)),
                "reason": "L'informaticien n'a confirmé la fuite qu'à 9 h 30",
            },
        )
        assert response.status_code == 302
        incident.refresh_from_db()
        assert incident.aware_at == NOW - timedelta(minutes=30)
        assert incident.start_changed_by == cast.admin
        assert incident.start_changed_at == NOW
        event, detail = traced(incident, "corrected")
        assert event.actor == cast.admin and event.at == NOW
        assert [datetime.fromisoformat(v) for v in detail["changes"]["aware_at"]] == [
            NOW - timedelta(hours=2),
            NOW - timedelta(minutes=30),
        ]
        assert detail["reason"].startswith("L'informaticien")
        audit = AuditEvent.objects.get(action="incident.correct")
        assert audit.actor == cast.admin
        assert audit.changes["reason"] == [None, detail["reason"]]
        assert "aware_at" in audit.changes
        page = client.get(url(cast, "detail", incident)).content.decode()
        assert "Début modifié le 04/12/2026 10:00 par" in page
        assert "(L&#x27;informaticien n&#x27;a confirmé" in page
        # The timeline says before → after and why.
        assert "04/12/2026 08:00 → 04/12/2026 09:30" in page

    def test_resaving_the_assessment_unchanged_needs_no_reason(self, cast):
        incident = assessed(cast)
        response = cast.client("admin").post(
            url(cast, "assess", incident),
            {**ASSESSMENT, "aware_at": typed(incident.aware_at)},
        )
        assert response.status_code == 302
        incident.refresh_from_db()
        assert incident.start_changed_at is None

    def test_a_filing_date_changes_with_a_reason_traced(self, cast):
        incident = assessed(cast)
        filing = CnilFiling.objects.create(
            practice=cast.practice,
            incident=incident,
            filed_at=NOW - timedelta(minutes=50),
            reference="CNIL-1",
        )
        client = cast.client("admin")
        edit = url(cast, "filing_edit", incident, filing_id=filing.public_id)
        new = typed(NOW - timedelta(minutes=40))
        response = client.post(edit, {"filed_at": new, "reference": "CNIL-1"})
        assert response.status_code == 200
        assert "Indiquez la raison de ce changement" in response.content.decode()
        assert f'value="{new}"' in response.content.decode()
        filing.refresh_from_db()
        assert filing.filed_at == NOW - timedelta(minutes=50)
        response = client.post(
            edit, {"filed_at": new, "reference": "CNIL-1", "reason": "Heure du récépissé"}
        )
        assert response.status_code == 302
        filing.refresh_from_db()
        assert filing.filed_at == NOW - timedelta(minutes=40)
        _event, detail = traced(incident, "filing_corrected")
        assert detail["reason"] == "Heure du récépissé"
        assert list(detail["changes"]) == ["filed_at"]
        audit = AuditEvent.objects.get(action="incident.filing_correct")
        old = datetime.fromisoformat(audit.changes["filed_at"][0])
        assert old == NOW - timedelta(minutes=50)

    def test_a_filing_cannot_be_corrected_to_the_future(self, cast):
        incident = assessed(cast)
        filing = CnilFiling.objects.create(
            practice=cast.practice, incident=incident, filed_at=NOW, reference="CNIL-1"
        )
        response = cast.client("admin").post(
            url(cast, "filing_edit", incident, filing_id=filing.public_id),
            {"filed_at": typed(NOW + timedelta(days=2)), "reference": "CNIL-1", "reason": "x"},
        )
        assert response.status_code == 200
        assert "Cette date est à venir" in response.content.decode()

    def test_another_incidents_filing_is_404(self, cast):
        incident = assessed(cast)
        other = assessed(cast)
        filing = CnilFiling.objects.create(
            practice=cast.practice, incident=other, filed_at=NOW, reference="CNIL-9"
        )
        response = cast.client("admin").get(
            url(cast, "filing_edit", incident, filing_id=filing.public_id)
        )
        assert response.status_code == 404


class TestCorrection:
    def test_a_typo_in_the_date_is_corrected_and_the_clock_follows(self, cast):
        """Noticed « 01/01/2019 » by a typo: late for ever, until the admin corrects it."""
        typo = datetime(2019, 1, 1, 8, 0, tzinfo=PARIS)
        incident = make(cast, noticed_at=typo, aware_at=typo)
        assert Incident.objects.late(NOW).filter(pk=incident.pk).exists()
        client = cast.client("admin")
        right = NOW - timedelta(hours=2)
        data = {"noticed_at": typed(right), "kind": "phishing", "description": "Courriel piégé"}
        response = client.post(url(cast, "correct", incident), data)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Indiquez la raison de ce changement" in page
        assert f'value="{typed(right)}"' in page and "Courriel piégé" in page
        response = client.post(
            url(cast, "correct", incident), {**data, "reason": "Faute de frappe sur l'année"}
        )
        assert response.status_code == 302
        incident.refresh_from_db()
        assert incident.noticed_at == right and incident.aware_at == right
        assert (incident.kind, incident.description) == ("phishing", "Courriel piégé")
        assert not Incident.objects.late(NOW).filter(pk=incident.pk).exists()
        event, detail = traced(incident, "corrected")
        assert event.actor == cast.admin
        assert set(detail["changes"]) == {"noticed_at", "aware_at", "kind", "description"}
        assert datetime.fromisoformat(detail["changes"]["noticed_at"][0]) == typo
        audit = AuditEvent.objects.get(action="incident.correct")
        assert audit.changes["description"] == [
            "Écran de rançon sur le poste accueil",
            "Courriel piégé",
        ]
        assert audit.changes["reason"] == [None, "Faute de frappe sur l'année"]
        page = client.get(url(cast, "detail", incident)).content.decode()
        assert "Début modifié le 04/12/2026 10:00" in page
        assert "Faute de frappe" in page

    def test_an_assessed_awareness_does_not_follow_and_bounds_the_date(self, cast):
        incident = assessed(cast)
        response = cast.client("admin").post(
            url(cast, "correct", incident),
            {
                "noticed_at": typed(NOW - timedelta(minutes=10)),
                "kind": "ransomware",
                "description": incident.description,
                "reason": "Heure exacte",
            },
        )
        assert response.status_code == 200
        assert "ne peut pas suivre la connaissance" in response.content.decode()

    def test_a_text_correction_also_needs_a_reason(self, cast):
        incident = make(cast)
        response = cast.client("admin").post(
            url(cast, "correct", incident),
            {
                "noticed_at": typed(incident.noticed_at),
                "kind": "ransomware",
                "description": "Autre texte",
            },
        )
        assert response.status_code == 200
        incident.refresh_from_db()
        assert incident.description.startswith("Écran")

    @pytest.mark.parametrize("name", ["correct", "withdrawal"])
    def test_staff_and_delegates_are_refused_and_other_practices_do_not_see_it(self, cast, name):
        incident = make(cast)
        for who in ("staff", "delegate"):
            assert cast.client(who).get(url(cast, name, incident)).status_code == 403
            assert cast.client(who).post(url(cast, name, incident), {}).status_code == 403
        foreign = reverse(
            f"incidents:{name}",
            kwargs={"practice_slug": cast.other_practice.slug, "incident_id": incident.public_id},
        )
        assert cast.client("other_admin").get(foreign).status_code == 404

    def test_staff_cannot_correct_a_filing(self, cast):
        incident = assessed(cast)
        filing = CnilFiling.objects.create(
            practice=cast.practice, incident=incident, filed_at=NOW, reference="CNIL-1"
        )
        edit = url(cast, "filing_edit", incident, filing_id=filing.public_id)
        assert cast.client("staff").get(edit).status_code == 403
        assert cast.client("delegate").get(edit).status_code == 403


class TestWithdrawal:
    def test_a_reason_is_required(self, cast):
        incident = make(cast)
        response = cast.client("admin").post(url(cast, "withdrawal", incident), {"reason": " "})
        assert response.status_code == 200
        assert "Indiquez la raison" in response.content.decode()
        incident.refresh_from_db()
        assert incident.status == "open"

    def test_withdrawn_counts_nowhere_but_stays_visible_marked(self, cast):
        late = datetime(2026, 11, 20, 9, 0, tzinfo=PARIS)
        incident = make(cast, noticed_at=late, aware_at=late, personal_data=True)
        kept = make(cast, noticed_at=late, aware_at=late, personal_data=True, kind="phishing")
        client = cast.client("admin")
        response = client.post(
            url(cast, "withdrawal", incident), {"reason": "Doublon du signalement du 20/11"}
        )
        assert response.status_code == 302
        incident.refresh_from_db()
        assert incident.status == "withdrawn"
        assert incident.withdrawn_reason == "Doublon du signalement du 20/11"
        # Out of the late rule (hence card, console and reminders), counts and register.
        assert list(Incident.objects.late(NOW)) == [kept]
        card = figures.card(cast.practice, "admin")
        assert [f.value for f in card.figures] == [1, 1]
        (row,) = console.compute(cast.delegate, NOW)
        assert (row.open_incidents, row.late_incidents) == (1, 1)
        assert {due.object_key for due in reminders.due(NOW)} == {
            f"incidents.incident:{kept.public_id}"
        }
        register = client.get(
            reverse("incidents:register", kwargs={"practice_slug": cast.practice.slug})
        )
        assert str(incident.public_id) not in register.content.decode()
        assert str(kept.public_id) in register.content.decode()
        listing = client.get(
            reverse("incidents:index", kwargs={"practice_slug": cast.practice.slug})
        ).content.decode()
        assert str(incident.public_id) in listing and "Retiré — erreur ou doublon" in listing
        assert "1 incident ouvert sur 1" in listing
        # The export keeps it, marked, after the register's breaches.
        export = client.get(
            reverse("incidents:register_csv", kwargs={"practice_slug": cast.practice.slug})
        )
        rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
        assert rows[-1][-1] == "Retiré — erreur ou doublon — Doublon du signalement du 20/11"
        assert len(rows) == 3
        page = client.get(url(cast, "detail", incident)).content.decode()
        assert "Retiré — erreur ou doublon" in page and "Doublon du signalement" in page
        assert "Sans objet (retiré)" in page
        assert AuditEvent.objects.get(action="incident.withdraw").changes == {
            "status": ["open", "withdrawn"],
            "reason": [None, "Doublon du signalement du 20/11"],
        }

    def test_reinstated_counts_again_traced(self, cast):
        incident = make(cast, status="withdrawn", withdrawn_reason="Doublon")
        client = cast.client("admin")
        assert client.post(url(cast, "withdrawal", incident), {"reason": ""}).status_code == 200
        response = client.post(
            url(cast, "withdrawal", incident), {"reason": "Ce n'était pas un doublon"}
        )
        assert response.status_code == 302
        incident.refresh_from_db()
        assert incident.status == "open"
        assert Incident.objects.counted().filter(pk=incident.pk).exists()
        _event, detail = traced(incident, "reinstated")
        assert detail["reason"] == "Ce n'était pas un doublon"
        assert AuditEvent.objects.filter(action="incident.reinstate").exists()

    def test_the_status_form_cannot_withdraw_without_a_reason(self, cast):
        incident = make(cast)
        response = cast.client("admin").post(
            url(cast, "follow_up", incident), {"status": "withdrawn"}
        )
        assert response.status_code == 400
        incident.refresh_from_db()
        assert incident.status == "open"

    def test_a_withdrawn_incident_is_read_only(self, cast):
        incident = make(cast, status="withdrawn", withdrawn_reason="Doublon")
        client = cast.client("admin")
        client.post(url(cast, "reflex", incident), {"key": "unplug"})
        client.post(url(cast, "follow_up", incident), {"status": "open"})
        assert not Reflex.objects.exists()
        incident.refresh_from_db()
        assert incident.status == "withdrawn"


class TestReflexesAndClosedIncidents:
    def test_a_reflex_is_unticked_and_the_timeline_says_so(self, cast):
        incident = make(cast)
        client = cast.client("staff")
        client.post(url(cast, "reflex", incident), {"key": "unplug"})
        assert Reflex.objects.filter(incident=incident, key="unplug").exists()
        page = client.get(url(cast, "detail", incident)).content.decode()
        assert "Décocher" in page
        client.post(url(cast, "reflex", incident), {"key": "unplug", "undo": "1"})
        assert not Reflex.objects.filter(incident=incident).exists()
        event = Event.objects.get(incident=incident, action="reflex_undone")
        assert event.actor == cast.staff and event.at == NOW
        assert AuditEvent.objects.get(action="incident.reflex_undo").changes["unplug"][1] is None
        page = client.get(url(cast, "detail", incident)).content.decode()
        assert "Réflexe décoché" in page
        # Ticked again afterwards, as new.
        client.post(url(cast, "reflex", incident), {"key": "unplug"})
        assert Reflex.objects.filter(incident=incident, key="unplug").exists()

    def test_a_closed_incident_is_read_only_until_reopened(self, cast):
        incident = make(cast, personal_data=False, status="closed")
        Reflex.objects.create(practice=cast.practice, incident=incident, key="isolate", done_at=NOW)
        admin = cast.client("admin")
        response = admin.post(url(cast, "reflex", incident), {"key": "unplug"}, follow=True)
        assert "Cet incident est clos" in response.content.decode()
        admin.post(url(cast, "reflex", incident), {"key": "isolate", "undo": "1"})
        assert list(Reflex.objects.values_list("key", flat=True)) == ["isolate"]
        assert admin.get(url(cast, "assess", incident)).status_code == 302
        admin.post(url(cast, "assess", incident), {**ASSESSMENT, "aware_at": typed(NOW)})
        admin.post(
            url(cast, "filing", incident),
            {"type": "initial", "filed_at": typed(NOW), "reference": "CNIL-1"},
        )
        admin.post(
            url(cast, "correct", incident),
            {"noticed_at": typed(NOW), "kind": "phishing", "description": "x", "reason": "x"},
        )
        admin.post(url(cast, "notification", incident), {"origin": "unknown"})
        assert not NotificationDetails.objects.exists()
        incident.refresh_from_db()
        assert incident.personal_data is False and incident.kind == "ransomware"
        assert not CnilFiling.objects.exists()
        page = admin.get(url(cast, "detail", incident)).content.decode()
        assert "C&#x27;est fait" not in page and "Décocher" not in page
        assert "lecture seule" in page
        # Reopened by the admin (traced), it can be changed again.
        admin.post(url(cast, "follow_up", incident), {"status": "open"})
        incident.refresh_from_db()
        assert incident.status == "open"
        assert Event.objects.filter(incident=incident, action="status").exists()
        assert AuditEvent.objects.filter(action="incident.status").exists()
        admin.post(url(cast, "reflex", incident), {"key": "unplug"})
        assert Reflex.objects.filter(key="unplug").exists()


class TestQueries:
    def test_the_page_costs_the_same_with_a_changed_start_and_a_withdrawal(self, cast):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client = cast.client("admin")
        plain = assessed(cast)
        changed = assessed(
            cast,
            start_changed_at=NOW,
            start_changed_by=cast.admin,
            start_change_reason="Heure exacte",
            status="withdrawn",
            withdrawn_reason="Doublon",
        )
        client.get(url(cast, "detail", plain))
        with CaptureQueriesContext(connection) as first:
            client.get(url(cast, "detail", plain))
        with CaptureQueriesContext(connection) as second:
            page = client.get(url(cast, "detail", changed))
        assert "Début modifié" in page.content.decode()
        assert len(second) <= len(first)
