"""Report workbooks (报表): a department's quarterly report and the city report as ``.xlsx``.

An adapter at the edge, like ``api.catalogue_files``: Chinese headers in bold, the header
row frozen, money in yuan as numbers with two decimals (``#,##0.00``) so that a sheet sums
them, counts as whole numbers.  The figures are the ones the JSON answers give, in the
report's order (``domain.reporting.figures.FIGURES``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from domain.reporting.figures import FIGURES, Figure
from projections.report_rows import CityReport, QuarterlyReportRow

MONEY_FORMAT = "#,##0.00"
FIGURE_HEADERS = ("指标", "数值")
CITY_HEADERS = ("地区", "部门", "是否试点")
SUBTOTAL = "小计"
CITY_TOTAL = "全市合计"
_YES, _NO = "是", "否"
_BOLD = Font(bold=True)


def money_yuan(fen: int) -> float:
    """An amount in fen as yuan (12345 → 123.45): a spreadsheet keeps numbers as floats,
    which hold every amount to the fen up to 90 trillion yuan."""
    return fen / 100


def _value(sheet: Any, figure: Figure, value: int, *, bold: bool = False
           ) -> Cell:
    cell = WriteOnlyCell(sheet, value=money_yuan(value) if figure.money else value)
    if figure.money:
        cell.number_format = MONEY_FORMAT
    if bold:
        cell.font = _BOLD
    return cell


def _text(sheet: Any, value: str, *, bold: bool = False,
          wrap: bool = False) -> Cell:
    cell = WriteOnlyCell(sheet, value=value)
    if bold:
        cell.font = _BOLD
    if wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _sheet(workbook: Workbook, title: str, widths: Sequence[int]) -> Any:
    sheet = workbook.create_sheet(title=title)
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    return sheet


def _saved(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_workbook(report: QuarterlyReportRow, figures: dict[str, int]) -> bytes:
    """One sheet: 指标/数值 rows in report order, then the report's particulars (部门, 报告期,
    状态, dates, 是否逾期) and the department's narrative (情况说明)."""
    workbook = Workbook(write_only=True)
    sheet = _sheet(workbook, "季度报告", (24, 60))
    sheet.freeze_panes = "A2"
    sheet.append([_text(sheet, header, bold=True) for header in FIGURE_HEADERS])
    for figure in FIGURES:
        sheet.append([figure.label, _value(sheet, figure, figures[figure.key])])
    sheet.append([])
    particulars = (
        ("部门", f"{report.department_name}（{report.department}）"),
        ("报告期", report.period.label),
        ("状态", report.status),
        ("截止日期", report.due_on.isoformat()),
        ("提交日期", report.submitted_on.isoformat() if report.submitted_on else ""),
        ("督办日期", report.escalated_on.isoformat() if report.escalated_on else ""),
        ("是否逾期", _YES if report.late else _NO),
    )
    for label, value in particulars:
        sheet.append([_text(sheet, label, bold=True), value])
    sheet.append([_text(sheet, "情况说明", bold=True),
                  _text(sheet, report.narrative, wrap=True)])
    return _saved(workbook)


def city_workbook(report: CityReport) -> bytes:
    """One sheet: 地区/部门/是否试点 and a column per figure; each region's departments, then
    its 小计 row (the pilot districts' even without departments), then 全市合计."""
    workbook = Workbook(write_only=True)
    sheet = _sheet(workbook, "全市报告", (12, 30, 10, *(14 for _ in FIGURES)))
    sheet.freeze_panes = "D2"
    sheet.append([_text(sheet, header, bold=True)
                  for header in (*CITY_HEADERS, *(f.label for f in FIGURES))])

    def line(region: str, department: str, pilot: str, figures: dict[str, int], *,
             bold: bool = False) -> list[Cell]:
        return [_text(sheet, region, bold=bold), _text(sheet, department, bold=bold),
                _text(sheet, pilot, bold=bold),
                *(_value(sheet, f, figures[f.key], bold=bold) for f in FIGURES)]

    for region in report.regions:
        pilot = _YES if region.pilot else _NO
        for row in report.departments:
            if row.region_code == region.region_code:
                sheet.append(line(region.region_name, row.department_name, pilot, row.figures))
        sheet.append(line(region.region_name, SUBTOTAL, pilot, region.figures, bold=True))
    sheet.append(line(CITY_TOTAL, "", "", report.total, bold=True))
    return _saved(workbook)


def attachment(stem: str) -> str:
    """The ``Content-Disposition`` of a download named ``<stem>.xlsx``: RFC 5987 for the
    Chinese name, and an ASCII name for clients that know no better."""
    fallback = re.sub(r"[^A-Za-z0-9._-]", "_", stem)
    return (f"attachment; filename=\"{fallback}.xlsx\"; "
            f"filename*=UTF-8''{quote(f'{stem}.xlsx')}")
