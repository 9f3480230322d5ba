"""What crosses the Temporal boundary for quarterly reports (季度报告) and the reporting run.

One dataclass per workflow, update and activity input, and a report's state as its
workflow holds it.  The update inputs know the domain guards they must pass (``check``),
so that the validator and the handler ask the question the aggregate would, worded as
the aggregate words it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import cast
from uuid import UUID

from domain.actors import SYSTEM_ACTOR, Actor
from domain.aggregate import GovAggregate
from domain.calendar import start_of_day
from domain.catalogue.commands import CommandResult
from domain.errors import ConflictError, DomainError
from domain.reporting.errors import InvalidQuarterError
from domain.reporting.periods import Quarter
from domain.reporting.report import NARRATIVE_MAX, QuarterlyReport, ReportStatus
from domain.reporting.service import report_not_found
from domain.text import required_text

DEFAULT_DUE_DAYS = 15
"""A report is due this many days after it opens (``GOVFLOW_REPORT_DUE_DAYS``)."""


def quarterly_report_workflow_id(report_id: UUID) -> str:
    return f"quarterly-report:{report_id}"


def open_report_command_id(report_id: UUID) -> str:
    """The command that opens a report: the same for every run that opens it, so that only
    the first records anything."""
    return f"{quarterly_report_workflow_id(report_id)}:open"


def open_review_command_id(department: str, year: int) -> str:
    """The command that opens a department's acceptance review of a year, likewise."""
    return f"acceptance-review:{department}:{year}:open"


@dataclass(frozen=True)
class ReportInput:
    """Starts a report's workflow, which opens the report first (by ``actor``)."""

    department: str
    quarter: Quarter
    opened_on: date
    due_days: int = DEFAULT_DUE_DAYS
    actor: Actor = SYSTEM_ACTOR


@dataclass(frozen=True)
class SaveNarrativeInput:
    """保存情况说明 (the department)."""

    command_id: str
    actor: Actor
    narrative: str

    def check(self, state: ReportState) -> None:
        facts = state.facts()
        QuarterlyReport.check_own_department(facts, self.actor, "填写季度报告")
        QuarterlyReport.check_open(facts, "修改")
        _narrative(self.narrative)


@dataclass(frozen=True)
class SubmitInput:
    """提交 (the department): with ``narrative``, or the one saved before when None."""

    command_id: str
    actor: Actor
    narrative: str | None = None

    def check(self, state: ReportState) -> None:
        facts = state.facts()
        QuarterlyReport.check_own_department(facts, self.actor, "提交季度报告")
        QuarterlyReport.check_open(facts, "提交")
        _narrative(state.narrative if self.narrative is None else self.narrative)


def _narrative(text: str) -> str:
    return required_text(text, field="narrative", label="情况说明", max_length=NARRATIVE_MAX)


@dataclass(frozen=True)
class DescribeReport:
    report_id: UUID


@dataclass(frozen=True)
class ReportState:
    """A quarterly report as its workflow knows it; ``status`` is None until it is opened."""

    report_id: UUID
    department: str = ""
    period: Quarter | None = None
    status: ReportStatus | None = None
    version: int = 0
    opened_on: date | None = None
    due_on: date | None = None
    narrative: str = ""
    escalated_on: date | None = None
    submitted_on: date | None = None
    submission: CommandResult | None = None
    """The answer to the submission, kept so that a repeat of it after the run has ended
    is answered the same."""
    submission_command_id: str | None = None

    @classmethod
    def of(cls, report: QuarterlyReport) -> ReportState:
        """As recorded."""
        return cls(
            report_id=report.id, department=report.department, period=report.period,
            status=report.status, version=report.version, opened_on=report.opened_on,
            due_on=report.due_on, narrative=report.narrative,
            escalated_on=report.escalated_on, submitted_on=report.submitted_on,
        )

    @property
    def opened(self) -> bool:
        return self.status is not None

    @property
    def submitted(self) -> bool:
        return self.status is ReportStatus.SUBMITTED

    @property
    def escalates_at(self) -> datetime | None:
        """督办: 00:00 China time after the due date, while open and not yet escalated."""
        if self.status is not ReportStatus.OPEN or self.escalated_on is not None:
            return None
        if self.due_on is None:
            return None
        return start_of_day(self.due_on + timedelta(days=1))

    def facts(self) -> QuarterlyReport:
        """What the aggregate's guards read (department, period, status, submission date),
        standing in for it; refuses with not-found before the report is opened."""
        if self.status is None:
            raise report_not_found(self.report_id)
        return cast(QuarterlyReport, _ReportFacts(
            department=self.department, period=self.period, status=self.status,
            submitted_on=self.submitted_on))

    def closed_refusal(self, action: str) -> DomainError:
        """Why a command is refused once the run has ended: the report was submitted."""
        try:
            QuarterlyReport.check_open(self.facts(), action)
        except DomainError as refusal:
            return refusal
        return ConflictError(  # pragma: no cover - a run ends only once submitted
            f"季度报告 {self.report_id} 的流程已结束，不再受理命令", field="report_id")


@dataclass(frozen=True)
class _ReportFacts:
    department: str
    period: Quarter | None
    status: ReportStatus
    submitted_on: date | None
    check_role = staticmethod(GovAggregate.check_role)


# --- the reporting run --------------------------------------------------------------------


@dataclass(frozen=True)
class ReportingRunInput:
    """Starts a reporting run: by the schedule (``quarter`` None: the quarter that ended
    before the scheduled time), or by the committee for a quarter it names (2026Q4)."""

    due_days: int = DEFAULT_DUE_DAYS
    quarter: str | None = None
    actor: Actor = SYSTEM_ACTOR


def reported_quarter(named: str | None, *, scheduled_on: date, today: date) -> Quarter:
    """The quarter a run reports: the one ``named`` (2026Q4), else the one that ended before
    the day the run was scheduled for; refused unless it is over by ``today``."""
    quarter = Quarter.ended_before(scheduled_on) if named is None else Quarter.parse(named)
    if quarter.last_day >= today:
        raise InvalidQuarterError(
            f"{quarter.label}尚未结束（至 {quarter.last_day.isoformat()}）；"
            f"季度报告在季度结束后开启，今天是 {today.isoformat()}", field="quarter")
    return quarter


@dataclass(frozen=True)
class ListDepartments:
    """Every registered department (the departments that report)."""


@dataclass(frozen=True)
class OpenedReport:
    department: str
    report_id: UUID
    opened: bool
    """Opened by this run (False: it was open already)."""


@dataclass(frozen=True)
class OpenedReview:
    department: str
    review_id: UUID
    opened: bool


@dataclass(frozen=True)
class ReportingRun:
    """What a reporting run did: the quarter, each department's report and, after a fourth
    quarter, each department's acceptance review of the year."""

    quarter: Quarter
    reports: list[OpenedReport] = field(default_factory=list)
    acceptance_reviews: list[OpenedReview] = field(default_factory=list)
    notification_id: int = 0
    """A log position at or after every event the run recorded (read-your-writes)."""
    replayed: bool = False
    """An answer to a repeat of the same command (the run did nothing this time)."""
