"""The console's « Documents imprimés » column: each practice's crisis card and patient
notice, current or not, counted in the « à surveiller » rules, in constant queries."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents import crisis, notice
from documents.figures import console_figures
from documents.models import Printing
from documents.services import crisis_contacts_save
from portal import console
from practices.checklists.models import BackupCopy
from registry.models import ActivityData, ProcessingActivity, Recipient, RecordHeader, Subject
from tests.console.conftest import NOW, audit_at, print_documents, registry_with, training_with
from tests.factories import MembershipFactory, OversightFactory, PracticeFactory


def print_current(practice, user=None):
    """Print the card and generate the notice from the practice's data as it is now."""
    card = crisis.card_data([practice.pk])[practice.pk]
    text = notice.notice_data([practice.pk])[practice.pk]
    for document, data in ((Printing.Document.CRISIS_CARD, card), (Printing.Document.NOTICE, text)):
        Printing.objects.create(
            practice=practice,
            document=document,
            language="fr",
            printed_by=user,
            fingerprint=crisis.fingerprint(data),
            data=data,
        )


def with_everything(practice, n=0):
    """Contacts, backups, a record header and a fiche in force for patients."""
    crisis_contacts_save(practice=practice, it_name=f"Prestataire {n}", it_phone="01 45 67 89 10")
    BackupCopy.objects.create(practice=practice, name=f"Disque {n}", medium="disk")
    RecordHeader.objects.create(practice=practice, controller_last_name=f"Martin {n}")
    activity = ProcessingActivity.objects.create(
        practice=practice, name="Dossier patient", reference=f"R-{n}", status="active"
    )
    Subject.objects.create(practice=practice, activity=activity, category="patients")
    ActivityData.objects.create(
        practice=practice, activity=activity, category="health", retention="20 ans"
    )
    Recipient.objects.create(
        practice=practice, activity=activity, kind="processor", hds_certified=True
    )
    return activity


def test_the_real_states_never_current_outdated(cast):
    activity = with_everything(cast.practice)
    other = PracticeFactory()
    assert console_figures([cast.practice.pk, other.pk]) == {
        cast.practice.pk: {"card": "never", "notice": "never"},
        other.pk: {"card": "never", "notice": "never"},
    }
    print_current(cast.practice, cast.admin)
    assert console_figures([cast.practice.pk])[cast.practice.pk] == {
        "card": "current",
        "notice": "current",
    }
    activity.name = "Dossier médical"
    activity.save()
    assert console_figures([cast.practice.pk])[cast.practice.pk] == {
        "card": "current",
        "notice": "outdated",
    }
    crisis_contacts_save(practice=cast.practice, insurer_name="MACSF")
    assert console_figures([cast.practice.pk])[cast.practice.pk]["card"] == "outdated"


def test_the_documents_figures_take_12_queries_for_2_or_20_practices(db):
    """Card data (practices, contacts, admins, delegates, copies, restore test: 6), notice
    data (headers, paragraphs, fiches, their data, their recipients: 5), last prints (1)."""
    counts = {}
    for size in (2, 20):
        ids = []
        for n in range(size):
            practice = MembershipFactory(role="admin").practice
            OversightFactory(practice=practice)
            with_everything(practice, n)
            print_current(practice)
            ids.append(practice.pk)
        with CaptureQueriesContext(connection) as queries:
            figures = console_figures(ids)
        assert all(f == {"card": "current", "notice": "current"} for f in figures.values())
        counts[size] = len(queries)
    assert counts == {2: 12, 20: 12}


def good_but_unprinted(practice):
    """One fiche in force and reviewed, everyone trained, some activity: nothing to watch
    but the printed documents."""
    activities = registry_with(practice, entries=1)
    training_with(practice, staff=max(1, practice.memberships.count()), valid=10**6)
    audit_at(practice, NOW)
    return activities[0]


