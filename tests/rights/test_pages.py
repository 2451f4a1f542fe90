"""The rights requests' pages: log (staff too), correct with a reason, extend with a letter,
answer, letters, register as page, CSV and PDF; bad input gets a French message and keeps
what was typed; every change audited; constant queries."""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from portal.models import AuditEvent
from registry.rights.models import RightsRequest
from tests.rights.helpers import make

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=PARIS)
NIR = "2 84 05 75 111 222 37"  # a well-formed NIR (key 97 - 284057511122 % 97)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def url(cast, name, item=None):
    kwargs = {"practice_slug": cast.practice.slug}
    if item is not None:
        kwargs["request_id"] = item.public_id
    return reverse(f"rights:{name}", kwargs=kwargs)


FORM = {
    "received_on": "2026-11-18",
    "channel": "desk",
    "kind": "medical_record",
    "requester": "patient",
    "person_ref": "J. D. — dossier 1402",
    "identity": "done",
    "complete_on": "",
    "notes": "",
}


def test_staff_logs_a_request_and_the_deadline_is_computed(cast):
    response = cast.client("staff").post(url(cast, "create"), FORM)
    item = RightsRequest.objects.get(practice=cast.practice)
    assert response.status_code == 302 and response.url == url(cast, "detail", item)
    assert item.deadline == date(2026, 11, 26) and item.created_by == cast.staff
    event = AuditEvent.objects.get(action="rights.create")
    assert event.actor == cast.staff and event.changes["deadline"] == [None, "2026-11-26"]
    page = cast.client("staff").get(url(cast, "detail", item)).content.decode()
    assert "Avant le 26/11/2026 (reste 6 jours)" in page
    assert "8 jours (dossier médical)" in page


def test_a_nir_is_refused_with_a_french_message_and_the_typed_values_stay(cast):
    data = {**FORM, "person_ref": NIR, "notes": "Demande par courrier recommandé"}
    response = cast.client("staff").post(url(cast, "create"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "ressemble à un numéro de sécurité sociale (NIR)" in page
    assert "Demande par courrier recommandé" in page and 'value="2026-11-18"' in page
    data = {**FORM, "notes": f"NIR {NIR.replace(' ', '')}"}
    assert cast.client("staff").post(url(cast, "create"), data).status_code == 400
    assert not RightsRequest.objects.exists()


def test_identifying_text_warns_once_then_goes_through(cast):
    data = {**FORM, "person_ref": "jean.dupont@exemple.fr"}
    client = cast.client("staff")
    first = client.post(url(cast, "create"), data)
    assert "semble contenir une adresse e-mail" in first.content.decode()
    assert not RightsRequest.objects.exists()
    client.post(url(cast, "create"), {**data, "identifying_ack": "True"})
    assert RightsRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"received_on": "2026-11-21"}, "Cette date est à venir"),
        ({"complete_on": "2026-11-10"}, "ne peut être complète avant sa réception (18/11/2026)"),
        ({"received_on": "2025-10-01"}, "Cette date remonte à plus de 365 jours (01/10/2025)"),
        ({"kind": ""}, "Ce champ est obligatoire"),
    ],
)
def test_implausible_dates_are_refused_in_french(cast, changes, field_message):
    response = cast.client("admin").post(url(cast, "create"), {**FORM, **changes})
    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert "J. D. — dossier 1402" in response.content.decode()
    assert not RightsRequest.objects.exists()


def test_an_old_date_goes_through_once_confirmed(cast):
    data = {**FORM, "received_on": "2025-10-01", "confirm_dates": "on"}
    assert cast.client("admin").post(url(cast, "create"), data).status_code == 302


def test_a_date_that_moves_the_deadline_changes_only_with_a_reason(cast):
    item = make(cast.practice, received_on=date(2026, 11, 2))
    client = cast.client("admin")
    data = {**FORM, "kind": "access", "received_on": "2026-11-03"}
    refused = client.post(url(cast, "edit", item), data)
    assert refused.status_code == 400
    assert "Indiquez la raison de ce changement" in refused.content.decode()
    item.refresh_from_db()
    assert item.received_on == date(2026, 11, 2)
    client.post(url(cast, "edit", item), {**data, "reason": "Tampon de la poste mal lu"})
    item.refresh_from_db()
    assert item.received_on == date(2026, 11, 3) and item.deadline == date(2026, 12, 3)
    event = AuditEvent.objects.get(action="rights.update")
    assert event.changes["received_on"] == ["2026-11-02", "2026-11-03"]
    assert event.changes["deadline"] == ["2026-12-02", "2026-12-03"]
    assert event.changes["reason"] == [None, "Tampon de la poste mal lu"]


