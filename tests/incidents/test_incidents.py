import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portal.identifying import findings
from portal.models import AuditEvent
from registry.incidents import breach
from registry.incidents import reminders as incident_reminders
from registry.incidents.models import CnilFiling, Event, Incident, Reflex
from registry.models import ProcessingActivity

PARIS = ZoneInfo("Europe/Paris")


def url(cast, name, incident=None):
    kwargs = {"practice_slug": cast.practice.slug}
    if incident is not None:
        kwargs["incident_id"] = incident.public_id
    return reverse(f"incidents:{name}", kwargs=kwargs)


def make(cast, **fields):
    now = timezone.now()
    values = {
        "kind": "ransomware",
        "description": "Écran de rançon sur le poste accueil",
        "noticed_at": now,
        "aware_at": now,
        **fields,
    }
    return Incident.objects.create(practice=cast.practice, **values)


class TestClock:
    @pytest.mark.parametrize(
        ("aware", "deadline"),
        [
            # Spring forward (29 March 2026, 02:00 → 03:00): 72 real hours end at 11:00 CEST.
            (datetime(2026, 3, 28, 10, 0, tzinfo=PARIS), datetime(2026, 3, 31, 11, 0)),
            # Fall back (25 October 2026, 03:00 → 02:00): they end at 09:00 CET.
            (datetime(2026, 10, 24, 10, 0, tzinfo=PARIS), datetime(2026, 10, 27, 9, 0)),
            (datetime(2026, 6, 1, 8, 30, tzinfo=PARIS), datetime(2026, 6, 4, 8, 30)),
        ],
    )
    def test_deadline_is_72_real_hours_shown_in_paris_time(self, aware, deadline):
        incident = Incident(aware_at=aware)
        assert breach.deadline(incident) - aware == timedelta(hours=72)
        shown = breach.deadline(incident).astimezone(PARIS).replace(tzinfo=None)
        assert shown == deadline

    def test_states(self, cast):
        incident = make(cast)
        now = incident.aware_at

        def state(at, filed=False):
            Incident.objects.filter(pk=incident.pk).update(cnil_required=incident.cnil_required)
            (read,) = Incident.objects.filter(pk=incident.pk).with_lateness(at)
            return breach.clock_state(read, filed, read.is_late)

        assert state(now) == breach.ClockState.UNDECIDED
        incident.cnil_required = True
        assert state(now) == breach.ClockState.RUNNING
        assert state(now + timedelta(hours=73)) == "late"
        assert state(now + timedelta(hours=73), filed=True) == "filed"
        incident.cnil_required = False
        assert state(now + timedelta(hours=73)) == "not_applicable"


