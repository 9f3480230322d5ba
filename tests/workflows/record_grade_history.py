"""Record the history of a full grade-evaluation run, for the replay test; and the
grading world the workflow tests drive (shared, so that what is recorded is what is tested).

    .venv/bin/python -m tests.workflows.record_grade_history

The run: the organization applies → the committee assigns an evaluator → the evaluator
scores → the organization appeals → publicity closes (a timer) → the evaluator does not
answer, so the appeal is escalated (a timer) → the committee upholds it with revised
scores → the committee confirms → a downgrade is signalled → the grade lapses (a timer)
and the run ends.  On the time-skipping server and a throw-away SQLite store.

Keep this history: a change that breaks its replay needs versioning (``workflow.patched``);
re-record only when the recorded path changed on purpose.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

from temporalio.client import WorkflowHandle
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.actors import Actor, Role
from domain.aggregate import aggregate_id_for
from domain.application import GovflowApplication
from domain.calendar import china_date, start_of_day
from domain.grading.commands import RegisterEvaluator
from domain.organizations.commands import RegisterOrganization
from tests.workflows.harness import notifications, sqlite_env, start_time_skipping
from workflows.grade_evaluation import (
    GradeEvaluationState,
    GradeEvaluationWorkflow,
)
from workflows.grade_signals import GRADE_CHANGED_SIGNAL, GradeChanged, grade_evaluation_workflow_id
from workflows.grading_gateway import GradingGateway
from workflows.grading_messages import GradingPolicy
from workflows.worker import WORKFLOWS, activities_for

GRADE_HISTORY_PATH = Path(__file__).parent / "histories" / "grade_evaluation.json"
GRADE_APPLY_COMMAND_ID = "record-grade:apply"
GRADE_WORKFLOW_ID = grade_evaluation_workflow_id(aggregate_id_for(GRADE_APPLY_COMMAND_ID))

COMMITTEE = Actor(user="zhou.min", role=Role.COMMITTEE)
CREDIT_CODE = "52440703MJL000016J"  # 民办非企业单位 in 蓬江区
SCORES = {"基础条件": 70, "内部治理": 300, "业务活动和诚信建设": 320, "社会评价": 90}
"""780 points: 3A."""
REVISED_SCORES = {**SCORES, "内部治理": 330}
"""810 points: 4A."""

GradeHandle = WorkflowHandle[GradeEvaluationWorkflow, GradeEvaluationState]


@dataclass(frozen=True)
class Grading:
    """A worker and gateway, one registered organization and two evaluators."""

    env: WorkflowEnvironment
    app: GovflowApplication
    gateway: GradingGateway
    organization_id: UUID
    evaluator_id: UUID
    other_evaluator_id: UUID
    started: list[UUID] = field(default_factory=list)
    """The evaluations applied for: their runs are ended with the world."""

    @property
    def organization(self) -> Actor:
        return Actor(user="hu.jing", role=Role.ORGANIZATION, scope=str(self.organization_id))

    @property
    def evaluator(self) -> Actor:
        return Actor(user="wu.lei", role=Role.EVALUATOR, scope=str(self.evaluator_id))

    @property
    def other_evaluator(self) -> Actor:
        return Actor(user="he.yun", role=Role.EVALUATOR, scope=str(self.other_evaluator_id))

    def handle(self, evaluation_id: UUID) -> GradeHandle:
        return self.env.client.get_workflow_handle_for(
            GradeEvaluationWorkflow.run, grade_evaluation_workflow_id(evaluation_id)
        )

    async def state(self, evaluation_id: UUID) -> GradeEvaluationState:
        return await self.handle(evaluation_id).query(GradeEvaluationWorkflow.state)

    async def until(
        self, evaluation_id: UUID, check: Callable[[GradeEvaluationState], bool], *,
        seconds: float = 15.0,
    ) -> GradeEvaluationState:
        """Wait (in real time) until the workflow's state passes ``check``."""
        deadline = asyncio.get_running_loop().time() + seconds
        while not check(state := await self.state(evaluation_id)):
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"the evaluation's state is still {state}")
            await asyncio.sleep(0.05)
        return state

    async def today(self) -> date:
        return china_date(await self.env.get_current_time())

    async def sleep_until(self, moment: datetime) -> None:
        await self.env.sleep(moment - await self.env.get_current_time())

    async def sleep_past(self, last_day: date) -> None:
        """Let time run to a minute after ``last_day`` is over (China time)."""
        await self.sleep_until(start_of_day(last_day + timedelta(days=1)) + timedelta(minutes=1))

    def position(self) -> int:
        """The application's last notification id: unchanged when nothing was recorded."""
        return self.app.recorder.max_notification_id() or 0

    def events(self, originator_id: UUID) -> list[str]:
        return [n.topic.rsplit(".", 1)[-1] for n in notifications(self.app)
                if n.originator_id == originator_id]

    async def applied(self, command_id: str = "") -> UUID:
        command_id = command_id or f"apply-{uuid4()}"
        self.started.append(aggregate_id_for(command_id))
        return (await self.gateway.apply(
            command_id=command_id, actor=self.organization, organization_id=self.organization_id,
        )).aggregate_id

    async def end_runs(self) -> None:
        """Terminate the runs still open.  A run left waiting without its worker would stop
        the time-skipping server's clock once its timer fires: the server skips time only
        while no workflow task is outstanding."""
        for evaluation_id in self.started:
            with suppress(RPCError):  # completed already, or never started
                await self.handle(evaluation_id).terminate(reason="test over")

    async def assigned(self, command_id: str = "") -> UUID:
        evaluation_id = await self.applied(command_id)
        await self.gateway.assign_evaluator(
            evaluation_id=evaluation_id, command_id=f"assign-{uuid4()}", actor=COMMITTEE,
            evaluator_id=self.evaluator_id,
        )
        return evaluation_id

    async def scored(self, command_id: str = "") -> UUID:
        """An evaluation scored 780 (3A), in publicity from tomorrow."""
        evaluation_id = await self.assigned(command_id)
        await self.gateway.score(evaluation_id=evaluation_id, command_id=f"score-{uuid4()}",
                                 actor=self.evaluator, scores=SCORES)
        return evaluation_id

    async def appeal(self, evaluation_id: UUID, command_id: str = "") -> None:
        await self.gateway.appeal(
            evaluation_id=evaluation_id, command_id=command_id or f"appeal-{uuid4()}",
            actor=self.organization, reason="社会评价得分偏低，未计入服务对象满意度调查",
        )

    async def publicity_over(self, evaluation_id: UUID) -> GradeEvaluationState:
        """Let the publicity period run out, and wait for the workflow to close it."""
        ends_on = (await self.state(evaluation_id)).publicity_ends_on
        assert ends_on is not None
        await self.sleep_past(ends_on)
        return await self.until(evaluation_id, lambda s: s.publicity_closed)

    async def confirmed(self, command_id: str = "") -> UUID:
        """An evaluation confirmed at 3A, with no appeal."""
        evaluation_id = await self.scored(command_id)
        await self.publicity_over(evaluation_id)
        await self.gateway.confirm(evaluation_id=evaluation_id,
                                   command_id=f"confirm-{uuid4()}", actor=COMMITTEE)
        return evaluation_id

    async def ended(self, evaluation_id: UUID) -> GradeEvaluationState:
        """Let the grade's validity run out, and the run's answer.  (Only a handle from
        ``start_workflow`` skips time while it waits; an update-with-start's does not.)"""
        valid_until = (await self.state(evaluation_id)).valid_until
        assert valid_until is not None
        await self.sleep_past(valid_until)
        return await self.handle(evaluation_id).result()

    async def signal(self, evaluation_id: UUID, change: str, to_level: int | None) -> None:
        await self.handle(evaluation_id).signal(GRADE_CHANGED_SIGNAL, GradeChanged(
            organization_id=self.organization_id, evaluation_id=evaluation_id, change=change,
            from_level=3, to_level=to_level, reason="年检不合格", decided_on=await self.today(),
            command_id=f"change-{uuid4()}",
        ))


