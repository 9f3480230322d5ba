"""Catalogue files (目录文件): reading an import file, writing an export workbook.

An adapter at the edge.  It turns a spreadsheet's cells into the domain's
``ImportRow``\\ s and reports the cells it cannot read (a year that is not a number,
a 是/否 column holding something else) as ``RowError``\\ s; every business rule is
the domain's.  Row numbers are the spreadsheet's: the header is row 1.

Accepted files: ``.xlsx`` (the active sheet), and ``.csv`` in UTF-8 (with or
without a BOM) or GB18030, as Chinese offices' spreadsheets still save it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Generator, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from domain.catalogue.commands import ItemFields
from domain.catalogue.importing import ImportRow, RowError
from domain.errors import InvalidCommandError
from projections.rows import CatalogueItemRow

MAX_FILE_BYTES = 10 * 1024 * 1024
"""The largest file accepted (10 MB)."""
MAX_ROWS = 10_000
"""The most item rows one file may hold; a larger catalogue is imported in parts."""

Table = Generator[tuple[int, Sequence[object]], None, None]
"""A sheet's rows with their row numbers (the header is row 1)."""

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    header: str
    """The Chinese header, as the file has it."""
    field: str
    """The field it fills, named as the domain names it in a ``RowError``."""
    required: bool = True
    width: int = 14


COLUMNS: tuple[Column, ...] = (
    Column("事项名称", "name", width=30),
    Column("事项说明", "description", required=False, width=50),
    Column("目录年度", "catalogue_year", width=10),
    Column("一级分类", "classification.level1", width=22),
    Column("二级分类", "classification.level2", width=16),
    Column("三级分类", "classification.level3", width=16),
    Column("职能性质", "nature", width=14),
    Column("省决定转移事项", "provincial_listed", required=False, width=14),
    Column("负面清单类别", "negative_list", required=False, width=30),
)
"""The columns of an import file, in the order an export writes them."""

CODE_COLUMN = Column("事项编码", "code", required=False, width=18)
STATUS_COLUMN = Column("状态", "status", required=False, width=10)
EXPORT_COLUMNS = (CODE_COLUMN, *COLUMNS, STATUS_COLUMN)
"""An export has the import's columns plus the code and the status: it imports again."""

_COLUMN_OF_FIELD = {column.field: column.header for column in EXPORT_COLUMNS}
_YES, _NO = "是", "否"
# Templates mark required columns with * and explain a column in brackets:
# "*事项名称", "省决定转移事项（是/否）".
_HEADER_DECORATION = re.compile(r"^[*＊\s]+|\s*[（(][^（()）]*[)）]\s*$")


class CatalogueFileError(InvalidCommandError):
    """An import file cannot be read at all: its type, its encoding or its header row."""

    title = "无法读取导入文件"


@dataclass(frozen=True)
class CatalogueFile:
    """What a file holds: the rows read, and the errors of the rows that could not be."""

    rows: tuple[ImportRow, ...]
    errors: tuple[RowError, ...]


def column_of(field: str) -> str:
    """The Chinese column of a field named in a ``RowError`` (the field itself if none)."""
    return _COLUMN_OF_FIELD.get(field, field)


def file_command_id(department: str, data: bytes) -> str:
    """The import command of a file: the same file for the same department is the same
    command, so importing it again imports nothing."""
    return f"import:{department}:{hashlib.sha256(data).hexdigest()}"


# --- reading --------------------------------------------------------------------


def read_catalogue_file(data: bytes) -> CatalogueFile:
    """The rows of an ``.xlsx`` or ``.csv`` file; raises ``CatalogueFileError`` if unreadable."""
    with closing(_xlsx_rows(data) if zipfile.is_zipfile(io.BytesIO(data))
                 else _csv_rows(data)) as table:
        return _read_table(table)


def _read_table(table: Table) -> CatalogueFile:
    first = next(table, None)
    if first is None:
        raise CatalogueFileError("文件是空的；第 1 行应为表头：" + _headers_listed(), field="file")
    positions = _header_positions(first[1])
    rows: list[ImportRow] = []
    errors: list[RowError] = []
    read = 0
    for row_number, cells in table:
        if all(_text(cell) == "" for cell in cells):
            continue  # blank lines between or after the rows mean nothing
        read += 1
        if read > MAX_ROWS:
            raise CatalogueFileError(
                f"一个文件最多导入 {MAX_ROWS} 行事项；请将文件拆分后分批导入", field="file"
            )
        row, row_errors = _read_row(row_number, cells, positions)
        if row_errors:
            errors.extend(row_errors)
        else:
            rows.append(row)
    return CatalogueFile(rows=tuple(rows), errors=tuple(errors))


def _xlsx_rows(data: bytes) -> Table:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
        raise CatalogueFileError(
            "文件不是有效的 Excel 工作簿（.xlsx）；"
            "请用 Excel 或 WPS 另存为 .xlsx 或 .csv 后重新导入",
            field="file",
        ) from None
    try:
        sheet = workbook.active
        if sheet is None:
            raise CatalogueFileError("工作簿中没有工作表", field="file")
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    finally:
        workbook.close()


