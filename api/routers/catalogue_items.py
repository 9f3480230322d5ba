"""/catalogue-items: the catalogue (建立目录, DESIGN.md §3.1).

Writes go to the command gateway (workflows); reads come from the catalogue and history
views.  Refusals are domain errors, which ``api.errors`` turns into problems.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response

from api.deps import (
    Catalogue,
    CommandId,
    Commands,
    DepartmentOfficer,
    History,
    OptionalActor,
)
from api.errors import problem_responses
from api.schemas.catalogue import (
    CatalogueItemCreate,
    CatalogueItemPublic,
    CatalogueItemsPublic,
    CatalogueItemUpdate,
    CommandAccepted,
    HistoryEntryPublic,
    WithdrawRequest,
)
from api.visibility import drafts_visible_to, may_see
from domain.actors import Actor
from domain.catalogue.item import ItemStatus
from domain.errors import CatalogueItemNotFoundError
from projections.readers import CatalogueReader
from projections.rows import CatalogueFilter, CatalogueItemRow

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

router = APIRouter(prefix="/catalogue-items", tags=["catalogue-items"])

_WRITE_PROBLEMS = problem_responses(401, 403, 404, 409, 422)
_READ_PROBLEMS = problem_responses(401, 404, 422, 503)
# Reads are public: a token is optional (it only reveals drafts).
_NO_TOKEN_NEEDED: dict[str, Any] = {"security": [{}]}


# --- writes ---------------------------------------------------------------------


@router.post("", status_code=201, responses=problem_responses(401, 403, 422))
async def draft_catalogue_item(
    body: CatalogueItemCreate, actor: DepartmentOfficer, commands: Commands,
    command_id: CommandId, request: Request, response: Response,
) -> CommandAccepted:
    """起草目录事项 (draft a catalogue item in the officer's department)."""
    result = await commands.draft(
        command_id=command_id, actor=actor, department=body.department_for(actor),
        fields=body.to_fields(),
    )
    response.headers["Location"] = str(
        request.url_for("get_catalogue_item", item_id=result.aggregate_id)
    )
    return CommandAccepted.from_result(result)


@router.put("/{item_id}", responses=_WRITE_PROBLEMS)
async def revise_catalogue_item(
    item_id: UUID, body: CatalogueItemUpdate, actor: DepartmentOfficer, commands: Commands,
    command_id: CommandId,
) -> CommandAccepted:
    """修改目录事项草稿 (revise a draft)."""
    result = await commands.revise(
        item_id=item_id, command_id=command_id, actor=actor, fields=body.to_fields()
    )
    return CommandAccepted.from_result(result)


@router.post("/{item_id}/publish", responses=_WRITE_PROBLEMS)
async def publish_catalogue_item(
    item_id: UUID, actor: DepartmentOfficer, commands: Commands, command_id: CommandId,
) -> CommandAccepted:
    """发布目录事项并开始公示 (publish a draft and open its publicity period)."""
    result = await commands.publish(item_id=item_id, command_id=command_id, actor=actor)
    return CommandAccepted.from_result(result)


@router.post("/{item_id}/withdraw", responses=_WRITE_PROBLEMS)
async def withdraw_catalogue_item(
    item_id: UUID, body: WithdrawRequest, actor: DepartmentOfficer, commands: Commands,
    command_id: CommandId,
) -> CommandAccepted:
    """撤回目录事项 (withdraw an item, giving the reason)."""
    result = await commands.withdraw(
        item_id=item_id, command_id=command_id, actor=actor, reason=body.reason
    )
    return CommandAccepted.from_result(result)


# --- reads ----------------------------------------------------------------------


@router.get("", responses=problem_responses(401, 422, 503), openapi_extra=_NO_TOKEN_NEEDED)
async def list_catalogue_items(
    actor: OptionalActor,
    catalogue: Catalogue,
    department: Annotated[str | None, Query(description="部门代码，例如 440700-MZJ")] = None,
    catalogue_year: Annotated[int | None, Query(description="目录年度")] = None,
    status: Annotated[ItemStatus | None, Query(description="状态")] = None,
    level1: Annotated[str | None, Query(description="一级分类")] = None,
    cursor: Annotated[str | None, Query(description="上一页返回的 next_cursor")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="每页条数")] = DEFAULT_LIMIT,
) -> CatalogueItemsPublic:
    """列出目录事项 (list catalogue items; drafts only for their department and the committee)."""
    filters = CatalogueFilter(
        department=department, catalogue_year=catalogue_year,
        status=status.value if status else None, level1=level1,
        drafts_visible_to=drafts_visible_to(actor),
    )
    page = await asyncio.to_thread(catalogue.list_items, filters, cursor=cursor, limit=limit)
    return CatalogueItemsPublic.from_page(page)


@router.get("/{item_id}", responses=_READ_PROBLEMS, openapi_extra=_NO_TOKEN_NEEDED)
async def get_catalogue_item(
    item_id: UUID, actor: OptionalActor, catalogue: Catalogue,
) -> CatalogueItemPublic:
    """查看目录事项 (one catalogue item)."""
    return CatalogueItemPublic.from_row(await _visible_item(catalogue, item_id, actor))


@router.get("/{item_id}/history", responses=_READ_PROBLEMS, openapi_extra=_NO_TOKEN_NEEDED)
async def get_catalogue_item_history(
    item_id: UUID, actor: OptionalActor, catalogue: Catalogue, history: History,
) -> list[HistoryEntryPublic]:
    """目录事项的历史记录 (every event: what happened, who did it, when)."""
    await _visible_item(catalogue, item_id, actor)
    entries = await asyncio.to_thread(history.history, item_id)
    return [HistoryEntryPublic.from_entry(entry) for entry in entries]


async def _visible_item(
    catalogue: CatalogueReader, item_id: UUID, actor: Actor | None
) -> CatalogueItemRow:
    # A draft the caller may not see answers as if it did not exist.
    row = await asyncio.to_thread(catalogue.get_item, item_id)
    if row is None or not may_see(actor, row):
        raise CatalogueItemNotFoundError(f"目录事项 {item_id} 不存在", field="item_id")
    return row
