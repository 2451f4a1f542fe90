"""The record as the CNIL model lays it out: a list sheet with the organisation header,
then one sheet per processing activity. The layout is built once as rows of cells
(``workbook``) and written to XLSX (openpyxl) or ODS (odfpy); CSV has one row per
activity, the PDF the whole record, dated, for an inspection."""

from __future__ import annotations

import io
import re

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal import exports as safe
from portal import pdf
from registry import cnil
from registry.sources import annotate, basis_source, retention_with_source

Sheet = tuple[str, list[list[str]]]


class Head(list):
    """A row of column titles: bold on a grey ground in the spreadsheets, <th> in the PDF."""


class Title(list):
    """A section title ("Description du traitement", "Finalité(s)…"), on its own row."""


def is_head(row) -> bool:
    return isinstance(row, Head)


def is_title(row) -> bool:
    return isinstance(row, Title)


def blocks(rows) -> list[dict]:
    """The rows cut at the blank ones, each block with its title: the PDF draws one table
    per block, so each gets column widths of its own."""
    out, current = [], None
    for row in rows:
        if not row:
            current = None
            continue
        if current is None:
            current = {"title": "", "rows": []}
            out.append(current)
        if is_title(row):
            current["title"] = row[0]
        else:
            current["rows"].append({"head": is_head(row), "cells": [safe.text(c) for c in row]})
    width = max((len(r["cells"]) for b in out for r in b["rows"]), default=1)
    for block in out:
        block["columns"] = max((len(r["cells"]) for r in block["rows"]), default=1)
        for row in block["rows"]:
            # A short row spans the rest of its block, as a merged cell would.
            row["span"] = block["columns"] - len(row["cells"]) + 1
        block["wide"] = block["columns"] == width
    return out


def _date(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value).date()
    return value.strftime("%d/%m/%Y")


def _yes_no(value: bool) -> str:
    return _("Oui") if value else _("Non")


def _person(header, prefix: str) -> str:
    return " ".join(
        part
        for part in (
            getattr(header, f"{prefix}_first_name"),
            getattr(header, f"{prefix}_last_name"),
        )
        if part
    )


def _contact_row(label: str, header, prefix: str, name: str | None = None) -> list[str]:
    return [
        label,
        _person(header, prefix) if name is None else name,
        getattr(header, f"{prefix}_address"),
        getattr(header, f"{prefix}_postcode"),
        getattr(header, f"{prefix}_city"),
        getattr(header, f"{prefix}_country"),
        getattr(header, f"{prefix}_phone"),
        getattr(header, f"{prefix}_email"),
    ]


def contact_columns() -> list[str]:
    return [
        _("Nom"),
        _("Adresse"),
        _("Code postal"),
        _("Ville"),
        _("Pays"),
        _("Téléphone"),
        _("Adresse mél"),
    ]


def list_columns() -> list[str]:
    return [
        _("Nom du traitement"),
        _("N° / RÉF"),
        _("Date de création de la fiche"),
        _("Dernière mise à jour de la fiche"),
        _("Finalité du traitement"),
        _("Données sensibles ?"),
        _("Statut"),
        _("Complétude"),
        _("Prochaine relecture"),
    ]


def list_sheet(practice, header, activities) -> Sheet:
    rows = [
        [_("Registre des activités de traitement"), practice.name],
        [_("Édité le"), safe.day(timezone.now())],
        [],
        Head([_("Coordonnées du responsable de l'organisme"), *contact_columns()]),
        _contact_row(_("Responsable"), header, "controller"),
        Head([_("Coordonnées du représentant"), *contact_columns()]),
        _contact_row(_("Représentant"), header, "representative")
        if header.has_representative
        else [_("Représentant"), _("Sans objet (responsable établi dans l'Union européenne)")],
        Head(
            [
                _("Coordonnées du délégué à la protection des données"),
                *contact_columns(),
                _("Société (si DPO externe)"),
            ]
        ),
        [*_contact_row(_("Délégué à la protection des données"), header, "dpo"), header.dpo_company]
        if header.dpo_designated
        else [
            _("Délégué à la protection des données"),
            _("Aucun DPO désigné : %(why)s") % {"why": header.no_dpo_note},
        ],
        [],
        Title([_("Liste des activités de traitement")]),
        Head(list_columns()),
    ]
    for activity in activities:
        rows.append(
            [
                activity.name,
                activity.reference,
                safe.day(activity.created_on),
                safe.day(activity.updated_at),
                activity.main_purpose,
                _yes_no(activity.has_sensitive),
                activity.get_status_display(),
                safe.Percent(activity.completeness / 100),
                safe.day(activity.next_review_at),
            ]
        )
    return (_("Liste des traitements"), rows)


