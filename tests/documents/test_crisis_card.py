"""The crisis card: its contacts form, the PDF read back, prints and « à réimprimer »."""

import io
from datetime import UTC, date, datetime

import pytest
import segno
import time_machine
from pypdf import PdfReader

from documents import card, crisis
from documents.models import CrisisContacts, Printing
from portal.models import AuditEvent
from practices.checklists.models import BackupCopy, RestoreTest

NOW = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
FULL = {
    "manager_name": "Dr Claire Martin",
    "manager_phone": "06 12 34 56 78",
    "it_name": "InfoSoins 75",
    "it_phone": "01 45 67 89 10",
    "it_email": "urgence@infosoins75.fr",
    "dpo_name": "Paul Leroy",
    "dpo_phone": "+33 6 98 76 54 32",
    "dpo_email": "dpo@exemple-dpo.fr",
    "insurer_name": "MACSF",
    "insurer_phone": "3233",
    "insurer_policy": "RC-2026-118",
    "restorer_name": "",
    "restorer_phone": "07 11 22 33 44",
}


def url(cast, name="crisis_card"):
    from django.urls import reverse

    return reverse(f"documents:{name}", kwargs={"practice_slug": cast.practice.slug})


def pdf_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def filled(cast):
    from documents.services import crisis_contacts_save

    crisis_contacts_save(practice=cast.practice, actor=cast.admin, **FULL)
    copy = BackupCopy.objects.create(
        practice=cast.practice, name="Disque USB du vendredi", medium="disk", off_site=True
    )
    BackupCopy.objects.create(practice=cast.practice, name="NAS du cabinet", medium="nas")
    RestoreTest.objects.create(
        practice=cast.practice,
        tested_on=date(2026, 11, 2),
        restored="Dossier patients",
        copy=copy,
        success=True,
        tested_by=cast.staff,
    )
    return cast


# --- the contacts form ------------------------------------------------------------------


def test_bad_phone_and_email_are_refused_in_french_next_to_the_field_and_kept(cast):
    typed = {
        **FULL,
        "it_phone": "01 23 45",
        "it_email": "urgence@infosoins",
        "dpo_email": "x@gmail.fr",
    }
    response = cast.client("admin").post(url(cast, "crisis_contacts"), typed)
    assert response.status_code == 200
    html = response.content.decode()
    assert "ne ressemble pas à un numéro français" in html
    assert "Cette adresse e-mail n&#x27;est pas valide : vérifiez le @ et le domaine" in html
    assert "vouliez-vous écrire « gmail.com »" in html
    form = response.context["form"]
    assert set(form.errors) == {"it_phone", "it_email", "dpo_email"}
    # What was typed stays in the fields, the good ones and the bad ones.
    assert 'value="01 23 45"' in html and 'value="urgence@infosoins"' in html
    assert 'value="InfoSoins 75"' in html
    assert not CrisisContacts.objects.filter(practice=cast.practice).exists()


def test_valid_contacts_are_saved_normalised_and_audited(cast):
    response = cast.client("admin").post(url(cast, "crisis_contacts"), FULL)
    assert response.status_code == 302
    contacts = CrisisContacts.objects.get(practice=cast.practice)
    assert contacts.dpo_phone == "06 98 76 54 32"  # +33 written the French way
    assert contacts.insurer_phone == "3233"  # a short number as is
    event = AuditEvent.objects.get(practice=cast.practice, action="crisis_contacts.update")
    assert event.actor == cast.admin
    assert event.changes["it_name"] == ["", "InfoSoins 75"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0145678910", "01 45 67 89 10"),
        ("01.45.67.89.10", "01 45 67 89 10"),
        ("0033145678910", "01 45 67 89 10"),
    ],
)
def test_phone_spellings(typed, stored):
    from documents.forms import french_phone

    assert french_phone(typed) == stored


@pytest.mark.parametrize(
    "typed", ["00 12 34 56 78", "0145", "+44 20 7946 0958", "01 23 45 67 89 0", "abc"]
)
def test_implausible_phones(typed):
    from django.core.exceptions import ValidationError

    from documents.forms import french_phone

    with pytest.raises(ValidationError):
        french_phone(typed)


def test_only_admins_edit_the_contacts(cast):
    assert cast.client("admin").get(url(cast, "crisis_contacts")).status_code == 200
    assert cast.client("staff").get(url(cast, "crisis_contacts")).status_code == 403
    assert cast.client("staff").post(url(cast, "crisis_contacts"), FULL).status_code == 403
    assert cast.client("delegate").post(url(cast, "crisis_contacts"), FULL).status_code == 403
    assert not CrisisContacts.objects.filter(practice=cast.practice).exists()