class TestReport:
    @pytest.fixture(autouse=True)
    def the_day_after(self):
        """The incidents typed here were noticed on 28/11/2026 at 09:15: reported the next
        day (later than 30 days, a date asks to be confirmed)."""
        with time_machine.travel(datetime(2026, 11, 29, 10, 0, tzinfo=PARIS)):
            yield

    def test_staff_reports_in_one_form_and_the_admin_is_alerted(
        self, cast, django_capture_on_commit_callbacks
    ):
        client = cast.client("staff")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url(cast, "report"),
                {
                    "kind": "ransomware",
                    "description": "Écran de rançon sur le poste accueil",
                    "noticed_at": "2026-11-28T09:15",
                },
            )
        incident = Incident.objects.get(practice=cast.practice)
        assert response["Location"] == url(cast, "detail", incident)
        assert incident.reported_by == cast.staff
        assert timezone.localtime(incident.noticed_at).strftime("%H:%M") == "09:15"
        assert [m.to for m in mail.outbox] == [[cast.admin.email]]
        assert "72 heures" in mail.outbox[0].body
        # The deadline's date and time, in Paris time: 72 hours after 28/11 09:15.
        assert "soit avant le 01/12/2026 09:15 (heure de Paris)" in mail.outbox[0].body
        # The practice's name stands alone (not "au cabinet Cabinet des Lilas").
        assert mail.outbox[0].body.startswith("Cabinet des Lilas : un incident vient")
        assert mail.outbox[0].subject.endswith("— Cabinet des Lilas")
        assert AuditEvent.objects.filter(action="incident.report").exists()
        assert Event.objects.get(incident=incident).action == "reported"

    def test_identifying_text_warns_once_then_goes_through(self, cast):
        client = cast.client("staff")
        data = {
            "kind": "misdirected",
            "noticed_at": "2026-11-28T09:15",
            "description": "Résultats de Mme Durand née le 03/04/1962 envoyés au mauvais",
        }
        first = client.post(url(cast, "report"), data)
        assert first.status_code == 200
        assert "Patient X" in first.content.decode()
        assert "Mme Durand" in first.content.decode()  # what was typed is kept
        assert not Incident.objects.exists()
        second = client.post(url(cast, "report"), {**data, "identifying_ack": "True"})
        assert second.status_code == 302
        assert Incident.objects.count() == 1

    def test_bad_input_keeps_what_was_typed(self, cast):
        response = cast.client("staff").post(
            url(cast, "report"), {"description": "Clé USB trouvée", "noticed_at": "pas une date"}
        )
        html = response.content.decode()
        assert response.status_code == 200 and "Clé USB trouvée" in html
        assert not Incident.objects.exists()

    def test_list_counts_open_incidents_in_words(self, cast):
        client = cast.client("staff")
        first = make(cast, status="closed")
        assert "Aucun incident ouvert sur 1." in client.get(url(cast, "index")).content.decode()
        make(cast)
        assert "1 incident ouvert sur 2." in client.get(url(cast, "index")).content.decode()
        first.status = "open"
        first.save()
        assert "2 incidents ouverts sur 2." in client.get(url(cast, "index")).content.decode()

    def test_delegate_cannot_report(self, cast):
        response = cast.client("delegate").post(
            url(cast, "report"),
            {"kind": "other", "description": "x", "noticed_at": "2026-11-28T09:15"},
        )
        assert response.status_code == 403
        assert not Incident.objects.exists()


class TestReflexes:
    def test_each_reflex_is_ticked_once_with_time_and_person(self, cast):
        incident = make(cast)
        client = cast.client("staff")
        client.post(url(cast, "reflex", incident), {"key": "unplug"})
        client.post(url(cast, "reflex", incident), {"key": "unplug"})
        reflex = Reflex.objects.get(incident=incident)
        assert (reflex.key, reflex.done_by) == ("unplug", cast.staff)
        page = client.get(url(cast, "detail", incident)).content.decode()
        assert "Débrancher le câble Ethernet" in page and "Fait le" in page
        assert "cybermalveillance.gouv.fr" in page

    def test_a_note_naming_a_patient_warns_once_and_keeps_what_was_typed(self, cast):
        incident = make(cast, kind="misdirected")
        client = cast.client("staff")
        note = "Résultats envoyés à jean.dupont@gmail.com au lieu de Patient X"
        first = client.post(url(cast, "reflex", incident), {"key": "what_sent", "note": note})
        html = first.content.decode()
        assert first.status_code == 200 and "Patient X" in html and "une adresse e-mail" in html
        assert f'value="{note}"' in html.replace("&#x27;", "'")
        assert not Reflex.objects.exists()
        client.post(
            url(cast, "reflex", incident),
            {"key": "what_sent", "note": note, "identifying_ack": "1"},
        )
        assert Reflex.objects.get().note == note

    def test_unknown_reflex_is_404(self, cast):
        incident = make(cast)
        assert (
            cast.client("staff").post(url(cast, "reflex", incident), {"key": "nope"}).status_code
            == 404
        )


