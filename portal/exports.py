"""Spreadsheet exports without formula injection, for every CSV, XLSX and ODS Vigie writes.

A cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a line
feed (or their full-width forms) is read by Excel and LibreOffice as a formula, which can
fetch a URL or run a command when the file is opened (OWASP, "CSV Injection"). Free text
typed in Vigie (an incident's description, a fiche's purpose, a practice's name) must come
out as the text it is:

* in CSV, which has no cell types, such a cell is prefixed with an apostrophe (``'=…``),
  the spreadsheets' own mark for "text as typed";
* in XLSX every cell is written as a string (never a formula nor an error code), and a cell
  beginning with one of those characters also carries Excel's *quote prefix* flag, so it
  stays text when edited, without a visible apostrophe;
* in ODS every cell is written with ``office:value-type="string"`` and no formula.

``registry/exports.py`` (the record's CSV, XLSX and ODS), the breach register's CSV and the
delegate console's CSV all go through here; ``tests/quality/test_export_fuzz.py`` runs every
export with such values.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def text(value) -> str:
    """The cell's text (``None`` is empty)."""
    return "" if value is None else str(value)


def starts_like_a_formula(value: str) -> bool:
    return value.startswith(FORMULA_STARTS)


def neutralise(value) -> str:
    """A CSV cell's text, never read as a formula: ``'`` before a dangerous first character."""
    value = text(value)
    return f"'{value}" if starts_like_a_formula(value) else value


def write_csv(stream, header: Iterable, rows: Iterable[Iterable]) -> None:
    """Write a CSV as Excel opens it in France (UTF-8 BOM, ``;``), every cell neutralised."""
    stream.write("\ufeff")
    writer = csv.writer(stream, delimiter=";")
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])


def csv_text(header: Iterable, rows: Iterable[Iterable]) -> str:
    out = io.StringIO()
    write_csv(out, header, rows)
    return out.getvalue()


def csv_response(filename: str, header: Iterable, rows: Iterable[Iterable]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    write_csv(response, header, rows)
    return response


def xlsx_append(sheet, row: Iterable) -> None:
    """Append a row of text cells to an openpyxl sheet: strings, never formulas."""
    from openpyxl.cell.cell import Cell

    cells = []
    for value in row:
        value = text(value)
        cell = Cell(sheet, value=None)
        cell._value = value  # bypass openpyxl's guess ("=…" formula, "#REF!" error)
        cell.data_type = "s"
        if starts_like_a_formula(value):
            cell.quotePrefix = True
        cells.append(cell)
    sheet.append(cells)


def ods_text_cell(value, **attributes):
    """An ODS table cell holding ``value`` as a string (never a formula)."""
    from odf.table import TableCell
    from odf.text import P

    cell = TableCell(valuetype="string", **attributes)
    cell.addElement(P(text=text(value)))
    return cell