def _csv_rows(data: bytes) -> Table:
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise CatalogueFileError(
            "不支持旧版 Excel 文件（.xls）；请另存为 .xlsx 或 .csv 后重新导入", field="file"
        )
    text = _decoded(data)
    try:
        yield from enumerate(csv.reader(io.StringIO(text, newline="")), start=1)
    except csv.Error as error:
        raise CatalogueFileError(f"CSV 文件格式有误（{error}）；请检查引号与分隔符",
                                 field="file") from None


def _decoded(data: bytes) -> str:
    # UTF-8 (utf-8-sig drops a BOM when there is one) first: GB18030 would decode
    # most UTF-8 bytes too, into nonsense.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CatalogueFileError(
        "无法识别 CSV 文件的编码；请另存为 UTF-8 或 GB18030（GBK）编码的 CSV 后重新导入",
        field="file",
    )


def _header_positions(cells: Sequence[object]) -> dict[str, int]:
    """Where each known column is; columns the file adds (事项编码, 状态, notes) are ignored."""
    known = {column.header for column in COLUMNS}
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        header = _HEADER_DECORATION.sub("", _text(cell))
        if header not in known:
            continue
        if header in positions:
            raise CatalogueFileError(f"表头「{header}」出现了两次；每列只能出现一次",
                                     field="file")
        positions[header] = index
    missing = [c.header for c in COLUMNS if c.required and c.header not in positions]
    if missing:
        raise CatalogueFileError(
            f"表头缺少必填列：{'、'.join(missing)}；第 1 行应为表头：{_headers_listed()}",
            field="file",
        )
    return positions


def _headers_listed() -> str:
    return "、".join(c.header + ("" if c.required else "（选填）") for c in COLUMNS)


def _read_row(
    row_number: int, cells: Sequence[object], positions: dict[str, int]
) -> tuple[ImportRow, list[RowError]]:
    def cell(header: str) -> object:
        index = positions.get(header)
        return cells[index] if index is not None and index < len(cells) else None

    errors: list[RowError] = []
    year = _year(cell("目录年度"))
    if isinstance(year, str):
        errors.append(RowError(row_number, "catalogue_year", year))
    listed = _yes_no(cell("省决定转移事项"))
    if isinstance(listed, str):
        errors.append(RowError(row_number, "provincial_listed", listed))
    fields = ItemFields(
        name=_text(cell("事项名称")), description=_text(cell("事项说明")),
        catalogue_year=year if isinstance(year, int) else 0,
        level1=_text(cell("一级分类")), level2=_text(cell("二级分类")),
        level3=_text(cell("三级分类")), nature=_text(cell("职能性质")),
        provincial_listed=listed is True, negative_list=_text(cell("负面清单类别")),
    )
    return ImportRow(row_number=row_number, fields=fields), errors


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _YES if value else _NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _year(value: object) -> int | str:
    """The catalogue year, or why the cell is not one."""
    if isinstance(value, int | float) and not isinstance(value, bool) \
            and float(value).is_integer():
        return int(value)
    text = _text(value).removesuffix("年").strip()
    if text.isascii() and text.isdigit():
        return int(text)
    if not text:
        return "目录年度不能为空；请填写四位数字年份，例如 2027"
    return f"目录年度应为四位数字年份，例如 2027（现为「{_text(value)}」）"


def _yes_no(value: object) -> bool | str:
    """Whether a 是/否 cell says yes (empty is 否), or why it says neither."""
    if isinstance(value, bool):
        return value
    text = _text(value)
    if text in ("", _NO):
        return False
    if text == _YES:
        return True
    return f"省决定转移事项应填「是」或「否」（现为「{text}」）"


# --- writing --------------------------------------------------------------------


def write_catalogue_workbook(rows: Iterable[CatalogueItemRow], *, sheet_title: str) -> bytes:
    """An ``.xlsx`` of ``rows`` with the Chinese headers, one sheet, ready to import again."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title)
    for number, column in enumerate(EXPORT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in EXPORT_COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([
            row.code, row.name, row.description, row.catalogue_year, row.level1, row.level2,
            row.level3, row.nature, _YES if row.provincial_listed else _NO,
            row.negative_list or "", row.status_label,
        ])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_disposition(department: str, catalogue_year: int | None) -> str:
    """The ``Content-Disposition`` of an export, named like ``440700-MZJ-2027-目录.xlsx``:
    RFC 5987 for the Chinese name, and an ASCII name for clients that know no better."""
    stem = department + (f"-{catalogue_year}" if catalogue_year is not None else "")
    fallback = re.sub(r"[^A-Za-z0-9._-]", "_", stem)
    return (f"attachment; filename=\"{fallback}-catalogue.xlsx\"; "
            f"filename*=UTF-8''{quote(f'{stem}-目录.xlsx')}")
