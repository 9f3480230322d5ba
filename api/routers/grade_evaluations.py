"""/grade-evaluations: third-party grade evaluation (等级评估, DESIGN.md §3.3).

An organization applies for itself (or the committee starts one) → the committee assigns
an evaluator → the evaluator scores → publicity, during which the organization may appeal
(复核) → the evaluator answers (the committee once escalated) → the committee confirms.
Each step is an update of the evaluation's workflow; the workflow decides the dates.
Anyone reads the status, the grade, the total and the publicity; the scores and the
appeal only the committee, the assigned evaluator and the organization.
"""

from __future__ import annotations

import asyncio
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response

from api.deps import (
    DEFAULT_LIMIT,
    CommandId,
    Evaluations,
    Grading,
    OptionalActor,
    PageCursor,
    PageLimit,
    acting_as,
    check_own_organization,
    optional_actor,
)
from api.routers.common import LIST_PROBLEMS, NO_TOKEN_NEEDED, READ_PROBLEMS
from api.routers.organizations import SERVICE_WRITE_PROBLEMS
from api.schemas.common import CommandAccepted
from api.schemas.grading import (
    AppealAnswer,
    AppealCreate,
    EvaluationApplication,
    EvaluationOut,
    EvaluationsPublic,
    EvaluatorAssignment,
    ScoresSubmission,
    evaluation_out,
)
from api.visibility import sees_evaluation_internals
from domain.actors import Actor, Role
from domain.errors import RequiredFieldError
from domain.grading.service import evaluation_not_found
from domain.grading.stages import EvaluationStatus
from domain.organizations.errors import OtherOrganizationError
from projections.organization_rows import EvaluationFilter

# A token is optional on every route here, but one that is sent must be valid.
router = APIRouter(prefix="/grade-evaluations", tags=["grade-evaluations"],
                   dependencies=[Depends(optional_actor)])

_APPLY = "申请等级评估"

Applicant = Annotated[Actor, Depends(acting_as(frozenset({Role.ORGANIZATION, Role.COMMITTEE}),
                                               action=_APPLY))]
Assigner = Annotated[Actor, Depends(acting_as(frozenset({Role.COMMITTEE}),
                                              action="指派第三方评估机构"))]
Scorer = Annotated[Actor, Depends(acting_as(frozenset({Role.EVALUATOR}), action="评分"))]
Appellant = Annotated[Actor, Depends(acting_as(frozenset({Role.ORGANIZATION}),
                                               action="申请复核"))]
Answerer = Annotated[Actor, Depends(acting_as(frozenset({Role.EVALUATOR, Role.COMMITTEE}),
                                              action="答复复核申请"))]
Confirmer = Annotated[Actor, Depends(acting_as(frozenset({Role.COMMITTEE}),
                                               action="确认评估等级"))]


# --- writes -------------------------------------------------------------------------------------


@router.post("", status_code=201, responses=SERVICE_WRITE_PROBLEMS)
async def apply_for_evaluation(
    body: EvaluationApplication, actor: Applicant, grading: Grading, command_id: CommandId,
    request: Request, response: Response,
) -> CommandAccepted:
    """申请等级评估 (an organization for itself) or 启动评估 (the committee, naming it)."""
    organization_id = _applying_for(actor, body.organization_id)
    result = await grading.apply(command_id=command_id, actor=actor,
                                 organization_id=organization_id)
    response.headers["Location"] = str(request.url_for(
        "get_grade_evaluation", evaluation_id=result.aggregate_id))
    return CommandAccepted.from_result(result)


@router.post("/{evaluation_id}/evaluator", responses=SERVICE_WRITE_PROBLEMS)
async def assign_evaluator(
    evaluation_id: UUID, body: EvaluatorAssignment, actor: Assigner, grading: Grading,
    command_id: CommandId,
) -> CommandAccepted:
    """指派第三方评估机构 (the committee; never one affiliated with the organization)."""
    result = await grading.assign_evaluator(
        evaluation_id=evaluation_id, command_id=command_id, actor=actor,
        evaluator_id=body.evaluator_id)
    return CommandAccepted.from_result(result)


@router.post("/{evaluation_id}/scores", responses=SERVICE_WRITE_PROBLEMS)
async def score_evaluation(
    evaluation_id: UUID, body: ScoresSubmission, actor: Scorer, grading: Grading,
    command_id: CommandId,
) -> CommandAccepted:
    """评分 (the assigned evaluator, once); publicity starts."""
    result = await grading.score(evaluation_id=evaluation_id, command_id=command_id,
                                 actor=actor, scores=dict(body.scores))
    return CommandAccepted.from_result(result)