@pytest.fixture
def states(cast, frozen):
    """Lilas with a card to reprint (its insurer changed after the print) and a current
    notice; Kiné all current; Parc that never printed either document."""
    kine = PracticeFactory(name="Kiné du Port")
    parc = PracticeFactory(name="Infirmières du Parc")
    for practice in (kine, parc):
        OversightFactory(practice=practice, delegate=cast.delegate)
    for practice in (cast.practice, kine, parc):
        good_but_unprinted(practice)
    print_documents(cast.practice, cast.admin)
    crisis_contacts_save(practice=cast.practice, insurer_name="MACSF")
    print_documents(kine)
    return cast, kine, parc


def row_of(rows, practice):
    return next(row for row in rows if row.practice == practice)


def test_a_document_not_current_needs_attention(states):
    cast, kine, parc = states
    rows = console.rows(cast.delegate)
    assert row_of(rows, cast.practice).documents == {"card": "outdated", "notice": "current"}
    assert row_of(rows, cast.practice).reasons == ["crisis_card"]
    assert row_of(rows, kine).reasons == []
    assert row_of(rows, parc).reasons == ["crisis_card", "patient_notice"]


def test_a_practice_without_the_documents_figure_is_not_counted():
    """A space that answers nothing: shown « — », not counted (plain function, no space:
    the real documents space answers for every practice)."""
    from practices.models import Practice

    row = console.Row(
        practice=Practice(name="Cabinet", slug="cabinet"), since=NOW, last_activity=NOW
    )
    assert row.documents_current is None and row.card_label == ""
    assert "crisis_card" not in console.reasons(row, NOW)
    assert "patient_notice" not in console.reasons(row, NOW)


def print_card_only(practice, activity):
    print_documents(practice, which=("card",))


def print_notice_only(practice, activity):
    print_documents(practice, which=("notice",))


def rename_the_fiche(practice, activity):
    print_documents(practice)
    activity.name = "Dossier médical partagé"
    activity.save()


def change_both(practice, activity):
    rename_the_fiche(practice, activity)
    crisis_contacts_save(practice=practice, it_name="Prestataire", it_phone="01 45 67 89 10")


@pytest.mark.parametrize(
    ("act", "documents", "reasons"),
    [
        (print_notice_only, {"card": "never", "notice": "current"}, ["crisis_card"]),
        (print_card_only, {"card": "current", "notice": "never"}, ["patient_notice"]),
        (rename_the_fiche, {"card": "current", "notice": "outdated"}, ["patient_notice"]),
        (
            change_both,
            {"card": "outdated", "notice": "outdated"},
            ["crisis_card", "patient_notice"],
        ),
    ],
)
def test_each_state_in_the_rules(cast, frozen, act, documents, reasons):
    activity = good_but_unprinted(cast.practice)
    act(cast.practice, activity)
    (row,) = console.rows(cast.delegate)
    assert row.documents == documents
    assert row.reasons == reasons


def test_the_column_the_filter_the_sort_and_the_csv(states):
    cast, kine, parc = states
    client = cast.client("delegate")
    response = client.get("/delegue/?attention=on&tri=name")
    assert [row.practice for row in response.context["rows"]] == [cast.practice, parc]
    html = client.get("/delegue/?tri=documents").content.decode()
    assert "Documents imprimés" in html
    assert 'Fiche réflexe : <span class="status-warn">à réimprimer</span>' in html
    assert "fiche réflexe jamais imprimée ou à réimprimer" in html  # in the stated rules
    names = [row.practice.name for row in client.get("/delegue/?tri=-documents").context["rows"]]
    assert names == ["Kiné du Port", "Cabinet des Lilas", "Infirmières du Parc"]
    text = client.get("/delegue/export.csv?tri=name").content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = table[0]
    card, info = header.index("Fiche réflexe"), header.index("Information des patients")
    lilas = next(line for line in table if line[0] == "Cabinet des Lilas")
    assert (lilas[card], lilas[info]) == ("à réimprimer", "à jour")
    parc_line = next(line for line in table if line[0] == "Infirmières du Parc")
    assert (parc_line[card], parc_line[info]) == ("jamais imprimée", "jamais générée")