def activity_sheet(activity, header) -> list[list[str]]:
    data = list(activity.data.all())
    by_category = {row.category: row for row in data if row.category != cnil.DataCategory.CUSTOM}
    rows = [
        [_("Fiche de registre"), activity.name],
        [],
        Title([_("Description du traitement")]),
        [_("Nom du traitement"), activity.name],
        [_("N° / RÉF"), activity.reference],
        [_("Date de création du traitement"), safe.day(activity.created_on)],
        [_("Mise à jour du traitement"), safe.day(activity.updated_at)],
        [_("Statut"), activity.get_status_display()],
        [],
        Head([_("Acteurs"), *contact_columns()]),
        _contact_row(_("Responsable du traitement"), header, "controller"),
        _contact_row(_("Délégué à la protection des données"), header, "dpo")
        if header.dpo_designated
        else [_("Délégué à la protection des données"), _("Aucun DPO désigné")],
        [
            _("Société du DPO (si celui-ci est externe)"),
            header.dpo_company if header.dpo_designated else "",
        ],
        _contact_row(_("Représentant"), header, "representative")
        if header.has_representative
        else [_("Représentant"), ""],
        [_("Responsable(s) conjoint(s)"), activity.joint_controllers],
        [],
        Title([_("Finalité(s) du traitement effectué")]),
        [_("Finalité principale"), activity.main_purpose],
        *[
            [_("Sous-finalité %(n)s") % {"n": i}, text]
            for i, text in enumerate(activity.sub_purposes, 1)
        ],
        _with_source(
            [_("Base légale (art. 6)"), activity.get_legal_basis_display()],
            basis_source(activity, "legal_basis"),
        ),
        _with_source(
            [
                _("Exception art. 9.2"),
                activity.get_health_exception_display() if activity.health_exception else "",
            ],
            basis_source(activity, "health_exception"),
        ),
        [],
        Head(
            [
                _("Catégories de données personnelles concernées"),
                _("Description"),
                _("Durée de conservation"),
            ]
        ),
    ]
    for category in cnil.STANDARD_CATEGORIES:
        row = by_category.get(category)
        rows.append([category.label, row.description if row else "", _retention(activity, row)])
    for row in data:
        if row.category == cnil.DataCategory.CUSTOM:
            rows.append([row.label, row.description, row.retention])
    rows += [[], Head([_("Données sensibles"), _("Description"), _("Durée de conservation")])]
    for category in cnil.SENSITIVE_CATEGORIES:
        row = by_category.get(category)
        rows.append([category.label, row.description if row else "", _retention(activity, row)])
    rows += [
        [],
        Head([_("Catégories de personnes concernées"), _("Description"), _("Précisions")]),
    ]
    for i, subject in enumerate(activity.subjects.all(), 1):
        rows.append(
            [
                _("Catégorie de personnes %(n)s") % {"n": i},
                subject.get_category_display(),
                subject.details,
            ]
        )
    rows += [
        [],
        Head(
            [
                _("Destinataires"),
                _("Type de destinataire"),
                _("Précisions"),
                _("Certifié HDS"),
                _("Contrat de sous-traitance signé"),
            ]
        ),
    ]
    for i, recipient in enumerate(activity.recipients.all(), 1):
        processor = recipient.kind == cnil.RecipientType.PROCESSOR
        rows.append(
            [
                _("Destinataire %(n)s") % {"n": i},
                recipient.get_kind_display(),
                recipient.details,
                _yes_no(recipient.hds_certified) if processor else "",
                _yes_no(recipient.dpa_signed) if processor else "",
            ]
        )
    rows += [
        [],
        Head([_("Mesures de sécurité"), _("Type de mesure de sécurité"), _("Précisions")]),
    ]
    for i, measure in enumerate(activity.measures.all(), 1):
        rows.append(
            [_("Mesure de sécurité %(n)s") % {"n": i}, measure.get_kind_display(), measure.details]
        )
    rows += [
        [],
        Head(
            [
                _("Transferts hors UE"),
                _("Destinataire"),
                _("Pays"),
                _("Type de garanties"),
                _("Liens vers la documentation"),
            ]
        ),
    ]
    transfers = list(activity.transfers.all())
    for i, transfer in enumerate(transfers, 1):
        rows.append(
            [
                _("Organisme destinataire %(n)s") % {"n": i},
                transfer.recipient,
                transfer.country_label,
                transfer.get_guarantee_display(),
                transfer.documentation,
            ]
        )
    if not transfers:
        rows.append(
            [_("Organisme destinataire 1"), _("Aucun transfert hors de l'Union européenne")]
        )
    rows += [
        [],
        [
            _("Analyse d'impact (AIPD)"),
            activity.get_dpia_display(),
            safe.day(activity.dpia_done_on),
        ],
        [_("Dernière relecture"), safe.day(activity.last_reviewed_at)],
        [_("Prochaine relecture"), safe.day(activity.next_review_at)],
    ]
    return rows


