"""Refusals of quarterly reports (季度报告) and of the year-end acceptance review (验收考核)."""

from __future__ import annotations

from domain.errors import ConflictError, InvalidCommandError, NotFoundError


class InvalidQuarterError(InvalidCommandError):
    """A quarter is a year and a number from 1 to 4 (2026Q3)."""


class QuarterlyReportNotFoundError(NotFoundError):
    """No quarterly report with this id."""


class ReportAlreadySubmittedError(ConflictError):
    """A submitted report is no longer changed."""


class ReportNotOverdueError(ConflictError):
    """A report is escalated only once its due date has passed, and only once."""


class AcceptanceReviewNotFoundError(NotFoundError):
    """No acceptance review with this id."""


class AcceptanceAlreadyScoredError(ConflictError):
    """An acceptance review is scored once."""


class AcceptanceTooEarlyError(ConflictError):
    """A year is reviewed once it is over."""


class AcceptanceScoreError(InvalidCommandError):
    """Each task is scored from 0 to 100, with its findings; at least one task."""
