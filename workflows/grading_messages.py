"""What crosses the Temporal boundary for a grade evaluation (等级评估).

One dataclass per workflow, update and activity input, the settings the workflow runs
under (:class:`GradingPolicy`), and the evaluation's state as the workflow holds it.
Each update input knows the domain guard it must pass (``check``), so that the
validator and the handler ask the same question.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol
from uuid import UUID

from domain.actors import Actor
from domain.calendar import start_of_day
from domain.grading.evaluation import GradeEvaluation
from domain.grading.grades import GradeCutoffs
from domain.grading.service import evaluation_not_found
from domain.grading.stages import AppealOutcome, EvaluationFacts, EvaluationStatus
from domain.organizations.records import GradeRecord, GradeStatus

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class GradingPolicy:
    """The grade-evaluation settings (DESIGN.md §3.3), fixed for a run by its input."""

    publicity_days: int = 7
    """公示期, in calendar days from the day after scoring."""
    appeal_answer_days: int = 15
    """复核答复期限, in calendar days after the appeal is filed."""
    cutoffs: GradeCutoffs = field(default_factory=GradeCutoffs)

    def __post_init__(self) -> None:
        if self.publicity_days < 1:
            raise ValueError(f"publicity_days must be at least 1, got {self.publicity_days}")
        if self.appeal_answer_days < 1:
            raise ValueError(
                f"appeal_answer_days must be at least 1, got {self.appeal_answer_days}"
            )


@dataclass(frozen=True)
class GradeEvaluationInput:
    """Starts an evaluation's workflow; its ``apply`` update comes with the start."""

    evaluation_id: UUID
    policy: GradingPolicy = field(default_factory=GradingPolicy)


class EvaluationCommandInput(Protocol):
    """An update's input: who gives it, its command id, and the guard it must pass."""

    @property
    def command_id(self) -> str: ...

    @property
    def actor(self) -> Actor: ...

    def check(self, facts: EvaluationFacts, *, today: date) -> None: ...


@dataclass(frozen=True)
class ApplyInput:
    """申请等级评估 (the organization) or 启动评估 (the committee)."""

    command_id: str
    actor: Actor
    organization_id: UUID


@dataclass(frozen=True)
class AssignEvaluatorInput:
    """指派第三方评估机构 (the committee)."""

    command_id: str
    actor: Actor
    evaluator_id: UUID

    def check(self, facts: EvaluationFacts, *, today: date) -> None:
        facts.check_assign(self.actor)


@dataclass(frozen=True)
class ScoreInput:
    """评分 (the assigned evaluator): points per dimension; the workflow opens publicity."""

    command_id: str
    actor: Actor
    scores: dict[str, int]

    def check(self, facts: EvaluationFacts, *, today: date) -> None:
        facts.check_score(self.actor)


@dataclass(frozen=True)
class AppealInput:
    """申请复核 (the organization, during publicity); the workflow sets the answer's due date."""

    command_id: str
    actor: Actor
    reason: str

    def check(self, facts: EvaluationFacts, *, today: date) -> None:
        facts.check_appeal(self.actor, on=today)


@dataclass(frozen=True)
class AnswerAppealInput:
    """答复复核: upheld with ``revised_scores``, or rejected (the original result stands)."""

    command_id: str
    actor: Actor
    upheld: bool
    answer: str
    revised_scores: dict[str, int] | None = None

    def check(self, facts: EvaluationFacts, *, today: date) -> None:
        facts.check_answer(self.actor)


@dataclass(frozen=True)
class ConfirmInput:
    """确认评估等级 (the committee)."""

    command_id: str
    actor: Actor

    def check(self, facts: EvaluationFacts, *, today: date) -> None:
        facts.check_confirm(self.actor)


@dataclass(frozen=True)
class DescribeGradeEvaluation:
    evaluation_id: UUID