# --- the PDF --------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_card_is_one_a4_page_with_the_practice_data(filled, settings, language):
    settings.SITE_URL = "https://vigie.example.fr"
    data = crisis.card_data([filled.practice.pk])[filled.practice.pk]
    reader, text = pdf_text(card.pdf(data, NOW, language))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = flat(text)
    for expected in [
        "Cabinet des Lilas",
        "InfoSoins 75",
        "01 45 67 89 10",
        "urgence@infosoins75.fr",
        "MACSF",
        "RC-2026-118",
        "Disque USB du vendredi",
        "NAS du cabinet",
        # Nobody named to restore: the last person who restored successfully.
        filled.staff.get_full_name(),
        "07 11 22 33 44",
        "cybermalveillance.gouv.fr",
        "17Cyber",
        "CERT Santé",
        "CNIL",
        "https://vigie.example.fr/p/cabinet-des-lilas/incidents/signaler/",
        "04/12/2026",
    ]:
        assert expected in text, expected
    if language == "fr":
        assert "Fiche réflexe — incident informatique" in text
        assert "Débrancher le câble Ethernet ET couper le Wi-Fi immédiatement." in text
        assert "Verrouiller ou effacer l'appareil à distance si c'est possible." in text
        assert "Prévenir l'équipe : le même message peut arriver chez les collègues." in text
        assert "Imprimée le 04/12/2026" in text
        assert "facultatif pour un cabinet libéral" in text
        assert "à compléter" not in text.lower()
    else:
        assert "Crisis card — IT incident" in text
        assert "Unplug the Ethernet cable AND turn off Wi-Fi immediately." in text
        assert "Printed on 04/12/2026" in text
        assert "voluntary for a private practice" in text
        assert "to complete" not in text.lower()


def test_the_seed_s_words_are_short_without_their_explanation(filled):
    data = crisis.card_data([filled.practice.pk])[filled.practice.pk]
    _reader, text = pdf_text(card.pdf(data, NOW, "fr"))
    assert "Ne pas éteindre la machine concernée." in flat(text)
    assert "traces utiles" not in text
    # The first sentence only: the national contacts say the rest.
    assert "Porter plainte." in flat(text) and "Ne pas payer la rançon." in flat(text)
    assert "nomoreransom" not in text


def test_the_card_s_and_the_notice_s_statements_are_sourced():
    from datetime import date

    from documents import notice
    from portal.sources import problems

    found = crisis.statements() + notice.statements()
    assert {s.where.split()[-1] for s in found} >= {"national.cert_sante", "texts.complaint"}
    assert all(s.sources and not problems(s, date(2026, 12, 4)) for s in found)
    cert = next(s for s in found if s.where.endswith("national.cert_sante"))
    assert cert.sources[0].confirm  # the portal's address: « à valider »


def test_missing_data_prints_a_compléter_rather_than_inventing(cast):
    data = crisis.card_data([cast.practice.pk])[cast.practice.pk]
    _reader, text = pdf_text(card.pdf(data, NOW, "fr"))
    # IT provider (3), DPO (3), insurer (3), the manager's phone, where backups are, who
    # restores (2): the admin's name stands for the manager's.
    assert flat(text).upper().count("À COMPLÉTER") == card.missing(data) == 13
    assert cast.admin.get_full_name() in flat(text)


def test_the_card_is_black_and_white():
    import re
    from pathlib import Path

    template = Path(card.__file__).parent / "templates" / "documents" / "crisis_card_pdf.html"
    colours = set(re.findall(r"#[0-9a-fA-F]{3,6}\b", template.read_text()))
    assert colours <= {"#000", "#fff"}
    assert "rgb" not in template.read_text()


def test_the_qr_code_encodes_the_absolute_report_url(filled, settings):
    settings.SITE_URL = "https://vigie.example.fr"
    expected = "https://vigie.example.fr/p/cabinet-des-lilas/incidents/signaler/"
    data = crisis.card_data([filled.practice.pk])[filled.practice.pk]
    html = card.html(data, NOW, "fr")
    code = segno.make(expected, error="m", micro=False)
    assert code.svg_data_uri(scale=4, border=2, dark="#000", light="#fff") in html
    # The payload at the segno level: the URL alone, as bytes, in byte mode.
    assert code.mode == "byte" and code.designator.startswith(str(code.version))
    assert card.qr(data["report_url"]).matrix == code.matrix
    assert card.qr(data["report_url"] + "x").matrix != code.matrix


# --- who may view and print; prints and « à réimprimer » -------------------------------


