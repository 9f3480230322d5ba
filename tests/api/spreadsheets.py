"""Import files as a department would make them: real .xlsx workbooks and .csv files."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook, load_workbook

HEADERS = ("事项名称", "事项说明", "目录年度", "一级分类", "二级分类", "三级分类", "职能性质",
           "省决定转移事项", "负面清单类别")
EXPORT_HEADERS = ("事项编码", *HEADERS, "状态")


def item_row(name: str = "居家养老服务", **overrides: Any) -> list[Any]:
    """One item's cells in the order of ``HEADERS``; override by Chinese header."""
    cells: dict[str, Any] = {
        "事项名称": name,
        "事项说明": "为辖区老年人提供上门助餐、助洁服务",
        "目录年度": 2027,
        "一级分类": "公共服务",
        "二级分类": "养老服务",
        "三级分类": "居家养老服务",
        "职能性质": "公共服务",
        "省决定转移事项": "是",
        "负面清单类别": "",
    }
    cells.update(overrides)
    return [cells[header] for header in HEADERS]


def numbered_rows(count: int) -> list[list[Any]]:
    return [item_row(f"养老服务事项{n:05d}") for n in range(1, count + 1)]


def xlsx(rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "目录"
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_file(rows: Sequence[Sequence[Any]], encoding: str,
             headers: Sequence[str] = HEADERS) -> bytes:
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(headers)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


def sheet_rows(content: bytes) -> list[tuple[Any, ...]]:
    """Every row of a workbook's only sheet, the header first."""
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    try:
        [sheet] = workbook.worksheets
        return [tuple(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(content: bytes, filename: str = "目录.xlsx") -> dict[str, Any]:
    """The ``files=`` of an httpx request sending ``content`` as the form field ``file``."""
    media_type = XLSX if filename.endswith(".xlsx") else "text/csv"
    return {"file": (filename, content, media_type)}
