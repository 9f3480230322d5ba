"""The catalogue import workflow on the time-skipping server and a real SQLite store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from uuid import uuid4

import pytest
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from domain.actors import Actor, Role
from domain.application import GovflowApplication
from domain.catalogue.importing import (
    CatalogueImportRejectedError,
    ImportResult,
    ImportRow,
    RowError,
)
from domain.errors import UnknownDepartmentError
from tests.seed import register_departments
from tests.workflows.harness import FIELDS, OFFICER, notifications, running_worker
from workflows.catalogue_import import catalogue_import_workflow_id
from workflows.failures import is_not_found
from workflows.import_gateway import CatalogueImportGateway, ImportTooLargeError

MZJ = "440700-MZJ"


@pytest.fixture
def command_id() -> str:
    """A file's command id; the server outlives a test, so each test has its own file."""
    return f"import:{MZJ}:{uuid4().hex}"


@pytest.fixture
async def task_queue(env: WorkflowEnvironment, app: GovflowApplication) -> AsyncIterator[str]:
    register_departments(app, MZJ)
    async with running_worker(env, app) as queue:
        yield queue


@pytest.fixture
def importer(env: WorkflowEnvironment, task_queue: str) -> CatalogueImportGateway:
    return CatalogueImportGateway(env.client, task_queue=task_queue)


def rows(*names: str) -> tuple[ImportRow, ...]:
    return tuple(ImportRow(row_number=n, fields=replace(FIELDS, name=name))
                 for n, name in enumerate(names, start=2))


async def import_file(importer: CatalogueImportGateway, command_id: str,
                      import_rows: tuple[ImportRow, ...], *,
                      unreadable: tuple[RowError, ...] = ()) -> ImportResult:
    return await importer.import_items(command_id=command_id, actor=OFFICER, department=MZJ,
                                       rows=import_rows, unreadable=unreadable)


async def test_import_through_workflow_drafts_every_row_with_its_code(
    importer: CatalogueImportGateway, app: GovflowApplication, command_id: str,
) -> None:
    names = ("养老需求评估", "社区矫正辅助", "行业统计调查")

    result = await import_file(importer, command_id, rows(*names))

    assert result.codes == ("440700-2027-0001", "440700-2027-0002", "440700-2027-0003")
    assert not result.replayed
    assert tuple(app.get_catalogue_item(i).name for i in result.item_ids) == names


async def test_import_same_file_twice_answers_first_result_and_records_nothing(
    importer: CatalogueImportGateway, app: GovflowApplication, command_id: str,
) -> None:
    first = await import_file(importer, command_id, rows("甲", "乙"))
    recorded = len(notifications(app))

    again = await import_file(importer, command_id, rows("甲", "乙"))

    assert again.replayed
    assert (again.item_ids, again.codes) == (first.item_ids, first.codes)
    assert len(notifications(app)) == recorded


async def test_import_with_bad_rows_raises_the_rejection_with_every_row_error(
    importer: CatalogueImportGateway, app: GovflowApplication, command_id: str,
) -> None:
    recorded = len(notifications(app))
    unreadable = (RowError(3, "catalogue_year", "目录年度必须是整数（现为「明年」）"),)

    with pytest.raises(CatalogueImportRejectedError) as raised:
        await import_file(importer, command_id, rows("甲", "乙", "", "甲"), unreadable=unreadable)

    assert [(e.row_number, e.field) for e in raised.value.errors] == [
        (3, "catalogue_year"), (4, "name"), (5, "name"),
    ]
    assert raised.value.errors[0] == unreadable[0]
    assert raised.value.detail.startswith("导入文件有 3 行错误，未导入任何事项")
    assert len(notifications(app)) == recorded


async def test_import_refused_once_runs_again_with_the_same_command_id(
    importer: CatalogueImportGateway, app: GovflowApplication, command_id: str,
) -> None:
    rsj = "440700-RSJ"  # not registered yet
    officer = Actor(user="he.rsj", role=Role.DEPARTMENT, scope=rsj)
    with pytest.raises(UnknownDepartmentError):
        await importer.import_items(command_id=command_id, actor=officer, department=rsj,
                                    rows=rows("甲"))
    register_departments(app, rsj)

    result = await importer.import_items(command_id=command_id, actor=officer, department=rsj,
                                         rows=rows("甲"))

    assert result.codes == ("440700-2027-0001",)
    assert not result.replayed


async def test_import_larger_than_one_payload_is_refused_before_any_workflow_starts(
    env: WorkflowEnvironment, task_queue: str, app: GovflowApplication, command_id: str,
) -> None:
    recorded = len(notifications(app))
    small = CatalogueImportGateway(env.client, task_queue=task_queue, max_command_bytes=2_000)

    with pytest.raises(ImportTooLargeError) as raised:
        await import_file(small, command_id, rows(*(f"事项{n}" for n in range(20))))

    assert "请将文件拆分" in raised.value.detail
    handle = env.client.get_workflow_handle(catalogue_import_workflow_id(command_id))
    with pytest.raises(RPCError) as missing:
        await handle.describe()
    assert is_not_found(missing.value)
    assert len(notifications(app)) == recorded