def response_form(response) -> dict:
    """The values a browser would send back from the page's form, as rendered."""
    import re

    html = response.content.decode()
    data = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or "csrf" in name.group(1):
            continue
        value = re.search(r'value="([^"]*)"', tag)
        if 'type="checkbox"' in tag:
            if " checked" in tag:
                data.setdefault(name.group(1), []).append(value.group(1) if value else "on")
            continue
        data[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        data[name] = chosen.group(1) if chosen else ""
    for name, body in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = body.strip()
    return data


def assess(cast, incident, **data):
    base = {"aware_at": timezone.localtime(incident.aware_at).strftime("%Y-%m-%dT%H:%M")}
    return cast.client("admin").post(url(cast, "assess", incident), {**base, **data})


class TestDecisions:
    def test_notify_and_inform_for_high_risk_health_data(self, cast):
        incident = make(cast)
        response = assess(
            cast,
            incident,
            personal_data="true",
            health_data="on",
            risk="high",
            cnil_required="true",
            cnil_reason="Dossiers médicaux chiffrés par l'attaquant",
            inform_required="true",
        )
        assert response.status_code == 302
        incident.refresh_from_db()
        assert (incident.cnil_required, incident.inform_required) == (True, True)

    def test_no_notification_needs_a_reason(self, cast):
        incident = make(cast)
        response = assess(
            cast, incident, personal_data="true", risk="none", cnil_required="false", cnil_reason=""
        )
        assert response.status_code == 200
        assert "raison de la décision" in response.content.decode()
        response = assess(
            cast,
            incident,
            personal_data="true",
            risk="none",
            cnil_required="false",
            cnil_reason="Clé chiffrée retrouvée",
        )
        assert response.status_code == 302

    def test_risk_cannot_skip_notification(self, cast):
        incident = make(cast)
        response = assess(
            cast,
            incident,
            personal_data="true",
            risk="risk",
            cnil_required="false",
            cnil_reason="On préfère pas",
        )
        assert "la notification est requise" in response.content.decode()

    def test_high_risk_waiver_requires_a_justification(self, cast):
        incident = make(cast)
        common = {
            "personal_data": "true",
            "risk": "high",
            "cnil_required": "true",
            "cnil_reason": "Vol d'ordinateur",
            "inform_required": "false",
        }
        assert "exception" in assess(cast, incident, **common).content.decode()
        response = assess(cast, incident, **common, inform_waiver="a", inform_reason="")
        assert "Justifiez" in response.content.decode()
        response = assess(
            cast,
            incident,
            **common,
            inform_waiver="a",
            inform_reason="Disque chiffré intégralement, clé non compromise",
        )
        assert response.status_code == 302

    @time_machine.travel(datetime(2026, 12, 4, 10, 0, tzinfo=PARIS))  # nights: test_timefields
    def test_reopened_assessment_shows_the_decisions_and_saving_again_keeps_them(self, cast):
        incident = make(cast)
        data = {
            "personal_data": "true",
            "health_data": "on",
            "risk": "high",
            "cnil_required": "true",
            "cnil_reason": "Dossiers médicaux chiffrés par l'attaquant",
            "inform_required": "true",
        }
        assert assess(cast, incident, **data).status_code == 302
        page = cast.client("admin").get(url(cast, "assess", incident)).content.decode()
        for name in ("personal_data", "cnil_required", "inform_required"):
            select = page.split(f'name="{name}"')[1].split("</select>")[0]
            assert '<option value="true" selected>' in select, name
        # The admin adds the persons' information date, leaving the rest as shown.
        form = response_form(cast.client("admin").get(url(cast, "assess", incident)))
        # Informed after the awareness (an earlier date is refused: tests/evidence).
        form["persons_informed_at"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        assert cast.client("admin").post(url(cast, "assess", incident), form).status_code == 302
        incident.refresh_from_db()
        assert (incident.personal_data, incident.cnil_required, incident.inform_required) == (
            True,
            True,
            True,
        )
        assert incident.persons_informed_at is not None

    def test_decisions_left_to_decide_follow_the_risk_level(self, cast):
        incident = make(cast)
        response = assess(
            cast,
            incident,
            personal_data="true",
            health_data="on",
            risk="high",
            cnil_reason="Dossiers patients exposés",
        )
        assert response.status_code == 302
        incident.refresh_from_db()
        assert (incident.cnil_required, incident.inform_required) == (True, True)
        (read,) = Incident.objects.filter(pk=incident.pk).with_lateness(timezone.now())
        assert breach.clock_state(read, False, read.is_late) == "running"

    def test_missing_risk_level_suggests_one(self, cast):
        incident = make(cast)
        response = assess(cast, incident, personal_data="true", health_data="on")
        assert "suggestion : Risque élevé pour les personnes" in response.content.decode()

    def test_assessment_is_saved_whole_or_not_at_all(self, cast):
        from registry.incidents import services

        incident = make(cast)
        foreign = ProcessingActivity.objects.create(
            practice=cast.other_practice, name="Dossier patient", reference="ref-001"
        )
        with pytest.raises(Exception):  # noqa: B017 - the access door's refusal
            services.incident_assess(
                incident=incident, user=cast.admin, activities=[foreign], risk="high"
            )
        incident.refresh_from_db()
        assert incident.risk == "" and incident.assessed_at is None
        assert not Event.objects.filter(incident=incident, action="assessed").exists()

    def test_assessment_text_naming_a_patient_warns_once(self, cast):
        incident = make(cast)
        data = {
            "personal_data": "true",
            "risk": "risk",
            "cnil_required": "true",
            "cnil_reason": "Courrier de Mme Durand née le 03/04/1962 mal adressé",
        }
        first = assess(cast, incident, **data)
        assert first.status_code == 200
        assert "une date de naissance associée à une personne" in first.content.decode()
        assert "Mme Durand née le 03/04/1962" in first.content.decode()
        incident.refresh_from_db()
        assert incident.assessed_at is None
        assert assess(cast, incident, **data, identifying_ack="True").status_code == 302
        incident.refresh_from_db()
        assert incident.risk == "risk"

    def test_staff_cannot_assess(self, cast):
        incident = make(cast)
        assert cast.client("staff").post(url(cast, "assess", incident), {}).status_code == 403


class TestFilings:
    def test_late_filing_requires_the_reason_for_the_delay(self, cast):
        incident = make(cast, aware_at=timezone.now() - timedelta(hours=80))
        client = cast.client("admin")
        late = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        response = client.post(
            url(cast, "filing", incident),
            {"type": "initial", "filed_at": late, "reference": "CNIL-1"},
        )
        assert response.status_code == 400
        assert not CnilFiling.objects.exists()
        response = client.post(
            url(cast, "filing", incident),
            {
                "type": "initial",
                "filed_at": late,
                "reference": "CNIL-1",
                "delay_reason": "Prestataire injoignable pendant le week-end",
            },
        )
        assert response.status_code == 302
        assert CnilFiling.objects.get().reference == "CNIL-1"

    def test_filing_in_time_needs_no_reason(self, cast):
        incident = make(cast)
        now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        response = cast.client("admin").post(
            url(cast, "filing", incident),
            {"type": "initial", "filed_at": now, "reference": "CNIL-2"},
        )
        assert response.status_code == 302


class TestDelegateAndRegister:
    def test_delegate_sees_status_not_free_text_unless_shared(self, cast):
        incident = make(cast, description="Texte confidentiel du cabinet")
        delegate = cast.client("delegate")
        assert "Texte confidentiel" not in delegate.get(url(cast, "index")).content.decode()
        assert (
            "Texte confidentiel" not in delegate.get(url(cast, "detail", incident)).content.decode()
        )
        cast.client("admin").post(
            url(cast, "follow_up", incident), {"status": "open", "shared_with_delegate": "on"}
        )
        assert "Texte confidentiel" in delegate.get(url(cast, "detail", incident)).content.decode()
        assert delegate.get(url(cast, "register_csv")).status_code == 403

    def test_an_incident_is_closed_only_once_personal_data_is_decided(self, cast):
        incident = make(cast)
        admin = cast.client("admin")
        response = admin.post(
            url(cast, "follow_up", incident), {"status": "closed", "police_reference": "PV 12"}
        )
        assert response.status_code == 400
        assert "Avant de clore" in response.content.decode()
        assert 'value="PV 12"' in response.content.decode()
        incident.refresh_from_db()
        assert incident.status == "open" and incident.police_reference == ""
        incident.personal_data = False
        incident.save()
        admin.post(url(cast, "follow_up", incident), {"status": "closed"})
        incident.refresh_from_db()
        assert incident.status == "closed"

    def test_page_shows_the_assessment_and_follow_up_counts_to_all_text_to_members(self, cast):
        incident = make(
            cast,
            personal_data=True,
            risk="high",
            cnil_required=True,
            persons_count=1200,
            consequences="Dossiers indisponibles",
            assessed_at=timezone.now(),
            police_at=datetime(2026, 11, 26, 9, 0, tzinfo=UTC),
            police_reference="PV 2026/889",
        )
        member = cast.client("staff").get(url(cast, "detail", incident)).content.decode()
        assert "Nombre approximatif de personnes\u00a0: 1200" in member
        assert "Conséquences probables\u00a0: Dossiers indisponibles" in member
        assert "Plainte déposée le\u00a0: 26/11/2026 10:00" in member
        assert "Référence de la plainte\u00a0: PV 2026/889" in member
        delegate = cast.client("delegate").get(url(cast, "detail", incident)).content.decode()
        assert "Nombre approximatif de personnes\u00a0: 1200" in delegate
        assert "Plainte déposée le\u00a0: 26/11/2026 10:00" in delegate
        assert "Dossiers indisponibles" not in delegate and "PV 2026/889" not in delegate

    def test_a_late_filing_shows_on_the_clock(self, cast):
        incident = make(cast, aware_at=timezone.now() - timedelta(hours=80), cnil_required=True)
        CnilFiling.objects.create(
            practice=cast.practice,
            incident=incident,
            filed_at=timezone.now(),
            reference="CNIL-9",
            delay_reason="Week-end",
        )
        page = cast.client("admin").get(url(cast, "detail", incident)).content.decode()
        assert "CNIL notifiée hors délai" in page

    @time_machine.travel(datetime(2026, 12, 4, 10, 0, tzinfo=PARIS), tick=False)
    def test_timeline_names_each_change_in_the_readers_language(self, cast):
        client = cast.client("staff")
        client.post(
            url(cast, "report"),
            {"kind": "ransomware", "description": "Écran rouge", "noticed_at": "2026-11-28T09:15"},
        )
        incident = Incident.objects.get()
        incident.personal_data = False
        incident.save()
        admin = cast.client("admin")
        admin.post(
            url(cast, "follow_up", incident),
            {"status": "closed", "police_at": "2026-11-29T10:00", "police_reference": "PV 889"},
        )
        page = admin.get(url(cast, "detail", incident)).content.decode()
        timeline = page.split("<ol>")[-1]
        assert "Statut\u00a0: Clos, Plainte déposée le\u00a0: 29/11/2026 10:00" in timeline
        assert "police_at" not in timeline and "2026-11-29T" not in timeline
        admin.post(reverse("set_language"), {"language": "en"})
        english = admin.get(url(cast, "detail", incident)).content.decode().split("<ol>")[-1]
        assert "Incident reported: Ransomware / malware" in english
        assert "Status: Closed" in english

    def test_register_csv_and_pdf(self, cast):
        make(
            cast,
            personal_data=True,
            risk="high",
            cnil_required=True,
            persons_count=120,
            cnil_reason="Dossiers patients exposés",
        )
        make(cast, kind="outage", personal_data=False)
        client = cast.client("staff")
        raw = client.get(url(cast, "register_csv")).content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(raw), delimiter=";"))
        assert len(rows) == 2  # header + the one breach
        record = dict(zip(rows[0], rows[1], strict=True))
        assert record["Personnes"] == "120"
        assert "Dossiers patients exposés" in record["Notification CNIL"]
        pdf = client.get(url(cast, "register_pdf"))
        assert pdf.content.startswith(b"%PDF")

    def register_breach(self, cast):
        incident = make(
            cast,
            aware_at=timezone.now() - timedelta(hours=90),
            personal_data=True,
            risk="high",
            cnil_required=True,
            cnil_reason="Dossiers patients exposés",
            consequences="Indisponibilité des dossiers médicaux pendant plusieurs jours",
            police_at=datetime(2026, 11, 26, 9, 0, tzinfo=UTC),
            police_reference="PV 2026/889",
        )
        CnilFiling.objects.create(
            practice=cast.practice,
            incident=incident,
            filed_at=datetime(2026, 11, 29, 7, 0, tzinfo=UTC),
            reference="CNIL-2026-12345",
            delay_reason="Prestataire injoignable",
        )
        return incident

    def test_register_row_has_the_filings_decisions_and_other_reports(self, cast):
        self.register_breach(cast)
        raw = cast.client("staff").get(url(cast, "register_csv")).content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(raw), delimiter=";"))
        record = dict(zip(rows[0], rows[1], strict=True))
        assert record["Notification CNIL"] == (
            "requise — Dossiers patients exposés\n"
            "Notification initiale 29/11/2026 08:00 CNIL-2026-12345 "
            "(retard\u00a0: Prestataire injoignable)"
        )
        assert record["Information des personnes"] == "à décider"  # not "Non"
        assert record["Autres signalements"] == "Plainte déposée le 26/11/2026 10:00 (PV 2026/889)"

    def test_register_csv_headers_in_the_readers_language(self, cast):
        self.register_breach(cast)
        client = cast.client("staff")
        client.post(reverse("set_language"), {"language": "en"})
        raw = client.get(url(cast, "register_csv")).content.decode("utf-8-sig")
        header = next(csv.reader(io.StringIO(raw), delimiter=";"))
        assert header[:3] == ["Kind", "Noticed on", "Known on"]
        assert "Statut" not in header

    def test_register_pdf_keeps_every_column_on_the_page(self, cast):
        from weasyprint import HTML

        from registry.incidents.views import register_pdf_html

        for _ in range(3):
            self.register_breach(cast)
        document = HTML(string=register_pdf_html(cast.practice)).render()
        page = document.pages[0]
        right_margin = 1.5 / 2.54 * 96  # 1.5 cm in CSS pixels
        widest = 0

        def walk(box):
            nonlocal widest
            for child in getattr(box, "children", []):
                if hasattr(child, "position_x"):
                    widest = max(widest, child.position_x + child.margin_width())
                walk(child)

        walk(page._page_box)
        assert widest <= page.width - right_margin + 1

    def test_register_page_queries_do_not_grow_with_linked_activities(
        self, cast, django_assert_max_num_queries
    ):
        client = cast.client("admin")
        activity = ProcessingActivity.objects.create(
            practice=cast.practice, name="Dossier patient", reference="ref-001"
        )
        make(cast, personal_data=True).activities.add(activity)
        client.get(url(cast, "register"))
        with django_assert_max_num_queries(30) as few:
            client.get(url(cast, "register"))
        budget = len(few.captured_queries)
        for _ in range(10):
            make(cast, personal_data=True).activities.add(activity)
        with django_assert_max_num_queries(budget):
            assert "ref-001 — Dossier patient" in client.get(url(cast, "register")).content.decode()


