"""The year-end acceptance review (验收考核) of one department's reform tasks.

Opened by the schedule on the first day of the next year; the committee scores each task
(0–100) with its findings, once.  The result — the mean score and its conclusion — goes
into the department's record and feeds the leadership assessment (量化考核).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.actors import Actor, Role
from domain.aggregate import GovAggregate
from domain.reporting.errors import (
    AcceptanceAlreadyScoredError,
    AcceptanceScoreError,
    AcceptanceTooEarlyError,
)
from domain.text import required_text

TASK_MAX = 200
FINDINGS_MAX = 4000
MAX_TASKS = 50
_NAMESPACE = uuid5(NAMESPACE_URL, "govflow:acceptance-review")


class Conclusion(StrEnum):
    """验收考核结论: 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, 不合格 < 60."""

    EXCELLENT = "优秀"
    GOOD = "良好"
    PASSED = "合格"
    FAILED = "不合格"

    @classmethod
    def for_score(cls, score: int) -> Conclusion:
        if score >= 90:
            return cls.EXCELLENT
        if score >= 80:
            return cls.GOOD
        if score >= 60:
            return cls.PASSED
        return cls.FAILED


@dataclass(frozen=True)
class TaskScore:
    """One reform task of the department, its score and what the committee found."""

    task: str
    score: int
    findings: str

    def as_dict(self) -> dict[str, Any]:
        return {"task": self.task, "score": self.score, "findings": self.findings}


def acceptance_review_id(department: str, year: int) -> UUID:
    """One review per department and year: its id follows from both."""
    return uuid5(_NAMESPACE, f"{department}:{year}")


def mean_score(scores: Sequence[int]) -> int:
    """The mean, rounded half up to a whole point."""
    return (2 * sum(scores) + len(scores)) // (2 * len(scores))


def checked_tasks(tasks: Sequence[TaskScore]) -> list[TaskScore]:
    """Tasks as recorded: named, scored 0–100, with findings; names not repeated."""
    if not tasks:
        raise AcceptanceScoreError("验收考核至少要对一项任务评分", field="tasks")
    if len(tasks) > MAX_TASKS:
        raise AcceptanceScoreError(
            f"一次验收考核最多 {MAX_TASKS} 项任务（现为 {len(tasks)} 项）", field="tasks")
    checked: list[TaskScore] = []
    seen: set[str] = set()
    for index, task in enumerate(tasks):
        name = required_text(task.task, field=f"tasks[{index}].task", label="任务名称",
                             max_length=TASK_MAX)
        if name in seen:
            raise AcceptanceScoreError(f"任务「{name}」重复评分；每项任务只评一次",
                                       field=f"tasks[{index}].task")
        seen.add(name)
        if not 0 <= task.score <= 100:
            raise AcceptanceScoreError(
                f"任务「{name}」的得分应在 0 至 100 之间，收到 {task.score}",
                field=f"tasks[{index}].score")
        findings = required_text(task.findings, field=f"tasks[{index}].findings",
                                 label=f"任务「{name}」的考核意见", max_length=FINDINGS_MAX)
        checked.append(TaskScore(task=name, score=task.score, findings=findings))
    return checked


class AcceptanceReview(GovAggregate):
    """验收考核: the committee's year-end review of one department."""

    @classmethod
    def open(cls, *, command_id: str, actor: Actor, department: str, year: int,
             opened_on: date) -> AcceptanceReview:
        """开启年度验收考核 (the schedule, or the committee), once the year is over."""
        cls.check_role(actor, frozenset({Role.SYSTEM, Role.COMMITTEE}), action="开启验收考核")
        check_year_over(year, opened_on)
        return cls(command_id=command_id, actor=cls.actor_record(actor), department=department,
                   year=year, opened_on=opened_on)

    @event("Opened")
    def __init__(self, *, command_id: str, actor: dict[str, Any], department: str, year: int,
                 opened_on: date) -> None:
        self._created_by(command_id)
        self.department = department
        self.year = year
        self.opened_on = opened_on
        self.tasks: list[TaskScore] = []
        self.total: int | None = None
        self.conclusion: Conclusion | None = None
        self.scored_on: date | None = None

    @staticmethod
    def create_id(department: str, year: int, **_: Any) -> UUID:
        return acceptance_review_id(department, year)

    def score(self, *, command_id: str, actor: Actor, tasks: Sequence[TaskScore],
              scored_on: date) -> None:
        """评分 (the committee): every task with its findings; the mean gives the conclusion."""
        self.check_role(actor, frozenset({Role.COMMITTEE}), action="进行验收考核评分")
        if self.total is not None:
            shown = self.scored_on.isoformat() if self.scored_on else ""
            raise AcceptanceAlreadyScoredError(
                f"{self.department} 的 {self.year} 年度验收考核已于 {shown} 评分"
                f"（{self.total} 分，{self.conclusion.value if self.conclusion else ''}），"
                f"不能重复评分")
        check_year_over(self.year, scored_on)
        checked = checked_tasks(tasks)
        total = mean_score([t.score for t in checked])
        self._scored(command_id=command_id, actor=self.actor_record(actor),
                     tasks=[t.as_dict() for t in checked], total=total,
                     conclusion=Conclusion.for_score(total).value, scored_on=scored_on)

    @event("Scored")
    def _scored(self, *, command_id: str, actor: dict[str, Any], tasks: list[dict[str, Any]],
                total: int, conclusion: str, scored_on: date) -> None:
        self._applied(command_id)
        self.tasks = [TaskScore(**t) for t in tasks]
        self.total = total
        self.conclusion = Conclusion(conclusion)
        self.scored_on = scored_on


def check_year_over(year: int, on: date) -> None:
    if on.year <= year:
        raise AcceptanceTooEarlyError(
            f"{year} 年度的验收考核须在该年度结束后（{year + 1}-01-01 起）进行；"
            f"今天是 {on.isoformat()}", field="year")