def register_grading_parties(app: GovflowApplication, *, prefix: str) -> tuple[UUID, UUID, UUID]:
    """The committee registers the organization (2020, so due for evaluation) and two
    evaluators; returns their ids."""
    organization_id = app.register_organization(RegisterOrganization(
        command_id=f"{prefix}:organization", actor=COMMITTEE, credit_code=CREDIT_CODE,
        name="蓬江区长者服务中心", category="民办非企业单位", kind="社会服务类", industry="养老",
        region_code="440703", registered_on=date(2020, 5, 8), full_time_staff=4,
    )).aggregate_id
    evaluator_id, other_id = (
        app.register_evaluator(RegisterEvaluator(
            command_id=f"{prefix}:evaluator:{n}", actor=COMMITTEE, name=name,
            contact="0750-1234567",
        )).aggregate_id
        for n, name in enumerate(("江门市社会组织评估中心", "五邑社会组织评估所"))
    )
    return organization_id, evaluator_id, other_id


@asynccontextmanager
async def grading_world(
    env: WorkflowEnvironment, app: GovflowApplication, *, prefix: str = "",
    policy: GradingPolicy | None = None,
) -> AsyncIterator[Grading]:
    """A worker with every workflow and activity on a fresh task queue, a gateway that uses
    it, and the parties of an evaluation."""
    organization_id, evaluator_id, other_id = register_grading_parties(
        app, prefix=prefix or str(uuid4()))
    task_queue = f"grading-{uuid4()}"
    workflows = list(WORKFLOWS)
    activities = activities_for(app)
    with ThreadPoolExecutor(max_workers=4) as executor:
        async with Worker(env.client, task_queue=task_queue, workflows=workflows,
                          activities=activities, activity_executor=executor):
            grading = Grading(
                env=env, app=app, organization_id=organization_id, evaluator_id=evaluator_id,
                other_evaluator_id=other_id,
                gateway=GradingGateway(env.client, task_queue=task_queue,
                                       policy=policy or GradingPolicy()),
            )
            try:
                yield grading
            finally:
                await grading.end_runs()


