"""The patient information notice: built from the fiches in force, poster and website
text read back, « à mettre à jour » with what changed, the admins reminded."""

import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from documents import notice, poster
from documents.crisis import State
from documents.models import NoticeSettings, Printing
from portal.models import AuditEvent
from registry.models import ActivityData, ProcessingActivity, Recipient, RecordHeader, Subject

NOW = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)


def url(cast, name="notice"):
    return reverse(f"documents:{name}", kwargs={"practice_slug": cast.practice.slug})


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_text(content: bytes):
    reader = PdfReader(io.BytesIO(content))
    return reader, flat("\n".join(page.extract_text() for page in reader.pages))


def fiche(practice, name="Dossier patient", reference="T-1", status="active", subject="patients"):
    activity = ProcessingActivity.objects.create(
        practice=practice,
        name=name,
        reference=reference,
        status=status,
        main_purpose="Suivre vos soins",
        sub_purpose_1="Prendre vos rendez-vous",
        legal_basis="6.1.e",
        health_exception="9.2.h",
    )
    Subject.objects.create(practice=practice, activity=activity, category=subject)
    ActivityData.objects.create(
        practice=practice,
        activity=activity,
        category="health",
        retention="20 ans après la dernière consultation",
    )
    Recipient.objects.create(
        practice=practice,
        activity=activity,
        kind="processor",
        details="Hébergeur Santé SAS",
        hds_certified=True,
    )
    return activity


@pytest.fixture
def record(cast):
    RecordHeader.objects.create(
        practice=cast.practice,
        controller_first_name="Claire",
        controller_last_name="Martin",
        controller_address="3 rue des Lilas",
        controller_postcode="75020",
        controller_city="Paris",
        controller_email="contact@cabinet-lilas.fr",
    )
    fiche(cast.practice)
    fiche(cast.practice, name="Paie du personnel", reference="T-2", subject="employees")
    fiche(cast.practice, name="Brouillon", reference="T-3", status="draft")
    fiche(cast.other_practice, name="Fiche d'un autre cabinet", reference="T-9")
    return cast


def data_of(cast):
    return notice.notice_data([cast.practice.pk])[cast.practice.pk]


def test_only_fiches_in_force_about_patients_make_the_notice(record):
    names = [a["name"] for a in data_of(record)["activities"].values()]
    assert names == ["Dossier patient"]


@pytest.mark.parametrize("size", ["a4", "a3"])
def test_the_poster_reads_back_in_plain_french_with_sources_in_footnotes(record, size):
    reader, text = pdf_text(poster.pdf(record.practice, data_of(record), NOW, "fr", size))
    box = reader.pages[0].mediabox
    expected = {"a4": (595, 842), "a3": (842, 1191)}[size]
    assert (round(float(box.width)), round(float(box.height))) == expected
    for words in [
        "Vos données personnelles au cabinet — Cabinet des Lilas",
        "Claire Martin, 3 rue des Lilas 75020 Paris",
        "contact@cabinet-lilas.fr",
        "Suivre vos soins",
        "Prendre vos rendez-vous",
        "une mission d'intérêt public : vous soigner",
        "Vos données de santé servent à vos soins, par des professionnels tenus au secret.",
        "nos prestataires, qui agissent pour nous et sous contrat — Hébergeur Santé SAS",
        "Données concernant la santé : 20 ans après la dernière consultation",
        "Vous pouvez vous opposer à ce partage à tout moment",
        "hébergeur certifié pour les données de santé : Hébergeur Santé SAS",
        "Mon espace santé",
        "vous plaindre auprès de la CNIL",
        "Information mise à jour le 04/12/2026",
        "RGPD), art. 13",
        "art. L1110-4",
        "art. L1111-8",
    ]:
        assert words in text, words
    # No article number in the body: only the footnotes name them.
    body = text.split("Sources :")[0]
    assert "L1110-4" not in body and "art. 6" not in body and "Art. 6.1" not in body
    assert "Paie du personnel" not in text and "autre cabinet" not in text


