"""The quarterly report (季度报告) of one department for one quarter.

opened (by the schedule, the day after the quarter ends, due some days later) → the
department saves its narrative as often as it likes → submitted.  A report not submitted
by its due date is escalated to the committee once; it can still be submitted after.
The figures are not part of the aggregate: they follow from the log (the reporting view)
and no event can be dated inside a quarter once it is over.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.actors import Actor, Role
from domain.aggregate import GovAggregate
from domain.errors import OtherDepartmentError
from domain.reporting.errors import ReportAlreadySubmittedError, ReportNotOverdueError
from domain.reporting.periods import Quarter
from domain.text import required_text

NARRATIVE_MAX = 20000
_NAMESPACE = uuid5(NAMESPACE_URL, "govflow:quarterly-report")


class ReportStatus(StrEnum):
    """季度报告的状态."""

    OPEN = "待提交"
    SUBMITTED = "已提交"


def quarterly_report_id(department: str, quarter: Quarter) -> UUID:
    """One report per department and quarter: its id follows from both."""
    return uuid5(_NAMESPACE, f"{department}:{quarter.key}")


class QuarterlyReport(GovAggregate):
    """季度报告: what a department did in a quarter, in figures and in its own words."""

    @classmethod
    def open(cls, *, command_id: str, actor: Actor, department: str, quarter: Quarter,
             opened_on: date, due_days: int) -> QuarterlyReport:
        """开启季度报告 (the schedule, or the committee): due ``due_days`` days later."""
        cls.check_role(actor, frozenset({Role.SYSTEM, Role.COMMITTEE}), action="开启季度报告")
        if due_days < 1:
            raise ValueError(f"due_days must be at least 1, got {due_days}")
        return cls(command_id=command_id, actor=cls.actor_record(actor), department=department,
                   year=quarter.year, quarter=quarter.number, opened_on=opened_on,
                   due_on=opened_on + timedelta(days=due_days))

    @event("Opened")
    def __init__(self, *, command_id: str, actor: dict[str, Any], department: str, year: int,
                 quarter: int, opened_on: date, due_on: date) -> None:
        self._created_by(command_id)
        self.department = department
        self.period = Quarter(year, quarter)
        self.opened_on = opened_on
        self.due_on = due_on
        self.narrative = ""
        self.status = ReportStatus.OPEN
        self.escalated_on: date | None = None
        self.submitted_on: date | None = None

    @staticmethod
    def create_id(department: str, year: int, quarter: int, **_: Any) -> UUID:
        return quarterly_report_id(department, Quarter(year, quarter))

    @property
    def title(self) -> str:
        return f"{self.department} {self.period.label}工作报告"

    def check_own_department(self, actor: Actor, action: str) -> None:
        self.check_role(actor, frozenset({Role.DEPARTMENT}), action=action)
        if actor.scope != self.department:
            raise OtherDepartmentError(
                f"您所在的部门为 {actor.scope}，不能{action}：这是 {self.department} 的"
                f"{self.period.label}报告")

    def check_open(self, action: str) -> None:
        if self.status is ReportStatus.SUBMITTED:
            shown = self.submitted_on.isoformat() if self.submitted_on else ""
            raise ReportAlreadySubmittedError(
                f"{self.department} 的{self.period.label}报告已于 {shown} 提交，不能再{action}")

    def save_narrative(self, *, command_id: str, actor: Actor, narrative: str) -> None:
        """保存情况说明 (the department, while the report is open)."""
        self.check_own_department(actor, "填写季度报告")
        self.check_open("修改")
        self._narrative_saved(
            command_id=command_id, actor=self.actor_record(actor),
            narrative=required_text(narrative, field="narrative", label="情况说明",
                                    max_length=NARRATIVE_MAX))

    @event("NarrativeSaved")
    def _narrative_saved(self, *, command_id: str, actor: dict[str, Any], narrative: str) -> None:
        self._applied(command_id)
        self.narrative = narrative

    def submit(self, *, command_id: str, actor: Actor, narrative: str | None,
               submitted_on: date) -> None:
        """提交 (the department): with the narrative given, or the one saved before."""
        self.check_own_department(actor, "提交季度报告")
        self.check_open("提交")
        text = required_text(self.narrative if narrative is None else narrative,
                             field="narrative", label="情况说明", max_length=NARRATIVE_MAX)
        self._submitted(command_id=command_id, actor=self.actor_record(actor), narrative=text,
                        submitted_on=submitted_on)

    @event("Submitted")
    def _submitted(self, *, command_id: str, actor: dict[str, Any], narrative: str,
                   submitted_on: date) -> None:
        self._applied(command_id)
        self.narrative = narrative
        self.status = ReportStatus.SUBMITTED
        self.submitted_on = submitted_on

    @property
    def late(self) -> bool:
        """Submitted after its due date (or not yet submitted and escalated)."""
        if self.submitted_on is not None:
            return self.submitted_on > self.due_on
        return self.escalated_on is not None

    def escalate(self, *, command_id: str, actor: Actor, escalated_on: date) -> None:
        """逾期未报，提请市社工委督办 (the workflow's timer): once, after the due date."""
        self.check_role(actor, frozenset({Role.SYSTEM}), action="督办季度报告")
        self.check_open("督办")
        if self.escalated_on is not None or escalated_on <= self.due_on:
            raise ReportNotOverdueError(
                f"{self.department} 的{self.period.label}报告截止日期为 {self.due_on.isoformat()}"
                + ("，已提请督办" if self.escalated_on else
                   f"，{escalated_on.isoformat()} 尚未逾期"))
        self._escalated(command_id=command_id, actor=self.actor_record(actor),
                        escalated_on=escalated_on)

    @event("Escalated")
    def _escalated(self, *, command_id: str, actor: dict[str, Any], escalated_on: date) -> None:
        self._applied(command_id)
        self.escalated_on = escalated_on
