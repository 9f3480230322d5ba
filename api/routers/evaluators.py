"""/evaluators: third-party evaluators (第三方评估机构, DESIGN.md §3.3) and their workloads.

The committee registers evaluators and their affiliations (an evaluator never evaluates
an organization it is affiliated with); anyone reads.
"""

from __future__ import annotations

import asyncio
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response

from api.deps import (
    DEFAULT_LIMIT,
    CommandId,
    Evaluations,
    OrganizationGateway,
    PageCursor,
    PageLimit,
    acting_as,
    optional_actor,
)
from api.errors import problem_responses
from api.routers.common import LIST_PROBLEMS, NO_TOKEN_NEEDED, READ_PROBLEMS
from api.routers.organizations import SERVICE_WRITE_PROBLEMS
from api.schemas.common import CommandAccepted
from api.schemas.grading import (
    EvaluatorAffiliationsUpdate,
    EvaluatorCreate,
    EvaluatorPublic,
    EvaluatorsPublic,
)
from domain.actors import Actor, Role
from domain.grading.commands import DeclareEvaluatorAffiliations, RegisterEvaluator
from domain.grading.service import evaluator_not_found

# A token is optional on every route here, but one that is sent must be valid.
router = APIRouter(prefix="/evaluators", tags=["evaluators"],
                   dependencies=[Depends(optional_actor)])

_COMMITTEE = frozenset({Role.COMMITTEE})

Registrar = Annotated[Actor, Depends(acting_as(_COMMITTEE, action="登记第三方评估机构"))]
Declarer = Annotated[Actor, Depends(acting_as(_COMMITTEE, action="登记评估机构的关联关系"))]


@router.post("", status_code=201, responses=problem_responses(401, 403, 422, 503))
async def register_evaluator(
    body: EvaluatorCreate, actor: Registrar, gateway: OrganizationGateway,
    command_id: CommandId, request: Request, response: Response,
) -> CommandAccepted:
    """登记第三方评估机构 (register an evaluator; the committee only)."""
    result = await gateway.register_evaluator(RegisterEvaluator(
        command_id=command_id, actor=actor, name=body.name, contact=body.contact))
    response.headers["Location"] = str(request.url_for("get_evaluator",
                                                       evaluator_id=result.aggregate_id))
    return CommandAccepted.from_result(result)


@router.put("/{evaluator_id}/affiliations", responses=SERVICE_WRITE_PROBLEMS)
async def declare_evaluator_affiliations(
    evaluator_id: UUID, body: EvaluatorAffiliationsUpdate, actor: Declarer,
    gateway: OrganizationGateway, command_id: CommandId,
) -> CommandAccepted:
    """登记评估机构的关联关系 (replace them all; the committee only)."""
    result = await gateway.declare_evaluator_affiliations(DeclareEvaluatorAffiliations(
        command_id=command_id, actor=actor, evaluator_id=evaluator_id,
        organization_ids=tuple(dict.fromkeys(body.organization_ids))))
    return CommandAccepted.from_result(result)


@router.get("", responses=LIST_PROBLEMS, openapi_extra=NO_TOKEN_NEEDED)
async def list_evaluators(
    evaluations: Evaluations, cursor: PageCursor = None, limit: PageLimit = DEFAULT_LIMIT,
) -> EvaluatorsPublic:
    """列出第三方评估机构及其工作量 (in registration order)."""
    page = await asyncio.to_thread(evaluations.list_evaluators, cursor=cursor, limit=limit)
    return EvaluatorsPublic.from_page(page)


@router.get("/{evaluator_id}", responses=READ_PROBLEMS, openapi_extra=NO_TOKEN_NEEDED)
async def get_evaluator(evaluator_id: UUID, evaluations: Evaluations) -> EvaluatorPublic:
    """查看第三方评估机构 (its affiliations and workload)."""
    row = await asyncio.to_thread(evaluations.get_evaluator, evaluator_id)
    if row is None:
        raise evaluator_not_found(evaluator_id)
    return EvaluatorPublic.from_row(row)
