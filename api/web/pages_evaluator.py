"""Pages of grade evaluations (等级评估): a third-party evaluator's assigned evaluations, and
the page of one evaluation with the step its reader may take.

The evaluator scores each dimension (评分) and answers an appeal (答复复核); the committee
assigns the evaluator, answers an escalated appeal and confirms the grade; the
organization appeals during publicity (申请复核).  Scores and the appeal are shown as the
API shows them (``api.visibility.sees_evaluation_internals``); each form posts to the
API, which decides.  The score form previews the total and the grade with the grading
policy's cut-offs; the grade that counts is the one the API records.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import ChinaToday, Evaluations, ServicesDep
from api.visibility import sees_evaluation_internals
from api.web.pages_finance import PAGE, every
from api.web.session import PageUser
from api.web.templating import forbidden, not_found, render
from domain.actors import Actor, Role
from domain.grading.grades import GradeCutoffs
from domain.grading.scoring import DIMENSIONS, Dimension
from domain.grading.stages import EvaluationStatus
from domain.organizations.credit_code import OrganizationCategory
from projections.organization_rows import EvaluationFilter, EvaluationRow, EvaluatorRow

router = APIRouter(prefix="/web", include_in_schema=False)

READERS = frozenset({Role.EVALUATOR, Role.COMMITTEE, Role.ORGANIZATION})
"""Who opens an evaluation's page: its evaluator, the committee and organizations."""


def _evaluator_of(actor: Actor) -> UUID | None:
    if actor.role is not Role.EVALUATOR:
        return None
    try:
        return UUID(actor.scope or "")
    except ValueError:
        return None


def dimensions_of(row: EvaluationRow) -> tuple[Dimension, ...]:
    """The dimensions (一级指标) the organization's category is scored on."""
    try:
        return DIMENSIONS[OrganizationCategory(row.category)]
    except ValueError:
        return DIMENSIONS[OrganizationCategory.OTHER]


def cutoff_steps(cutoffs: GradeCutoffs) -> list[tuple[int, int]]:
    """(level, lowest total) from 5A down to 2A; below the last is 1A."""
    return [(5, cutoffs.five_a), (4, cutoffs.four_a), (3, cutoffs.three_a),
            (2, cutoffs.two_a)]


def waiting_on_evaluator(row: EvaluationRow, today: date) -> tuple[str, str] | None:
    """What the evaluator has to do on ``row`` (label, badge tone), if anything."""
    if row.status == EvaluationStatus.ASSIGNED.value:
        return "待评分", ""
    if row.status == EvaluationStatus.APPEALED.value and not row.appeal_escalated:
        due = row.appeal_answer_due_on
        if due is not None and today > due:
            return "复核答复已逾期", "overdue"
        return "待答复复核", "soon"
    return None


@router.get("/evaluations", response_class=HTMLResponse)
async def evaluations_page(request: Request, actor: PageUser, evaluations: Evaluations,
                           today: ChinaToday) -> Response:
    """等级评估: the evaluations assigned to the evaluator, newest first."""
    evaluator_id = _evaluator_of(actor)
    if evaluator_id is None:
        return forbidden(request, actor, "评估任务只对第三方评估机构开放；"
                                         "请以第三方评估机构的身份登录")

    def read() -> tuple[EvaluatorRow | None, list[EvaluationRow]]:
        return evaluations.get_evaluator(evaluator_id), every(
            lambda cursor: evaluations.list_evaluations(
                EvaluationFilter(evaluator_id=evaluator_id), cursor=cursor, limit=PAGE))

    evaluator, rows = await asyncio.to_thread(read)
    listed = [(row, waiting_on_evaluator(row, today)) for row in rows]
    return render(request, "evaluator/evaluations.html", actor=actor, title="等级评估",
                  evaluator=evaluator, rows=listed, today=today,
                  waiting=sum(1 for _, task in listed if task is not None))


@dataclass(frozen=True)
class Steps:
    """The forms the page offers its reader now (the API still decides)."""

    assign: bool = False
    score: bool = False
    appeal: bool = False
    answer: bool = False
    confirm: bool = False


def steps_for(actor: Actor, row: EvaluationRow, today: date) -> Steps:
    status = EvaluationStatus(row.status)
    committee = actor.role is Role.COMMITTEE
    assigned = actor.role is Role.EVALUATOR and row.evaluator_id is not None \
        and actor.scope == str(row.evaluator_id)
    own = actor.role is Role.ORGANIZATION and actor.scope == str(row.organization_id)
    in_publicity = status is EvaluationStatus.PUBLICITY and not row.publicity_closed and (
        row.publicity_ends_on is None or today <= row.publicity_ends_on)
    return Steps(
        assign=committee and status is EvaluationStatus.APPLIED,
        score=assigned and status is EvaluationStatus.ASSIGNED,
        appeal=own and in_publicity and row.appeal_filed_on is None,
        answer=status is EvaluationStatus.APPEALED and (
            assigned or (committee and row.appeal_escalated)),
        confirm=committee and status is EvaluationStatus.AWAITING_CONFIRMATION,
    )


@router.get("/evaluations/{evaluation_id}", response_class=HTMLResponse)
async def evaluation_page(request: Request, evaluation_id: UUID, actor: PageUser,
                          evaluations: Evaluations, services: ServicesDep,
                          today: ChinaToday) -> Response:
    """One evaluation: facts, scores and appeal (for those who may see them), and the
    form of the step the reader may take."""
    if actor.role not in READERS:
        return forbidden(request, actor, "等级评估页面只对评估机构、市社工委和社会组织开放")
    row = await asyncio.to_thread(evaluations.get_evaluation, evaluation_id)
    if row is None:
        return not_found(request, actor, f"等级评估 {evaluation_id} 不存在")
    internal = sees_evaluation_internals(actor, row)
    steps = steps_for(actor, row, today)
    evaluators: list[EvaluatorRow] = []
    if steps.assign:
        evaluators = await asyncio.to_thread(every, lambda cursor: evaluations.list_evaluators(
            cursor=cursor, limit=PAGE))
    dimensions = dimensions_of(row)
    return render(
        request, "evaluator/evaluation.html", actor=actor,
        title=f"等级评估：{row.organization_name}", row=row, internal=internal, steps=steps,
        dimensions=dimensions, cutoffs=cutoff_steps(services.grade_cutoffs),
        grade=None if row.level is None else f"{row.level}A",
        free_evaluators=[(str(e.id), e.name) for e in evaluators
                         if row.organization_id not in e.affiliations],
        affiliated=[e.name for e in evaluators if row.organization_id in e.affiliations],
        today=today)