@router.post("/{evaluation_id}/appeal", responses=SERVICE_WRITE_PROBLEMS)
async def file_appeal(
    evaluation_id: UUID, body: AppealCreate, actor: Appellant, grading: Grading,
    command_id: CommandId,
) -> CommandAccepted:
    """申请复核 (the organization, during publicity, once)."""
    result = await grading.appeal(evaluation_id=evaluation_id, command_id=command_id,
                                  actor=actor, reason=body.reason)
    return CommandAccepted.from_result(result)


@router.post("/{evaluation_id}/appeal-answer", responses=SERVICE_WRITE_PROBLEMS)
async def answer_appeal(
    evaluation_id: UUID, body: AppealAnswer, actor: Answerer, grading: Grading,
    command_id: CommandId,
) -> CommandAccepted:
    """答复复核申请 (the assigned evaluator; the committee once escalated)."""
    result = await grading.answer_appeal(
        evaluation_id=evaluation_id, command_id=command_id, actor=actor, upheld=body.upheld,
        answer=body.answer,
        revised_scores=None if body.revised_scores is None else dict(body.revised_scores))
    return CommandAccepted.from_result(result)


@router.post("/{evaluation_id}/confirm", responses=SERVICE_WRITE_PROBLEMS)
async def confirm_grade(
    evaluation_id: UUID, actor: Confirmer, grading: Grading, command_id: CommandId,
) -> CommandAccepted:
    """确认评估等级 (the committee, after publicity and any appeal); the grade is awarded."""
    result = await grading.confirm(evaluation_id=evaluation_id, command_id=command_id,
                                   actor=actor)
    return CommandAccepted.from_result(result)


def _applying_for(actor: Actor, organization_id: UUID | None) -> UUID:
    """The organization an application is for: an organization's own, unless it names
    another (refused); the committee must name one."""
    if actor.role is Role.ORGANIZATION:
        if organization_id is None:
            try:
                return UUID(actor.scope or "")
            except ValueError:
                raise OtherOrganizationError(
                    f"令牌的范围 {actor.scope!r} 不是社会组织 ID，无法{_APPLY}",
                    field="organization_id") from None
        check_own_organization(actor, organization_id, action=_APPLY)
        return organization_id
    if organization_id is None:
        raise RequiredFieldError("市社工委启动等级评估须指明社会组织（organization_id）",
                                 field="organization_id")
    return organization_id


# --- reads ---------------------------------------------------------------------------------------


@router.get("", responses=LIST_PROBLEMS, openapi_extra=NO_TOKEN_NEEDED)
async def list_grade_evaluations(
    actor: OptionalActor,
    evaluations: Evaluations,
    organization_id: Annotated[UUID | None, Query(description="社会组织 ID")] = None,
    evaluator_id: Annotated[UUID | None, Query(description="评估机构 ID")] = None,
    status: Annotated[EvaluationStatus | None, Query(description="阶段")] = None,
    cursor: PageCursor = None,
    limit: PageLimit = DEFAULT_LIMIT,
) -> EvaluationsPublic:
    """列出等级评估 (newest application first; scores and appeals only for those involved)."""
    filters = EvaluationFilter(organization_id=organization_id, evaluator_id=evaluator_id,
                               status=status.value if status else None)
    page = await asyncio.to_thread(evaluations.list_evaluations, filters, cursor=cursor,
                                   limit=limit)
    return EvaluationsPublic(
        data=[evaluation_out(row, sees_evaluation_internals(actor, row)) for row in page.data],
        next_cursor=page.next_cursor)


@router.get("/{evaluation_id}", responses=READ_PROBLEMS, openapi_extra=NO_TOKEN_NEEDED)
async def get_grade_evaluation(
    evaluation_id: UUID, actor: OptionalActor, evaluations: Evaluations,
) -> EvaluationOut:
    """查看等级评估 (scores and the appeal only for the committee, the evaluator and the
    organization)."""
    row = await asyncio.to_thread(evaluations.get_evaluation, evaluation_id)
    if row is None:
        raise evaluation_not_found(evaluation_id)
    return evaluation_out(row, sees_evaluation_internals(actor, row))

