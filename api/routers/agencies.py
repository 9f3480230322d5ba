"""/agencies: consulting agencies (设立咨询服务机构, DESIGN.md §3.2) and their experts.

The committee establishes agencies and appoints or removes experts; an expert's
affiliations are declared by the committee or by the agency itself.  Anyone reads.
"""

from __future__ import annotations

import asyncio
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response

from api.deps import (
    DEFAULT_LIMIT,
    Agencies,
    CommandId,
    History,
    PageCursor,
    PageLimit,
    Registry,
    acting_as,
    optional_actor,
)
from api.errors import problem_responses
from api.routers.common import (
    LIST_PROBLEMS,
    NO_TOKEN_NEEDED,
    READ_PROBLEMS,
    WRITE_PROBLEMS,
    history_of,
)
from api.schemas.common import CommandAccepted, HistoryEntryPublic
from api.schemas.registry import (
    AffiliationsUpdate,
    AgenciesPublic,
    AgencyCreate,
    AgencyPublic,
    ExpertAccepted,
    ExpertCreate,
    ExpertRemoval,
)
from domain.actors import Actor, Role
from domain.agency.commands import AppointExpert, DeclareAffiliations, EstablishAgency, RemoveExpert
from domain.agency.service import agency_not_found
from projections.readers import AgencyReader
from projections.register_rows import AgencyDetail

# A token is optional on every route here, but one that is sent must be valid.
router = APIRouter(prefix="/agencies", tags=["agencies"], dependencies=[Depends(optional_actor)])

_COMMITTEE = frozenset({Role.COMMITTEE})

Establisher = Annotated[Actor, Depends(acting_as(_COMMITTEE, action="设立咨询服务机构"))]
Appointer = Annotated[Actor, Depends(acting_as(_COMMITTEE, action="聘任专家"))]
Remover = Annotated[Actor, Depends(acting_as(_COMMITTEE, action="解聘专家"))]
# The agency itself may declare too; the domain checks it is the expert's own agency.
Declarer = Annotated[Actor, Depends(acting_as(frozenset({Role.COMMITTEE, Role.AGENCY}),
                                              action="申报专家关联关系"))]


# --- writes ---------------------------------------------------------------------


@router.post("", status_code=201, responses=problem_responses(401, 403, 422))
async def establish_agency(
    body: AgencyCreate, actor: Establisher, registry: Registry, command_id: CommandId,
    request: Request, response: Response,
) -> CommandAccepted:
    """设立咨询服务机构 (establish a consulting agency; the committee only)."""
    result = await registry.establish_agency(EstablishAgency(
        command_id=command_id, actor=actor, name=body.name, mandate=body.mandate,
    ))
    response.headers["Location"] = str(request.url_for("get_agency",
                                                       agency_id=result.aggregate_id))
    return CommandAccepted.from_result(result)


@router.post("/{agency_id}/experts", status_code=201, responses=WRITE_PROBLEMS)
async def appoint_expert(
    agency_id: UUID, body: ExpertCreate, actor: Appointer, registry: Registry,
    command_id: CommandId, request: Request, response: Response,
) -> ExpertAccepted:
    """聘任专家 (appoint an expert, with the affiliations they declare; the committee only)."""
    result = await registry.appoint_expert(AppointExpert(
        command_id=command_id, actor=actor, agency_id=agency_id, name=body.name,
        affiliations=tuple(body.affiliations),
    ))
    response.headers["Location"] = str(request.url_for("get_agency", agency_id=agency_id))
    return ExpertAccepted.of(result, command_id)


@router.put("/{agency_id}/experts/{expert_id}/affiliations", responses=WRITE_PROBLEMS)
async def declare_affiliations(
    agency_id: UUID, expert_id: str, body: AffiliationsUpdate, actor: Declarer,
    registry: Registry, command_id: CommandId,
) -> CommandAccepted:
    """申报关联关系 (replace an expert's declared affiliations; the committee or the agency)."""
    result = await registry.declare_affiliations(DeclareAffiliations(
        command_id=command_id, actor=actor, agency_id=agency_id, expert_id=expert_id,
        affiliations=tuple(body.affiliations),
    ))
    return CommandAccepted.from_result(result)


@router.delete("/{agency_id}/experts/{expert_id}", responses=WRITE_PROBLEMS)
async def remove_expert(
    agency_id: UUID, expert_id: str, body: ExpertRemoval, actor: Remover, registry: Registry,
    command_id: CommandId,
) -> CommandAccepted:
    """解聘专家 (remove an expert, giving the reason; the committee only)."""
    result = await registry.remove_expert(RemoveExpert(
        command_id=command_id, actor=actor, agency_id=agency_id, expert_id=expert_id,
        reason=body.reason,
    ))
    return CommandAccepted.from_result(result)


# --- reads ----------------------------------------------------------------------


@router.get("", responses=LIST_PROBLEMS, openapi_extra=NO_TOKEN_NEEDED)
async def list_agencies(
    agencies: Agencies, cursor: PageCursor = None, limit: PageLimit = DEFAULT_LIMIT,
) -> AgenciesPublic:
    """列出咨询服务机构及其专家 (in the order they were established)."""
    page = await asyncio.to_thread(agencies.list_agencies, cursor=cursor, limit=limit)
    return AgenciesPublic.from_page(page)


@router.get("/{agency_id}", responses=READ_PROBLEMS, openapi_extra=NO_TOKEN_NEEDED)
async def get_agency(agency_id: UUID, agencies: Agencies) -> AgencyPublic:
    """查看咨询服务机构及其专家 (one agency; removed experts too)."""
    return AgencyPublic.from_detail(await _established(agencies, agency_id))


@router.get("/{agency_id}/history", responses=READ_PROBLEMS, openapi_extra=NO_TOKEN_NEEDED)
async def get_agency_history(
    agency_id: UUID, agencies: Agencies, history: History,
) -> list[HistoryEntryPublic]:
    """咨询服务机构的历史记录 (every event: what happened, who did it, when)."""
    await _established(agencies, agency_id)
    return await history_of(history, agency_id)


async def _established(agencies: AgencyReader, agency_id: UUID) -> AgencyDetail:
    detail = await asyncio.to_thread(agencies.get_agency, agency_id)
    if detail is None:
        raise agency_not_found(agency_id)
    return detail