async def record() -> str:
    """The JSON history of a run through every timer, to the grade's expiry."""
    async with await start_time_skipping() as env:
        with tempfile.TemporaryDirectory() as directory:
            app = GovflowApplication(sqlite_env(Path(directory) / "events.sqlite3"))
            async with grading_world(env, app, prefix="record-grade") as grading:
                evaluation_id = await grading.scored(GRADE_APPLY_COMMAND_ID)
                await grading.appeal(evaluation_id, "record-grade:appeal")
                state = await grading.publicity_over(evaluation_id)
                assert state.appeal_answer_due_on is not None
                await grading.sleep_past(state.appeal_answer_due_on)
                await grading.until(evaluation_id, lambda s: s.appeal_escalated)
                await grading.gateway.answer_appeal(
                    evaluation_id=evaluation_id, command_id="record-grade:answer",
                    actor=COMMITTEE, upheld=True, answer="复核成立，内部治理得分调整为 330 分",
                    revised_scores=REVISED_SCORES,
                )
                await grading.gateway.confirm(evaluation_id=evaluation_id,
                                              command_id="record-grade:confirm", actor=COMMITTEE)
                await grading.signal(evaluation_id, "降级", 3)
                final = await grading.ended(evaluation_id)
                assert final.lapsed and final.level == 3
                return (await grading.handle(evaluation_id).fetch_history()).to_json()


def main() -> None:
    GRADE_HISTORY_PATH.parent.mkdir(parents=True, exist_ok=True)
    GRADE_HISTORY_PATH.write_text(asyncio.run(record()) + "\n", encoding="utf-8")
    print(f"wrote {GRADE_HISTORY_PATH}")


if __name__ == "__main__":
    main()
