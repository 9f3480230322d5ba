"""Importing a catalogue from .xlsx and .csv files, and exporting it as .xlsx, over HTTP.

The files are real: workbooks built with openpyxl, CSV encoded as Chinese offices save
it.  The gateway is the domain in memory (``FakeCatalogueImporter``); the real stack
is in ``test_catalogue_import_real_stack``.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx
import pytest

from api.catalogue_files import MAX_FILE_BYTES, MAX_ROWS
from domain.actors import Role
from tests.api.helpers import CZJ, MZJ, PROBLEM_JSON, Tokens, draft_item
from tests.api.import_fakes import FakeCatalogueImporter
from tests.api.spreadsheets import (
    EXPORT_HEADERS,
    HEADERS,
    csv_file,
    item_row,
    numbered_rows,
    sheet_rows,
    upload,
    xlsx,
)

IMPORT = "/catalogue-items/import"
EXPORT = "/catalogue-items/export.xlsx"


async def post_file(client: httpx.AsyncClient, headers: dict[str, str], content: bytes,
                    filename: str = "目录.xlsx") -> httpx.Response:
    return await client.post(IMPORT, files=upload(content, filename), headers=headers)


def row_errors(response: httpx.Response) -> list[tuple[int, str, str]]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    return [(e["row"], e["column"], e["field"]) for e in response.json()["errors"]]


async def listed(client: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = await client.get("/catalogue-items", headers=headers, params={"limit": 200})
    data: list[dict[str, Any]] = response.json()["data"]
    return data


# --- importing a good file ------------------------------------------------------------


async def test_import_xlsx_by_officer_returns_201_with_each_item_and_its_code(
    client: httpx.AsyncClient, officer: dict[str, str],
) -> None:
    content = xlsx([item_row("居家养老服务"),
                    item_row("社区矫正辅助服务", 省决定转移事项="否", 职能性质="辅助性事务",
                             负面清单类别="人员招聘、劳务派遣或设置公益性岗位")])

    response = await post_file(client, officer, content)

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["imported"] == 2
    assert [i["code"] for i in body["items"]] == ["440700-2027-0001", "440700-2027-0002"]
    items = {i["name"]: i for i in await listed(client, officer)}
    assert items["居家养老服务"]["status_label"] == "草稿"
    assert items["居家养老服务"]["provincial_listed"] is True
    assert items["社区矫正辅助服务"]["provincial_listed"] is False
    assert items["社区矫正辅助服务"]["nature"] == "辅助性事务"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
async def test_import_csv_in_encoding_keeps_chinese_text_intact(
    client: httpx.AsyncClient, officer: dict[str, str], encoding: str,
) -> None:
    content = csv_file([item_row("困境儿童关爱服务", 事项说明="“一对一”走访，含「特殊」符号"),
                        item_row("长者饭堂运营")], encoding)

    response = await post_file(client, officer, content, filename="目录.csv")

    assert response.status_code == 201, response.text
    items = {i["name"]: i for i in await listed(client, officer)}
    assert set(items) == {"困境儿童关爱服务", "长者饭堂运营"}
    assert items["困境儿童关爱服务"]["description"] == "“一对一”走访，含「特殊」符号"
    assert items["困境儿童关爱服务"]["classification"]["level3"] == "居家养老服务"


async def test_import_with_headers_in_another_order_and_extra_columns_reads_by_header(
    client: httpx.AsyncClient, officer: dict[str, str],
) -> None:
    headers = ("备注", "职能性质", "*事项名称", "三级分类", "二级分类", "一级分类",
               "目录年度", "省决定转移事项（是/否）")
    content = xlsx([["内部备注", "技术服务", "食品检测辅助", "检测", "食品安全", "公共服务",
                     2028, "否"]], headers=headers)

    response = await post_file(client, officer, content)

    assert response.status_code == 201, response.text
    assert response.json()["items"][0]["code"] == "440700-2028-0001"
    [item] = await listed(client, officer)
    assert (item["name"], item["nature"], item["catalogue_year"]) == (
        "食品检测辅助", "技术服务", 2028)
    assert item["description"] == ""


async def test_import_skips_blank_rows_and_numbers_rows_as_the_spreadsheet_does(
    client: httpx.AsyncClient, officer: dict[str, str],
) -> None:
    content = xlsx([item_row("甲"), [None] * len(HEADERS), item_row("乙", 目录年度="二〇二七")])

    response = await post_file(client, officer, content)

    assert row_errors(response) == [(4, "目录年度", "catalogue_year")]


async def test_import_same_file_twice_answers_200_with_first_body_and_creates_nothing(
    client: httpx.AsyncClient, officer: dict[str, str],
) -> None:
    content = xlsx([item_row("甲"), item_row("乙")])
    first = await post_file(client, officer, content)

    again = await post_file(client, officer, content, filename="另存的目录.xlsx")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["items"] == first.json()["items"]
    assert len(await listed(client, officer)) == 2


async def test_import_same_file_by_two_departments_imports_it_for_each(
    client: httpx.AsyncClient, officer: dict[str, str], other_officer: dict[str, str],
    importer: FakeCatalogueImporter,
) -> None:
    content = xlsx([item_row("甲")])

    mzj = await post_file(client, officer, content)
    czj = await post_file(client, other_officer, content)

    assert (mzj.status_code, czj.status_code) == (201, 201)
    assert [c.department for c in importer.commands] == [MZJ, CZJ]
    assert importer.commands[0].command_id.startswith(f"import:{MZJ}:")


# --- importing a bad file --------------------------------------------------------------


async def test_import_with_unreadable_and_invalid_rows_lists_every_bad_row_in_one_response(
    client: httpx.AsyncClient, officer: dict[str, str],
) -> None:
    content = xlsx([
        item_row("甲"),
        item_row("乙", 目录年度="明年"),
        item_row("丙", 省决定转移事项="Y"),
        item_row(""),
        item_row("丁", 一级分类="技术服务"),
        item_row("甲"),
    ])

    response = await post_file(client, officer, content)

    assert row_errors(response) == [
        (3, "目录年度", "catalogue_year"), (4, "省决定转移事项", "provincial_listed"),
        (5, "事项名称", "name"), (6, "一级分类", "classification.level1"),
        (7, "事项名称", "name"),
    ]
    problem = response.json()
    assert problem["type"] == "CatalogueImportRejectedError"
    assert problem["detail"].startswith("导入文件有 5 行错误，未导入任何事项")
    messages = [e["message"] for e in problem["errors"]]
    assert "现为「明年」" in messages[0]
    assert "应填「是」或「否」" in messages[1]
    assert "与第 2 行重复" in messages[4]
    assert await listed(client, officer) == []


async def test_import_without_a_required_column_is_refused_naming_it(
    client: httpx.AsyncClient, officer: dict[str, str],
) -> None:
    headers = tuple(h for h in HEADERS if h not in ("目录年度", "职能性质"))

    response = await post_file(client, officer, xlsx([["甲"] * len(headers)], headers=headers))

    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == "CatalogueFileError"
    assert "缺少必填列：目录年度、职能性质" in problem["detail"]


async def test_import_header_row_only_is_refused_as_empty(
    client: httpx.AsyncClient, officer: dict[str, str],
) -> None:
    response = await post_file(client, officer, xlsx([]))

    assert response.status_code == 422
    assert response.json()["type"] == "EmptyCatalogueImportError"


def zip_without_a_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("说明.txt", "不是工作簿")
    return buffer.getvalue()


@pytest.mark.parametrize(("content", "filename", "says"), [
    (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "目录.xls", "不支持旧版 Excel"),
    (zip_without_a_workbook(), "目录.xlsx", "不是有效的 Excel 工作簿"),
    ("名称,年度\n甲,2027\n".encode(), "目录.txt", "表头缺少必填列"),
    ("事项名称\n".encode("utf-16"), "目录.csv", "无法识别 CSV 文件的编码"),
    (b"", "目录.csv", "文件是空的"),
])
async def test_import_unreadable_file_is_refused_saying_why(
    client: httpx.AsyncClient, officer: dict[str, str], content: bytes, filename: str,
    says: str,
) -> None:
    response = await post_file(client, officer, content, filename=filename)

    assert response.status_code == 422
    assert says in response.json()["detail"]


async def test_import_file_over_the_size_limit_returns_413(
    client: httpx.AsyncClient, officer: dict[str, str],
) -> None:
    response = await post_file(client, officer, b"x" * (MAX_FILE_BYTES + 1), filename="目录.csv")

    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM_JSON
    assert "10 MB" in response.json()["detail"]


async def test_import_more_rows_than_allowed_is_refused_before_anything_is_sent(
    client: httpx.AsyncClient, officer: dict[str, str], importer: FakeCatalogueImporter,
) -> None:
    rows = [item_row(f"事项{n}") for n in range(MAX_ROWS + 1)]

    response = await post_file(client, officer, csv_file(rows, "utf-8"), filename="目录.csv")

    assert response.status_code == 422
    assert f"最多导入 {MAX_ROWS} 行" in response.json()["detail"]
    assert importer.commands == []


async def test_import_by_finance_officer_returns_403(
    client: httpx.AsyncClient, finance: dict[str, str],
) -> None:
    response = await post_file(client, finance, xlsx([item_row()]))

    assert response.status_code == 403
    assert "导入目录事项" in response.json()["detail"]


async def test_import_without_token_returns_401(client: httpx.AsyncClient) -> None:
    response = await post_file(client, {}, xlsx([item_row()]))

    assert response.status_code == 401


# --- exporting --------------------------------------------------------------------------


async def test_export_by_officer_is_own_departments_items_with_chinese_headers(
    client: httpx.AsyncClient, officer: dict[str, str], other_officer: dict[str, str],
) -> None:
    await post_file(client, officer, xlsx([item_row("居家养老服务"), item_row("长者饭堂运营")]))
    await draft_item(client, other_officer, name="财政绩效评价辅助")

    response = await client.get(EXPORT, headers=officer)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    rows = sheet_rows(response.content)
    assert rows[0] == EXPORT_HEADERS
    assert [(r[0], r[1], r[-1]) for r in rows[1:]] == [
        ("440700-2027-0001", "居家养老服务", "草稿"), ("440700-2027-0002", "长者饭堂运营", "草稿"),
    ]
    assert rows[1][3:10] == (2027, "公共服务", "养老服务", "居家养老服务", "公共服务", "是", None)


async def test_export_of_more_items_than_a_page_has_every_item(
    client: httpx.AsyncClient, officer: dict[str, str],
) -> None:
    await post_file(client, officer, xlsx(numbered_rows(450)))

    response = await client.get(EXPORT, headers=officer)

    codes = [r[0] for r in sheet_rows(response.content)[1:]]
    assert codes == [f"440700-2027-{n:04d}" for n in range(1, 451)]


async def test_export_names_the_file_by_department_and_year(
    client: httpx.AsyncClient, officer: dict[str, str],
) -> None:
    response = await client.get(EXPORT, headers=officer, params={"catalogue_year": 2027})

    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('440700-MZJ-2027-目录.xlsx')}" in disposition
    assert 'filename="440700-MZJ-2027-catalogue.xlsx"' in disposition


async def test_export_of_one_year_leaves_out_the_other_years(
    client: httpx.AsyncClient, officer: dict[str, str],
) -> None:
    await post_file(client, officer, xlsx([item_row("甲"), item_row("乙", 目录年度=2028)]))

    response = await client.get(EXPORT, headers=officer, params={"catalogue_year": 2028})

    assert [r[1] for r in sheet_rows(response.content)[1:]] == ["乙"]


async def test_export_edited_for_next_year_imports_again_as_next_years_catalogue(
    client: httpx.AsyncClient, officer: dict[str, str],
) -> None:
    await post_file(client, officer, xlsx([item_row("甲"), item_row("乙")]))
    exported = sheet_rows((await client.get(EXPORT, headers=officer)).content)
    next_year = [[*r[:3], 2028, *r[4:]] for r in exported[1:]]

    response = await post_file(client, officer, xlsx(next_year, headers=exported[0]))

    assert response.status_code == 201, response.text
    assert [i["code"] for i in response.json()["items"]] == ["440700-2028-0001",
                                                            "440700-2028-0002"]


async def test_export_by_committee_needs_a_department(
    client: httpx.AsyncClient, officer: dict[str, str], committee: dict[str, str],
) -> None:
    await post_file(client, officer, xlsx([item_row("甲")]))

    without = await client.get(EXPORT, headers=committee)
    with_department = await client.get(EXPORT, headers=committee, params={"department": MZJ})

    assert without.status_code == 422
    assert "须指定部门" in without.json()["detail"]
    assert [r[1] for r in sheet_rows(with_department.content)[1:]] == ["甲"]


async def test_export_of_another_department_by_officer_returns_403(
    client: httpx.AsyncClient, officer: dict[str, str],
) -> None:
    response = await client.get(EXPORT, headers=officer, params={"department": CZJ})

    assert response.status_code == 403
    assert response.json()["type"] == "OtherDepartmentError"


async def test_export_by_finance_officer_returns_403(
    client: httpx.AsyncClient, tokens: Tokens,
) -> None:
    response = await client.get(EXPORT, headers=tokens.headers(Role.FINANCE))

    assert response.status_code == 403


# --- existing items (登记既有目录事项) ---------------------------------------------------

EXISTING = {
    "name": "社区居家养老服务", "description": "为社区老年人提供助餐、助洁服务",
    "catalogue_year": 2026,
    "classification": {"level1": "公共服务", "level2": "养老服务", "level3": "居家养老"},
    "nature": "公共服务", "provincial_listed": False,
    "published_on": "2026-03-01", "publicity_ends_on": "2026-03-08", "mode": "购买服务",
    "document": "江民〔2026〕12号", "budget_fen": 40_000_000,
}


async def test_record_existing_item_gives_a_decided_item_of_the_officers_department(
    client: httpx.AsyncClient, officer: dict[str, str], importer: FakeCatalogueImporter,
) -> None:
    response = await client.post("/catalogue-items/existing", json=EXISTING,
                                 headers={**officer, "Idempotency-Key": "existing-1"})

    assert response.status_code == 201, response.text
    assert response.json()["code"] == "440700-2026-0001"
    (command,) = importer.existing
    assert (command.department, command.mode, command.budget_fen) == (MZJ, "购买服务", 40_000_000)
    item = importer.application.get_catalogue_item(UUID(response.json()["id"]))
    assert (item.status.value, item.budget_for(2026)) == ("decided", 40_000_000)


async def test_record_existing_item_whose_publicity_is_not_over_is_refused(
    client: httpx.AsyncClient, officer: dict[str, str],
) -> None:
    response = await client.post("/catalogue-items/existing", headers=officer,
                                 json={**EXISTING, "publicity_ends_on": "2099-03-08"})

    assert response.status_code == 422, response.text
    assert response.json()["type"] == "ExistingDecisionDateError"
    assert "公示期" in response.json()["detail"]