class TestLinkedActivities:
    """Incidents name the processing activities of the registry they touch."""

    def breach(self, cast, **data):
        return {
            "personal_data": "true",
            "health_data": "on",
            "risk": "high",
            "cnil_required": "true",
            "cnil_reason": "Dossiers patients chiffrés",
            "inform_required": "true",
            **data,
        }

    def test_admin_links_the_affected_activities_and_the_history_says_so(self, cast):
        incident = make(cast)
        record = ProcessingActivity.objects.create(
            practice=cast.practice, name="Dossier patient", reference="ref-001"
        )
        ProcessingActivity.objects.create(practice=cast.practice, name="Paie", reference="ref-002")
        response = assess(cast, incident, **self.breach(cast, activities=[record.pk]))
        assert response.status_code == 302
        assert list(incident.activities.all()) == [record]
        event = AuditEvent.objects.filter(action="incident.assess").get()
        assert event.changes["activities"] == [[], ["ref-001 — Dossier patient"]]
        page = cast.client("staff").get(url(cast, "detail", incident)).content.decode()
        registry_url = reverse(
            "registry:detail",
            kwargs={"practice_slug": cast.practice.slug, "activity_id": record.public_id},
        )
        assert registry_url in page
        back = cast.client("delegate").get(registry_url).content.decode()
        assert url(cast, "detail", incident) in back and "Rançongiciel" in back
        raw = cast.client("staff").get(url(cast, "register_csv")).content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(raw), delimiter=";"))
        assert dict(zip(rows[0], rows[1], strict=True))["Traitements concernés"] == (
            "ref-001 — Dossier patient"
        )

    def test_another_practice_activity_cannot_be_linked(self, cast):
        incident = make(cast)
        foreign = ProcessingActivity.objects.create(
            practice=cast.other_practice, name="Dossier patient", reference="ref-001"
        )
        response = assess(cast, incident, **self.breach(cast, activities=[foreign.pk]))
        assert response.status_code == 200  # the form again, with the choice refused
        assert "Sélectionnez un choix valide" in response.content.decode()
        incident.refresh_from_db()
        assert incident.assessed_at is None and not incident.activities.exists()

    def test_list_queries_do_not_grow_with_incidents(self, cast, django_assert_max_num_queries):
        client = cast.client("admin")
        for _ in range(3):
            make(cast)
        client.get(url(cast, "index"))
        # session, user, OTP device, practice, role (membership), practice switcher,
        # incidents with their filing flag, counts, and the template's tags: a fixed set.
        with django_assert_max_num_queries(15) as few:
            client.get(url(cast, "index"))
        budget = len(few.captured_queries)
        assert budget > 5
        for _ in range(30):
            make(cast)
        with django_assert_max_num_queries(budget):
            client.get(url(cast, "index"))


