"""Issue 19, item 4: no export lets free text become a spreadsheet formula.

Every CSV, XLSX and ODS export Vigie offers (the record of processing activities in its
three spreadsheet formats, the breach register's CSV, the delegate console's CSV) is run
with free text that begins with each character a spreadsheet reads as a formula, then read
back: a CSV cell never starts with one of them, an XLSX cell is a string (with the quote
prefix) and never a formula, an ODS cell is a string without a formula. The values come out
whole, so the test would notice an export that dropped them.
"""

import csv
import io
import string
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from odf.namespaces import TABLENS
from odf.opendocument import load as load_ods
from odf.table import TableCell
from openpyxl import load_workbook

from portal import exports
from registry import cnil
from registry.incidents.models import Incident
from registry.models import (
    ActivityData,
    ProcessingActivity,
    Recipient,
    RecordHeader,
    SecurityMeasure,
    Subject,
    Transfer,
)
from tests.factories import OversightFactory, PracticeFactory

pytestmark = pytest.mark.django_db

DANGEROUS = ["=", "+", "-", "@", "\t", "\r", "\n", "＝"]
NOW = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)


def payload(start: str, where: str) -> str:
    return f'{start}HYPERLINK("http://evil.example/{where}","x")'


def seed(cast, start):
    """The cast's practice with free text starting with ``start`` wherever it is typed."""
    practice = cast.practice
    RecordHeader.objects.create(
        practice=practice,
        controller_last_name=payload(start, "controller"),
        controller_city=payload(start, "city"),
        dpo_company=payload(start, "dpo"),
    )
    activity = ProcessingActivity.objects.create(
        practice=practice,
        name=payload(start, "name"),
        reference=payload(start, "ref")[:40],
        status=cnil.Status.ACTIVE,
        created_on=NOW.date(),
        joint_controllers=payload(start, "joint"),
        main_purpose=payload(start, "purpose"),
        sub_purpose_1=payload(start, "sub"),
        legal_basis=cnil.LegalBasis.values[0],
    )
    parts = {"practice": practice, "activity": activity}
    ActivityData.objects.create(
        **parts,
        category=cnil.DataCategory.values[0],
        description=payload(start, "data"),
        retention=payload(start, "retention")[:100],
    )
    Subject.objects.create(
        **parts, category=cnil.SubjectCategory.values[0], details=payload(start, "subject")
    )
    Recipient.objects.create(
        **parts, kind=cnil.RecipientType.values[0], details=payload(start, "recipient")
    )
    SecurityMeasure.objects.create(
        **parts, kind=cnil.MeasureType.values[0], details=payload(start, "measure")
    )
    Transfer.objects.create(
        **parts, recipient=payload(start, "transfer"), country="US", documentation=start + "doc"
    )
    Incident.objects.create(
        practice=practice,
        kind="ransomware",
        description=payload(start, "description"),
        data_categories=payload(start, "categories"),
        consequences=payload(start, "consequences"),
        measures=payload(start, "measures"),
        noticed_at=NOW,
        aware_at=NOW,
        personal_data=True,
        risk="high",
        cnil_required=True,
        cnil_reason=payload(start, "reason"),
    )
    overseen = PracticeFactory(name=payload(start, "practice"), slug="cabinet-piege")
    OversightFactory(practice=overseen, delegate=cast.delegate)


def registry_url(cast, fmt):
    return reverse(f"registry:export_{fmt}", kwargs={"practice_slug": cast.practice.slug})


def csv_cells(response) -> list[str]:
    assert response.status_code == 200
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    return [cell for row in rows for cell in row]


def check_csv(cells, start):
    marked = [cell for cell in cells if "evil.example" in cell]
    assert marked, "the free text did not reach the export"
    for cell in cells:
        assert not exports.starts_like_a_formula(cell), repr(cell)
    # The text is kept whole, behind the apostrophe when it is at the start of the cell.
    assert any(cell.startswith("'" + start + "HYPERLINK") for cell in marked)


@pytest.mark.parametrize("start", DANGEROUS, ids=repr)
def test_every_export_neutralises_formulas(cast, start):
    with time_machine.travel(NOW, tick=False):
        seed(cast, start)
        admin, delegate = cast.client("admin"), cast.client("delegate")

        check_csv(csv_cells(admin.get(registry_url(cast, "csv"))), start)
        register = reverse("incidents:register_csv", kwargs={"practice_slug": cast.practice.slug})
        check_csv(csv_cells(admin.get(register)), start)
        check_csv(csv_cells(delegate.get(reverse("delegate_console_csv"))), start)

        xlsx = admin.get(registry_url(cast, "xlsx"))
        assert xlsx.status_code == 200
        book = load_workbook(io.BytesIO(xlsx.content))
        seen = 0
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    value = "" if cell.value is None else str(cell.value)
                    assert cell.data_type not in ("f", "e"), (cell.coordinate, value)
                    if value and cell.data_type != "s":
                        # Only the typed cells: dates and percentages (portal/exports.py).
                        assert (cell.data_type, cell.number_format) in (
                            ("d", exports.XLSX_DATE),
                            ("n", exports.XLSX_PERCENT),
                        ), (cell.coordinate, value)
                    if exports.starts_like_a_formula(value):
                        assert cell.quotePrefix, (sheet.title, cell.coordinate, value)
                        seen += 1
        assert seen >= 10

        ods = admin.get(registry_url(cast, "ods"))
        assert ods.status_code == 200
        document = load_ods(io.BytesIO(ods.content))
        seen = 0
        for cell in document.getElementsByType(TableCell):
            assert (TABLENS, "formula") not in cell.attributes
            text = str(cell)
            if text:  # text, or a typed date or percentage (never a formula)
                assert cell.getAttribute("valuetype") in ("string", "date", "percentage")
            if "evil.example" in text:
                seen += 1
        assert seen >= 10


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(DANGEROUS + ["", "a", " ", "'"]),
    st.text(alphabet=string.printable + "éà＝＋", max_size=30),
)
def test_neutralise_never_leaves_a_formula_start_and_keeps_the_text(start, rest):
    value = start + rest
    cell = exports.neutralise(value)
    assert not exports.starts_like_a_formula(cell)
    assert cell in (value, "'" + value)
