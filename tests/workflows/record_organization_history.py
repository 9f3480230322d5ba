"""Record the histories of two organization commands (登记社会组织, 降级), for the replay test.

    .venv/bin/python -m tests.workflows.record_organization_history

On the time-skipping server and a throw-away SQLite store.  Re-record after an intended
change of the organization command workflows; a change that breaks replay of old
histories needs versioning.  Also holds what the organization command tests share with
the recorder: a worker with the organization commands, and a graded organization.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from uuid import UUID, uuid4

from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.actors import Actor, Role
from domain.application import GovflowApplication
from domain.grading.commands import (
    ApplyForEvaluation,
    AssignEvaluator,
    CloseEvaluationPublicity,
    ConfirmGrade,
    DowngradeGrade,
    RegisterEvaluator,
    ScoreEvaluation,
)
from domain.organizations.commands import RecordAnnualInspection, RegisterOrganization
from tests.workflows.harness import sqlite_env, start_time_skipping
from workflows.command import command_workflow_id
from workflows.organization_gateway import OrganizationGateway
from workflows.worker import WORKFLOWS, activities_for

HISTORIES = Path(__file__).parent / "histories"
REGISTER_HISTORY_PATH = HISTORIES / "register_organization.json"
REGISTER_WORKFLOW_ID = command_workflow_id("record-history:register-organization")
DOWNGRADE_HISTORY_PATH = HISTORIES / "downgrade_grade.json"
DOWNGRADE_WORKFLOW_ID = command_workflow_id("record-history:downgrade-grade")

COMMITTEE = Actor(user="zhou.committee", role=Role.COMMITTEE)
SERVICE_CENTRE_CODE = "52440703MJL000016J"
SCORES = {"基础条件": 70, "内部治理": 330, "业务活动和诚信建设": 320, "社会评价": 90}
"""A 民办非企业单位's scores worth 810 points: 4A."""


def register_service_centre(command_id: str = "register-centre") -> RegisterOrganization:
    """蓬江区长者服务中心, a 民办非企业单位 registered in 2020."""
    return RegisterOrganization(
        command_id=command_id, actor=COMMITTEE, credit_code=SERVICE_CENTRE_CODE,
        name="蓬江区长者服务中心", category="民办非企业单位", kind="社会服务类", industry="养老",
        region_code="440703", registered_on=date(2020, 5, 8), full_time_staff=4,
    )


@dataclass(frozen=True)
class Graded:
    """An organization holding a 4A grade valid 2027–2031, with 2026's inspection failed."""

    organization_id: UUID
    evaluation_id: UUID


def grade_service_centre(app: GovflowApplication, *, evaluation_command: str = "apply") -> Graded:
    """Drive the domain through a whole evaluation (申请 → 指派 → 评分 → 公示 → 确认) and
    record a failed 2026 inspection, so that a downgrade has a fact to rest on.

    The evaluation's id follows from ``evaluation_command``: tests sharing one Temporal
    server give each its own, so that their evaluation workflow ids differ.
    """
    organization_id = app.register_organization(register_service_centre()).aggregate_id
    evaluator_id = app.register_evaluator(RegisterEvaluator(
        command_id="register-evaluator", actor=COMMITTEE, name="江门市社会组织评估中心",
        contact="0750-1234567")).aggregate_id
    applicant = Actor("hu.centre", Role.ORGANIZATION, str(organization_id))
    evaluator = Actor("wu.evaluator", Role.EVALUATOR, str(evaluator_id))
    evaluation_id = app.apply_for_evaluation(ApplyForEvaluation(
        evaluation_command, applicant, organization_id, date(2026, 3, 1))).aggregate_id
    app.assign_evaluator(AssignEvaluator("assign", COMMITTEE, evaluation_id, evaluator_id))
    app.score_evaluation(ScoreEvaluation(
        "score", evaluator, evaluation_id, SCORES, date(2026, 4, 1), date(2026, 4, 7)))
    app.close_evaluation_publicity(CloseEvaluationPublicity(
        "close-publicity", Actor("govflow", Role.SYSTEM), evaluation_id))
    app.confirm_grade(ConfirmGrade("confirm", COMMITTEE, evaluation_id, date(2026, 4, 20)))
    app.record_annual_inspection(RecordAnnualInspection(
        "inspect-2026", COMMITTEE, organization_id, 2026, "不合格", date(2027, 3, 1)))
    return Graded(organization_id, evaluation_id)


def downgrade(graded: Graded, command_id: str) -> DowngradeGrade:
    """降级 4A → 3A for the failed 2026 inspection."""
    return DowngradeGrade(
        command_id=command_id, actor=COMMITTEE, organization_id=graded.organization_id,
        basis="年检不合格", reference="2026", reason="2026 年度年检不合格，降低一级",
        decided_on=date(2027, 3, 2))


@asynccontextmanager
async def organization_worker(
    env: WorkflowEnvironment, app: GovflowApplication, *, extra_workflows: Sequence[type] = (),
) -> AsyncIterator[str]:
    """Every workflow and activity, the organization commands' included (as the main worker
    should have them), on a fresh task queue; yields the task queue."""
    task_queue = f"organizations-{uuid4()}"
    with ThreadPoolExecutor(max_workers=4) as executor:
        async with Worker(
            env.client, task_queue=task_queue,
            workflows=[*WORKFLOWS, *extra_workflows],
            activities=activities_for(app),
            activity_executor=executor,
        ):
            yield task_queue


async def record() -> tuple[str, str]:
    """The JSON histories of one registration and one downgrade (no live case to tell)."""
    async with await start_time_skipping() as env:
        with tempfile.TemporaryDirectory() as directory:
            app = GovflowApplication(sqlite_env(Path(directory) / "events.sqlite3"))
            graded = grade_service_centre(app)
            async with organization_worker(env, app) as task_queue:
                gateway = OrganizationGateway(env.client, task_queue=task_queue)
                await gateway.register_organization(RegisterOrganization(
                    command_id="record-history:register-organization", actor=COMMITTEE,
                    credit_code="51440700MJL000016A", name="江门市养老服务协会",
                    category="社会团体", kind="行业协会商会", industry="养老",
                    region_code="440700", registered_on=date(2019, 6, 1), full_time_staff=6,
                ))
                await gateway.downgrade_grade(
                    downgrade(graded, command_id="record-history:downgrade-grade"))
                histories = [
                    await env.client.get_workflow_handle(workflow_id).fetch_history()
                    for workflow_id in (REGISTER_WORKFLOW_ID, DOWNGRADE_WORKFLOW_ID)
                ]
                return histories[0].to_json(), histories[1].to_json()


if __name__ == "__main__":
    registered, downgraded = asyncio.run(record())
    REGISTER_HISTORY_PATH.write_text(registered, encoding="utf-8")
    DOWNGRADE_HISTORY_PATH.write_text(downgraded, encoding="utf-8")
    print(f"wrote {REGISTER_HISTORY_PATH} and {DOWNGRADE_HISTORY_PATH}")
