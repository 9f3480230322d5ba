"""/staffing-requests: staffing requests (编制申请) and the 倒逼 rule (DESIGN.md §3.4).

A department asks for a new public institution or more staffing quota for the service
of one of its items; where eligible social organizations already provide that service
the request is flagged and goes on only with the committee's justification.  The
answer to a request is the command accepted: whether it was flagged (and by whom the
service is provided) is read from ``GET /staffing-requests/{id}?after=``.

The committee sees every request, a department its own; nobody else.
"""

from __future__ import annotations

import asyncio
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response

from api.deps import (
    DEFAULT_LIMIT,
    ChinaToday,
    CommandId,
    GradeThreshold,
    PageCursor,
    PageLimit,
    Transfers,
    TransferViews,
    acting_as,
)
from api.errors import problem_responses
from api.routers.organizations import SERVICE_WRITE_PROBLEMS
from api.schemas.common import CommandAccepted
from api.schemas.transfers import (
    StaffingDecision,
    StaffingRequestCreate,
    StaffingRequestPublic,
    StaffingRequestsPublic,
)
from api.visibility import staffing_visible_to
from domain.actors import Actor, Role
from domain.errors import OtherDepartmentError
from domain.transfer.commands import DecideStaffing, RequestStaffing
from domain.transfer.errors import StaffingRequestNotFoundError

router = APIRouter(prefix="/staffing-requests", tags=["staffing-requests"])

_READ = "查看编制申请"

Requester = Annotated[Actor, Depends(acting_as(frozenset({Role.DEPARTMENT}),
                                               action="提出编制申请"))]
Decider = Annotated[Actor, Depends(acting_as(frozenset({Role.COMMITTEE}),
                                             action="审查编制申请"))]
Reader = Annotated[Actor, Depends(acting_as(frozenset({Role.DEPARTMENT, Role.COMMITTEE}),
                                            action=_READ))]

READ_PROBLEMS = problem_responses(401, 403, 404, 422, 503)


@router.post("", status_code=201, responses=SERVICE_WRITE_PROBLEMS)
async def request_staffing(
    body: StaffingRequestCreate, actor: Requester, transfers: Transfers,
    command_id: CommandId, today: ChinaToday, threshold: GradeThreshold,
    request: Request, response: Response,
) -> CommandAccepted:
    """编制申请 (the item's department, today); flagged when eligible organizations already
    provide the service — read ``flagged`` from the request with ``?after=``."""
    result = await transfers.request_staffing(RequestStaffing(
        command_id=command_id, actor=actor, requested_on=today, threshold=threshold,
        **body.model_dump()))
    response.headers["Location"] = str(request.url_for("get_staffing_request",
                                                       request_id=result.aggregate_id))
    return CommandAccepted.from_result(result)


@router.post("/{request_id}/decision", responses=SERVICE_WRITE_PROBLEMS)
async def decide_staffing(
    request_id: UUID, body: StaffingDecision, actor: Decider, transfers: Transfers,
    command_id: CommandId, today: ChinaToday,
) -> CommandAccepted:
    """市社工委审查 (a flagged request is approved only with a written justification)."""
    result = await transfers.decide_staffing(DecideStaffing(
        command_id=command_id, actor=actor, request_id=request_id, justified=body.justified,
        justification=body.justification, decided_on=today))
    return CommandAccepted.from_result(result)


@router.get("", responses=READ_PROBLEMS)
async def list_staffing_requests(
    actor: Reader,
    views: TransferViews,
    department: Annotated[str | None, Query(
        description="申请部门代码（职能部门只能查看本部门的申请，可不填）")] = None,
    flagged: Annotated[bool | None, Query(description="只看被标记（true）或未被标记（false）的")
                       ] = None,
    cursor: PageCursor = None,
    limit: PageLimit = DEFAULT_LIMIT,
) -> StaffingRequestsPublic:
    """列出编制申请 (newest first; the committee all, a department its own)."""
    own = staffing_visible_to(actor)
    if own is not None:
        if department is not None and department != own:
            raise OtherDepartmentError(
                f"您所在的部门为 {own}，不能{_READ}（部门 {department}）；"
                f"职能部门只能查看本部门的编制申请", field="department")
        department = own
    page = await asyncio.to_thread(views.list_staffing_requests, department=department,
                                   flagged=flagged, cursor=cursor, limit=limit)
    return StaffingRequestsPublic.from_page(page)


@router.get("/{request_id}", responses=READ_PROBLEMS)
async def get_staffing_request(
    request_id: UUID, actor: Reader, views: TransferViews,
) -> StaffingRequestPublic:
    """查看编制申请 (its 倒逼 flag and the eligible organizations; the committee, or the
    requesting department)."""
    row = await asyncio.to_thread(views.get_staffing_request, request_id)
    own = staffing_visible_to(actor)
    # Another department's request answers as if it did not exist.
    if row is None or (own is not None and row.department != own):
        raise StaffingRequestNotFoundError(f"找不到编制申请 {request_id}", field="request_id")
    return StaffingRequestPublic.from_row(row)
