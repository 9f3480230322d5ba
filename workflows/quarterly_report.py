"""The quarterly-report workflow (季度报告): one durable case per report, id
``quarterly-report:<report id>``.

Started by the reporting run (``workflows.reporting_run``) the day after a quarter ends;
its first command opens the report (the run may have opened it already: the command id
is the same, so only the first records).  Then it waits for the department:

    the department saves its narrative (``save_narrative``) as often as it likes and
    submits (``submit``) → the run ends.  If the report is not submitted by its due date,
    a timer at 00:00 China time after that day escalates it to the committee (督办, by
    the system, once); the run then keeps waiting, without a timer, for the submission.

Each command is an update whose validator asks the domain's guards against the state the
workflow holds, so a refused command never reaches history.  No continue-as-new: a run
holds a few dozen events.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import date
from typing import Protocol

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.actors import SYSTEM_ACTOR
    from domain.calendar import china_date
    from domain.catalogue.commands import CommandResult
    from domain.reporting.commands import (
        EscalateQuarterlyReport,
        OpenQuarterlyReport,
        SaveReportNarrative,
        SubmitQuarterlyReport,
    )
    from domain.reporting.report import ReportStatus, quarterly_report_id
    from domain.reporting.service import report_not_found
    from workflows.failures import refusal_failure, refusals_as_failures
    from workflows.reporting_activities import ReportingActivities
    from workflows.reporting_messages import (
        DescribeReport,
        ReportInput,
        ReportState,
        SaveNarrativeInput,
        SubmitInput,
        open_report_command_id,
    )
    from workflows.steps import execute_step, wait_until


class _ReportCommand(Protocol):
    @property
    def command_id(self) -> str: ...

    def check(self, state: ReportState) -> None: ...


@workflow.defn
class QuarterlyReportWorkflow:
    """季度报告: opened → narrative saved … → submitted (escalated once if overdue)."""

    @workflow.init
    def __init__(self, input: ReportInput) -> None:
        self._input = input
        self._report_id = quarterly_report_id(input.department, input.quarter)
        self._state = ReportState(report_id=self._report_id)
        self._lock = asyncio.Lock()  # an update's activity and the timer's never interleave
        self._open_refused = False
        self._escalation_refused = False

    @workflow.run
    async def run(self, input: ReportInput) -> ReportState:
        if await self._opened():
            while not self._state.submitted:
                await self._next_step()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._state

    async def _opened(self) -> bool:
        """Open the report (once for every run: the command id is the report's), then take
        its dates from the record."""
        async with self._lock:
            try:
                await execute_step(ReportingActivities.open_quarterly_report, OpenQuarterlyReport(
                    command_id=open_report_command_id(self._report_id), actor=self._input.actor,
                    department=self._input.department, quarter=self._input.quarter,
                    opened_on=self._input.opened_on, due_days=self._input.due_days))
            except ApplicationError as refusal:
                workflow.logger.warning("report not opened: %s", refusal.message)
                self._open_refused = True
                return False
            await self._reload()
            return True

    async def _next_step(self) -> None:
        """Escalate at the due date's end unless submitted first; once escalated, wait for
        the submission alone."""
        escalates_at = None if self._escalation_refused else self._state.escalates_at
        if escalates_at is None:
            await workflow.wait_condition(lambda: self._state.submitted)
            return
        if not await wait_until(escalates_at, lambda: self._state.escalates_at is None):
            return
        async with self._lock:
            if self._state.escalates_at is None:
                return  # submitted while the lock was taken
            today = self._today()
            try:
                result = await execute_step(
                    ReportingActivities.escalate_quarterly_report,
                    EscalateQuarterlyReport(
                        command_id=f"{self._workflow_id}:escalate", actor=SYSTEM_ACTOR,
                        report_id=self._report_id, escalated_on=today))
            except ApplicationError as refusal:
                # The record disagrees with the run (changed outside it): take its word.
                workflow.logger.info("escalation refused: %s", refusal.message)
                await self._reload()
                self._escalation_refused = True
                return
            self._state = replace(self._state, escalated_on=today, version=result.version)

    # --- queries and updates -------------------------------------------------------------

    @workflow.query
    def state(self) -> ReportState:
        return self._state

    @workflow.update
    async def save_narrative(self, input: SaveNarrativeInput) -> CommandResult:
        """保存情况说明 (the department, while the report is open)."""
        async with self._turn(input):
            result = await execute_step(
                ReportingActivities.save_report_narrative,
                SaveReportNarrative(command_id=input.command_id, actor=input.actor,
                                    report_id=self._report_id, narrative=input.narrative))
            self._state = replace(self._state, narrative=input.narrative.strip(),
                                  version=result.version)
            return result

    @save_narrative.validator
    def _validate_save_narrative(self, input: SaveNarrativeInput) -> None:
        self._validate(input)

    @workflow.update
    async def submit(self, input: SubmitInput) -> CommandResult:
        """提交 (the department): the run ends."""
        async with self._turn(input):
            today = self._today()
            result = await execute_step(
                ReportingActivities.submit_quarterly_report,
                SubmitQuarterlyReport(command_id=input.command_id, actor=input.actor,
                                      report_id=self._report_id, submitted_on=today,
                                      narrative=input.narrative))
            narrative = self._state.narrative if input.narrative is None else input.narrative
            self._state = replace(
                self._state, status=ReportStatus.SUBMITTED, narrative=narrative.strip(),
                submitted_on=today, version=result.version, submission=result,
                submission_command_id=input.command_id)
            return result

    @submit.validator
    def _validate_submit(self, input: SubmitInput) -> None:
        self._validate(input)

    # --- mechanics -----------------------------------------------------------------------

    @property
    def _workflow_id(self) -> str:
        return workflow.info().workflow_id

    def _today(self) -> date:
        return china_date(workflow.now())

    def _validate(self, input: _ReportCommand) -> None:
        """Refuse before anything reaches history, with the domain's own message.  Before
        the report is opened (the run's first moments) the handler waits and checks."""
        if not self._state.opened and not self._open_refused:
            return
        with refusals_as_failures():
            input.check(self._state)

    @asynccontextmanager
    async def _turn(self, input: _ReportCommand) -> AsyncIterator[None]:
        """An accepted command's turn: once the report is open, one at a time, checked
        again against the state it will act on (the timer may have moved it)."""
        await workflow.wait_condition(lambda: self._state.opened or self._open_refused)
        async with self._lock:
            if not self._state.opened:
                raise refusal_failure(report_not_found(self._report_id))
            with refusals_as_failures():
                input.check(self._state)
            yield

    async def _reload(self) -> None:
        recorded = await execute_step(ReportingActivities.describe_quarterly_report,
                                      DescribeReport(report_id=self._report_id))
        self._state = replace(recorded, submission=self._state.submission,
                              submission_command_id=self._state.submission_command_id)