def test_staff_logs_but_does_not_answer_extend_or_edit(cast):
    item = make(cast.practice)
    client = cast.client("staff")
    for name in ("edit", "extend", "answer"):
        assert client.get(url(cast, name, item)).status_code == 403
    assert client.get(url(cast, "letter_acknowledgment", item)).status_code == 200


def test_the_delegate_reads_the_register_without_the_person(cast):
    make(cast.practice, person_ref="Z. W.")
    client = cast.client("delegate")
    page = client.get(url(cast, "index")).content.decode()
    assert "Accès à d&#x27;autres données" in page and "Z. W." not in page
    assert client.post(url(cast, "create"), FORM).status_code == 403
    assert client.get(url(cast, "register_csv")).status_code == 403


def test_extension_within_the_first_month_with_its_letter(cast):
    item = make(cast.practice, received_on=date(2026, 10, 1))  # first deadline 1 November
    client = cast.client("admin")
    late = client.post(
        url(cast, "extend", item),
        {"extension_reason": "Nombreuses pièces", "extension_letter_on": "2026-11-02"},
    )
    assert late.status_code == 400
    assert "au plus tard le 01/11/2026" in late.content.decode()
    empty = client.post(url(cast, "extend", item), {"extension_reason": ""})
    assert empty.status_code == 400 and "Ce champ est obligatoire" in empty.content.decode()
    client.post(
        url(cast, "extend", item),
        {"extension_reason": "Nombreuses pièces", "extension_letter_on": "2026-10-20"},
    )
    item.refresh_from_db()
    assert item.extended and item.deadline == date(2027, 1, 1)
    event = AuditEvent.objects.get(action="rights.extend")
    assert event.changes["deadline"] == ["2026-11-01", "2027-01-01"]
    letter = client.get(url(cast, "letter_extension", item)).content.decode()
    assert "prolongé de deux mois" in letter and "01/01/2027" in letter
    assert "Nombreuses pièces" in letter


def test_a_medical_record_request_is_not_extended(cast):
    item = make(cast.practice, kind="medical_record")
    response = cast.client("admin").get(url(cast, "extend", item))
    assert response.status_code == 302
    page = cast.client("admin").get(url(cast, "detail", item)).content.decode()
    assert "Prolonger de deux mois" not in page


def test_a_refusal_needs_its_reason_and_the_letter_names_the_cnil(cast):
    item = make(cast.practice, kind="erasure", received_on=date(2026, 11, 2))
    client = cast.client("admin")
    data = {"answered_on": "2026-11-19", "answer_means": "post", "outcome": "refused"}
    response = client.post(url(cast, "answer", item), data)
    assert response.status_code == 400
    assert "Indiquez le motif du refus" in response.content.decode()
    reason = "Conservation imposée par la tenue du dossier médical"
    client.post(url(cast, "answer", item), {**data, "refusal_reason": reason})
    item.refresh_from_db()
    assert item.answered_on == date(2026, 11, 19) and item.outcome == "refused"
    assert AuditEvent.objects.filter(action="rights.answer").count() == 1
    letter = client.get(url(cast, "letter_answer", item)).content.decode()
    assert reason in letter and "réclamation auprès de la Commission nationale" in letter
    page = client.get(url(cast, "index")).content.decode()
    assert "Répondu le 19/11/2026" in page


def test_an_answer_cannot_precede_the_request(cast):
    item = make(cast.practice, received_on=date(2026, 11, 2))
    data = {"answered_on": "2026-11-01", "answer_means": "post", "outcome": "granted"}
    response = cast.client("admin").post(url(cast, "answer", item), data)
    assert "ne peut précéder la réception de la demande (02/11/2026)" in response.content.decode()


def test_register_csv_and_pdf(cast):
    make(cast.practice, kind="portability", person_ref="=HYPERLINK(1)")
    make(cast.other_practice, person_ref="Autre cabinet")
    client = cast.client("staff")
    raw = client.get(url(cast, "register_csv")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw), delimiter=";"))
    assert len(rows) == 2
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Droit exercé"] == "Portabilité"
    assert record["Échéance"] == "02/12/2026"
    assert record["Personne concernée"] == "'=HYPERLINK(1)"  # never a formula
    pdf = client.get(url(cast, "register_pdf"))
    assert pdf.content.startswith(b"%PDF")


def test_the_index_keeps_the_same_query_count_as_requests_grow(cast, django_assert_max_num_queries):
    client = cast.client("admin")
    for _ in range(3):
        make(cast.practice)
    client.get(url(cast, "index"))
    # session, user, OTP device, practice, role, practice switcher, counts, requests, and
    # the template's: a fixed set.
    with django_assert_max_num_queries(15) as few:
        client.get(url(cast, "index"))
    budget = len(few.captured_queries)
    for _ in range(30):
        make(cast.practice)
    with django_assert_max_num_queries(budget):
        client.get(url(cast, "index"))
    with django_assert_max_num_queries(budget):
        client.get(url(cast, "register_csv"))
