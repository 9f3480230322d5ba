"""The Excel import page in the browser: the bar follows the upload, a refused file lists
each bad row next to what is wrong with it, an accepted one drafts every row."""

from __future__ import annotations

import time

import pytest
from playwright.async_api import expect

from domain.actors import Role
from tests.api.spreadsheets import item_row, xlsx
from tests.browser.conftest import OpenTab

pytestmark = pytest.mark.e2e

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LISTEN = """() => { window.sent = [];
  document.querySelector("[data-testid=import-form]").addEventListener("govflow:progress",
    event => window.sent.push(event.detail.loaded / event.detail.total)); }"""


async def test_a_refused_import_lists_each_bad_row_after_the_upload_bar_filled(
    open_tab: OpenTab,
) -> None:
    officer = await open_tab(Role.DEPARTMENT)
    await officer.open("/web/catalogue/import")
    await officer.page.evaluate(LISTEN)
    workbook = xlsx([item_row("浏览器导入的好事项"), item_row(""),
                     item_row("年度有误的事项", **{"目录年度": "明年"})])
    await officer.page.set_input_files("#f-import-file", files=[
        {"name": "目录.xlsx", "mimeType": XLSX, "buffer": workbook}])
    officer.expect_refusal("/catalogue-items/import", 422)

    await officer.page.locator("[data-testid=import-form] button[type=submit]").click()

    errors = officer.page.locator("[data-testid=import-errors] tbody tr")
    await expect(errors).to_have_count(2)
    rows = [await cells.inner_text() for cells in await errors.locator("th").all()]
    assert rows == ["3", "4"]
    await expect(errors.nth(0)).to_contain_text("事项名称")
    await expect(errors.nth(1)).to_contain_text("目录年度")
    sent = await officer.page.evaluate("window.sent")
    assert sent and sent[-1] == 1, sent
    await expect(officer.page.locator("[data-import-progress]")).to_be_hidden()
    await officer.screenshot("import-refused")


async def test_an_accepted_import_drafts_every_row_and_shows_them(open_tab: OpenTab) -> None:
    officer = await open_tab(Role.DEPARTMENT)
    await officer.open("/web/catalogue/import")
    stamp = time.strftime("%H%M%S")
    names = [f"导入的居家养老事项{stamp}甲", f"导入的居家养老事项{stamp}乙"]
    await officer.page.set_input_files("#f-import-file", files=[
        {"name": "目录.xlsx", "mimeType": XLSX, "buffer": xlsx([item_row(n) for n in names])}])

    await officer.page.locator("[data-testid=import-form] button[type=submit]").click()

    await officer.page.wait_for_url("**/web/catalogue?status=draft*")
    for name in names:
        await expect(officer.page.locator("main")).to_contain_text(name)
    await officer.screenshot("import-accepted")