@dataclass(frozen=True)
class GradeEvaluationState:
    """An evaluation as its workflow knows it; ``status`` is None until it is applied for."""

    evaluation_id: UUID
    organization_id: UUID | None = None
    status: EvaluationStatus | None = None
    version: int = 0
    evaluator_id: UUID | None = None
    total: int | None = None
    level: int | None = None
    """The grade (1–5, i.e. 1A–5A): preliminary from scoring, revised by an upheld appeal,
    lowered by a downgrade (降级) once confirmed."""
    publicity_starts_on: date | None = None
    publicity_ends_on: date | None = None
    publicity_closed: bool = False
    appeal_filed_on: date | None = None
    appeal_answer_due_on: date | None = None
    appeal_escalated: bool = False
    appeal_outcome: AppealOutcome | None = None
    confirmed_on: date | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    lapsed: bool = False
    revoked: bool = False
    step_refused: str | None = None
    """A system step (a timer's command) the record refused as no longer applicable — the
    grade lapsed or revoked already, say — with the domain's reason; the run then ended."""

    @property
    def ended(self) -> bool:
        """Nothing is left to wait for: the grade lapsed or was revoked, or the record
        refused a step of the run."""
        return self.lapsed or self.revoked or self.step_refused is not None

    @classmethod
    def of(cls, evaluation: GradeEvaluation, grade: GradeRecord | None) -> GradeEvaluationState:
        """As recorded: the evaluation and, once confirmed, the grade it awarded."""
        appeal = evaluation.appeal
        return cls(
            evaluation_id=evaluation.id, organization_id=UUID(evaluation.organization_id),
            status=evaluation.status, version=evaluation.version,
            evaluator_id=None if evaluation.evaluator_id is None else UUID(evaluation.evaluator_id),
            total=evaluation.total, level=evaluation.level if grade is None else grade.level,
            publicity_starts_on=evaluation.publicity_starts_on,
            publicity_ends_on=evaluation.publicity_ends_on,
            publicity_closed=evaluation.publicity_closed,
            appeal_filed_on=None if appeal is None else appeal.filed_on,
            appeal_answer_due_on=None if appeal is None else appeal.answer_due_on,
            appeal_escalated=appeal is not None and appeal.escalated,
            appeal_outcome=None if appeal is None else appeal.outcome,
            confirmed_on=evaluation.confirmed_on,
            valid_from=None if grade is None else grade.valid_from,
            valid_until=None if grade is None else grade.valid_until,
            lapsed=grade is not None and grade.status is GradeStatus.LAPSED,
            revoked=grade is not None and grade.status is GradeStatus.REVOKED,
        )

    def facts(self) -> EvaluationFacts:
        """What the domain's guards need; refuses with not-found before the application."""
        if self.status is None or self.organization_id is None:
            raise evaluation_not_found(self.evaluation_id)
        return EvaluationFacts(
            organization_id=str(self.organization_id), status=self.status,
            evaluator_id=None if self.evaluator_id is None else str(self.evaluator_id),
            publicity_ends_on=self.publicity_ends_on,
            appeal_filed=self.appeal_filed_on is not None,
            appeal_escalated=self.appeal_escalated,
        )

    @property
    def publicity_closes_at(self) -> datetime | None:
        """公示期结束: 00:00 China time after its last day, while it is still open."""
        if self.publicity_ends_on is None or self.publicity_closed:
            return None
        return _day_after(self.publicity_ends_on)

    @property
    def appeal_escalates_at(self) -> datetime | None:
        """复核逾期: 00:00 after the answer's due date, while the appeal waits unescalated."""
        if (self.status is not EvaluationStatus.APPEALED or self.appeal_escalated
                or self.appeal_answer_due_on is None):
            return None
        return _day_after(self.appeal_answer_due_on)

    @property
    def grade_lapses_at(self) -> datetime | None:
        """评估等级到期: 00:00 after the last day of validity, while the grade stands."""
        if self.valid_until is None or self.ended:
            return None
        return _day_after(self.valid_until)


def _day_after(day: date) -> datetime:
    """A last day is counted whole: what is due after it, is due at 00:00 the day after."""
    return start_of_day(day + ONE_DAY)