def test_staff_prints_the_card_and_the_print_is_recorded(filled):
    with time_machine.travel(NOW, tick=False):
        response = filled.client("staff").post(url(filled, "crisis_card_pdf"), {"language": "en"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Crisis card" in pdf_text(response.content)[1]
    printing = Printing.objects.get(practice=filled.practice)
    assert (printing.printed_by, printing.printed_at, printing.language) == (
        filled.staff,
        NOW,
        "en",
    )
    data = crisis.card_data([filled.practice.pk])[filled.practice.pk]
    assert printing.fingerprint == crisis.fingerprint(data)
    assert (
        AuditEvent.objects.filter(practice=filled.practice, action="crisis_card.print").count() == 1
    )


def test_a_delegate_views_the_card_but_never_records_a_print(filled):
    client = filled.client("delegate")
    assert client.get(url(filled)).status_code == 200
    response = client.get(url(filled, "crisis_card_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert client.post(url(filled, "crisis_card_pdf"), {"language": "fr"}).status_code == 403
    assert not Printing.objects.exists()


def test_looking_at_the_pdf_is_not_a_print(filled):
    assert filled.client("admin").get(url(filled, "crisis_card_pdf")).status_code == 200
    assert not Printing.objects.exists()


def dashboard(cast, who="admin"):
    return cast.client(who).get(f"/p/{cast.practice.slug}/").content.decode()


def test_the_dashboard_asks_to_reprint_when_the_data_changed(filled):
    from documents.services import crisis_contacts_save

    assert "jamais été imprimée" in dashboard(filled)
    with time_machine.travel(NOW, tick=False):
        filled.client("admin").post(url(filled, "crisis_card_pdf"), {"language": "fr"})
    html = dashboard(filled)
    assert "réimprimer" not in html and "jamais été imprimée" not in html
    # Saving the same contacts changes nothing; a new IT phone does.
    crisis_contacts_save(practice=filled.practice, actor=filled.admin, **FULL)
    assert "réimprimer" not in dashboard(filled)
    crisis_contacts_save(practice=filled.practice, actor=filled.admin, it_phone="01 99 88 77 66")
    html = dashboard(filled, "staff")
    assert (
        "Fiche réflexe à réimprimer : depuis l&#x27;impression du 04/12/2026, "
        "ont changé : contacts du cabinet." in html
    )
    # Reprinted: current again.
    filled.client("staff").post(url(filled, "crisis_card_pdf"), {"language": "fr"})
    assert "réimprimer" not in dashboard(filled)


@pytest.mark.parametrize(
    ("change", "section"),
    [
        ("backup", "sauvegardes"),
        ("restore", "restauration des sauvegardes"),
        ("delegate", "délégué numérique en santé"),
        ("practice", "coordonnées du cabinet"),
    ],
)
def test_each_part_of_the_data_outdates_the_print(filled, change, section):
    from tests.factories import OversightFactory

    filled.client("admin").post(url(filled, "crisis_card_pdf"), {"language": "fr"})
    copy = BackupCopy.objects.filter(practice=filled.practice).first()
    if change == "backup":
        BackupCopy.objects.create(practice=filled.practice, name="Cloud HDS", medium="cloud")
    elif change == "restore":
        RestoreTest.objects.create(
            practice=filled.practice,
            tested_on=date(2026, 12, 3),
            restored="Agenda",
            copy=copy,
            success=True,
            tested_by=filled.admin,
        )
    elif change == "delegate":
        OversightFactory(practice=filled.practice)
    else:
        filled.practice.address = "3 rue des Lilas"
        filled.practice.save()
    status = crisis.statuses([filled.practice.pk])[filled.practice.pk]
    assert status.state == crisis.State.OUTDATED
    assert [str(label) for label in status.changes] == [section]


def test_a_failed_restore_test_or_another_practice_s_change_leaves_the_card_current(filled):
    from documents.services import crisis_contacts_save

    filled.client("admin").post(url(filled, "crisis_card_pdf"), {"language": "fr"})
    copy = BackupCopy.objects.filter(practice=filled.practice).first()
    RestoreTest.objects.create(
        practice=filled.practice,
        tested_on=date(2026, 12, 3),
        restored="Agenda",
        copy=copy,
        success=False,
        tested_by=filled.admin,
    )
    crisis_contacts_save(practice=filled.other_practice, actor=filled.other_admin, it_name="Autre")
    assert crisis.statuses([filled.practice.pk])[filled.practice.pk].state == crisis.State.CURRENT


def test_the_dashboard_s_queries_do_not_grow_with_the_card_s_data(
    filled, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = filled.client("admin")
    client.post(url(filled, "crisis_card_pdf"), {"language": "fr"})
    with CaptureQueriesContext(connection) as before:
        client.get(f"/p/{filled.practice.slug}/")
    for n in range(5):
        BackupCopy.objects.create(practice=filled.practice, name=f"Copie {n}", medium="cloud")
        filled.client("admin").post(url(filled, "crisis_card_pdf"), {"language": "fr"})
    with CaptureQueriesContext(connection) as after:
        client.get(f"/p/{filled.practice.slug}/")
    assert len(after) == len(before)
