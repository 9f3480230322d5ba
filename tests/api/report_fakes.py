"""A fake of the reporting port (``api.ports.ReportingCommands``), for the edge tests.

The commands go to the real domain application in memory, as the report workflow's
updates and the reporting run's activities call it (without Temporal), and are
remembered, so that a test sees exactly what the API sent.  They are dated by the app's
clock (today in China), as the workflows date them.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.actors import Actor
from domain.application import GovflowApplication
from domain.calendar import china_date
from domain.catalogue.commands import CommandResult
from domain.reporting.acceptance import acceptance_review_id
from domain.reporting.commands import (
    OpenAcceptanceReview,
    OpenQuarterlyReport,
    SaveReportNarrative,
    ScoreAcceptanceReview,
    SubmitQuarterlyReport,
)
from domain.reporting.report import quarterly_report_id
from tests.api.fakes import FakeClock
from workflows.reporting_messages import (
    DEFAULT_DUE_DAYS,
    OpenedReport,
    OpenedReview,
    ReportingRun,
    open_report_command_id,
    open_review_command_id,
    reported_quarter,
)


class FakeReportingCommands:
    """``api.ports.ReportingCommands`` without Temporal."""

    def __init__(self, application: GovflowApplication, clock: FakeClock) -> None:
        self.application = application
        self.clock = clock
        self.commands: list[Any] = []
        self.runs: list[dict[str, Any]] = []

    @property
    def today(self) -> date:
        return china_date(self.clock())

    async def save_narrative(self, *, report_id: UUID, command_id: str, actor: Actor,
                             narrative: str) -> CommandResult:
        command = SaveReportNarrative(command_id=command_id, actor=actor, report_id=report_id,
                                      narrative=narrative)
        self.commands.append(command)
        return self.application.save_report_narrative(command)

    async def submit(self, *, report_id: UUID, command_id: str, actor: Actor,
                     narrative: str | None = None) -> CommandResult:
        command = SubmitQuarterlyReport(command_id=command_id, actor=actor, report_id=report_id,
                                        submitted_on=self.today, narrative=narrative)
        self.commands.append(command)
        return self.application.submit_quarterly_report(command)

    async def score_acceptance(self, command: ScoreAcceptanceReview) -> CommandResult:
        self.commands.append(command)
        return self.application.score_acceptance_review(command)

    async def run_quarter(self, *, command_id: str, actor: Actor,
                          quarter: str | None = None) -> ReportingRun:
        """What the reporting run records (the reports' own workflows aside)."""
        self.runs.append({"command_id": command_id, "actor": actor, "quarter": quarter})
        period = reported_quarter(quarter, scheduled_on=self.today, today=self.today)
        departments = self.application.registered_department_codes()
        results: list[CommandResult] = []
        reports: list[OpenedReport] = []
        for department in departments:
            report_id = quarterly_report_id(department, period)
            opened = self.application.open_quarterly_report(OpenQuarterlyReport(
                command_id=open_report_command_id(report_id), actor=actor,
                department=department, quarter=period, opened_on=self.today,
                due_days=DEFAULT_DUE_DAYS))
            results.append(opened)
            reports.append(OpenedReport(department=department, report_id=report_id,
                                        opened=not opened.replayed))
        reviews: list[OpenedReview] = []
        for department in departments if period.number == 4 else []:
            opened = self.application.open_acceptance_review(OpenAcceptanceReview(
                command_id=open_review_command_id(department, period.year), actor=actor,
                department=department, year=period.year, opened_on=self.today))
            results.append(opened)
            reviews.append(OpenedReview(
                department=department, review_id=acceptance_review_id(department, period.year),
                opened=not opened.replayed))
        return ReportingRun(quarter=period, reports=reports, acceptance_reviews=reviews,
                            notification_id=max((r.notification_id for r in results), default=0))
