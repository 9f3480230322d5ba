"""Reporting's write side as the HTTP API sees it (``api.ports.ReportingCommands``).

A department's narrative and submission are updates of the report's workflow
(``quarterly-report:<report id>``) whose update id is the command id (the client's
``Idempotency-Key``), so Temporal answers a repeat with the first answer; a submission
repeated after the run has ended (it ends on submission) is answered from the run's
result.  The committee's scoring of an acceptance review and its reporting runs are
one-shot workflows (``command:<command_id>``).  A refusal is raised as the
``DomainError`` the domain raised.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar
from uuid import UUID

from temporalio.client import Client
from temporalio.workflow import UpdateMethodMultiParam

from domain.actors import Actor
from domain.catalogue.commands import CommandResult
from domain.errors import ConflictError
from domain.reporting.commands import ScoreAcceptanceReview
from domain.reporting.service import report_not_found
from workflows.acceptance_commands import ScoreAcceptanceReviewWorkflow
from workflows.case_updates import update_case
from workflows.command import command_workflow_id
from workflows.once import COMMAND_EXECUTION_TIMEOUT, run_command, run_once
from workflows.quarterly_report import QuarterlyReportWorkflow
from workflows.reporting_messages import (
    DEFAULT_DUE_DAYS,
    ReportingRun,
    ReportingRunInput,
    ReportState,
    SaveNarrativeInput,
    SubmitInput,
    quarterly_report_workflow_id,
)
from workflows.reporting_run import ReportingRunWorkflow

InputT = TypeVar("InputT", SaveNarrativeInput, SubmitInput)


class _Closed(ConflictError):
    """The report's run has ended (it ends on submission); carries its final state, from
    which the gateway answers (caught there, never raised further)."""

    def __init__(self, state: ReportState) -> None:
        super().__init__(f"季度报告 {state.report_id} 的流程已结束", field="report_id")
        self.state = state


class ReportingGateway:
    """季度报告与验收考核的写入口."""

    def __init__(self, client: Client, *, task_queue: str,
                 due_days: int = DEFAULT_DUE_DAYS) -> None:
        self._client = client
        self._task_queue = task_queue
        self._due_days = due_days

    async def save_narrative(self, *, report_id: UUID, command_id: str, actor: Actor,
                             narrative: str) -> CommandResult:
        """保存情况说明 (the report's department, while it is open)."""
        try:
            return await self._update(report_id, QuarterlyReportWorkflow.save_narrative,
                                      SaveNarrativeInput(command_id=command_id, actor=actor,
                                                         narrative=narrative))
        except _Closed as closed:
            raise closed.state.closed_refusal("修改") from None

    async def submit(self, *, report_id: UUID, command_id: str, actor: Actor,
                     narrative: str | None = None) -> CommandResult:
        """提交 (the report's department): with ``narrative``, or the one saved before."""
        try:
            return await self._update(report_id, QuarterlyReportWorkflow.submit,
                                      SubmitInput(command_id=command_id, actor=actor,
                                                  narrative=narrative))
        except _Closed as closed:
            final = closed.state
            if final.submission is not None and final.submission_command_id == command_id:
                return replace(final.submission, replayed=True)
            raise final.closed_refusal("提交") from None

    async def score_acceptance(self, command: ScoreAcceptanceReview) -> CommandResult:
        """验收考核评分 (the committee)."""
        return await run_command(self._client, ScoreAcceptanceReviewWorkflow.run, command,
                                 task_queue=self._task_queue)

    async def run_quarter(self, *, command_id: str, actor: Actor,
                          quarter: str | None = None) -> ReportingRun:
        """Open the reports of ``quarter`` (default: the one that ended last) now, as the
        schedule does; after a fourth quarter the year's acceptance reviews too."""
        return await run_once(
            self._client, ReportingRunWorkflow.run,
            ReportingRunInput(due_days=self._due_days, quarter=quarter, actor=actor),
            workflow_id=command_workflow_id(command_id), task_queue=self._task_queue,
            execution_timeout=COMMAND_EXECUTION_TIMEOUT)

    async def _update(
        self, report_id: UUID,
        update: UpdateMethodMultiParam[[QuarterlyReportWorkflow, InputT], CommandResult],
        input: InputT,
    ) -> CommandResult:
        handle = self._client.get_workflow_handle_for(
            QuarterlyReportWorkflow.run, quarterly_report_workflow_id(report_id))
        return await update_case(
            handle, update, input,
            not_found=lambda: report_not_found(report_id),
            terminated=lambda: ConflictError(
                f"季度报告 {report_id} 的流程已被终止，不再受理命令；请联系市社工委",
                field="report_id"),
            ended=_Closed,
        )
