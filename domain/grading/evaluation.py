"""The grade evaluation aggregate (等级评估): one evaluation of one organization.

application → evaluator assigned → scores → preliminary grade and publicity (公示) →
appeal (复核) during publicity, answered within 15 days or escalated → the committee
confirms.  Dates and deadlines come in with the commands; nothing here reads the clock.
The grade itself is recorded on the organization (``GradeAwarded``), saved together
with the confirmation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.actors import Actor, Role
from domain.aggregate import GovAggregate, aggregate_id_for
from domain.grading.errors import (
    AppealAnswerError,
    EvaluationStageError,
    EvaluatorAffiliatedError,
)
from domain.grading.evaluator import ThirdPartyEvaluator
from domain.grading.grades import GradeCutoffs, grade_label
from domain.grading.scoring import check_scores
from domain.grading.stages import AppealOutcome, EvaluationFacts, EvaluationStatus
from domain.organizations.credit_code import OrganizationCategory
from domain.organizations.organization import SocialOrganization
from domain.text import required_text

REASON_MAX = 2000
APPLYING_ROLES = frozenset({Role.COMMITTEE, Role.ORGANIZATION})


@dataclass(frozen=True)
class Appeal:
    """复核申请 and its answer."""

    reason: str
    filed_on: date
    answer_due_on: date
    escalated: bool = False
    outcome: AppealOutcome | None = None
    answer: str | None = None
    answered_on: date | None = None


class GradeEvaluation(GovAggregate):
    """等级评估 of one social organization by one third-party evaluator."""

    @staticmethod
    def create_id(command_id: str) -> UUID:
        return aggregate_id_for(command_id)

    @classmethod
    def apply(cls, *, command_id: str, actor: Actor, organization: SocialOrganization,
              applied_on: date) -> GradeEvaluation:
        """申请等级评估 (the organization, for itself) or 启动评估 (the committee)."""
        cls.check_role(actor, APPLYING_ROLES, action="申请等级评估")
        organization.check_own(actor, action="申请等级评估")
        organization.check_may_apply(applied_on)
        return cls(
            command_id=command_id, actor=cls.actor_record(actor),
            organization_id=str(organization.id), organization_name=organization.name,
            credit_code=organization.credit_code, category=organization.category.value,
            applied_on=applied_on,
        )

    @event("Applied")
    def __init__(self, *, command_id: str, actor: dict[str, Any], organization_id: str,
                 organization_name: str, credit_code: str, category: str,
                 applied_on: date) -> None:
        self._created_by(command_id)
        self.organization_id = organization_id
        self.organization_name = organization_name
        self.credit_code = credit_code
        self.category = category
        self.applied_on = applied_on
        self.status = EvaluationStatus.APPLIED
        self.evaluator_id: str | None = None
        self.scores: dict[str, int] = {}
        self.total: int | None = None
        self.level: int | None = None
        self.publicity_starts_on: date | None = None
        self.publicity_ends_on: date | None = None
        self.publicity_closed = False
        self.appeal: Appeal | None = None
        self.confirmed_on: date | None = None

    @property
    def facts(self) -> EvaluationFacts:
        return EvaluationFacts(
            organization_id=self.organization_id, status=self.status,
            evaluator_id=self.evaluator_id, publicity_ends_on=self.publicity_ends_on,
            appeal_filed=self.appeal is not None,
            appeal_escalated=self.appeal is not None and self.appeal.escalated,
        )

    # --- assignment and scoring ------------------------------------------------------

    def assign_evaluator(self, *, command_id: str, actor: Actor,
                         evaluator: ThirdPartyEvaluator) -> None:
        """指派第三方评估机构 (the committee); never one affiliated with the organization."""
        self.facts.check_assign(actor)
        self.check_independent(evaluator)
        self._evaluator_assigned(command_id=command_id, actor=self.actor_record(actor),
                                 evaluator_id=str(evaluator.id), evaluator_name=evaluator.name)

    def check_independent(self, evaluator: ThirdPartyEvaluator) -> None:
        if evaluator.is_affiliated_with(UUID(self.organization_id)):
            raise EvaluatorAffiliatedError(
                f"评估机构「{evaluator.name}」与「{self.organization_name}」存在关联关系，"
                f"不能评估该社会组织；请指派无关联的评估机构", field="evaluator_id")

    @event("EvaluatorAssigned")
    def _evaluator_assigned(self, *, command_id: str, actor: dict[str, Any], evaluator_id: str,
                            evaluator_name: str) -> None:
        self._applied(command_id)
        self.evaluator_id = evaluator_id
        self.status = EvaluationStatus.ASSIGNED

    def score(self, *, command_id: str, actor: Actor, evaluator: ThirdPartyEvaluator,
              scores: dict[str, int], cutoffs: GradeCutoffs, publicity_starts_on: date,
              publicity_ends_on: date) -> None:
        """评分 (the assigned evaluator): the total gives the preliminary grade, publicized
        from ``publicity_starts_on`` to ``publicity_ends_on``."""
        self.facts.check_score(actor)
        self.check_independent(evaluator)
        checked = check_scores(self.organization_category, scores)
        total = sum(checked.values())
        self._scored(command_id=command_id, actor=self.actor_record(actor), scores=checked,
                     total=total, level=cutoffs.level_for(total),
                     publicity_starts_on=publicity_starts_on,
                     publicity_ends_on=publicity_ends_on)

    @event("Scored")
    def _scored(self, *, command_id: str, actor: dict[str, Any], scores: dict[str, int],
                total: int, level: int, publicity_starts_on: date,
                publicity_ends_on: date) -> None:
        self._applied(command_id)
        self.scores = dict(scores)
        self.total = total
        self.level = level
        self.publicity_starts_on = publicity_starts_on
        self.publicity_ends_on = publicity_ends_on
        self.status = EvaluationStatus.PUBLICITY

    def close_publicity(self, *, command_id: str, actor: Actor) -> None:
        """公示期结束 (a timer): on to confirmation, or to the answer of an open appeal."""
        if self.status not in (EvaluationStatus.PUBLICITY, EvaluationStatus.APPEALED) or \
                self.publicity_closed:
            raise EvaluationStageError(f"当前阶段为{self.status.value}，没有进行中的公示")
        self._publicity_closed(command_id=command_id, actor=self.actor_record(actor))

    @event("PublicityClosed")
    def _publicity_closed(self, *, command_id: str, actor: dict[str, Any]) -> None:
        self._applied(command_id)
        self.publicity_closed = True
        if self.status is EvaluationStatus.PUBLICITY:
            self.status = EvaluationStatus.AWAITING_CONFIRMATION

    # --- appeal ------------------------------------------------------------------------

    def file_appeal(self, *, command_id: str, actor: Actor, reason: str, filed_on: date,
                    answer_due_on: date) -> None:
        """申请复核 (the organization, during publicity, once)."""
        self.facts.check_appeal(actor, on=filed_on)
        self._appeal_filed(
            command_id=command_id, actor=self.actor_record(actor),
            reason=required_text(reason, field="reason", label="复核理由", max_length=REASON_MAX),
            filed_on=filed_on, answer_due_on=answer_due_on)

    @event("AppealFiled")
    def _appeal_filed(self, *, command_id: str, actor: dict[str, Any], reason: str,
                      filed_on: date, answer_due_on: date) -> None:
        self._applied(command_id)
        self.appeal = Appeal(reason, filed_on, answer_due_on)
        self.status = EvaluationStatus.APPEALED

    def escalate_appeal(self, *, command_id: str, actor: Actor) -> None:
        """复核逾期上报: the evaluator did not answer within 15 days."""
        if self.status is not EvaluationStatus.APPEALED or self.appeal is None or \
                self.appeal.escalated:
            raise EvaluationStageError("没有待答复且未上报的复核申请")
        self._appeal_escalated(command_id=command_id, actor=self.actor_record(actor),
                               answer_due_on=self.appeal.answer_due_on)

    @event("AppealEscalated")
    def _appeal_escalated(self, *, command_id: str, actor: dict[str, Any],
                          answer_due_on: date) -> None:
        self._applied(command_id)
        assert self.appeal is not None
        self.appeal = replace(self.appeal, escalated=True)

    def answer_appeal(self, *, command_id: str, actor: Actor, upheld: bool,
                      answer: str, revised_scores: dict[str, int] | None, cutoffs: GradeCutoffs,
                      answered_on: date) -> None:
        """答复复核: upheld with revised scores (the grade follows them), or rejected."""
        self.facts.check_answer(actor)
        text = required_text(answer, field="answer", label="复核意见", max_length=REASON_MAX)
        scores: dict[str, int] | None = None
        total = self.total
        level = self.level
        if upheld:
            if revised_scores is None:
                raise AppealAnswerError(
                    "复核成立的，须填写复核后的各项得分（revised_scores）", field="revised_scores")
            scores = check_scores(self.organization_category, revised_scores)
            total = sum(scores.values())
            level = cutoffs.level_for(total)
        elif revised_scores is not None:
            raise AppealAnswerError(
                "维持原评估结果的，不应填写复核后得分；如需改分，请按复核成立答复",
                field="revised_scores")
        self._appeal_answered(
            command_id=command_id, actor=self.actor_record(actor),
            outcome=(AppealOutcome.UPHELD if upheld else AppealOutcome.REJECTED).value,
            answer=text, revised_scores=scores, total=total, level=level,
            answered_on=answered_on)

    @event("AppealAnswered")
    def _appeal_answered(self, *, command_id: str, actor: dict[str, Any], outcome: str,
                         answer: str, revised_scores: dict[str, int] | None, total: int | None,
                         level: int | None, answered_on: date) -> None:
        self._applied(command_id)
        assert self.appeal is not None
        self.appeal = replace(self.appeal, outcome=AppealOutcome(outcome), answer=answer,
                              answered_on=answered_on)
        if revised_scores is not None:
            self.scores = dict(revised_scores)
        self.total = total
        self.level = level
        self.status = (EvaluationStatus.AWAITING_CONFIRMATION if self.publicity_closed
                       else EvaluationStatus.PUBLICITY)

    # --- confirmation --------------------------------------------------------------------

    def confirm(self, *, command_id: str, actor: Actor, confirmed_on: date) -> None:
        """确认评估等级 (the committee); the service records the grade on the organization."""
        self.facts.check_confirm(actor)
        assert self.level is not None
        self._confirmed(command_id=command_id, actor=self.actor_record(actor),
                        level=self.level, confirmed_on=confirmed_on)

    @event("Confirmed")
    def _confirmed(self, *, command_id: str, actor: dict[str, Any], level: int,
                   confirmed_on: date) -> None:
        self._applied(command_id)
        self.confirmed_on = confirmed_on
        self.status = EvaluationStatus.CONFIRMED

    @property
    def organization_category(self) -> OrganizationCategory:
        return OrganizationCategory(self.category)

    @property
    def grade_label(self) -> str:
        return grade_label(self.level) if self.level is not None else "—"

    @property
    def code(self) -> str:
        return self.credit_code

