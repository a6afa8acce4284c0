"""The appeal-rate dashboards as CSV or XLSX: one row per group per grouping, headers in the reader's language.

CSV is one table with the grouping in the first column, in UTF-8 with a byte-order mark (Excel needs it for
Chinese); XLSX has one sheet per grouping with rates as numbers formatted as percents. Every export is audited.
Text that a spreadsheet would run as a formula (a category or community named ``=…``) gets a leading apostrophe
(:mod:`comity.engine.spreadsheet`); numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from fractions import Fraction
from typing import Any

import openpyxl
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl.styles import Font

from comity.accounts.models import User
from comity.appeals.rates.report import GroupRow, RatesReport, TrendPoint
from comity.engine.rates import Rate
from comity.engine.spreadsheet import neutralise_cell, neutralise_row
from comity.foundation.audit import record_audit
from comity.structure.models import Community, Street

Cell = str | int | float | None


def header() -> list[str]:
    return [
        _("Grouping"),
        _("Group"),
        _("Appeals received"),
        _("Response rate"),
        _("Signed for within 24 hours"),
        _("Response: appeals judged"),
        _("Resolution rate"),
        _("Rated resolved"),
        _("Resolution: appeals rated"),
        _("Satisfaction rate"),
        _("Satisfied"),
        _("Satisfaction: appeals rated"),
        _("On-time rate"),
        _("Closed on time"),
        _("On time: appeals judged"),
        _("Score"),
    ]


def _number(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _count(value: Fraction) -> int | float:
    return value.numerator if value.denominator == 1 else float(value)


def _rate(rate: Rate) -> list[Cell]:
    return [_number(rate.value), _count(rate.numerator), rate.denominator]


def _row(grouping: str, label: str, row: GroupRow | TrendPoint) -> list[Cell]:
    card = row.card
    return [
        grouping,
        label,
        row.tally.received,
        *_rate(card.response),
        *_rate(card.resolution),
        *_rate(card.satisfaction),
        *_rate(card.on_time),
        _number(card.score),
    ]


def sheets(report: RatesReport) -> list[tuple[str, list[list[Cell]]]]:
    """``(grouping title, rows)`` for the whole, each grouping and each month; rates as fractions of 1."""
    result = [(_("All appeals"), [_row(_("All appeals"), report.total.label, report.total)])]
    for grouping in report.groupings:
        result.append((grouping.title, [_row(grouping.title, row.label, row) for row in grouping.rows]))
    by_month = _("By month")
    result.append((by_month, [_row(by_month, point.label, point) for point in report.trend]))
    return result


def _csv_cell(value: Cell, column: int) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and column in RATE_COLUMNS:
        return f"{value * 100:.1f}"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


#: Columns holding a rate (exported as percents in CSV, formatted as percents in XLSX).
RATE_COLUMNS = frozenset({3, 6, 9, 12, 15})


def _audit(actor: User, report: RatesReport, file_format: str, rows: int, **scope: Any) -> None:
    choice = report.choice
    period = f"{choice.first_day.isoformat()}/{choice.last_day.isoformat()}"
    record_audit(
        actor=actor,
        action="appeals.export_rates",
        summary=gettext_noop("Exported the appeal rates for %(period)s (%(rows)s rows, %(format)s)"),
        params={"period": period, "rows": rows, "format": file_format},
        changes={"period": period, "rows": rows, "format": file_format},
        **scope,
    )


def _scope(target: Community | Street) -> dict[str, Any]:
    return {"community": target} if isinstance(target, Community) else {"street": target}


def export_rates_csv(actor: User, target: Community | Street, report: RatesReport, language: str) -> bytes:
    with translation.override(language):
        rows = [row for _title, block in sheets(report) for row in block]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(
            [f"{name} (%)" if column in RATE_COLUMNS else name for column, name in enumerate(header())]
        )
        writer.writerows(
            [neutralise_cell(_csv_cell(value, column)) for column, value in enumerate(row)] for row in rows
        )
    _audit(actor, report, "csv", len(rows), **_scope(target))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _sheet_title(title: str, used: set[str]) -> str:
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title)[:31] or "-"
    candidate, number = cleaned, 2
    while candidate in used:
        candidate = f"{cleaned[:28]} {number}"
        number += 1
    used.add(candidate)
    return candidate


def export_rates_xlsx(actor: User, target: Community | Street, report: RatesReport, language: str) -> bytes:
    count = 0
    with translation.override(language):
        workbook = openpyxl.Workbook()
        workbook.remove(workbook.worksheets[0])
        used: set[str] = set()
        for title, rows in sheets(report):
            sheet = workbook.create_sheet(_sheet_title(title, used))
            sheet.append(header())
            for row in rows:
                sheet.append(neutralise_row(row))
                count += 1
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for column in RATE_COLUMNS:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
                    cell.number_format = "0.0%"
            sheet.column_dimensions["B"].width = 28
            sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    _audit(actor, report, "xlsx", count, **_scope(target))
    return buffer.getvalue()
