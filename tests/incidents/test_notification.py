"""« Préparer la notification »: what art. 33.3 and the CNIL's online form ask, gathered in
the form's order with a copy button each, the missing answers listed; the details the
assessment does not hold, with plausible dates only."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import AuditEvent
from registry import services as registry_services
from registry.incidents.models import CnilFiling, Event, Incident, NotificationDetails

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 4, 10, 0, tzinfo=PARIS)
AWARE = datetime(2026, 12, 3, 9, 0, tzinfo=PARIS)


def url(cast, incident, practice=None):
    return reverse(
        "incidents:notification",
        kwargs={
            "practice_slug": (practice or cast.practice).slug,
            "incident_id": incident.public_id,
        },
    )


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def breach(cast, clock):
    return Incident.objects.create(
        practice=cast.practice,
        kind="device_loss",
        description="Portable de l'accueil volé dans la voiture",
        noticed_at=AWARE,
        aware_at=AWARE,
        personal_data=True,
        health_data=True,
        data_categories="Identité, comptes rendus",
        persons_count=120,
        records_count=300,
        consequences="Divulgation de données de santé",
        measures="Mots de passe changés, effacement à distance demandé",
        risk="high",
        cnil_required=True,
        cnil_reason="Données de santé non chiffrées",
        inform_required=True,
    )


FILLED = {
    "confidentiality": "on",
    "availability": "on",
    "origin": "external_malicious",
    "circumstances": "Vol du portable dans la voiture de la secrétaire",
    "started_at": "2026-12-02T18:30",
    "ended_at": "2026-12-02T18:45",
    "discovered_how": "La secrétaire a constaté le vol le lendemain matin",
    "persons_categories": "Patients du cabinet",
    "contact_name": "Claire Martin",
    "contact_role": "Médecin titulaire",
    "contact_email": "claire.martin@example.org",
    "contact_phone": "01 02 03 04 05",
    "informed_how": "Courrier",
    "informed_what": "Nature du vol, risques, mesures prises, contact",
    "processor_involved": "false",
    "processor_name": "",
    "other_authorities": "",
}


def test_the_page_lists_what_is_missing_in_the_forms_order(cast, breach):
    header = registry_services.header_for(cast.practice)
    header.controller_first_name, header.controller_last_name = "Claire", "Martin"
    header.controller_email = "claire.martin@example.org"
    header.save()
    response = cast.client("admin").get(url(cast, breach))
    html = response.content.decode()
    assert response.status_code == 200
    titles = [
        "1. Type de notification",
        "2. Personne à contacter",
        "3. Chronologie",
        "4. Nature de la violation",
        "5. Données et personnes concernées",
        "6. Conséquences probables",
        "7. Mesures prises ou envisagées",
        "8. Information des personnes",
        "9. Sous-traitant et autres autorités",
    ]
    positions = [html.index(t) for t in titles]
    assert positions == sorted(positions)
    assert "réponses manquent encore (à réunir avant le 06/12/2026 09:00)" in html
    assert "<li>Chronologie — Début de la violation</li>" in html
    assert "<li>Nature de la violation — Nature</li>" in html
    # The contact point is proposed from the record's header (the controller: no DPO).
    assert 'value="claire.martin@example.org"' in html
    assert "En cas de doute, notifiez" in html
    assert 'href="https://notifications.cnil.fr/"' in html
    # Vendored script with the page's nonce; no inline script, the CSP has no unsafe-inline.
    assert '<script src="/static/registry/copy.js"' in html
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert 'data-copy="answer-' in html


def test_saving_fills_the_answers_audited_and_timelined(cast, breach):
    client = cast.client("admin")
    response = client.post(url(cast, breach), FILLED)
    assert response.status_code == 302
    details = NotificationDetails.objects.get(incident=breach)
    assert details.confidentiality and details.availability and not details.integrity
    assert details.processor_involved is False
    assert Event.objects.filter(incident=breach, action="notification").count() == 1
    event = AuditEvent.objects.get(action="incident.notification")
    assert event.changes["origin"] == [None, "external_malicious"]
    html = client.get(url(cast, breach)).content.decode()
    assert "confidentialité, disponibilité" in html
    assert "Acte externe malveillant" in html
    assert "02/12/2026 18:30" in html and "03/12/2026 09:00" in html
    # Informed on: the assessment's date is still missing, and only that.
    assert "1 réponse manque encore" in html
    assert "<li>Information des personnes — Informées le</li>" in html
    # Saved again unchanged: nothing new in the timeline.
    client.post(url(cast, breach), FILLED)
    assert Event.objects.filter(incident=breach, action="notification").count() == 1


def test_a_filed_initial_notification_makes_it_complementary(cast, breach):
    CnilFiling.objects.create(
        practice=cast.practice,
        incident=breach,
        filed_at=datetime(2026, 12, 3, 15, 0, tzinfo=PARIS),
        reference="REF-1",
    )
    html = cast.client("admin").get(url(cast, breach)).content.decode()
    assert "complémentaire (notification initiale le 03/12/2026 15:00, REF-1)" in html


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"started_at": "2026-12-05T08:00"},
            "started_at",
            "Cette date est à venir",
        ),
        ({"ended_at": "2026-12-06T08:00"}, "ended_at", "Cette date est à venir"),
        (
            {"ended_at": "2026-12-01T08:00"},
            "ended_at",
            "La fin ne peut pas précéder le début (02/12/2026 18:30).",
        ),
        (
            {"started_at": "2026-12-03T12:00", "ended_at": ""},
            "started_at",
            "Le début ne peut pas suivre la découverte de la violation (connaissance le 03/12/2026 09:00).",  # noqa: E501
        ),
        (
            {"ongoing": "on"},
            "ended_at",
            "Une violation toujours en cours n&#x27;a pas encore de date de fin.",
        ),
        ({"processor_involved": "true"}, "processor_name", "Nommez le sous-traitant en cause."),
    ],
)
def test_implausible_answers_are_refused_and_kept(cast, breach, change, field, message):
    response = cast.client("admin").post(url(cast, breach), {**FILLED, **change})
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert 'value="Claire Martin"' in html  # what was typed stays
    assert not NotificationDetails.objects.exists()


def test_only_the_practice_admin_and_never_a_foreign_incident(cast, breach):
    assert cast.client("staff").get(url(cast, breach)).status_code == 403
    assert cast.client("delegate").get(url(cast, breach)).status_code == 403
    assert cast.client("other_admin").get(url(cast, breach)).status_code == 404
    foreign = Incident.objects.create(
        practice=cast.other_practice,
        kind="other",
        description="Autre cabinet",
        noticed_at=AWARE,
        aware_at=AWARE,
    )
    assert cast.client("admin").get(url(cast, foreign)).status_code == 404
    assert cast.client("admin").get(url(cast, foreign, practice=cast.practice)).status_code == 404


def test_queries_do_not_grow_with_filings(cast, breach):
    client = cast.client("admin")
    client.post(url(cast, breach), FILLED)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(cast, breach)).status_code == 200
        return len(queries)

    before = count()
    for n in range(5):
        CnilFiling.objects.create(
            practice=cast.practice,
            incident=breach,
            type="complementary",
            filed_at=NOW,
            reference=f"REF-{n}",
        )
    assert count() == before


def test_the_incident_page_links_to_it_for_the_admin_only(cast, breach):
    detail = reverse(
        "incidents:detail",
        kwargs={"practice_slug": cast.practice.slug, "incident_id": breach.public_id},
    )
    assert url(cast, breach) in cast.client("admin").get(detail).content.decode()
    assert url(cast, breach) not in cast.client("staff").get(detail).content.decode()
