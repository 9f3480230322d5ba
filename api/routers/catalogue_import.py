"""/catalogue-items/import and /catalogue-items/export.xlsx: a catalogue as a file.

A department imports its catalogue from an Excel or CSV file (目录导入) and exports
it as an Excel workbook (目录导出).  The file is read at the edge
(``api.catalogue_files``); the import is one command through the workflows, the
export reads the catalogue view.  Include this router before ``catalogue_items``,
whose ``/{item_id}`` would otherwise take ``import`` and ``export.xlsx`` for ids.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, Response, UploadFile

from api.catalogue_files import (
    MAX_FILE_BYTES,
    XLSX_MEDIA_TYPE,
    column_of,
    export_disposition,
    file_command_id,
    read_catalogue_file,
    write_catalogue_workbook,
)
from api.deps import MAX_LIMIT, Catalogue, ChinaToday, CommandId, ServicesDep, acting_as
from api.errors import FieldError, Problem, problem_response, problem_responses, status_for
from api.ports import CatalogueImporter
from api.schemas.catalogue import ExistingItemCreate
from api.schemas.catalogue_import import CatalogueImportPublic
from api.schemas.common import CommandAccepted
from api.visibility import drafts_visible_to
from domain.actors import Actor, Role
from domain.catalogue.commands import RecordExistingItem
from domain.catalogue.importing import CatalogueImportRejectedError
from domain.catalogue.item import check_department_scope
from domain.errors import RequiredFieldError
from projections.readers import CatalogueReader
from projections.rows import CatalogueFilter, CatalogueItemRow

router = APIRouter(prefix="/catalogue-items", tags=["catalogue-items"])

ImportingOfficer = Annotated[Actor, Depends(
    acting_as(frozenset({Role.DEPARTMENT}), action="导入目录事项")
)]
ExportingActor = Annotated[Actor, Depends(
    acting_as(frozenset({Role.DEPARTMENT, Role.COMMITTEE}), action="导出目录")
)]


def get_importer(services: ServicesDep) -> CatalogueImporter:
    if services.importer is None:
        raise HTTPException(status_code=503, detail="目录导入服务未启用；请联系管理员")
    return services.importer


Importer = Annotated[CatalogueImporter, Depends(get_importer)]

_IMPORT_ANSWERS: dict[int | str, dict[str, Any]] = {
    201: {"description": "已导入：文件中的每一行都已作为草稿导入"},
    200: {"model": CatalogueImportPublic,
          "description": "此文件已导入过：返回第一次导入的结果，不会重复导入"},
}


@router.post(
    "/import", status_code=201,
    responses={**_IMPORT_ANSWERS, **problem_responses(401, 403, 413, 422, 503)},
)
async def import_catalogue_items(
    file: Annotated[UploadFile, File(
        description="目录文件：.xlsx，或 UTF-8 / GB18030 编码的 .csv；第 1 行为表头（事项名称、"
                    "事项说明、目录年度、一级分类、二级分类、三级分类、职能性质、省决定转移事项、"
                    "负面清单类别），以下每行一个事项",
    )],
    actor: ImportingOfficer, importer: Importer, response: Response,
) -> CatalogueImportPublic:
    """导入目录 (import the officer's department's items from a file: every row, or none)."""
    data = await file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise HTTPException(
            status_code=413,
            detail=f"文件超过 {MAX_FILE_BYTES // (1024 * 1024)} MB；请将文件拆分后分批导入",
        )
    department = actor.scope or ""
    read = await asyncio.to_thread(read_catalogue_file, data)
    result = await importer.import_items(
        command_id=file_command_id(department, data), actor=actor, department=department,
        rows=read.rows, unreadable=read.errors,
    )
    if result.replayed:
        response.status_code = 200
    return CatalogueImportPublic.from_result(result)


@router.post("/existing", status_code=201, responses=problem_responses(401, 403, 409, 422, 503))
async def record_existing_item(
    body: ExistingItemCreate, actor: ImportingOfficer, importer: Importer,
    command_id: CommandId, today: ChinaToday,
) -> CommandAccepted:
    """登记既有目录事项 (the officer's department: an item published and decided before
    govflow, by its decision document; transfers and contracts then follow as usual)."""
    result = await importer.record_existing(RecordExistingItem(
        command_id=command_id, actor=actor, department=actor.scope or "",
        fields=body.to_fields(), published_on=body.published_on,
        publicity_ends_on=body.publicity_ends_on, mode=body.mode, document=body.document,
        recorded_on=today, budget_fen=body.budget_fen))
    return CommandAccepted.from_result(result)


@router.get(
    "/export.xlsx",
    response_class=Response,
    responses={
        200: {"content": {XLSX_MEDIA_TYPE: {}},
              "description": "目录的 Excel 工作簿（表头为中文，可再次导入）"},
        **problem_responses(401, 403, 422, 503),
    },
)
async def export_catalogue_items(
    actor: ExportingActor,
    catalogue: Catalogue,
    department: Annotated[str | None, Query(
        description="部门代码，例如 440700-MZJ；职能部门默认为本部门，市社工委必填",
    )] = None,
    catalogue_year: Annotated[int | None, Query(description="目录年度；不填则导出所有年度")] = None,
) -> Response:
    """导出目录 (a department's catalogue, drafts included, as an Excel workbook)."""
    department = _department_to_export(actor, department)
    filters = CatalogueFilter(department=department, catalogue_year=catalogue_year,
                              drafts_visible_to=drafts_visible_to(actor))
    content = await asyncio.to_thread(_workbook, catalogue, filters)
    return Response(
        content, media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": export_disposition(department, catalogue_year)},
    )


def _department_to_export(actor: Actor, department: str | None) -> str:
    if actor.role is Role.DEPARTMENT:
        own = actor.scope or ""
        check_department_scope(actor, department or own)
        return own
    if not department:
        raise RequiredFieldError(
            "市社工委导出目录须指定部门，例如 ?department=440700-MZJ", field="department"
        )
    return department


def _workbook(catalogue: CatalogueReader, filters: CatalogueFilter) -> bytes:
    return write_catalogue_workbook(_every_item(catalogue, filters), sheet_title="目录事项")


def _every_item(catalogue: CatalogueReader, filters: CatalogueFilter) -> list[CatalogueItemRow]:
    items: list[CatalogueItemRow] = []
    cursor: str | None = None
    while True:
        page = catalogue.list_items(filters, cursor=cursor, limit=MAX_LIMIT)
        items.extend(page.data)
        if page.next_cursor is None:
            return items
        cursor = page.next_cursor


async def import_rejected(request: Request, error: CatalogueImportRejectedError) -> Response:
    """A refused import as a problem whose ``errors`` name each bad row and column."""
    return problem_response(Problem(
        type=error.code, title=error.title, status=status_for(error), detail=error.detail,
        errors=[FieldError(row=e.row_number, column=column_of(e.field), field=e.field,
                           message=e.message) for e in error.errors],
    ))
