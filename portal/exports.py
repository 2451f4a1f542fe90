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
from datetime import date, datetime

from django.http import HttpResponse
from django.utils import timezone

from portal import formatting

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


# Number formats of the typed cells: a day as in France, a whole percentage.
XLSX_DATE = "DD/MM/YYYY"
XLSX_PERCENT = "0 %"


class Percent(float):
    """A share (0..1) a spreadsheet keeps as a number with a percent format; its text is
    « 91 % » (``formatting.share``)."""

    def __str__(self) -> str:
        return formatting.share(float(self))


def day(value) -> date | None:
    """A date, or a moment as its day in Europe/Paris, for a date cell (``None`` stays)."""
    if isinstance(value, datetime):
        return timezone.localtime(value).date()
    return value


def text(value) -> str:
    """The cell's text (``None`` is empty; a date as 18/03/2026; a Percent as « 91 % »)."""
    if value is None:
        return ""
    if isinstance(value, date):
        return day(value).strftime("%d/%m/%Y")
    return str(value)


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
    """Append a row to an openpyxl sheet: dates and Percents as typed cells, everything
    else as strings, never formulas."""
    from openpyxl.cell.cell import Cell

    cells = []
    for value in row:
        if isinstance(value, date):  # a real date cell, in Paris, shown as a French day
            cell = Cell(sheet, value=day(value))
            cell.number_format = XLSX_DATE
            cells.append(cell)
            continue
        if isinstance(value, Percent):  # a real number, shown as a percentage
            cell = Cell(sheet, value=float(value))
            cell.number_format = XLSX_PERCENT
            cells.append(cell)
            continue
        value = text(value)
        cell = Cell(sheet, value=None)
        cell._value = value  # bypass openpyxl's guess ("=…" formula, "#REF!" error)
        cell.data_type = "s"
        if starts_like_a_formula(value):
            cell.quotePrefix = True
        cells.append(cell)
    sheet.append(cells)


def ods_text_cell(value, **attributes):
    """An ODS table cell: a date (office:date-value) or a Percent (percentage) typed, with
    its French text; anything else as a string (never a formula)."""
    from odf.table import TableCell
    from odf.text import P

    if isinstance(value, date):
        cell = TableCell(valuetype="date", datevalue=day(value).isoformat(), **attributes)
    elif isinstance(value, Percent):
        cell = TableCell(valuetype="percentage", value=float(value), **attributes)
    else:
        cell = TableCell(valuetype="string", **attributes)
    cell.addElement(P(text=text(value)))
    return cell
