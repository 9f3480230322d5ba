"""The reporting service: quarterly reports (季度报告) and acceptance reviews (验收考核)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.catalogue.commands import CommandResult
from domain.departments import DepartmentDirectory, require_department
from domain.registry.departments import RegisteredDepartment
from domain.reporting.acceptance import AcceptanceReview, acceptance_review_id
from domain.reporting.commands import (
    EscalateQuarterlyReport,
    OpenAcceptanceReview,
    OpenQuarterlyReport,
    SaveReportNarrative,
    ScoreAcceptanceReview,
    SubmitQuarterlyReport,
)
from domain.reporting.errors import AcceptanceReviewNotFoundError, QuarterlyReportNotFoundError
from domain.reporting.report import QuarterlyReport, quarterly_report_id
from domain.services import ServiceBase

_PAGE = 500


class ReportingService(ServiceBase):
    """季度报告与年度验收考核."""

    departments: DepartmentDirectory

    def registered_department_codes(self) -> list[str]:
        """Every registered department's code, in the order they were registered."""
        topic = get_topic(RegisteredDepartment.Registered)  # type: ignore[attr-defined]
        codes: list[str] = []
        start = 1
        while True:
            batch = self.recorder.select_notifications(start=start, limit=_PAGE, topics=[topic])
            for notification in batch:
                registered: Any = self.mapper.to_domain_event(notification)
                codes.append(str(registered.code))
            if len(batch) < _PAGE:
                return codes
            start = batch[-1].id + 1

    def open_quarterly_report(self, cmd: OpenQuarterlyReport) -> CommandResult:
        """开启季度报告: once per department and quarter (a repeat is answered)."""
        require_department(self.departments, cmd.department)
        return self._create(
            QuarterlyReport, quarterly_report_id(cmd.department, cmd.quarter), cmd.command_id,
            lambda: QuarterlyReport.open(
                command_id=cmd.command_id, actor=cmd.actor, department=cmd.department,
                quarter=cmd.quarter, opened_on=cmd.opened_on, due_days=cmd.due_days))

    def save_report_narrative(self, cmd: SaveReportNarrative) -> CommandResult:
        return self._on_report(cmd.report_id, cmd.command_id, lambda r: r.save_narrative(
            command_id=cmd.command_id, actor=cmd.actor, narrative=cmd.narrative))

    def submit_quarterly_report(self, cmd: SubmitQuarterlyReport) -> CommandResult:
        return self._on_report(cmd.report_id, cmd.command_id, lambda r: r.submit(
            command_id=cmd.command_id, actor=cmd.actor, narrative=cmd.narrative,
            submitted_on=cmd.submitted_on))

    def escalate_quarterly_report(self, cmd: EscalateQuarterlyReport) -> CommandResult:
        return self._on_report(cmd.report_id, cmd.command_id, lambda r: r.escalate(
            command_id=cmd.command_id, actor=cmd.actor, escalated_on=cmd.escalated_on))

    def get_quarterly_report(self, report_id: UUID) -> QuarterlyReport:
        return self._require(QuarterlyReport, report_id, lambda: report_not_found(report_id))

    def open_acceptance_review(self, cmd: OpenAcceptanceReview) -> CommandResult:
        """开启年度验收考核: once per department and year (a repeat is answered)."""
        require_department(self.departments, cmd.department)
        return self._create(
            AcceptanceReview, acceptance_review_id(cmd.department, cmd.year), cmd.command_id,
            lambda: AcceptanceReview.open(
                command_id=cmd.command_id, actor=cmd.actor, department=cmd.department,
                year=cmd.year, opened_on=cmd.opened_on))

    def score_acceptance_review(self, cmd: ScoreAcceptanceReview) -> CommandResult:
        return self._command(
            AcceptanceReview, cmd.review_id, cmd.command_id,
            lambda r: r.score(command_id=cmd.command_id, actor=cmd.actor, tasks=cmd.tasks,
                              scored_on=cmd.scored_on),
            lambda: AcceptanceReviewNotFoundError(
                f"没有编号为 {cmd.review_id} 的验收考核", field="review_id"))

    def get_acceptance_review(self, review_id: UUID) -> AcceptanceReview:
        return self._require(AcceptanceReview, review_id, lambda: AcceptanceReviewNotFoundError(
            f"没有编号为 {review_id} 的验收考核", field="review_id"))

    def _on_report(self, report_id: UUID, command_id: str,
                   decide: Callable[[QuarterlyReport], None]) -> CommandResult:
        return self._command(QuarterlyReport, report_id, command_id, decide,
                             lambda: report_not_found(report_id))


def report_not_found(report_id: UUID) -> QuarterlyReportNotFoundError:
    """The refusal of a command on a report that does not exist."""
    return QuarterlyReportNotFoundError(f"没有编号为 {report_id} 的季度报告", field="report_id")
