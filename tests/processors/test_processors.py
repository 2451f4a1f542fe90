"""Processors and hosts (art. 28 GDPR, L1111-8 CSP): the pages, the flags, the reminders,
the figures and the migration from the fiches' recipients."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from portal.models import AuditEvent
from registry.models import ProcessingActivity, Recipient
from registry.processors import figures, reminders
from registry.processors.models import Processor
from tests.factories import PracticeFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 4, 10, 0, tzinfo=PARIS)
PDF = b"%PDF-1.4 contrat de sous-traitance"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def url(cast, name, processor=None, practice=None):
    kwargs = {"practice_slug": (practice or cast.practice).slug}
    if processor is not None:
        kwargs["processor_id"] = processor.public_id
    return reverse(f"processors:{name}", kwargs=kwargs)


def fiche(practice, reference="ref-001", name="Dossier patient"):
    return ProcessingActivity.objects.create(practice=practice, name=name, reference=reference)


def posted(activity=None, **overrides):
    data = {
        "name": "Logimed",
        "service": "Logiciel de dossier patient en ligne",
        "data_categories": ["civil", "health"],
        "hosts_health_data": "on",
        "contract_signed_on": "2026-03-01",
        "contract_ends_on": "2027-02-28",
        "clauses": ["a", "b", "c", "d", "e", "f", "g", "h", "breach"],
        "hds_scope": ["infrastructure", "managed"],
        "hds_certifier": "Certificateur accrédité",
        "hds_expires_on": "2027-06-30",
        "location": "FR",
        "guarantee": "",
        "sub_processors": "Datacentre Nord, hébergement, France",
        "notes": "",
        "contract_file": SimpleUploadedFile("contrat.pdf", PDF, "application/pdf"),
    }
    if activity is not None:
        data["activities"] = [activity.pk]
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_admin_records_a_processor_linked_to_a_fiche_and_it_is_audited(cast):
    activity = fiche(cast.practice)
    client = cast.client("admin")
    response = client.post(url(cast, "create"), posted(activity))
    assert response.status_code == 302
    processor = Processor.objects.get(practice=cast.practice)
    assert processor.clauses == ["a", "b", "c", "d", "e", "f", "g", "h", "breach"]
    assert processor.hds_expires_on == date(2027, 6, 30)
    assert processor.hds_valid() and not processor.hds_missing()
    assert list(processor.activities.all()) == [activity]
    # Stored under the practice, under a random name, never the uploader's.
    assert processor.contract_file.name == (
        f"processors/contracts/{cast.practice.pk}/{processor.public_id}.pdf"
    )
    event = AuditEvent.objects.get(action="processors.create")
    assert event.practice_id == cast.practice.pk
    assert event.changes["name"] == [None, "Logimed"]
    assert event.changes["activities"] == [None, ["ref-001"]]
    # The fiche shows its processor, the processor its fiche.
    page = client.get(
        reverse(
            "registry:detail",
            kwargs={"practice_slug": cast.practice.slug, "activity_id": activity.public_id},
        )
    )
    assert "Logimed" in page.content.decode()
    detail = client.get(url(cast, "detail", processor)).content.decode()
    assert "Dossier patient" in detail and "ref-001" in detail


def test_an_update_is_audited_before_and_after(cast):
    activity = fiche(cast.practice)
    client = cast.client("admin")
    client.post(url(cast, "create"), posted(activity))
    processor = Processor.objects.get()
    response = client.post(
        url(cast, "edit", processor),
        posted(activity, hds_expires_on="2028-01-31", contract_file=None, clauses=["a"]),
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="processors.update")
    assert event.changes["hds_expires_on"] == ["2027-06-30", "2028-01-31"]
    assert event.changes["clauses"][1] == ["a"]
    assert "contract_file" not in event.changes  # the stored file was kept
    processor.refresh_from_db()
    assert processor.contract_file.read() == PDF


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"contract_signed_on": "2026-12-20"}, "contract_signed_on", "à une date à venir"),
        ({"contract_ends_on": "2026-01-01"}, "contract_ends_on", "précède sa signature"),
        ({"hds_expires_on": ""}, "hds_expires_on", "jusqu'à quand le certificat HDS"),
        ({"hds_scope": []}, "hds_scope", "Cochez le périmètre"),
        ({"hds_expires_on": "2046-01-01"}, "hds_expires_on", "plus de 10 ans"),
        ({"contract_signed_on": "2001-01-01"}, "contract_signed_on", "Je confirme"),
        (
            {"contract_file": SimpleUploadedFile("contrat.pdf", b"MZ\x90\x00", "application/pdf")},
            "contract_file",
            "Seuls les fichiers PDF",
        ),
        ({"name": ""}, "name", "Ce champ est obligatoire"),
    ],
)
def test_bad_input_gets_a_french_message_and_keeps_what_was_typed(cast, overrides, field, message):
    response = cast.client("admin").post(url(cast, "create"), posted(**overrides))
    assert response.status_code == 400
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert 'value="Logiciel de dossier patient en ligne"' in response.content.decode()
    assert not Processor.objects.exists()


def test_a_big_contract_file_is_refused(cast, monkeypatch):
    from registry.processors import forms

    monkeypatch.setattr(forms, "MAX_CONTRACT", 10)
    response = cast.client("admin").post(url(cast, "create"), posted())
    assert "dépasse 10 Mo" in " ".join(response.context["form"].errors["contract_file"])


def test_only_the_admin_writes_and_reads_the_contract(cast):
    cast.client("admin").post(url(cast, "create"), posted())
    processor = Processor.objects.get()
    admin = cast.client("admin").get(url(cast, "contract_file", processor))
    assert admin.status_code == 200 and b"".join(admin.streaming_content) == PDF
    for name in ("staff", "delegate"):
        client = cast.client(name)
        assert client.get(url(cast, "contract_file", processor)).status_code == 403
        assert client.post(url(cast, "create"), posted()).status_code == 403
        assert client.get(url(cast, "detail", processor)).status_code == 200
    # Another practice's admin: not found under either address.
    other = cast.client("other_admin")
    assert other.get(url(cast, "contract_file", processor)).status_code == 404
    foreign = url(cast, "contract_file", processor, practice=cast.other_practice)
    assert other.get(foreign).status_code == 404


def test_delete_asks_then_removes_the_row_and_its_file(cast, django_capture_on_commit_callbacks):
    cast.client("admin").post(url(cast, "create"), posted())
    processor = Processor.objects.get()
    storage, name = processor.contract_file.storage, processor.contract_file.name
    client = cast.client("admin")
    assert client.get(url(cast, "delete", processor)).status_code == 200
    assert Processor.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url(cast, "delete", processor)).status_code == 302
    assert not Processor.objects.exists() and not storage.exists(name)
    assert AuditEvent.objects.get(action="processors.delete").changes["name"] == ["Logimed", None]


def test_a_health_data_host_without_a_valid_certificate_is_flagged(cast):
    activity = fiche(cast.practice)
    lapsed = Processor.objects.create(
        practice=cast.practice,
        name="Sauvegarde Express",
        service="Sauvegarde",
        hosts_health_data=True,
        hds_scope=["managed"],
        hds_expires_on=date(2026, 12, 3),  # yesterday
    )
    lapsed.activities.add(activity)
    Processor.objects.create(
        practice=cast.practice, name="Comptable", service="Comptabilité", hosts_health_data=False
    )
    assert lapsed.hds_missing()
    client = cast.client("staff")
    page = client.get(
        reverse(
            "registry:detail",
            kwargs={"practice_slug": cast.practice.slug, "activity_id": activity.public_id},
        )
    ).content.decode()
    assert "Hébergeur de données de santé sans certificat HDS valable" in page
    card = figures.card(cast.practice, "admin")
    assert [(f.label, f.value, f.status) for f in card.figures][1] == (
        "Hébergeurs de santé sans certificat HDS valable",
        1,
        "bad",
    )
    dashboard = client.get(reverse("dashboard", kwargs={"practice_slug": cast.practice.slug}))
    assert "Hébergeurs de santé sans certificat HDS valable" in dashboard.content.decode()
    # Renewed: the flag goes.
    Processor.objects.filter(pk=lapsed.pk).update(hds_expires_on=date(2029, 12, 3))
    assert figures.card(cast.practice, "admin").figures[1].value == 0


def test_a_country_without_adequacy_and_without_guarantee_is_flagged(cast):
    processor = Processor.objects.create(
        practice=cast.practice, name="Offshore", service="Secrétariat", location="MA"
    )
    assert processor.transfer_unsafe
    processor.guarantee = "scc"
    assert not processor.transfer_unsafe
    for location in ("FR", "EEA", "CH", "JP"):
        assert not Processor(location=location).transfer_unsafe


def test_reminders_60_and_15_days_before_and_on_expiry(cast):
    Processor.objects.create(
        practice=cast.practice,
        name="RDV Facile",
        service="Rendez-vous",
        hosts_health_data=True,
        hds_scope=["managed"],
        hds_expires_on=date(2027, 1, 10),
        contract_ends_on=date(2027, 3, 1),
    )

    def due(day):
        with time_machine.travel(datetime(*day, 9, 0, tzinfo=PARIS), tick=False):
            from django.utils import timezone

            return {(d.kind, d.step) for d in reminders.due(timezone.now())}

    assert due((2026, 11, 1)) == set()
    assert due((2026, 11, 11)) == {("processors.hds_ending", "2027-01-10:d-60")}
    assert due((2026, 12, 31)) == {
        ("processors.hds_ending", "2027-01-10:d-15"),
        ("processors.contract_ending", "2027-03-01:d-60"),
    }
    assert ("processors.hds_ending", "2027-01-10:expired") in due((2027, 1, 10))
    assert due((2027, 6, 1)) == set()  # long ended: its last step was sent when it came


def test_the_reminder_sentences_in_both_languages():
    kind = reminders.KINDS["processors.hds_ending"]
    context = {"title": "RDV Facile", "until": "2027-01-10"}
    with translation.override("fr"):
        assert kind.sentence(context, "2027-01-10:d-15") == (
            "Le certificat HDS de RDV Facile expire le 10/01/2027 : demandez le certificat "
            "renouvelé à ce prestataire."
        )
    with translation.override("en"):
        text = kind.sentence(context, "2027-01-10:expired")
        assert text.startswith("The HDS certificate of RDV Facile expired on 10/01/2027")
    contract = reminders.KINDS["processors.contract_ending"]
    with translation.override("fr"):
        assert "prend fin le 10/01/2027" in contract.sentence(context, "2027-01-10:d-60")


def test_console_figures_take_one_query_whatever_the_number_of_practices(cast):
    def grow(n):
        ids = []
        for i in range(n):
            practice = PracticeFactory()
            Processor.objects.create(
                practice=practice,
                name=f"Hébergeur {i}",
                service="Hébergement",
                hosts_health_data=True,
                contract_ends_on=date(2027, 1, 1),
            )
            ids.append(practice.pk)
        return ids

    few, many = grow(2), grow(20)
    counts = []
    for ids in (few, many):
        with CaptureQueriesContext(connection) as queries:
            result = figures.console_figures(ids)
        counts.append(len(queries))
        assert all(result[pid] == {"hds_missing": 1, "expiring": 1} for pid in ids)
    assert counts == [1, 1]
    assert figures.console_figures([cast.practice.pk]) == {
        cast.practice.pk: {"hds_missing": 0, "expiring": 0}
    }


def test_the_list_page_keeps_its_query_count_as_processors_grow(cast):
    client = cast.client("admin")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(cast, "index")).status_code == 200
        return len(queries)

    activity = fiche(cast.practice)
    Processor.objects.create(practice=cast.practice, name="A", service="s").activities.add(activity)
    first = count()
    for i in range(10):
        p = Processor.objects.create(practice=cast.practice, name=f"P{i}", service="s")
        p.activities.add(fiche(cast.practice, reference=f"ref-{i + 10}"))
    assert count() == first


def test_the_migration_turns_the_fiches_processors_into_rows(cast):
    from importlib import import_module

    migration = import_module("registry.processors.migrations.0002_from_fiche_recipients")
    one, two = fiche(cast.practice), fiche(cast.practice, reference="ref-002", name="RDV")
    for activity, details, hds, dpa in (
        (one, "Éditeur du logiciel", True, True),
        (two, "éditeur  du logiciel", False, False),
        (two, "Plateforme RDV", False, True),
        (two, "", True, True),
    ):
        Recipient.objects.create(
            practice=cast.practice,
            activity=activity,
            kind="processor",
            details=details,
            hds_certified=hds,
            dpa_signed=dpa,
        )
    Recipient.objects.create(
        practice=cast.practice, activity=one, kind="internal", details="Secrétariat"
    )
    migration.forwards(apps, None)
    rows = {p.name: p for p in Processor.objects.filter(practice=cast.practice)}
    assert set(rows) == {"Éditeur du logiciel", "Plateforme RDV"}
    editor = rows["Éditeur du logiciel"]
    assert set(editor.activities.all()) == {one, two}
    assert editor.hosts_health_data and editor.hds_missing()  # certificate still to enter
    assert migration.NOTE_HDS in editor.notes and migration.NOTE_DPA in editor.notes
    assert not rows["Plateforme RDV"].hosts_health_data
    assert Recipient.objects.count() == 5  # the fiches keep their recipients