def _sheet_name(reference: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\']", "-", reference).strip() or "fiche"
    base = base[:28]
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[:25]}-{n}"
        n += 1
    used.add(name.lower())
    return name


def _retention(activity, row) -> str:
    return retention_with_source(activity, row) if row else ""


def _with_source(row: list, line: str) -> list:
    """A row of the fiche with its source in the next column, when it has one."""
    return [*row, line] if line else row


def workbook(practice, header, activities) -> list[Sheet]:
    annotate(activities)
    sheets = [list_sheet(practice, header, activities)]
    used = {sheets[0][0].lower()}
    for activity in activities:
        sheets.append((_sheet_name(activity.reference, used), activity_sheet(activity, header)))
    return sheets


def to_xlsx(sheets: list[Sheet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook()
    book.remove(book.active)
    grey = PatternFill("solid", start_color="E7EAEF", end_color="E7EAEF")
    for title, rows in sheets:
        sheet = book.create_sheet(title=title)
        for row in rows:
            safe.xlsx_append(sheet, row)
        for number, (row, cells) in enumerate(zip(rows, sheet.iter_rows(), strict=False), 1):
            for cell in cells:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if number == 1:  # the sheet's own title: practice or activity name
                for cell in cells:
                    cell.font = Font(bold=True, size=13)
            elif is_title(row):
                cells[0].font = Font(bold=True, size=12)
            elif is_head(row):
                for cell in cells[: len(row)]:
                    cell.font = Font(bold=True)
                    cell.fill = grey
            elif row:
                cells[0].font = Font(bold=True)  # the label column, as on the CNIL sheet
        sheet.column_dimensions["A"].width = 48
        for column in "BCDEFGHI":
            sheet.column_dimensions[column].width = 28
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_ods(sheets: list[Sheet]) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import (
        Style,
        TableCellProperties,
        TableColumnProperties,
        TextProperties,
    )
    from odf.table import Table, TableColumn, TableRow

    document = OpenDocumentSpreadsheet()

    def cell_style(name, bold=False, size=None, ground=None):
        style = Style(name=name, family="table-cell")
        cell = {"wrapoption": "wrap", "verticalalign": "top"}
        if ground:
            cell["backgroundcolor"] = ground
        style.addElement(TableCellProperties(**cell))
        if bold or size:
            text = {"fontweight": "bold"} if bold else {}
            if size:
                text["fontsize"] = size
            style.addElement(TextProperties(**text))
        document.automaticstyles.addElement(style)
        return style

    plain = cell_style("plain")
    label = cell_style("label", bold=True)
    head = cell_style("head", bold=True, ground="#e7eaef")
    title_style = cell_style("title", bold=True, size="12pt")
    first = cell_style("first", bold=True, size="13pt")
    columns = []
    for name, width in (("col-label", "8.5cm"), ("col-value", "5cm")):
        style = Style(name=name, family="table-column")
        style.addElement(TableColumnProperties(columnwidth=width))
        document.automaticstyles.addElement(style)
        columns.append(style)
    for title, rows in sheets:
        table = Table(name=title)
        table.addElement(TableColumn(stylename=columns[0]))
        table.addElement(TableColumn(stylename=columns[1], numbercolumnsrepeated=8))
        for number, row in enumerate(rows, 1):
            table_row = TableRow()
            for index, value in enumerate(row):
                if number == 1:
                    style = first
                elif is_title(row):
                    style = title_style
                elif is_head(row):
                    style = head
                else:
                    style = label if index == 0 else plain
                table_row.addElement(safe.ods_text_cell(value, stylename=style))
            table.addElement(table_row)
        document.spreadsheet.addElement(table)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def csv_columns() -> list[str]:
    return [
        _("N° / RÉF"),
        _("Nom du traitement"),
        _("Statut"),
        _("Date de création"),
        _("Dernière mise à jour"),
        _("Finalité principale"),
        _("Sous-finalités"),
        _("Base légale (art. 6)"),
        _("Exception art. 9.2"),
        _("Catégories de données (conservation)"),
        _("Données sensibles (conservation)"),
        _("Personnes concernées"),
        _("Destinataires"),
        _("Transferts hors UE"),
        _("Mesures de sécurité"),
        _("Responsable(s) conjoint(s)"),
        _("AIPD"),
        _("Dernière relecture"),
        _("Prochaine relecture"),
        _("Complétude"),
    ]


def csv_row(activity) -> list[str]:
    data = list(activity.data.all())

    def data_text(rows):
        return " | ".join(
            f"{r.title} : {r.description} ({retention_with_source(activity, r)})".replace(
                "\n", " — "
            )
            for r in rows
        )

    def basis(text, name):
        line = basis_source(activity, name)
        return f"{text} — {line}" if text and line else text

    return [
        activity.reference,
        activity.name,
        activity.get_status_display(),
        _date(activity.created_on),
        _date(activity.updated_at),
        activity.main_purpose,
        " | ".join(s for s in activity.sub_purposes if s),
        basis(activity.get_legal_basis_display(), "legal_basis"),
        basis(
            activity.get_health_exception_display() if activity.health_exception else "",
            "health_exception",
        ),
        data_text([r for r in data if not r.sensitive]),
        data_text([r for r in data if r.sensitive]),
        " | ".join(f"{s.get_category_display()} : {s.details}" for s in activity.subjects.all()),
        " | ".join(
            f"{r.get_kind_display()} : {r.details}"
            + (
                f" (HDS : {_yes_no(r.hds_certified)}, art. 28 : {_yes_no(r.dpa_signed)})"
                if r.kind == cnil.RecipientType.PROCESSOR
                else ""
            )
            for r in activity.recipients.all()
        ),
        " | ".join(
            f"{t.recipient} ({t.country_label}) : {t.get_guarantee_display()} "
            f"{t.documentation}".strip()
            for t in activity.transfers.all()
        ),
        " | ".join(f"{m.get_kind_display()} : {m.details}" for m in activity.measures.all()),
        activity.joint_controllers,
        activity.get_dpia_display(),
        _date(activity.last_reviewed_at),
        _date(activity.next_review_at),
        f"{activity.completeness} %",
    ]


def to_csv(activities) -> str:
    activities = list(activities)
    annotate(activities)
    return safe.csv_text(csv_columns(), (csv_row(activity) for activity in activities))


def pdf_html(practice, header, activities) -> str:
    """The record as the PDF lays it out: one table per block of the CNIL sheets, each
    section under its title. The first block of each sheet (its name, the date) is the
    PDF's own heading."""
    activities = list(activities)
    annotate(activities)
    now = timezone.now()
    for activity in activities:
        # The same rule as the registry's card and the console (ProcessingActivity.review_due).
        activity.review_overdue = activity.review_due(now)
    return render_to_string(
        "registry/record_pdf.html",
        {
            "practice": practice,
            "now": now,
            "lang": get_language() or "fr",
            "list_blocks": blocks(list_sheet(practice, header, activities)[1])[1:],
            "sheets": [(a, blocks(activity_sheet(a, header))[1:]) for a in activities],
        },
    )


def to_pdf(practice, header, activities) -> bytes:
    return pdf.render(pdf_html(practice, header, activities))
