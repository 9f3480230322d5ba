"""The reporting run (报告开启): what the ``quarterly-reporting`` schedule starts, and what
the committee starts by hand (``POST /reporting-runs``).

It works out the quarter that ended before the run was scheduled (on 1 January: the
fourth quarter of the year before), or takes the quarter it is given, and refuses one
that has not ended.  Then, for every registered department, it opens the report and
starts the report's own workflow (``quarterly-report:<report id>``, which lives on
after the run: ``ParentClosePolicy.ABANDON``).  After a fourth quarter the year is
over, so it also opens each department's acceptance review (验收考核) of that year.

Every command id follows from the department and the period, so a run repeated for
the same quarter records nothing and starts nothing; its answer says so.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, timedelta

from temporalio import workflow
from temporalio.common import SearchAttributeKey, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

with workflow.unsafe.imports_passed_through():
    # The inputs' annotations name Actor and Quarter, which pydantic resolves through the
    # sandbox's sys.modules: they must pass through too.
    import domain.actors  # noqa: F401
    from domain.calendar import china_date
    from domain.catalogue.commands import CommandResult
    from domain.reporting.acceptance import acceptance_review_id
    from domain.reporting.commands import OpenAcceptanceReview, OpenQuarterlyReport
    from domain.reporting.periods import Quarter
    from domain.reporting.report import quarterly_report_id
    from workflows.failures import refusals_as_failures
    from workflows.quarterly_report import QuarterlyReportWorkflow
    from workflows.reporting_activities import ReportingActivities
    from workflows.reporting_messages import (
        ListDepartments,
        OpenedReport,
        OpenedReview,
        ReportingRun,
        ReportingRunInput,
        ReportInput,
        open_report_command_id,
        open_review_command_id,
        quarterly_report_workflow_id,
        reported_quarter,
    )
    from workflows.steps import execute_step

SCHEDULED_START_TIME = SearchAttributeKey.for_datetime("TemporalScheduledStartTime")
"""Set by Temporal on a run a schedule starts: the time it was due (a run started late,
after an outage, still reports the quarter it was scheduled for)."""

REPORT_RUN_TIMEOUT = timedelta(days=400)
"""A report's run ends by itself once submitted; this only bounds one that never is."""


@workflow.defn
class ReportingRunWorkflow:
    """开启季度报告（及年度验收考核）: one report per registered department."""

    @workflow.run
    async def run(self, input: ReportingRunInput) -> ReportingRun:
        today = china_date(workflow.now())
        quarter = self._quarter(input, today)
        departments = await execute_step(ReportingActivities.registered_department_codes,
                                         ListDepartments())
        reports = await asyncio.gather(*(
            self._open_report(input, department, quarter, today) for department in departments))
        reviews: tuple[tuple[OpenedReview, CommandResult], ...] = ()
        if quarter.number == 4:
            reviews = tuple(await asyncio.gather(*(
                self._open_review(input, department, quarter.year, today)
                for department in departments)))
        results = [result for _, result in (*reports, *reviews)]
        return ReportingRun(
            quarter=quarter, reports=[opened for opened, _ in reports],
            acceptance_reviews=[opened for opened, _ in reviews],
            notification_id=max((r.notification_id for r in results), default=0))

    def _quarter(self, input: ReportingRunInput, today: date) -> Quarter:
        """The quarter named, else the one that ended before the run was scheduled (a
        manual run: before now); it must be over."""
        scheduled = workflow.info().typed_search_attributes.get(SCHEDULED_START_TIME)
        if scheduled is not None and scheduled.tzinfo is None:
            scheduled = scheduled.replace(tzinfo=UTC)  # search attributes are UTC
        with refusals_as_failures():
            return reported_quarter(input.quarter, today=today,
                                    scheduled_on=china_date(scheduled or workflow.now()))

    async def _open_report(
        self, input: ReportingRunInput, department: str, quarter: Quarter,
        today: date,
    ) -> tuple[OpenedReport, CommandResult]:
        """Open the department's report and start its workflow (unless it runs, or ran)."""
        report_id = quarterly_report_id(department, quarter)
        result = await execute_step(ReportingActivities.open_quarterly_report, OpenQuarterlyReport(
            command_id=open_report_command_id(report_id), actor=input.actor,
            department=department, quarter=quarter, opened_on=today, due_days=input.due_days))
        try:
            await workflow.start_child_workflow(
                QuarterlyReportWorkflow.run,
                ReportInput(department=department, quarter=quarter, opened_on=today,
                            due_days=input.due_days, actor=input.actor),
                id=quarterly_report_workflow_id(report_id),
                parent_close_policy=workflow.ParentClosePolicy.ABANDON,
                # A report's run that completed (submitted) is not started again; one an
                # operator ended (failed, terminated) is.
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
                execution_timeout=REPORT_RUN_TIMEOUT,
            )
        except WorkflowAlreadyStartedError:
            workflow.logger.info("report %s: its workflow runs (or ran) already", report_id)
        return OpenedReport(department=department, report_id=report_id,
                            opened=not result.replayed), result

    async def _open_review(
        self, input: ReportingRunInput, department: str, year: int,
        today: date,
    ) -> tuple[OpenedReview, CommandResult]:
        result = await execute_step(
            ReportingActivities.open_acceptance_review,
            OpenAcceptanceReview(command_id=open_review_command_id(department, year),
                                 actor=input.actor, department=department, year=year,
                                 opened_on=today))
        return OpenedReview(department=department,
                            review_id=acceptance_review_id(department, year),
                            opened=not result.replayed), result


REPORTING_WORKFLOWS: tuple[type, ...] = (ReportingRunWorkflow, QuarterlyReportWorkflow)
"""The reporting workflows, for the worker and the replayer (with the acceptance review's
one-shot command workflow, ``workflows.acceptance_commands``)."""
