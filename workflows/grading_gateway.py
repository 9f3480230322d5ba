"""Grade evaluation's write side as the HTTP API sees it: each command is a workflow update.

Every call takes the command id (the client's ``Idempotency-Key``) as the update id,
so Temporal answers a repeated call with the first answer.  A refusal is raised as
the ``DomainError`` the domain raised.

The application (申请等级评估 / 启动评估) starts the evaluation's workflow with it
(update-with-start, using the running workflow if there is one).  Every other command
is an update of that workflow: a command on an evaluation without one is refused as
not found, and one on an evaluation whose run has ended (its grade lapsed or was
revoked) as being at no stage that takes commands.
"""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.workflow import UpdateMethodMultiParam

from domain.actors import Actor
from domain.aggregate import aggregate_id_for
from domain.catalogue.commands import CommandResult
from domain.grading.errors import EvaluationStageError
from domain.grading.service import evaluation_not_found
from workflows.case_updates import update_case
from workflows.failures import raise_refusal_in
from workflows.grade_evaluation import GradeEvaluationWorkflow
from workflows.grade_signals import grade_evaluation_workflow_id
from workflows.grading_messages import (
    AnswerAppealInput,
    AppealInput,
    ApplyInput,
    AssignEvaluatorInput,
    ConfirmInput,
    EvaluationCommandInput,
    GradeEvaluationInput,
    GradeEvaluationState,
    GradingPolicy,
    ScoreInput,
)

CommandT = TypeVar("CommandT", bound=EvaluationCommandInput)


class GradingGateway:
    """等级评估的写入口: from the application to the committee's confirmation."""

    def __init__(self, client: Client, *, task_queue: str, policy: GradingPolicy) -> None:
        self._client = client
        self._task_queue = task_queue
        self._policy = policy

    async def apply(
        self, *, command_id: str, actor: Actor, organization_id: UUID
    ) -> CommandResult:
        """申请等级评估 / 启动评估: starts the evaluation's workflow (id from ``command_id``)."""
        evaluation_id = aggregate_id_for(command_id)
        start: WithStartWorkflowOperation[GradeEvaluationWorkflow, GradeEvaluationState] = (
            WithStartWorkflowOperation(
                GradeEvaluationWorkflow.run,
                GradeEvaluationInput(evaluation_id=evaluation_id, policy=self._policy),
                id=grade_evaluation_workflow_id(evaluation_id),
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                task_queue=self._task_queue,
            )
        )
        try:
            return await self._client.execute_update_with_start_workflow(
                GradeEvaluationWorkflow.apply,
                ApplyInput(command_id=command_id, actor=actor, organization_id=organization_id),
                start_workflow_operation=start, id=command_id,
            )
        except WorkflowUpdateFailedError as error:
            raise_refusal_in(error)
            raise

    async def assign_evaluator(
        self, *, evaluation_id: UUID, command_id: str, actor: Actor, evaluator_id: UUID
    ) -> CommandResult:
        """指派第三方评估机构 (the committee)."""
        return await self._update(
            evaluation_id, GradeEvaluationWorkflow.assign_evaluator,
            AssignEvaluatorInput(command_id=command_id, actor=actor, evaluator_id=evaluator_id),
        )

    async def score(
        self, *, evaluation_id: UUID, command_id: str, actor: Actor, scores: dict[str, int]
    ) -> CommandResult:
        """评分 (the assigned evaluator); publicity (公示) opens."""
        return await self._update(
            evaluation_id, GradeEvaluationWorkflow.score,
            ScoreInput(command_id=command_id, actor=actor, scores=dict(scores)),
        )

    async def appeal(
        self, *, evaluation_id: UUID, command_id: str, actor: Actor, reason: str
    ) -> CommandResult:
        """申请复核 (the organization, during publicity)."""
        return await self._update(
            evaluation_id, GradeEvaluationWorkflow.appeal,
            AppealInput(command_id=command_id, actor=actor, reason=reason),
        )

    async def answer_appeal(
        self, *, evaluation_id: UUID, command_id: str, actor: Actor, upheld: bool, answer: str,
        revised_scores: dict[str, int] | None = None,
    ) -> CommandResult:
        """答复复核 (the evaluator; the committee once escalated)."""
        return await self._update(
            evaluation_id, GradeEvaluationWorkflow.answer_appeal,
            AnswerAppealInput(
                command_id=command_id, actor=actor, upheld=upheld, answer=answer,
                revised_scores=None if revised_scores is None else dict(revised_scores),
            ),
        )

    async def confirm(
        self, *, evaluation_id: UUID, command_id: str, actor: Actor
    ) -> CommandResult:
        """确认评估等级 (the committee)."""
        return await self._update(
            evaluation_id, GradeEvaluationWorkflow.confirm,
            ConfirmInput(command_id=command_id, actor=actor),
        )

    async def _update(
        self, evaluation_id: UUID,
        update: UpdateMethodMultiParam[[GradeEvaluationWorkflow, CommandT], CommandResult],
        input: CommandT,
    ) -> CommandResult:
        handle = self._client.get_workflow_handle_for(
            GradeEvaluationWorkflow.run, grade_evaluation_workflow_id(evaluation_id))
        return await update_case(
            handle, update, input,
            not_found=lambda: evaluation_not_found(evaluation_id),
            terminated=lambda: EvaluationStageError(
                f"等级评估 {evaluation_id} 的流程已被终止，不再受理命令；请联系市社工委",
                field="evaluation_id"),
            ended=lambda state: EvaluationStageError(
                f"等级评估 {evaluation_id} 已办结（{_ending(state)}），不再受理命令",
                field="evaluation_id"),
        )


def _ending(state: GradeEvaluationState) -> str:
    if state.lapsed:
        return "评估等级已到期"
    if state.revoked:
        return "评估等级已撤销"
    return state.step_refused or (state.status.value if state.status else "")