def test_the_english_poster_and_a_notice_without_host(record):
    Recipient.objects.update(hds_certified=False)
    _reader, text = pdf_text(poster.pdf(record.practice, data_of(record), NOW, "en"))
    assert "Your personal data at the practice — Cabinet des Lilas" in text
    assert "a task in the public interest: caring for you" in text
    assert "You may object to this sharing at any time" in text
    assert "complain to the CNIL" in text
    assert "certified" not in text and "L1111-8" not in text  # no host, no host paragraph


def test_missing_controller_and_legal_basis_say_to_complete(cast):
    activity = fiche(cast.practice)
    activity.legal_basis = ""
    activity.save()
    text = poster.web_text(cast.practice, data_of(cast), NOW, "fr")
    assert text.count("[à compléter]") == 3  # contact, legal basis, rights contact
    assert text.startswith("VOS DONNÉES PERSONNELLES AU CABINET — Cabinet des Lilas\n")


def test_the_website_text_in_html_and_plain_text(record):
    html = poster.web_html(record.practice, data_of(record), NOW, "fr")
    assert html.startswith('<section class="patient-notice">')
    assert "<h3>Le partage avec l&#x27;équipe qui vous soigne<sup>2</sup></h3>" in html
    text = poster.web_text(record.practice, data_of(record), NOW, "fr")
    assert "<" not in text and "&#x27;" not in text
    assert "Le partage avec l'équipe qui vous soigne (2)" in text
    assert "(3) Code de la santé publique, art. L1111-8" in text


def test_the_page_shows_both_texts_to_every_member_and_the_delegate(record):
    for who in ("admin", "staff", "delegate"):
        response = record.client(who).get(url(record))
        assert response.status_code == 200, who
        html = response.content.decode()
        assert 'id="notice-text"' in html and "Suivre vos soins" in html
        assert ("Votre paragraphe" in html) is (who == "admin")


def test_staff_generates_a_poster_and_a_delegate_cannot(record):
    with time_machine.travel(NOW, tick=False):
        response = record.client("staff").post(
            url(record, "notice_generate"), {"language": "fr", "format": "a3"}
        )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    printing = Printing.objects.get(practice=record.practice, document="notice")
    assert (printing.variant, printing.printed_by, printing.printed_at) == ("a3", record.staff, NOW)
    assert AuditEvent.objects.filter(action="notice.print", practice=record.practice).exists()
    response = record.client("delegate").post(
        url(record, "notice_generate"), {"language": "fr", "format": "a4"}
    )
    assert response.status_code == 403
    assert Printing.objects.filter(document="notice").count() == 1


def test_the_website_text_generated_is_recorded_and_the_page_says_current(record):
    client = record.client("admin")
    response = client.post(url(record, "notice_generate"), {"language": "en", "format": "web"})
    assert response.status_code == 302 and response["Location"].endswith("?langue=en#texte-du-site")
    html = client.get(response["Location"]).content.decode()
    assert "À jour" in html and "Your personal data at the practice" in html


def status_of(cast):
    return notice.statuses([cast.practice.pk])[cast.practice.pk]


def test_a_changed_fiche_in_force_makes_the_notice_outdated_with_what_changed(record):
    record.client("admin").post(url(record, "notice_generate"), {"language": "fr", "format": "a4"})
    assert status_of(record).state == State.CURRENT
    activity = ProcessingActivity.objects.get(practice=record.practice, reference="T-1")
    activity.legal_basis = "6.1.c"
    activity.save()
    Recipient.objects.filter(activity=activity).update(details="Autre hébergeur")
    fiche(record.practice, name="Prise de rendez-vous en ligne", reference="T-4")
    # A draft or another practice's fiche changes nothing.
    ProcessingActivity.objects.filter(reference__in=["T-3", "T-9"]).update(name="Changé")
    status = status_of(record)
    assert status.state == State.OUTDATED
    assert status.changes == [
        "fiche « Dossier patient » modifiée : base légale, destinataires",
        "fiche « Prise de rendez-vous en ligne » mise en vigueur",
    ]
    html = record.client("admin").get(url(record)).content.decode()
    assert "À mettre à jour" in html and "mise en vigueur" in html
    dashboard = record.client("staff").get(f"/p/{record.practice.slug}/").content.decode()
    assert (
        "Information des patients à mettre à jour : fiche « Dossier patient » modifiée" in dashboard
    )
    # Archived: it leaves the notice.
    activity.status = "archived"
    activity.save()
    assert "fiche « Dossier patient » retirée" in status_of(record).changes


