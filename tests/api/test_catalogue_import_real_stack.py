"""Catalogue import and export on the real stack: a file through HTTP, the import workflow,
the SQLite event store and the projections, and back out as a workbook."""

from __future__ import annotations

import time

from tests.api.real_stack import Stack, officer
from tests.api.spreadsheets import (
    EXPORT_HEADERS,
    csv_file,
    item_row,
    numbered_rows,
    sheet_rows,
    upload,
    xlsx,
)
from tests.seed import CZJ

IMPORT = "/catalogue-items/import"
EXPORT = "/catalogue-items/export.xlsx"


def recorded(stack: Stack) -> int:
    return stack.application.recorder.max_notification_id() or 0


async def exported_after(stack: Stack, notification_id: int) -> bytes:
    """The export once the views have caught up with an import, as a client would get it:
    a view still catching up answers 503 with Retry-After, and the client asks again."""
    for _ in range(12):
        response = await stack.http.get(EXPORT, headers=officer(),
                                        params={"after": notification_id})
        if response.status_code != 503:
            assert response.status_code == 200, response.text
            return response.content
        assert response.headers["retry-after"]
    raise AssertionError(f"the views never caught up with notification {notification_id}")


async def test_import_5000_row_xlsx_through_the_workflow_drafts_them_all_in_one_batch(
    stack: Stack,
) -> None:
    content = xlsx(numbered_rows(5000))
    before = recorded(stack)

    started = time.perf_counter()
    response = await stack.http.post(IMPORT, files=upload(content), headers=officer())
    imported_in = time.perf_counter() - started

    assert response.status_code == 201, response.text
    body = response.json()
    assert [i["code"] for i in body["items"]] == [f"440700-2027-{n:04d}" for n in range(1, 5001)]
    # One batch: 5,000 drafts and the numbering's start and one range of codes.
    assert body["notification_id"] == recorded(stack) == before + 5002
    assert imported_in < 30, f"importing 5,000 rows took {imported_in:.1f} s"


async def test_import_same_csv_twice_through_the_workflow_creates_nothing_new(
    stack: Stack,
) -> None:
    content = csv_file([item_row("甲"), item_row("乙")], "gb18030")
    first = await stack.http.post(IMPORT, files=upload(content, "目录.csv"), headers=officer())
    after_first = recorded(stack)

    again = await stack.http.post(IMPORT, files=upload(content, "目录.csv"), headers=officer())

    assert (first.status_code, again.status_code) == (201, 200), again.text
    assert again.json()["items"] == first.json()["items"]
    assert recorded(stack) == after_first


async def test_import_file_with_several_bad_rows_lists_each_and_imports_nothing(
    stack: Stack,
) -> None:
    before = recorded(stack)
    content = xlsx([
        item_row("居家养老服务"),
        item_row("", 事项说明="忘了填名称"),
        item_row("社区矫正辅助", 职能性质="行政命令"),
        item_row("长者饭堂运营", 目录年度="2027年度"),
        item_row("工程代建", 负面清单类别="工程"),
    ])

    response = await stack.http.post(IMPORT, files=upload(content), headers=officer())

    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"] == "CatalogueImportRejectedError"
    assert [(e["row"], e["column"], e["field"]) for e in problem["errors"]] == [
        (3, "事项名称", "name"), (4, "职能性质", "nature"), (5, "目录年度", "catalogue_year"),
        (6, "负面清单类别", "negative_list"),
    ]
    assert all(e["message"] for e in problem["errors"])
    assert "行政命令" in problem["errors"][1]["message"]
    assert recorded(stack) == before
    listed = await stack.http.get("/catalogue-items", headers=officer(),
                                  params={"after": before})
    assert listed.json()["data"] == []


async def test_export_after_import_has_own_items_and_not_another_departments(
    stack: Stack,
) -> None:
    await stack.http.post(IMPORT, files=upload(xlsx([item_row("财政绩效评价辅助")])),
                          headers=officer(CZJ))
    imported = await stack.http.post(IMPORT, files=upload(xlsx([item_row("居家养老服务")])),
                                     headers=officer())

    exported = await exported_after(stack, imported.json()["notification_id"])

    rows = sheet_rows(exported)
    assert rows[0] == EXPORT_HEADERS
    assert [r[1] for r in rows[1:]] == ["居家养老服务"]


async def test_imported_item_is_read_back_with_its_fields(stack: Stack) -> None:
    content = xlsx([item_row("困境儿童关爱服务", 省决定转移事项="否")])
    imported = (await stack.http.post(IMPORT, files=upload(content), headers=officer())).json()

    [item] = (await stack.http.get("/catalogue-items", headers=officer(),
                                   params={"after": imported["notification_id"]})).json()["data"]

    assert (item["id"], item["code"]) == (imported["items"][0]["id"], "440700-2027-0001")
    assert (item["name"], item["provincial_listed"], item["status"]) == (
        "困境儿童关爱服务", False, "draft")

