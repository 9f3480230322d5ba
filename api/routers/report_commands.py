"""Reporting's writes (建立机制, DESIGN.md §3.6): a department's narrative and submission of
its quarterly report (季度报告), the committee's scoring of an acceptance review (验收考核),
and the committee's reporting runs — what the ``quarterly-reporting`` schedule does, now.

A report's commands are updates of its workflow, which dates them and checks that the
officer belongs to the report's department (another department's officer: 403).  The
reads are ``api.routers.reports``.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends

from api.deps import ChinaToday, CommandId, Reporting, acting_as
from api.routers.organizations import SERVICE_WRITE_PROBLEMS
from api.schemas.common import CommandAccepted
from api.schemas.report_commands import (
    AcceptanceScoring,
    ReportingRunCreate,
    ReportingRunPublic,
    ReportNarrative,
    ReportSubmission,
)
from domain.actors import Actor, Role
from domain.reporting.commands import ScoreAcceptanceReview

router = APIRouter(prefix="/quarterly-reports", tags=["quarterly-reports"])
acceptance_router = APIRouter(prefix="/acceptance-reviews", tags=["acceptance-reviews"])
runs_router = APIRouter(prefix="/reporting-runs", tags=["reporting-runs"])

_DEPARTMENT = frozenset({Role.DEPARTMENT})
_COMMITTEE = frozenset({Role.COMMITTEE})

Writer = Annotated[Actor, Depends(acting_as(_DEPARTMENT, action="填写季度报告"))]
Submitter = Annotated[Actor, Depends(acting_as(_DEPARTMENT, action="提交季度报告"))]
Scorer = Annotated[Actor, Depends(acting_as(_COMMITTEE, action="进行验收考核评分"))]
Opener = Annotated[Actor, Depends(acting_as(_COMMITTEE, action="开启季度报告"))]


@router.post("/{report_id}/narrative", responses=SERVICE_WRITE_PROBLEMS)
async def save_report_narrative(
    report_id: UUID, body: ReportNarrative, actor: Writer, reporting: Reporting,
    command_id: CommandId,
) -> CommandAccepted:
    """保存情况说明 (the report's department, while the report is open)."""
    result = await reporting.save_narrative(report_id=report_id, command_id=command_id,
                                            actor=actor, narrative=body.narrative)
    return CommandAccepted.from_result(result)


@router.post("/{report_id}/submit", responses=SERVICE_WRITE_PROBLEMS)
async def submit_report(
    report_id: UUID, body: ReportSubmission, actor: Submitter, reporting: Reporting,
    command_id: CommandId,
) -> CommandAccepted:
    """提交季度报告 (the report's department): with the narrative given, or the one saved;
    after the due date it is still accepted, and shown as late."""
    result = await reporting.submit(report_id=report_id, command_id=command_id, actor=actor,
                                    narrative=body.narrative)
    return CommandAccepted.from_result(result)


@acceptance_router.post("/{review_id}/score", responses=SERVICE_WRITE_PROBLEMS)
async def score_acceptance_review(
    review_id: UUID, body: AcceptanceScoring, actor: Scorer, reporting: Reporting,
    command_id: CommandId, today: ChinaToday,
) -> CommandAccepted:
    """验收考核评分 (the committee, once the year is over): each task 0–100 with findings;
    the mean, rounded half up, gives the conclusion (优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60)."""
    result = await reporting.score_acceptance(ScoreAcceptanceReview(
        command_id=command_id, actor=actor, review_id=review_id, tasks=body.task_scores(),
        scored_on=today))
    return CommandAccepted.from_result(result)


@runs_router.post("", responses=SERVICE_WRITE_PROBLEMS)
async def run_reporting(
    body: ReportingRunCreate, actor: Opener, reporting: Reporting, command_id: CommandId,
) -> ReportingRunPublic:
    """开启季度报告 (the committee): every registered department's report of the quarter
    (default: the one that ended last) and, after a fourth quarter, the year's acceptance
    reviews — as the schedule does; those open already are listed as not opened now."""
    run = await reporting.run_quarter(command_id=command_id, actor=actor, quarter=body.quarter)
    return ReportingRunPublic.from_run(run)
