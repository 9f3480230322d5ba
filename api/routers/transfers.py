"""/transfers: function transfer (职能转移 / 授权 / 委托, DESIGN.md §3.4).

The item's department proposes (the mode is the item's decision) → the committee approves
(the organization must be eligible that day) or rejects → effective from its start date
→ suspended ↔ resumed → revoked, or expired after its end date.  Each step is an update of
the transfer's workflow, which decides the dates; anyone reads.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response

from api.deps import (
    DEFAULT_LIMIT,
    CommandId,
    PageCursor,
    PageLimit,
    Transfers,
    TransferViews,
    acting_as,
    optional_actor,
)
from api.routers.common import LIST_PROBLEMS, NO_TOKEN_NEEDED, READ_PROBLEMS
from api.routers.organizations import SERVICE_WRITE_PROBLEMS
from api.schemas.common import CommandAccepted
from api.schemas.transfers import (
    TransferCreate,
    TransferPublic,
    TransferReason,
    TransfersPublic,
)
from domain.actors import Actor, Role
from domain.catalogue.item import DecisionMode
from domain.transfer.service import transfer_not_found
from domain.transfer.transfer import TRANSFER_MODES, TransferStatus
from projections.case_rows import TransferFilter

# A token is optional on every route here, but one that is sent must be valid.
router = APIRouter(prefix="/transfers", tags=["transfers"],
                   dependencies=[Depends(optional_actor)])

_COMMITTEE = frozenset({Role.COMMITTEE})

Proposer = Annotated[Actor, Depends(acting_as(frozenset({Role.DEPARTMENT}),
                                              action="提出职能转移方案"))]
Approver = Annotated[Actor, Depends(acting_as(_COMMITTEE, action="审批职能转移"))]
Suspender = Annotated[Actor, Depends(acting_as(_COMMITTEE, action="暂停或恢复职能转移"))]
Revoker = Annotated[Actor, Depends(acting_as(_COMMITTEE, action="撤销职能转移"))]

_MODES = "、".join(m.value for m in DecisionMode if m in TRANSFER_MODES)
TransferMode = Literal["转移", "授权", "委托"]


# --- writes -------------------------------------------------------------------------------------


@router.post("", status_code=201, responses=SERVICE_WRITE_PROBLEMS)
async def propose_transfer(
    body: TransferCreate, actor: Proposer, transfers: Transfers, command_id: CommandId,
    request: Request, response: Response,
) -> CommandAccepted:
    """提出转移方案 (the item's department; the item decided for 转移, 授权 or 委托)."""
    result = await transfers.propose(command_id=command_id, actor=actor, **body.model_dump())
    response.headers["Location"] = str(request.url_for("get_transfer",
                                                       transfer_id=result.aggregate_id))
    return CommandAccepted.from_result(result)


@router.post("/{transfer_id}/approval", responses=SERVICE_WRITE_PROBLEMS)
async def approve_transfer(
    transfer_id: UUID, actor: Approver, transfers: Transfers, command_id: CommandId,
) -> CommandAccepted:
    """审批通过 (the committee; the organization must be eligible today)."""
    result = await transfers.approve(transfer_id=transfer_id, command_id=command_id,
                                     actor=actor)
    return CommandAccepted.from_result(result)


@router.post("/{transfer_id}/rejection", responses=SERVICE_WRITE_PROBLEMS)
async def reject_transfer(
    transfer_id: UUID, body: TransferReason, actor: Approver, transfers: Transfers,
    command_id: CommandId,
) -> CommandAccepted:
    """不予批准 (the committee, with the reason)."""
    result = await transfers.reject(transfer_id=transfer_id, command_id=command_id,
                                    actor=actor, reason=body.reason)
    return CommandAccepted.from_result(result)


@router.post("/{transfer_id}/suspension", responses=SERVICE_WRITE_PROBLEMS)
async def suspend_transfer(
    transfer_id: UUID, body: TransferReason, actor: Suspender, transfers: Transfers,
    command_id: CommandId,
) -> CommandAccepted:
    """暂停 (the committee, with the reason)."""
    result = await transfers.suspend(transfer_id=transfer_id, command_id=command_id,
                                     actor=actor, reason=body.reason)
    return CommandAccepted.from_result(result)


@router.post("/{transfer_id}/resumption", responses=SERVICE_WRITE_PROBLEMS)
async def resume_transfer(
    transfer_id: UUID, body: TransferReason, actor: Suspender, transfers: Transfers,
    command_id: CommandId,
) -> CommandAccepted:
    """恢复 (the committee; the organization must be eligible again)."""
    result = await transfers.resume(transfer_id=transfer_id, command_id=command_id,
                                    actor=actor, reason=body.reason)
    return CommandAccepted.from_result(result)


@router.post("/{transfer_id}/revocation", responses=SERVICE_WRITE_PROBLEMS)
async def revoke_transfer(
    transfer_id: UUID, body: TransferReason, actor: Revoker, transfers: Transfers,
    command_id: CommandId,
) -> CommandAccepted:
    """撤销 (the committee, with the reason); the organization's undertaking ends."""
    result = await transfers.revoke(transfer_id=transfer_id, command_id=command_id,
                                    actor=actor, reason=body.reason)
    return CommandAccepted.from_result(result)


# --- reads ---------------------------------------------------------------------------------------


@router.get("", responses=LIST_PROBLEMS, openapi_extra=NO_TOKEN_NEEDED)
async def list_transfers(
    views: TransferViews,
    department: Annotated[str | None, Query(description="职能部门代码")] = None,
    organization_id: Annotated[UUID | None, Query(description="承接的社会组织 ID")] = None,
    item_id: Annotated[UUID | None, Query(description="目录事项 ID")] = None,
    status: Annotated[TransferStatus | None, Query(description="状态")] = None,
    mode: Annotated[TransferMode | None, Query(description=f"方式：{_MODES}")] = None,
    cursor: PageCursor = None,
    limit: PageLimit = DEFAULT_LIMIT,
) -> TransfersPublic:
    """列出职能转移 (newest proposal first; public)."""
    filters = TransferFilter(department=department, organization_id=organization_id,
                             item_id=item_id, status=status.value if status else None,
                             mode=mode)
    page = await asyncio.to_thread(views.list_transfers, filters, cursor=cursor, limit=limit)
    return TransfersPublic.from_page(page)


@router.get("/{transfer_id}", responses=READ_PROBLEMS, openapi_extra=NO_TOKEN_NEEDED)
async def get_transfer(transfer_id: UUID, views: TransferViews) -> TransferPublic:
    """查看职能转移 (its period, conditions, status and what happened; public)."""
    row = await asyncio.to_thread(views.get_transfer, transfer_id)
    if row is None:
        raise transfer_not_found(transfer_id)
    return TransferPublic.from_row(row)