def test_the_admins_are_reminded_once_per_change(record):
    from documents import reminders
    from portal.notifications import sweep
    from portal.notifications.models import SentReminder

    record.client("admin").post(url(record, "notice_generate"), {"language": "fr", "format": "a4"})
    assert list(reminders.due(NOW)) == []
    ProcessingActivity.objects.filter(reference="T-1").update(main_purpose="Autre finalité")
    (item,) = reminders.due(NOW)
    assert item.kind == "notice.outdated" and item.roles == ("admin",)
    assert item.url == url(record)
    assert item.context["title"]["fr"] == "fiche « Dossier patient » modifiée : finalités"
    assert item.context["title"]["en"] == 'entry "Dossier patient" changed: purposes'
    sweep.run_sweep(NOW, enqueue=len)
    sweep.run_sweep(NOW, enqueue=len)
    rows = SentReminder.objects.filter(kind="notice.outdated")
    assert list(rows.values_list("recipient", flat=True)) == [record.admin.pk]
    # Regenerated: nothing due; changed again: reminded again.
    record.client("admin").post(url(record, "notice_generate"), {"language": "fr", "format": "web"})
    assert list(reminders.due(NOW)) == []
    ProcessingActivity.objects.filter(reference="T-1").update(main_purpose="Encore une autre")
    sweep.run_sweep(NOW, enqueue=len)
    assert SentReminder.objects.filter(kind="notice.outdated").count() == 2


def test_the_reminder_sweep_s_queries_do_not_grow_with_practices(
    record, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from documents import reminders
    from tests.factories import MembershipFactory

    def generated_and_changed(practice):
        fiche(practice, reference=f"N-{practice.pk}")
        Printing.objects.create(
            practice=practice, document="notice", language="fr", fingerprint="old"
        )

    generated_and_changed(record.practice)
    with CaptureQueriesContext(connection) as one:
        assert len(list(reminders.due(NOW))) == 1
    for _ in range(4):
        generated_and_changed(MembershipFactory(role="admin").practice)
    with CaptureQueriesContext(connection) as five:
        assert len(list(reminders.due(NOW))) == 5
    assert len(one) == len(five)


def test_the_admin_s_paragraph_warns_once_about_identifying_data_and_keeps_the_text(record):
    client = record.client("admin")
    typed = "Pour Jeanne Dupont 12/03/1956, voir le Dr Martin."
    response = client.post(url(record, "notice_paragraph"), {"own_paragraph": typed})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Votre paragraphe semble contenir une date de naissance associée à une personne" in html
    assert "Jeanne Dupont 12/03/1956" in html
    assert not NoticeSettings.objects.exists()
    # Confirmed (the hidden acknowledgement the page sent back): saved as typed, audited.
    response = client.post(
        url(record, "notice_paragraph"), {"own_paragraph": typed, "identifying_ack": "True"}
    )
    assert response.status_code == 302
    assert NoticeSettings.objects.get(practice=record.practice).own_paragraph == typed
    assert AuditEvent.objects.filter(action="notice.paragraph").count() == 1


def test_the_paragraph_is_printed_and_only_admins_write_it(record):
    client = record.client("admin")
    client.post(url(record, "notice_paragraph"), {"own_paragraph": "Accueil du lundi au vendredi."})
    assert "Accueil du lundi au vendredi." in poster.web_text(
        record.practice, data_of(record), NOW, "fr"
    )
    for who in ("staff", "delegate"):
        response = record.client(who).post(url(record, "notice_paragraph"), {"own_paragraph": "x"})
        assert response.status_code == 403
    assert NoticeSettings.objects.get().own_paragraph == "Accueil du lundi au vendredi."
