"""Commands of third-party grade evaluation (等级评估) and of the grades it awards."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.actors import Actor
from domain.grading.grades import GradeCutoffs


@dataclass(frozen=True)
class RegisterEvaluator:
    """登记第三方评估机构; its id is ``aggregate_id_for(command_id)``."""

    command_id: str
    actor: Actor
    name: str
    contact: str


@dataclass(frozen=True)
class DeclareEvaluatorAffiliations:
    """登记评估机构的关联关系: every registered organization it is affiliated with."""

    command_id: str
    actor: Actor
    evaluator_id: UUID
    organization_ids: tuple[UUID, ...]


@dataclass(frozen=True)
class ApplyForEvaluation:
    """申请等级评估 (the organization) or 启动评估 (the committee); the evaluation's id is
    ``aggregate_id_for(command_id)``."""

    command_id: str
    actor: Actor
    organization_id: UUID
    applied_on: date


@dataclass(frozen=True)
class EvaluationCommand:
    """What every command on one evaluation carries."""

    command_id: str
    actor: Actor
    evaluation_id: UUID


@dataclass(frozen=True)
class AssignEvaluator(EvaluationCommand):
    """指派第三方评估机构 (the committee)."""

    evaluator_id: UUID


@dataclass(frozen=True)
class ScoreEvaluation(EvaluationCommand):
    """评分 (the assigned evaluator); publicity dates decided by the workflow."""

    scores: Mapping[str, int]
    publicity_starts_on: date
    publicity_ends_on: date
    cutoffs: GradeCutoffs = field(default_factory=GradeCutoffs)


@dataclass(frozen=True)
class CloseEvaluationPublicity(EvaluationCommand):
    """公示期结束 (the workflow's timer)."""


@dataclass(frozen=True)
class FileAppeal(EvaluationCommand):
    """申请复核 (the organization, during publicity)."""

    reason: str
    filed_on: date
    answer_due_on: date


@dataclass(frozen=True)
class EscalateAppeal(EvaluationCommand):
    """复核逾期上报市社工委 (the workflow's timer)."""


@dataclass(frozen=True)
class AnswerAppeal(EvaluationCommand):
    """答复复核: upheld with revised scores, or rejected."""

    upheld: bool
    answer: str
    answered_on: date
    revised_scores: Mapping[str, int] | None = None
    cutoffs: GradeCutoffs = field(default_factory=GradeCutoffs)


@dataclass(frozen=True)
class ConfirmGrade(EvaluationCommand):
    """确认评估等级 (the committee): the grade is recorded on the organization."""

    confirmed_on: date


@dataclass(frozen=True)
class LapseGrade:
    """评估等级到期 (the workflow's timer, the day after the validity ends)."""

    command_id: str
    actor: Actor
    organization_id: UUID
    evaluation_id: UUID
    lapsed_on: date


@dataclass(frozen=True)
class DowngradeGrade:
    """降级 (the committee), on a fact on record."""

    command_id: str
    actor: Actor
    organization_id: UUID
    basis: str
    reference: str
    reason: str
    decided_on: date


@dataclass(frozen=True)
class RevokeGrade:
    """撤销评估等级 (the committee)."""

    command_id: str
    actor: Actor
    organization_id: UUID
    reason: str
    decided_on: date


_EXISTING_GRADE = uuid5(NAMESPACE_URL, "govflow:existing-grade")


def existing_grade_id(organization_id: UUID, certificate_number: str) -> UUID:
    """The id an existing grade is recorded under (in place of an evaluation's id)."""
    return uuid5(_EXISTING_GRADE, f"{organization_id}:{certificate_number.strip()}")


@dataclass(frozen=True)
class RecordExistingGrade:
    """登记既有评估等级 (the committee), from the grade certificate."""

    command_id: str
    actor: Actor
    organization_id: UUID
    level: int
    confirmed_on: date
    certificate_number: str
    evaluator_name: str
    recorded_on: date

    @property
    def grade_id(self) -> UUID:
        return existing_grade_id(self.organization_id, self.certificate_number)
