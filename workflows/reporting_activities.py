"""Reporting activities (季度报告、验收考核): thin adapters from Temporal to the application.

Synchronous, like eventsourcing: the worker runs them on a thread pool.  Retries are
safe because the application answers a repeated command id with the original result
and records nothing; a refusal is final (non-retryable).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio import activity

from domain.application import GovflowApplication
from domain.catalogue.commands import CommandResult
from domain.reporting.commands import (
    EscalateQuarterlyReport,
    OpenAcceptanceReview,
    OpenQuarterlyReport,
    SaveReportNarrative,
    ScoreAcceptanceReview,
    SubmitQuarterlyReport,
)
from workflows.failures import refusals_as_failures
from workflows.reporting_messages import DescribeReport, ListDepartments, ReportState


class ReportingActivities:
    """季度报告与验收考核的活动 — built once per worker with the application they drive."""

    def __init__(self, application: GovflowApplication) -> None:
        self._application = application

    @activity.defn
    def registered_department_codes(self, request: ListDepartments) -> list[str]:
        """The departments that report: every registered one."""
        return self._application.registered_department_codes()

    @activity.defn
    def open_quarterly_report(self, command: OpenQuarterlyReport) -> CommandResult:
        with refusals_as_failures():
            return self._application.open_quarterly_report(command)

    @activity.defn
    def save_report_narrative(self, command: SaveReportNarrative) -> CommandResult:
        with refusals_as_failures():
            return self._application.save_report_narrative(command)

    @activity.defn
    def submit_quarterly_report(self, command: SubmitQuarterlyReport) -> CommandResult:
        with refusals_as_failures():
            return self._application.submit_quarterly_report(command)

    @activity.defn
    def escalate_quarterly_report(self, command: EscalateQuarterlyReport) -> CommandResult:
        with refusals_as_failures():
            return self._application.escalate_quarterly_report(command)

    @activity.defn
    def describe_quarterly_report(self, request: DescribeReport) -> ReportState:
        """The report as recorded: its dates once opened, or its state after a refused step."""
        with refusals_as_failures():
            return ReportState.of(self._application.get_quarterly_report(request.report_id))

    @activity.defn
    def open_acceptance_review(self, command: OpenAcceptanceReview) -> CommandResult:
        with refusals_as_failures():
            return self._application.open_acceptance_review(command)

    @activity.defn
    def score_acceptance_review(self, command: ScoreAcceptanceReview) -> CommandResult:
        with refusals_as_failures():
            return self._application.score_acceptance_review(command)


def reporting_activities(application: GovflowApplication) -> list[Callable[..., Any]]:
    """Every reporting activity, bound to ``application``, for the worker."""
    reporting = ReportingActivities(application)
    return [
        reporting.registered_department_codes,
        reporting.open_quarterly_report,
        reporting.save_report_narrative,
        reporting.submit_quarterly_report,
        reporting.escalate_quarterly_report,
        reporting.describe_quarterly_report,
        reporting.open_acceptance_review,
        reporting.score_acceptance_review,
    ]
