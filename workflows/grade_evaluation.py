"""The grade-evaluation workflow (等级评估): one durable case per evaluation, id
``grade-evaluation:<evaluation id>``.

It orchestrates and waits; the domain decides.  Each command is an update whose
validator asks the domain's pure guards against the state the workflow holds, so a
refused command never reaches history; accepted ones run their activity one at a
time.  The stages (DESIGN.md §3.3, §4):

    apply (the organization) or start (the committee) → the committee assigns an
    evaluator → the evaluator scores → publicity (公示期, a timer closes it), during
    which the organization may appeal (复核) → the evaluator answers within the due
    date, else a timer escalates the appeal to the committee, who may then answer →
    the committee confirms → the grade is valid to 31 December of the fifth year →
    a timer records its expiry (到期) the day after, and the run ends.

A revocation (撤销) of the grade, signalled as ``grade_changed``, ends the run before
expiry; a downgrade (降级) only lowers the level the run holds.  The dates of each step
("today", due dates, publicity, validity) are China dates of ``workflow.now()``.

No continue-as-new: a run holds a few dozen events (one update and one or two
activities per command, at most three timers), far below Temporal's limits, even
though it lives for six years.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from typing import Any, TypedDict, TypeVar
from uuid import UUID

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.actors import SYSTEM_ACTOR, Actor
    from domain.aggregate import aggregate_id_for
    from domain.calendar import china_date, period_after
    from domain.catalogue.commands import CommandResult
    from domain.errors import ConflictError
    from domain.grading.commands import (
        AnswerAppeal,
        ApplyForEvaluation,
        AssignEvaluator,
        CloseEvaluationPublicity,
        ConfirmGrade,
        EscalateAppeal,
        FileAppeal,
        LapseGrade,
        ScoreEvaluation,
    )
    from domain.grading.evaluation import APPLYING_ROLES, GradeEvaluation
    from domain.grading.grades import validity_for
    from domain.grading.stages import EvaluationStatus
    from workflows.failures import refusals_as_failures
    from workflows.grade_signals import (
        DOWNGRADED,
        GRADE_CHANGED_SIGNAL,
        REVOKED,
        GradeChanged,
        grade_evaluation_workflow_id,
    )
    from workflows.grading_activities import GradingActivities
    from workflows.grading_messages import (
        AnswerAppealInput,
        AppealInput,
        ApplyInput,
        AssignEvaluatorInput,
        ConfirmInput,
        DescribeGradeEvaluation,
        EvaluationCommandInput,
        GradeEvaluationInput,
        GradeEvaluationState,
        GradingPolicy,
        ScoreInput,
    )
    from workflows.steps import Step, execute_step, first_command, wait_until

__all__ = [
    "GRADING_WORKFLOWS",
    "GradeEvaluationInput",
    "GradeEvaluationState",
    "GradeEvaluationWorkflow",
    "GradingPolicy",
    "grade_evaluation_workflow_id",
]

# The apply update arrives with the start (update-with-start).  An application its
# validator refuses leaves no trace in history, so the run gives it this long, then ends.
APPLY_WAIT = timedelta(minutes=10)


CommandT = TypeVar("CommandT")
ResultT = TypeVar("ResultT")



@workflow.defn
class GradeEvaluationWorkflow:
    """等级评估: apply → assign → score → publicity (appeal) → confirm → expiry."""

    @workflow.init
    def __init__(self, input: GradeEvaluationInput) -> None:
        self._input = input
        self._state = GradeEvaluationState(evaluation_id=input.evaluation_id)
        self._lock = asyncio.Lock()  # activities of two updates (or a timer) never interleave
        self._application: CommandResult | None = None
        self._apply_accepted = False
        self._apply_refused = False

    @workflow.run
    async def run(self, input: GradeEvaluationInput) -> GradeEvaluationState:
        if await self._applied():
            while not self._state.ended:
                await self._next_step()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._state

    async def _applied(self) -> bool:
        return await first_command(
            lambda: self._apply_accepted,
            lambda: self._application is not None or self._apply_refused, wait=APPLY_WAIT,
        ) and self._application is not None

    async def _next_step(self) -> None:
        """Wait for the next system step, or for people to move the case on."""
        step = self._due_step()
        if step is None:  # waiting for an assignment, a score or a confirmation
            await workflow.wait_condition(
                lambda: self._due_step() is not None or self._state.ended
            )
            return
        await self._step_at(step)

    def _due_step(self) -> Step | None:
        """The earliest step the system owes the case now (publicity and the appeal's
        deadline may run together)."""
        state = self._state
        due = [
            Step(at, name) for at, name in (
                (state.publicity_closes_at, "close-publicity"),
                (state.appeal_escalates_at, "escalate-appeal"),
                (state.grade_lapses_at, "lapse"),
            ) if at is not None
        ]
        return min(due, key=lambda step: step.at) if due else None

    async def _step_at(self, step: Step) -> None:
        """At ``step.at`` take the step, unless the case moves on first (the timer is then
        cancelled and the loop looks at the new state)."""
        if not await wait_until(step.at, lambda: self._due_step() != step):
            return
        async with self._lock:
            if self._due_step() != step:
                return
            try:
                await self._take(step.name)
            except ApplicationError as refusal:
                # The record says the step no longer applies (the grade was revoked or
                # lapsed already, say): nothing is left for this run to do.
                workflow.logger.info("step %s refused: %s", step.name, refusal.message)
                self._state = replace(self._state, step_refused=refusal.message)

    async def _take(self, name: str) -> None:
        addressed = self._addressed(f"{self._workflow_id}:{name}", SYSTEM_ACTOR)
        if name == "close-publicity":
            await self._record(
                GradingActivities.close_grade_evaluation_publicity,
                CloseEvaluationPublicity(**addressed),
                publicity_closed=True,
                status=(EvaluationStatus.AWAITING_CONFIRMATION
                        if self._state.status is EvaluationStatus.PUBLICITY
                        else self._state.status),
            )
        elif name == "escalate-appeal":
            await self._record(
                GradingActivities.escalate_grade_evaluation_appeal,
                EscalateAppeal(**addressed), appeal_escalated=True,
            )
        else:
            organization_id = self._state.organization_id
            assert organization_id is not None  # a confirmed evaluation has its organization
            await self._execute(
                GradingActivities.lapse_evaluated_grade,
                LapseGrade(**addressed, organization_id=organization_id,
                           lapsed_on=china_date(workflow.now())),
            )
            # The event is the organization's: the evaluation's version stays.
            self._state = replace(self._state, lapsed=True)

    # --- queries and signals -----------------------------------------------------

    @workflow.query
    def state(self) -> GradeEvaluationState:
        return self._state

    @workflow.signal(name=GRADE_CHANGED_SIGNAL)
    def grade_changed(self, change: GradeChanged) -> None:
        """降级 lowers the level held; 撤销 ends the wait for expiry (and the run)."""
        if change.evaluation_id != self._input.evaluation_id:
            return  # another grade of the organization
        if change.change == REVOKED:
            self._state = replace(self._state, revoked=True)
        elif change.change == DOWNGRADED and change.to_level is not None:
            self._state = replace(self._state, level=change.to_level)

    # --- updates -----------------------------------------------------------------

    @workflow.update
    async def apply(self, input: ApplyInput) -> CommandResult:
        """申请等级评估 / 启动评估: the first update, sent with the workflow's start."""
        self._apply_accepted = True
        async with self._lock:
            if self._application is not None:  # the same application again
                return self._application
            try:
                result = await self._execute(
                    GradingActivities.apply_for_grade_evaluation,
                    ApplyForEvaluation(
                        command_id=input.command_id, actor=input.actor,
                        organization_id=input.organization_id,
                        applied_on=china_date(workflow.now()),
                    ),
                )
            except ApplicationError:
                self._apply_refused = True
                raise
            if result.replayed:
                # Applied before this run (an earlier run ended, or was ended by an
                # operator): carry on from the record.
                await self._reload()
            else:
                self._state = replace(
                    self._state, organization_id=input.organization_id,
                    status=EvaluationStatus.APPLIED, version=result.version,
                )
            self._application = result
            return result

    @apply.validator
    def _validate_apply(self, input: ApplyInput) -> None:
        with refusals_as_failures():
            if aggregate_id_for(input.command_id) != self._input.evaluation_id:
                raise ConflictError(
                    f"命令 {input.command_id} 不是等级评估 {self._input.evaluation_id} 的申请命令",
                    field="command_id",
                )
            if self._application is None:  # a repeat is answered with its first result
                GradeEvaluation.check_role(input.actor, APPLYING_ROLES, action="申请等级评估")

    @workflow.update
    async def assign_evaluator(self, input: AssignEvaluatorInput) -> CommandResult:
        """指派第三方评估机构 (the committee); never one affiliated with the organization."""
        async with self._turn(input):
            return await self._record(
                GradingActivities.assign_grade_evaluator,
                AssignEvaluator(**self._addressed(input.command_id, input.actor),
                                evaluator_id=input.evaluator_id),
                status=EvaluationStatus.ASSIGNED, evaluator_id=input.evaluator_id,
            )

    @assign_evaluator.validator
    def _validate_assign_evaluator(self, input: AssignEvaluatorInput) -> None:
        self._validate(input)

    @workflow.update
    async def score(self, input: ScoreInput) -> CommandResult:
        """评分 (the assigned evaluator): the preliminary grade is publicized from tomorrow
        for ``publicity_days`` days (China time)."""
        async with self._turn(input):
            policy = self._input.policy
            period = period_after(workflow.now(), policy.publicity_days)
            result = await self._execute(
                GradingActivities.score_grade_evaluation,
                ScoreEvaluation(
                    **self._addressed(input.command_id, input.actor), scores=dict(input.scores),
                    publicity_starts_on=period.starts_on, publicity_ends_on=period.ends_on,
                    cutoffs=policy.cutoffs,
                ),
            )
            await self._reload()  # the total and the grade are the domain's to say
            return result

    @score.validator
    def _validate_score(self, input: ScoreInput) -> None:
        self._validate(input)

    @workflow.update
    async def appeal(self, input: AppealInput) -> CommandResult:
        """申请复核 (the organization, during publicity): answer due ``appeal_answer_days``
        calendar days after today."""
        async with self._turn(input):
            filed_on = china_date(workflow.now())
            answer_due_on = filed_on + timedelta(days=self._input.policy.appeal_answer_days)
            return await self._record(
                GradingActivities.file_grade_evaluation_appeal,
                FileAppeal(**self._addressed(input.command_id, input.actor),
                           reason=input.reason, filed_on=filed_on, answer_due_on=answer_due_on),
                status=EvaluationStatus.APPEALED, appeal_filed_on=filed_on,
                appeal_answer_due_on=answer_due_on,
            )

    @appeal.validator
    def _validate_appeal(self, input: AppealInput) -> None:
        self._validate(input)

    @workflow.update
    async def answer_appeal(self, input: AnswerAppealInput) -> CommandResult:
        """答复复核 (the evaluator; the committee once escalated): upheld with revised
        scores, or rejected."""
        async with self._turn(input):
            result = await self._execute(
                GradingActivities.answer_grade_evaluation_appeal,
                AnswerAppeal(
                    **self._addressed(input.command_id, input.actor), upheld=input.upheld,
                    answer=input.answer, answered_on=china_date(workflow.now()),
                    revised_scores=(None if input.revised_scores is None
                                    else dict(input.revised_scores)),
                    cutoffs=self._input.policy.cutoffs,
                ),
            )
            await self._reload()  # an upheld appeal may change the grade
            return result

    @answer_appeal.validator
    def _validate_answer_appeal(self, input: AnswerAppealInput) -> None:
        self._validate(input)

    @workflow.update
    async def confirm(self, input: ConfirmInput) -> CommandResult:
        """确认评估等级 (the committee): valid from 1 January next year to 31 December of
        the fifth year; the expiry timer starts."""
        async with self._turn(input):
            confirmed_on = china_date(workflow.now())
            valid_from, valid_until = validity_for(confirmed_on)
            return await self._record(
                GradingActivities.confirm_evaluated_grade,
                ConfirmGrade(**self._addressed(input.command_id, input.actor),
                             confirmed_on=confirmed_on),
                status=EvaluationStatus.CONFIRMED, confirmed_on=confirmed_on,
                valid_from=valid_from, valid_until=valid_until,
            )

    @confirm.validator
    def _validate_confirm(self, input: ConfirmInput) -> None:
        self._validate(input)

    # --- mechanics ---------------------------------------------------------------

    @property
    def _workflow_id(self) -> str:
        return workflow.info().workflow_id

    def _addressed(self, command_id: str, actor: Actor) -> _Addressed:
        """The part every command on this evaluation shares."""
        return _Addressed(command_id=command_id, actor=actor,
                          evaluation_id=self._input.evaluation_id)

    def _validate(self, input: EvaluationCommandInput) -> None:
        """Refuse before anything reaches history, with the domain's own message."""
        with refusals_as_failures():
            input.check(self._state.facts(), today=china_date(workflow.now()))

    @asynccontextmanager
    async def _turn(self, input: EvaluationCommandInput) -> AsyncIterator[None]:
        """An accepted command's turn: one at a time, checked again against the state it
        will act on (an earlier command or a timer may have moved it)."""
        async with self._lock:
            self._validate(input)
            yield

    async def _reload(self) -> None:
        """Take the evaluation's state from the record."""
        self._state = await self._execute(
            GradingActivities.describe_grade_evaluation,
            DescribeGradeEvaluation(evaluation_id=self._input.evaluation_id),
        )

    async def _record(
        self, activity: Callable[[GradingActivities, CommandT], CommandResult],
        command: CommandT, **changes: Any,
    ) -> CommandResult:
        """Run a command (the caller holds the lock) and take its outcome into the state."""
        result = await self._execute(activity, command)
        self._state = replace(self._state, version=result.version, **changes)
        return result

    async def _execute(
        self, activity: Callable[[GradingActivities, CommandT], ResultT], command: CommandT
    ) -> ResultT:
        """Run an activity; a refusal fails the update with the domain's own error."""
        return await execute_step(activity, command)


class _Addressed(TypedDict):
    command_id: str
    actor: Actor
    evaluation_id: UUID


GRADING_WORKFLOWS: tuple[type, ...] = (GradeEvaluationWorkflow,)
"""The grade-evaluation workflows, for the worker and the replayer."""
