"""The record's exports, read back with the libraries that wrote them, field by field."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from odf.opendocument import load as load_ods
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import load_workbook
from pypdf import PdfReader

from portal import exports as safe
from registry import exports, services
from registry.models import ProcessingActivity
from tests.registry.test_registry import fiche

pytestmark = pytest.mark.django_db

# Every field of the CNIL model record (domain.md §1.2-1.3), with where Vigie keeps it.
CNIL_FIELDS = {
    # Sheet 2: organisation header and list.
    "Coordonnées du responsable de l'organisme": "RecordHeader.controller_last_name",
    "Coordonnées du représentant": "RecordHeader.representative_last_name",
    "Coordonnées du délégué à la protection des données": "RecordHeader.dpo_last_name",
    "Société (si DPO externe)": "RecordHeader.dpo_company",
    "Date de création de la fiche": "ProcessingActivity.created_on",
    "Dernière mise à jour de la fiche": "ProcessingActivity.updated_at",
    "Finalité du traitement": "ProcessingActivity.main_purpose",
    "Données sensibles ?": "ProcessingActivity.has_sensitive",
    # Sheet 3, A. Description.
    "Nom du traitement": "ProcessingActivity.name",
    "N° / RÉF": "ProcessingActivity.reference",
    "Date de création du traitement": "ProcessingActivity.created_on",
    "Mise à jour du traitement": "ProcessingActivity.updated_at",
    # B. Actors, with their contact columns.
    "Responsable du traitement": "RecordHeader.controller_last_name",
    "Délégué à la protection des données": "RecordHeader.dpo_last_name",
    "Société du DPO (si celui-ci est externe)": "RecordHeader.dpo_company",
    "Représentant": "RecordHeader.representative_last_name",
    "Responsable(s) conjoint(s)": "ProcessingActivity.joint_controllers",
    "Nom": "RecordHeader.controller_last_name",
    "Adresse": "RecordHeader.controller_address",
    "Code postal": "RecordHeader.controller_postcode",
    "Ville": "RecordHeader.controller_city",
    "Pays": "RecordHeader.controller_country",
    "Téléphone": "RecordHeader.controller_phone",
    "Adresse mél": "RecordHeader.controller_email",
    # C. Purposes.
    "Finalité principale": "ProcessingActivity.main_purpose",
    **{f"Sous-finalité {i}": f"ProcessingActivity.sub_purpose_{i}" for i in range(1, 6)},
    # D. Personal data, E. sensitive data.
    "Catégories de données personnelles concernées": "ActivityData.category",
    "État civil, identité, données d'identification, images…": "ActivityData.category",
    "Vie personnelle (habitudes de vie, situation familiale…)": "ActivityData.category",
    "Données de connexion (adresse IP, logs…)": "ActivityData.category",
    "Données de localisation (déplacements, données GPS, GSM…)": "ActivityData.category",
    "Numéro de Sécurité Sociale (ou NIR)": "ActivityData.category",
    "Description": "ActivityData.description",
    "Durée de conservation": "ActivityData.retention",
    "Données sensibles": "ActivityData.category",
    "Données révélant l'origine raciale ou ethnique": "ActivityData.category",
    "Données révélant les opinions politiques": "ActivityData.category",
    "Données révélant les convictions religieuses ou philosophiques": "ActivityData.category",
    "Données révélant l'appartenance syndicale": "ActivityData.category",
    "Données génétiques": "ActivityData.category",
    "Données biométriques aux fins d'identifier une personne physique de manière unique": (
        "ActivityData.category"
    ),
    "Données concernant la santé": "ActivityData.category",
    "Données concernant la vie sexuelle ou l'orientation sexuelle": "ActivityData.category",
    "Données relatives à des condamnations pénales ou infractions": "ActivityData.category",
    # F. Persons.
    "Catégories de personnes concernées": "Subject.category",
    "Catégorie de personnes 1": "Subject.category",
    "Précisions": "Subject.details",
    # G. Recipients.
    "Destinataires": "Recipient.kind",
    "Destinataire 1": "Recipient.kind",
    "Type de destinataire": "Recipient.kind",
    # H. Security measures.
    "Mesures de sécurité": "SecurityMeasure.kind",
    "Mesure de sécurité 1": "SecurityMeasure.kind",
    "Type de mesure de sécurité": "SecurityMeasure.kind",
    # I. Transfers.
    "Transferts hors UE": "Transfer.recipient",
    "Organisme destinataire 1": "Transfer.recipient",
    "Destinataire": "Transfer.recipient",
    "Type de garanties": "Transfer.guarantee",
    "Liens vers la documentation": "Transfer.documentation",
    # Added for a health practice.
    "Base légale (art. 6)": "ProcessingActivity.legal_basis",
    "Exception art. 9.2": "ProcessingActivity.health_exception",
    "Certifié HDS": "Recipient.hds_certified",
    "Contrat de sous-traitance signé": "Recipient.dpa_signed",
    "Analyse d'impact (AIPD)": "ProcessingActivity.dpia",
    "Statut": "ProcessingActivity.status",
    "Dernière relecture": "ProcessingActivity.last_reviewed_at",
    "Prochaine relecture": "ProcessingActivity.next_review_at",
}


@pytest.fixture
def record(cast):
    header = services.header_for(cast.practice)
    header.controller_first_name, header.controller_last_name = "Claire", "Martin"
    header.controller_email, header.controller_phone = "claire@lilas.fr", "01 02 03 04 05"
    header.dpo_designated, header.dpo_last_name = True, "Durand"
    header.dpo_company = "DPO Conseil"
    header.save()
    client = cast.client("admin")
    assert (
        client.post(
            reverse("registry:create", kwargs={"practice_slug": cast.practice.slug}), fiche()
        ).status_code
        == 302
    )
    ProcessingActivity.objects.create(
        practice=cast.practice, name="Vidéoprotection", reference="ref/2", main_purpose="Sécurité"
    )
    return client


def export(cast, client, fmt):
    response = client.get(
        reverse(f"registry:export_{fmt}", kwargs={"practice_slug": cast.practice.slug})
    )
    assert response.status_code == 200
    assert "registre-traitements-cabinet-des-lilas-" in response["Content-Disposition"]
    return response.content


def expected(cast):
    practice = cast.practice
    activities = list(
        ProcessingActivity.objects.filter(practice=practice)
        .order_by("status", "reference")
        .prefetch_related("data", "subjects", "recipients", "measures", "transfers")
    )
    sheets = exports.workbook(practice, services.header_for(practice), activities)
    return [(name, [[safe.text(c) for c in row] for row in rows]) for name, rows in sheets]


def _trim(rows):
    """Spreadsheets drop trailing empty cells and rows; compare what carries content."""
    out = []
    for row in rows:
        row = list(row)
        while row and row[-1] in ("", None):
            row.pop()
        out.append(row)
    return out


def _xlsx_text(value) -> str:
    """A cell read back as the other formats write it: dates as 18/03/2026, numbers (the
    completeness, a share) as « 91 % »."""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int | float):  # the only numbers written are Percents
        return str(safe.Percent(value))
    return "" if value is None else str(value)


def read_xlsx(content):
    book = load_workbook(io.BytesIO(content))
    return [
        (sheet.title, [[_xlsx_text(c) for c in row] for row in sheet.iter_rows(values_only=True)])
        for sheet in book.worksheets
    ]


def read_ods(content):
    document = load_ods(io.BytesIO(content))
    sheets = []
    for table in document.spreadsheet.getElementsByType(Table):
        rows = []
        for row in table.getElementsByType(TableRow):
            cells = []
            for cell in row.getElementsByType(TableCell):
                text = "\n".join(str(p) for p in cell.getElementsByType(P))
                cells.append(text)
            rows.append(cells)
        sheets.append((table.getAttribute("name"), rows))
    return sheets


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_spreadsheets_read_back_cell_for_cell(cast, record, fmt):
    content = export(cast, record, fmt)
    sheets = read_xlsx(content) if fmt == "xlsx" else read_ods(content)
    want = expected(cast)
    assert [name for name, _rows in sheets] == [name for name, _rows in want]
    assert [name for name, _rows in sheets] == ["Liste des traitements", "ref-101", "ref-2"]
    for (name, rows), (_n, want_rows) in zip(sheets, want, strict=True):
        got = _trim(rows)
        while got and not got[-1]:
            got.pop()
        assert got == _trim(want_rows), name
    cells = {cell for _name, rows in sheets for row in rows for cell in row}
    # The values typed in the form are all there.
    for value in (
        "Dossier patient",
        "ref-101",
        "15/01/2026",
        "SCM des Lilas, 3 rue des Lilas, 75020 Paris",
        "Suivi médical des patients",
        "Statistiques anonymes",
        "Art. 6.1.c : obligation légale",
        "Nom, prénom, INS",
        "20 ans après la dernière consultation",
        "Photographies cliniques",
        "Patients du cabinet",
        "Éditeur du logiciel",
        "e-CPS",
        "Support de l'éditeur",
        "Maroc",
        "Clauses contractuelles types (CCT)",
        "Contrat du 23/01/2026",
        "01/02/2026",
        "Claire Martin",
        "claire@lilas.fr",
        "DPO Conseil",
        "Cabinet des Lilas",
    ):
        assert value in cells, value


def test_every_cnil_field_is_in_the_model_and_in_the_exports(cast, record):
    from django.apps import apps

    for label, path in CNIL_FIELDS.items():
        model_name, field = path.split(".")
        model = apps.get_model("registry", model_name)
        assert model._meta.get_field(field), label
    for fmt, reader in (("xlsx", read_xlsx), ("ods", read_ods)):
        cells = {c for _n, rows in reader(export(cast, record, fmt)) for row in rows for c in row}
        missing = [label for label in CNIL_FIELDS if label not in cells]
        assert not missing, (fmt, missing)


def test_pdf_has_the_header_every_entry_and_the_date(cast, record):
    reader = PdfReader(io.BytesIO(export(cast, record, "pdf")))
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    assert "Registre des activités de traitement — Cabinet des Lilas" in flat
    assert "Édité le" in flat
    assert "Claire Martin" in flat and "DPO Conseil" in flat
    assert "ref-101 — Dossier patient" in flat and "ref/2 — Vidéoprotection" in flat
    assert "Contrat du 23/01/2026" in flat
    assert len(reader.pages) >= 3  # the list, then one page per entry


def test_archived_entries_are_left_out_of_the_exports(cast, record):
    ProcessingActivity.objects.filter(reference="ref/2").update(status="archived")
    sheets = read_xlsx(export(cast, record, "xlsx"))
    assert [name for name, _rows in sheets] == ["Liste des traitements", "ref-101"]


EXPORTED = datetime(2026, 3, 18, 0, 30, tzinfo=ZoneInfo("Europe/Paris"))  # 17/03 in UTC


def test_the_spreadsheets_hold_real_dates_and_numbers(cast, record):
    """Dates are date cells (the Paris day, shown 18/03/2026), the completeness a number
    with a percent format, in XLSX and ODS alike."""
    activity = ProcessingActivity.objects.get(practice=cast.practice, reference="ref-101")
    with time_machine.travel(EXPORTED, tick=False):
        xlsx, ods = export(cast, record, "xlsx"), export(cast, record, "ods")
    sheet = load_workbook(io.BytesIO(xlsx))["Liste des traitements"]
    edited = sheet["B2"]
    assert edited.is_date and edited.value == datetime(2026, 3, 18)  # Paris, not UTC's 17th
    assert edited.number_format == "DD/MM/YYYY"
    header = [
        c.value for c in next(r for r in sheet.iter_rows() if "N° / RÉF" in [c.value for c in r])
    ]
    line = next(r for r in sheet.iter_rows() if r[1].value == "ref-101")
    completeness = line[header.index("Complétude")]
    assert completeness.data_type == "n" and completeness.number_format == "0 %"
    assert completeness.value == pytest.approx(activity.completeness / 100)
    created = line[header.index("Date de création de la fiche")]
    assert created.is_date and created.value.date() == activity.created_on
    document = load_ods(io.BytesIO(ods))
    cells = [
        cell
        for table in document.spreadsheet.getElementsByType(Table)
        for cell in table.getElementsByType(TableCell)
    ]
    dates = [c for c in cells if c.getAttribute("valuetype") == "date"]
    assert "2026-03-18" in {c.getAttribute("datevalue") for c in dates}
    assert all(str(c.getElementsByType(P)[0]).count("/") == 2 for c in dates)
    shares = [c for c in cells if c.getAttribute("valuetype") == "percentage"]
    assert shares and float(shares[0].getAttribute("value")) == pytest.approx(
        activity.completeness / 100
    )
    assert not any(c.getAttribute("valuetype") == "string" and str(c).endswith("%") for c in cells)
    assert isinstance(safe.day(EXPORTED), date)
