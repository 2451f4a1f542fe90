"""The record's exports laid out like the CNIL model: titles, column heads, one table per
section in the PDF (review of the real files)."""

import io

import pytest
from django.utils import translation
from odf.opendocument import load as load_ods
from odf.table import Table, TableCell, TableRow
from openpyxl import load_workbook

from registry import exports, services
from registry.models import ProcessingActivity
from tests.registry.test_exports import export
from tests.registry.test_exports import record as record  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


class TestExportLayout:
    def test_xlsx_titles_and_column_heads_stand_out(self, cast, record):  # noqa: F811
        book = load_workbook(io.BytesIO(export(cast, record, "xlsx")))
        sheet = book["ref-101"]
        cells = {row[0].value: row for row in sheet.iter_rows()}
        assert cells["Fiche de registre"][0].font.b
        assert cells["Description du traitement"][0].font.b
        head = cells["Catégories de données personnelles concernées"]
        assert all(c.font.b and c.fill.fgColor.rgb.endswith("E7EAEF") for c in head[:3])
        plain = cells["Finalité principale"]
        assert plain[0].font.b and not plain[1].font.b  # the label column, then the value

    def test_ods_has_column_widths_and_bold_heads(self, cast, record):  # noqa: F811
        document = load_ods(io.BytesIO(export(cast, record, "ods")))
        table = list(document.spreadsheet.getElementsByType(Table))[1]
        rows = table.getElementsByType(TableRow)
        styles = {}
        for row in rows:
            cells = row.getElementsByType(TableCell)
            if cells:
                styles[str(cells[0])] = cells[0].getAttribute("stylename")
        assert styles["Description du traitement"] == "title"
        assert styles["Catégories de données personnelles concernées"] == "head"
        assert styles["Finalité principale"] == "label"
        xml = document.xml().decode()
        assert 'style:column-width="8.5cm"' in xml and 'fo:font-weight="bold"' in xml

    def test_pdf_has_one_titled_table_per_section_in_the_reader_language(self, cast, record):  # noqa: F811
        practice = cast.practice
        activities = list(
            ProcessingActivity.objects.filter(practice=practice).prefetch_related(
                "data", "subjects", "recipients", "measures", "transfers"
            )
        )
        header = services.header_for(practice)
        html = exports.pdf_html(practice, header, activities)
        assert '<html lang="fr">' in html
        assert "<h3>Description du traitement</h3>" in html
        assert "<h3>Finalité(s) du traitement effectué</h3>" in html
        assert "<thead><tr><th>Destinataires</th>" in html  # heads repeat on each page
        assert html.count("<table") > 10 * len(activities)
        assert "Fiche de registre" not in html  # the sheet's name row: the <h2> says it
        # The list may break across pages (kept whole, it would leave page 1 nearly empty).
        assert '<div class="block"><h3>Liste des activités de traitement</h3>' in html
        assert '<div class="block keep"><h3>Description du traitement</h3>' in html
        with translation.override("en"):
            html = exports.pdf_html(practice, header, activities)
        assert '<html lang="en">' in html
