"""Commands of quarterly reports (季度报告) and of the acceptance review (验收考核)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.actors import Actor
from domain.reporting.acceptance import TaskScore
from domain.reporting.periods import Quarter


@dataclass(frozen=True)
class OpenQuarterlyReport:
    """开启季度报告; the id is ``quarterly_report_id(department, quarter)``."""

    command_id: str
    actor: Actor
    department: str
    quarter: Quarter
    opened_on: date
    due_days: int


@dataclass(frozen=True)
class SaveReportNarrative:
    """保存情况说明 (the department)."""

    command_id: str
    actor: Actor
    report_id: UUID
    narrative: str


@dataclass(frozen=True)
class SubmitQuarterlyReport:
    """提交季度报告 (the department); ``narrative`` None keeps the saved one."""

    command_id: str
    actor: Actor
    report_id: UUID
    submitted_on: date
    narrative: str | None = None


@dataclass(frozen=True)
class EscalateQuarterlyReport:
    """逾期督办 (the workflow's timer)."""

    command_id: str
    actor: Actor
    report_id: UUID
    escalated_on: date


@dataclass(frozen=True)
class OpenAcceptanceReview:
    """开启年度验收考核; the id is ``acceptance_review_id(department, year)``."""

    command_id: str
    actor: Actor
    department: str
    year: int
    opened_on: date


@dataclass(frozen=True)
class ScoreAcceptanceReview:
    """验收考核评分 (the committee)."""

    command_id: str
    actor: Actor
    review_id: UUID
    tasks: tuple[TaskScore, ...]
    scored_on: date
