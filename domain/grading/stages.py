"""The stages of a grade evaluation and the guards of each command (pure, no clock).

The aggregate and the workflow's update validators ask the same guards, so that a
command refused at the door is refused with the message the domain would give.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.actors import Actor, Role
from domain.aggregate import GovAggregate
from domain.grading.errors import (
    AppealNotAllowedError,
    AppealNotEscalatedError,
    EvaluationStageError,
    OtherEvaluatorError,
)
from domain.organizations.errors import OtherOrganizationError


class EvaluationStatus(StrEnum):
    """等级评估的阶段."""

    APPLIED = "待指派评估机构"
    ASSIGNED = "评估中"
    PUBLICITY = "公示中"
    APPEALED = "复核中"
    AWAITING_CONFIRMATION = "待确认"
    CONFIRMED = "已确认"


class AppealOutcome(StrEnum):
    """复核结论."""

    UPHELD = "复核成立"
    REJECTED = "维持原评估结果"


@dataclass(frozen=True)
class EvaluationFacts:
    """What the guards need to know of an evaluation."""

    organization_id: str
    status: EvaluationStatus
    evaluator_id: str | None = None
    publicity_ends_on: date | None = None
    appeal_filed: bool = False
    appeal_escalated: bool = False

    def check_assign(self, actor: Actor) -> None:
        _role(actor, {Role.COMMITTEE}, "指派第三方评估机构")
        if self.status is not EvaluationStatus.APPLIED:
            raise EvaluationStageError(
                f"评估机构已指派（当前阶段：{self.status.value}）；只能为待指派的评估指派一次")

    def check_score(self, actor: Actor) -> None:
        _role(actor, {Role.EVALUATOR}, "评分")
        self.check_assigned_evaluator(actor, "评分")
        if self.status is not EvaluationStatus.ASSIGNED:
            raise EvaluationStageError(
                f"当前阶段为{self.status.value}，只能在评估中评分一次；"
                f"对评分有异议的，由社会组织在公示期内申请复核")

    def check_appeal(self, actor: Actor, *, on: date) -> None:
        _role(actor, {Role.ORGANIZATION}, "申请复核")
        self.check_own(actor)
        if self.appeal_filed:
            raise AppealNotAllowedError("本次评估已申请过复核，每次评估只能申请一次")
        if self.status is not EvaluationStatus.PUBLICITY or (
            self.publicity_ends_on is not None and on > self.publicity_ends_on
        ):
            ended = (f"（公示期至 {self.publicity_ends_on.isoformat()}）"
                     if self.publicity_ends_on else "")
            raise AppealNotAllowedError(
                f"复核只能在公示期内申请{ended}；当前阶段：{self.status.value}")

    def check_answer(self, actor: Actor) -> None:
        _role(actor, {Role.EVALUATOR, Role.COMMITTEE}, "答复复核申请")
        if self.status is not EvaluationStatus.APPEALED:
            raise EvaluationStageError(
                f"没有待答复的复核申请（当前阶段：{self.status.value}）")
        if actor.role is Role.EVALUATOR:
            self.check_assigned_evaluator(actor, "答复复核申请")
        elif not self.appeal_escalated:
            raise AppealNotEscalatedError(
                "复核申请由评估机构在 15 日内答复；逾期未答复、上报市社工委后，市社工委方可答复")

    def check_confirm(self, actor: Actor) -> None:
        _role(actor, {Role.COMMITTEE}, "确认评估等级")
        if self.status is EvaluationStatus.APPEALED:
            raise EvaluationStageError("复核申请尚未答复；答复后方可确认评估等级")
        if self.status is EvaluationStatus.CONFIRMED:
            raise EvaluationStageError("本次评估的等级已确认，不能重复确认")
        if self.status is not EvaluationStatus.AWAITING_CONFIRMATION:
            raise EvaluationStageError(
                f"当前阶段为{self.status.value}；公示期结束后方可确认评估等级")

    def check_assigned_evaluator(self, actor: Actor, action: str) -> None:
        if actor.role is Role.EVALUATOR and actor.scope != self.evaluator_id:
            assigned = self.evaluator_id or "（尚未指派）"
            raise OtherEvaluatorError(
                f"本次评估指派的评估机构为 {assigned}，您所在的评估机构 {actor.scope} 不能{action}")

    def check_own(self, actor: Actor) -> None:
        if actor.role is Role.ORGANIZATION and actor.scope != self.organization_id:
            raise OtherOrganizationError(
                f"本次评估的社会组织为 {self.organization_id}，您所在的社会组织 {actor.scope} "
                f"不能对其申请复核")



def _role(actor: Actor, allowed: set[Role], action: str) -> None:
    GovAggregate.check_role(actor, frozenset(allowed), action=action)