class TestReminders:
    def test_steps_while_a_required_notification_is_missing(self, cast):
        aware = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
        incident = make(cast, aware_at=aware)
        make(cast, aware_at=aware, personal_data=False)
        steps = {
            25: ["24h"],
            49: ["48h"],
            61: ["60h"],
            73: ["72h"],
        }
        for hours, expected in steps.items():
            with time_machine.travel(aware + timedelta(hours=hours)):
                due = list(incident_reminders.due(timezone.now()))
            assert [d.step for d in due] == expected
            assert due[0].roles == ("admin",)
        CnilFiling.objects.create(
            practice=cast.practice, incident=incident, filed_at=aware, reference="X"
        )
        assert list(incident_reminders.due(aware + timedelta(hours=73))) == []
        assert incident_reminders.KINDS["incident.deadline"].urgent


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NIR 1 85 05 78 006 048 30 à vérifier", ["un numéro de sécurité sociale"]),
        ("NIR 1 85 05 78 006 048 31 à vérifier", []),  # wrong key: no alarm
        ("Né en Corse : 2 69 05 2A 004 016 24", ["un numéro de sécurité sociale"]),
        ("écrire à jean.dupont@gmail.com", ["une adresse e-mail"]),
        ("rappeler au 06 12 34 56 78", ["un numéro de téléphone"]),
        ("Mme Durand née le 03/04/1962", ["une date de naissance associée à une personne"]),
        ("dossier de Jeanne Dupont 12/03/1956", ["une date de naissance associée à une personne"]),
        ("DUPONT Jeanne (12/03/1956) ouvert", ["une date de naissance associée à une personne"]),
        ("Jean-Marc LE-GALL, 01.02.1948", ["une date de naissance associée à une personne"]),
        ("Sauvegarde Synology du 12/03/2026 non faite", []),  # a date of this century
        ("depuis le 12/03/1956 selon le dossier", []),  # a date without a name
        ("Patient X, tension 12/8, revoir dans 3 mois, ordonnance 2026-00123", []),
        ("Le poste accueil affiche une rançon de 0,5 bitcoin à 09:15", []),
    ],
)
def test_identifying_data_detector(text, expected):
    from django.utils.translation import override

    with override("fr"):
        assert findings(text) == expected


def test_ransomware_reflexes_give_numbers_and_links_to_act_on(cast):
    """Where to act, each with its checked date, « à valider » when unconfirmed; a tick
    can be undone (« Décocher »)."""
    with time_machine.travel(datetime(2026, 12, 4, 10, 0, tzinfo=PARIS), tick=False):
        incident = make(cast)
        client = cast.client("staff")
        page = client.get(url(cast, "detail", incident)).content.decode()
        assert 'href="https://www.cybermalveillance.gouv.fr/"' in page
        assert 'href="tel:17"' in page
        assert 'href="https://www.pre-plainte-en-ligne.gouv.fr/"' in page
        assert 'href="https://signalement.social-sante.gouv.fr/"' in page
        assert "vérifié le 04/12/2026" in page and "à valider, vérifié le 04/12/2026" in page
        client.post(url(cast, "reflex", incident), {"key": "unplug"})
        assert "Décocher" in client.get(url(cast, "detail", incident)).content.decode()
        client.post(url(cast, "reflex", incident), {"key": "unplug", "undo": "1"})
        assert not incident.reflexes.filter(key="unplug").exists()
