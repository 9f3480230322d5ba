"""The purchase contract aggregate (购买服务合同).

award → announcement (公告) → milestones delivered by the provider and accepted (验收)
by the department → payments approved by finance against accepted milestones → at the
end of the term the performance review (绩效评价) → closed once reviewed and fully paid;
or terminated.  Money is integer fen; the sum of payments never exceeds the amount.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.actors import Actor, Role
from domain.aggregate import GovAggregate, aggregate_id_for
from domain.catalogue.item import CatalogueItem, DecisionMode, ItemStatus
from domain.errors import OtherDepartmentError
from domain.organizations.eligibility import Eligibility
from domain.organizations.organization import SocialOrganization, years_after
from domain.purchase.errors import (
    AmendmentLimitError,
    BudgetExceededError,
    ContractAmountError,
    ContractStageError,
    ContractTermError,
    FinalPaymentHeldError,
    MilestoneNotFoundError,
    MilestonePlanError,
    MilestoneStageError,
    NotDecidedForPurchaseError,
    NotTheProviderError,
    PaymentLimitError,
    UnknownProcurementMethodError,
)
from domain.purchase.review import Rating, ReviewWeights, check_review_scores, rating_for
from domain.text import required_text
from domain.transfer.errors import NotEligibleError

TEXT_MAX = 2000
NAME_MAX = 100
AMOUNT_MAX_FEN = 100_000_000_000
"""10 亿元: a sanity bound on one contract."""
AMENDMENT_LIMIT_PERCENT = 10


def yuan(fen: int) -> str:
    """``123456`` → ``1,234.56 元``."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100:,}.{abs(fen) % 100:02d} 元"


class ProcurementMethod(StrEnum):
    """采购方式."""

    OPEN_TENDER = "公开招标"
    INVITED_TENDER = "邀请招标"
    COMPETITIVE_NEGOTIATION = "竞争性谈判"
    COMPETITIVE_CONSULTATION = "竞争性磋商"
    SINGLE_SOURCE = "单一来源"
    INQUIRY = "询价"


class ContractStatus(StrEnum):
    """合同状态."""

    AWARDED = "已签订，待公告"
    PERFORMING = "履行中"
    REVIEW_DUE = "期满待绩效评价"
    CLOSED = "已结束"
    TERMINATED = "已终止"


class MilestoneStatus(StrEnum):
    """履约节点状态."""

    PENDING = "待交付"
    DELIVERED = "已交付，待验收"
    ACCEPTED = "已验收"
    REJECTED = "验收未通过"


@dataclass(frozen=True)
class MilestonePlan:
    """A milestone as planned at award or amendment."""

    name: str
    due_on: date
    amount_fen: int


@dataclass(frozen=True)
class Milestone:
    """履约节点 and where it stands."""

    milestone_id: str
    name: str
    due_on: date
    amount_fen: int
    status: MilestoneStatus = MilestoneStatus.PENDING
    delivered_on: date | None = None
    findings: str | None = None
    accepted_on: date | None = None
    paid_fen: int = 0
    overdue: bool = False


@dataclass(frozen=True)
class ContractPolicy:
    """Settings a contract runs under (DESIGN.md §3.5)."""

    hold_final_payment: bool = True
    """The final payment waits for the performance review."""
    bar_years: int = 1
    """A 差 bars the provider from new awards for this many years."""
    weights: ReviewWeights = field(default_factory=ReviewWeights)


def _last_day(start: date, years: int) -> date:
    """The last day of a term of ``years`` from ``start``."""
    return years_after(start, years) - timedelta(days=1)


def check_term(start: date, end: date, *, secured_and_stable: bool) -> None:
    if end < start:
        raise ContractTermError(
            f"合同期限止（{end.isoformat()}）不能早于起（{start.isoformat()}）", field="term_end")
    last = _last_day(start, 3 if secured_and_stable else 1)
    if end > last:
        if secured_and_stable:
            raise ContractTermError(
                f"合同期限最长三年：自 {start.isoformat()} 起最迟至 {last.isoformat()}，"
                f"现为 {end.isoformat()}（财政部令第102号第二十四条）", field="term_end")
        three = _last_day(start, 3)
        raise ContractTermError(
            f"合同期限一般不超过一年：自 {start.isoformat()} 起最迟至 {last.isoformat()}，现为 "
            f"{end.isoformat()}；预算有保障、服务需求稳定的，声明后可至 {three.isoformat()}"
            f"（财政部令第102号第二十四条）", field="term_end")


def check_amount(amount_fen: int, *, field: str = "amount_fen") -> None:
    if isinstance(amount_fen, bool) or not 0 < amount_fen <= AMOUNT_MAX_FEN:
        raise ContractAmountError(
            f"金额须为正整数（以分计），且不超过 {yuan(AMOUNT_MAX_FEN)}；现为 {amount_fen} 分",
            field=field)


class PurchaseContract(GovAggregate):
    """购买服务合同 between a buying department and an eligible provider."""

    @staticmethod
    def create_id(command_id: str) -> UUID:
        return aggregate_id_for(command_id)

    @classmethod
    def award(
        cls, *, command_id: str, actor: Actor, item: CatalogueItem,
        provider: SocialOrganization, eligibility: Eligibility, method: str, fiscal_year: int,
        amount_fen: int, term_start: date, term_end: date, secured_and_stable: bool,
        milestones: list[MilestonePlan], awarded_on: date,
    ) -> PurchaseContract:
        """签订合同 (the buying department): an eligible provider, an amount within the item's
        remaining budget, a lawful term and milestones that add up to the amount."""
        cls.check_role(actor, frozenset({Role.DEPARTMENT}), action="签订购买服务合同")
        if actor.scope != item.department:
            raise OtherDepartmentError(
                f"您所在的部门为 {actor.scope}，不能为 {item.department} 的目录事项「{item.name}」"
                f"签订购买服务合同")
        decision = item.decision
        if item.status is not ItemStatus.DECIDED or decision is None or \
                decision.mode is not DecisionMode.PURCHASE:
            shown = decision.mode.value if decision else item.status.label
            raise NotDecidedForPurchaseError(
                f"目录事项 {item.code}「{item.name}」的决定为「{shown}」；只有决定购买服务的事项"
                f"才能签订购买服务合同", field="item_id")
        try:
            parsed = ProcurementMethod(method)
        except ValueError:
            raise UnknownProcurementMethodError(
                f"采购方式 {method!r} 无效；应为以下之一：{'、'.join(ProcurementMethod)}",
                field="method") from None
        if not eligibility.eligible:
            raise NotEligibleError(
                f"「{provider.name}」于 {awarded_on.isoformat()} 不具备承接资格："
                f"{'；'.join(eligibility.reasons)}", field="organization_id")
        check_amount(amount_fen)
        remaining = item.budget_for(fiscal_year) - item.committed_for(fiscal_year)
        if amount_fen > remaining:
            raise BudgetExceededError(
                f"合同金额 {yuan(amount_fen)} 超出「{item.name}」{fiscal_year} 年度预算余额 "
                f"{yuan(remaining)}（预算 {yuan(item.budget_for(fiscal_year))}，已签约 "
                f"{yuan(item.committed_for(fiscal_year))}），超出 {yuan(amount_fen - remaining)}",
                field="amount_fen")
        check_term(term_start, term_end, secured_and_stable=secured_and_stable)
        plan = check_milestones(milestones, amount_fen=amount_fen, term_start=term_start,
                                term_end=term_end)
        return cls(
            command_id=command_id, actor=cls.actor_record(actor), item_id=str(item.id),
            item_code=item.code, item_name=item.name, department=item.department,
            provider_id=str(provider.id), provider_name=provider.name,
            provider_credit_code=provider.credit_code, method=parsed.value,
            fiscal_year=fiscal_year, amount_fen=amount_fen, term_start=term_start,
            term_end=term_end, secured_and_stable=secured_and_stable,
            milestones=[_plan_record(m) for m in plan], awarded_on=awarded_on,
        )

    @event("Awarded")
    def __init__(self, *, command_id: str, actor: dict[str, Any], item_id: str, item_code: str,
                 item_name: str, department: str, provider_id: str, provider_name: str,
                 provider_credit_code: str, method: str, fiscal_year: int, amount_fen: int,
                 term_start: date, term_end: date, secured_and_stable: bool,
                 milestones: list[dict[str, Any]], awarded_on: date) -> None:
        self._created_by(command_id)
        self.item_id = item_id
        self.item_code = item_code
        self.item_name = item_name
        self.department = department
        self.provider_id = provider_id
        self.provider_name = provider_name
        self.provider_credit_code = provider_credit_code
        self.method = ProcurementMethod(method)
        self.fiscal_year = fiscal_year
        self.amount_fen = amount_fen
        self.original_amount_fen = amount_fen
        self.term_start = term_start
        self.term_end = term_end
        self.secured_and_stable = secured_and_stable
        self.awarded_on = awarded_on
        self.milestones: dict[str, Milestone] = {}
        self._add_milestones(milestones)
        self.status = ContractStatus.AWARDED
        self.paid_fen = 0
        self.review_total: int | None = None
        self.review_rating: Rating | None = None
        self.provider_review_pending = False

    @property
    def code(self) -> str:
        return self.item_code

    def _add_milestones(self, records: list[dict[str, Any]]) -> None:
        for record in records:
            milestone_id = f"M{len(self.milestones) + 1}"
            self.milestones[milestone_id] = Milestone(
                milestone_id, str(record["name"]), record["due_on"], int(record["amount_fen"]))

    # --- guards ----------------------------------------------------------------------

    def check_status(self, allowed: set[ContractStatus], action: str) -> None:
        if self.status not in allowed:
            shown = "、".join(sorted(s.value for s in allowed))
            raise ContractStageError(
                f"合同（{self.item_code}「{self.item_name}」，{self.provider_name}）当前状态为"
                f"{self.status.value}，不能{action}；{action}须在以下状态：{shown}")

    def check_department(self, actor: Actor, action: str) -> None:
        self.check_role(actor, frozenset({Role.DEPARTMENT}), action=action)
        if actor.scope != self.department:
            raise OtherDepartmentError(
                f"您所在的部门为 {actor.scope}，该合同的采购部门为 {self.department}，不能{action}")

    def milestone(self, milestone_id: str) -> Milestone:
        found = self.milestones.get(milestone_id)
        if found is None:
            raise MilestoneNotFoundError(
                f"合同没有编号为 {milestone_id} 的履约节点；应为以下之一："
                f"{'、'.join(self.milestones)}", field="milestone_id")
        return found

    @property
    def accepted_fen(self) -> int:
        return sum(m.amount_fen for m in self.milestones.values()
                   if m.status is MilestoneStatus.ACCEPTED)

    # --- announcement ----------------------------------------------------------------

    def announce(self, *, command_id: str, actor: Actor, announced_on: date) -> None:
        """合同公告: the award is public (the contract workflow, right after the award)."""
        self.check_status({ContractStatus.AWARDED}, "公告")
        self._announced(command_id=command_id, actor=self.actor_record(actor),
                        announced_on=announced_on)

    @event("Announced")
    def _announced(self, *, command_id: str, actor: dict[str, Any], announced_on: date) -> None:
        self._applied(command_id)
        self.status = ContractStatus.PERFORMING

    # --- milestones ----------------------------------------------------------------------

    def report_delivery(self, *, command_id: str, actor: Actor, milestone_id: str,
                        report: str, delivered_on: date) -> None:
        """交付 (the provider)."""
        self.check_role(actor, frozenset({Role.ORGANIZATION}), action="报告履约节点交付")
        if actor.scope != self.provider_id:
            raise NotTheProviderError(
                f"该合同的承接方为「{self.provider_name}」，您所在的社会组织 {actor.scope} "
                f"不能报告其交付")
        self.check_status({ContractStatus.PERFORMING, ContractStatus.REVIEW_DUE}, "报告交付")
        milestone = self.milestone(milestone_id)
        if milestone.status not in (MilestoneStatus.PENDING, MilestoneStatus.REJECTED):
            raise MilestoneStageError(
                f"履约节点 {milestone_id}「{milestone.name}」当前为{milestone.status.value}，"
                f"不能再报告交付", field="milestone_id")
        self._delivered(command_id=command_id, actor=self.actor_record(actor),
                        milestone_id=milestone_id,
                        report=required_text(report, field="report", label="交付说明",
                                             max_length=TEXT_MAX),
                        delivered_on=delivered_on)

    @event("MilestoneDelivered")
    def _delivered(self, *, command_id: str, actor: dict[str, Any], milestone_id: str,
                   report: str, delivered_on: date) -> None:
        self._applied(command_id)
        self.milestones[milestone_id] = replace(
            self.milestones[milestone_id], status=MilestoneStatus.DELIVERED,
            delivered_on=delivered_on)

    def review_delivery(self, *, command_id: str, actor: Actor, milestone_id: str,
                        accepted: bool, findings: str, reviewed_on: date) -> None:
        """验收 (the buying department): accepted, or rejected with findings."""
        self.check_department(actor, "验收")
        self.check_status({ContractStatus.PERFORMING, ContractStatus.REVIEW_DUE}, "验收")
        milestone = self.milestone(milestone_id)
        if milestone.status is not MilestoneStatus.DELIVERED:
            raise MilestoneStageError(
                f"履约节点 {milestone_id}「{milestone.name}」当前为{milestone.status.value}，"
                f"承接方报告交付后方可验收", field="milestone_id")
        text = required_text(findings, field="findings", label="验收意见", max_length=TEXT_MAX)
        if accepted:
            self._accepted(command_id=command_id, actor=self.actor_record(actor),
                           milestone_id=milestone_id, findings=text, accepted_on=reviewed_on)
        else:
            self._delivery_rejected(command_id=command_id, actor=self.actor_record(actor),
                                    milestone_id=milestone_id, findings=text,
                                    rejected_on=reviewed_on)

    @event("MilestoneAccepted")
    def _accepted(self, *, command_id: str, actor: dict[str, Any], milestone_id: str,
                  findings: str, accepted_on: date) -> None:
        self._applied(command_id)
        self.milestones[milestone_id] = replace(
            self.milestones[milestone_id], status=MilestoneStatus.ACCEPTED, findings=findings,
            accepted_on=accepted_on)

    @event("MilestoneRejected")
    def _delivery_rejected(self, *, command_id: str, actor: dict[str, Any], milestone_id: str,
                           findings: str, rejected_on: date) -> None:
        self._applied(command_id)
        self.milestones[milestone_id] = replace(
            self.milestones[milestone_id], status=MilestoneStatus.REJECTED, findings=findings)

    def mark_overdue(self, *, command_id: str, actor: Actor, milestone_id: str) -> None:
        """逾期 (a timer, the day after the due date): not yet accepted."""
        milestone = self.milestone(milestone_id)
        if milestone.status is MilestoneStatus.ACCEPTED or milestone.overdue or \
                self.status in (ContractStatus.CLOSED, ContractStatus.TERMINATED):
            raise MilestoneStageError(
                f"履约节点 {milestone_id} 当前为{milestone.status.value}，无需标记逾期",
                field="milestone_id")
        self._overdue(command_id=command_id, actor=self.actor_record(actor),
                      milestone_id=milestone_id, due_on=milestone.due_on)

    @event("MilestoneOverdue")
    def _overdue(self, *, command_id: str, actor: dict[str, Any], milestone_id: str,
                 due_on: date) -> None:
        self._applied(command_id)
        self.milestones[milestone_id] = replace(self.milestones[milestone_id], overdue=True)

    # --- payments --------------------------------------------------------------------

    def approve_payment(self, *, command_id: str, actor: Actor, milestone_id: str,
                        amount_fen: int, policy: ContractPolicy, approved_on: date) -> None:
        """支付审批 (finance): only against an accepted milestone, never more than the
        milestone or the contract; the final payment waits for the review (a setting)."""
        self.check_role(actor, frozenset({Role.FINANCE}), action="审批支付")
        self.check_status({ContractStatus.PERFORMING, ContractStatus.REVIEW_DUE}, "审批支付")
        milestone = self.milestone(milestone_id)
        check_amount(amount_fen)
        if milestone.status is not MilestoneStatus.ACCEPTED:
            raise PaymentLimitError(
                f"履约节点 {milestone_id}「{milestone.name}」当前为{milestone.status.value}；"
                f"只能对已验收的履约节点支付", field="milestone_id")
        left = milestone.amount_fen - milestone.paid_fen
        if amount_fen > left:
            raise PaymentLimitError(
                f"本次支付 {yuan(amount_fen)} 超出履约节点 {milestone_id}「{milestone.name}」"
                f"未付金额 {yuan(left)}（节点金额 {yuan(milestone.amount_fen)}，已付 "
                f"{yuan(milestone.paid_fen)}），超出 {yuan(amount_fen - left)}",
                field="amount_fen")
        unpaid = self.amount_fen - self.paid_fen
        if amount_fen > unpaid:
            raise PaymentLimitError(
                f"本次支付 {yuan(amount_fen)} 超出合同未付金额 {yuan(unpaid)}（合同金额 "
                f"{yuan(self.amount_fen)}，已付 {yuan(self.paid_fen)}），超出 "
                f"{yuan(amount_fen - unpaid)}", field="amount_fen")
        if policy.hold_final_payment and amount_fen == unpaid and self.review_rating is None:
            raise FinalPaymentHeldError(
                f"本次支付 {yuan(amount_fen)} 为合同尾款；尾款须待绩效评价完成后支付")
        self._payment_approved(command_id=command_id, actor=self.actor_record(actor),
                               milestone_id=milestone_id, amount_fen=amount_fen,
                               approved_on=approved_on)

    @event("PaymentApproved")
    def _payment_approved(self, *, command_id: str, actor: dict[str, Any], milestone_id: str,
                          amount_fen: int, approved_on: date) -> None:
        self._applied(command_id)
        milestone = self.milestones[milestone_id]
        self.milestones[milestone_id] = replace(milestone,
                                                paid_fen=milestone.paid_fen + amount_fen)
        self.paid_fen += amount_fen

    # --- amendment and termination -------------------------------------------------------

    def amend(self, *, command_id: str, actor: Actor, reason: str, added_fen: int,
              added_milestone: MilestonePlan | None, term_end: date | None,
              remaining_budget_fen: int, amended_on: date) -> None:
        """补充合同: an amount increase (as a new milestone) of at most 10 % of the original
        in all, within the budget; or a new term end under the term rules."""
        self.check_department(actor, "签订补充合同")
        self.check_status({ContractStatus.PERFORMING}, "签订补充合同")
        text = required_text(reason, field="reason", label="补充合同理由", max_length=TEXT_MAX)
        new_end = term_end or self.term_end
        if term_end is not None:
            check_term(self.term_start, term_end, secured_and_stable=self.secured_and_stable)
        if added_fen:
            check_amount(added_fen, field="added_fen")
            if added_milestone is None or added_milestone.amount_fen != added_fen:
                raise MilestonePlanError(
                    "增加合同金额须同时增加一个金额相同的履约节点", field="added_milestone")
            limit = self.original_amount_fen * AMENDMENT_LIMIT_PERCENT // 100
            total_added = self.amount_fen - self.original_amount_fen + added_fen
            if total_added > limit:
                raise AmendmentLimitError(
                    f"补充合同累计增加 {yuan(total_added)}，超过原合同金额 "
                    f"{yuan(self.original_amount_fen)} 的 {AMENDMENT_LIMIT_PERCENT}%（"
                    f"{yuan(limit)}），超出 {yuan(total_added - limit)}", field="added_fen")
            if added_fen > remaining_budget_fen:
                raise BudgetExceededError(
                    f"增加金额 {yuan(added_fen)} 超出「{self.item_name}」{self.fiscal_year} 年度"
                    f"预算余额 {yuan(remaining_budget_fen)}，超出 "
                    f"{yuan(added_fen - remaining_budget_fen)}", field="added_fen")
        elif term_end is None:
            raise MilestonePlanError("补充合同须增加金额或变更期限", field="added_fen")
        elif added_milestone is not None:
            raise MilestonePlanError(
                "增加履约节点须同时增加与其金额相同的合同金额", field="added_milestone")
        late = [m for m in [*self.milestones.values()] if m.due_on > new_end]
        if added_milestone is not None:
            check_milestones([added_milestone], amount_fen=added_milestone.amount_fen,
                             term_start=self.term_start, term_end=new_end)
        if late:
            raise MilestonePlanError(
                f"履约节点 {'、'.join(m.milestone_id for m in late)} 的到期日晚于新的期限止 "
                f"{new_end.isoformat()}", field="term_end")
        self._amended(command_id=command_id, actor=self.actor_record(actor), reason=text,
                      added_fen=added_fen,
                      added_milestone=_plan_record(added_milestone) if added_fen and
                      added_milestone else None,
                      term_end=new_end, amended_on=amended_on)

    @event("Amended")
    def _amended(self, *, command_id: str, actor: dict[str, Any], reason: str, added_fen: int,
                 added_milestone: dict[str, Any] | None, term_end: date,
                 amended_on: date) -> None:
        self._applied(command_id)
        self.amount_fen += added_fen
        if added_milestone is not None:
            self._add_milestones([added_milestone])
        self.term_end = term_end

    def terminate(self, *, command_id: str, actor: Actor, reason: str,
                  terminated_on: date) -> None:
        """终止合同 (the buying department), with the reason."""
        self.check_department(actor, "终止合同")
        self.check_status({ContractStatus.AWARDED, ContractStatus.PERFORMING,
                           ContractStatus.REVIEW_DUE}, "终止")
        self._terminated(command_id=command_id, actor=self.actor_record(actor),
                         reason=required_text(reason, field="reason", label="终止理由",
                                              max_length=TEXT_MAX),
                         terminated_on=terminated_on, paid_fen=self.paid_fen)

    @event("Terminated")
    def _terminated(self, *, command_id: str, actor: dict[str, Any], reason: str,
                    terminated_on: date, paid_fen: int) -> None:
        self._applied(command_id)
        self.status = ContractStatus.TERMINATED
        self.provider_review_pending = False

    # --- performance review and closing ------------------------------------------------

    def open_review(self, *, command_id: str, actor: Actor, opened_on: date) -> None:
        """期满 (a timer, the day after the term): the performance review is due."""
        self.check_status({ContractStatus.PERFORMING}, "开始绩效评价")
        self._review_opened(command_id=command_id, actor=self.actor_record(actor),
                            opened_on=opened_on)

    @event("ReviewOpened")
    def _review_opened(self, *, command_id: str, actor: dict[str, Any], opened_on: date) -> None:
        self._applied(command_id)
        self.status = ContractStatus.REVIEW_DUE

    def record_review(self, *, command_id: str, actor: Actor, scores: dict[str, int],
                      comment: str, policy: ContractPolicy, reviewed_on: date) -> Rating:
        """绩效评价 (the buying department): 决策, 过程, 产出, 效益 → 优/良/中/差."""
        self.check_department(actor, "开展绩效评价")
        self.check_status({ContractStatus.REVIEW_DUE}, "开展绩效评价")
        if self.review_rating is not None:
            raise ContractStageError(
                f"合同（{self.item_code}「{self.item_name}」，{self.provider_name}）已完成绩效评价"
                f"（{self.review_total} 分，{self.review_rating.value}），不能重复评价")
        checked = check_review_scores(scores, policy.weights)
        total = sum(checked.values())
        rating = rating_for(total)
        self._reviewed(command_id=command_id, actor=self.actor_record(actor), scores=checked,
                       total=total, rating=rating.value,
                       comment=required_text(comment, field="comment", label="评价意见",
                                             max_length=TEXT_MAX),
                       reviewed_on=reviewed_on)
        return rating

    @event("Reviewed")
    def _reviewed(self, *, command_id: str, actor: dict[str, Any], scores: dict[str, int],
                  total: int, rating: str, comment: str, reviewed_on: date) -> None:
        self._applied(command_id)
        self.review_total = total
        self.review_rating = Rating(rating)

    @property
    def closable(self) -> bool:
        return (self.status is ContractStatus.REVIEW_DUE and self.review_rating is not None
                and self.paid_fen == self.amount_fen)

    def close(self, *, command_id: str, actor: Actor, closed_on: date) -> None:
        """结束: reviewed and fully paid (the workflow closes it then)."""
        if not self.closable:
            raise ContractStageError(
                f"合同须完成绩效评价并付清（合同金额 {yuan(self.amount_fen)}，已付 "
                f"{yuan(self.paid_fen)}）后方可结束")
        self._closed(command_id=command_id, actor=self.actor_record(actor), closed_on=closed_on)

    @event("Closed")
    def _closed(self, *, command_id: str, actor: dict[str, Any], closed_on: date) -> None:
        self._applied(command_id)
        self.status = ContractStatus.CLOSED

    # --- the provider's grade changed ----------------------------------------------------

    def note_grade_change(self, *, command_id: str, actor: Actor, change: str,
                          reason: str, on: date) -> None:
        """承接方等级变动: opens a review for the department (no automatic termination)."""
        self.check_status({ContractStatus.AWARDED, ContractStatus.PERFORMING,
                           ContractStatus.REVIEW_DUE}, "登记承接方等级变动")
        self._grade_change_noted(command_id=command_id, actor=self.actor_record(actor),
                                 change=change, reason=reason, on=on)

    @event("ProviderGradeChanged")
    def _grade_change_noted(self, *, command_id: str, actor: dict[str, Any], change: str,
                            reason: str, on: date) -> None:
        self._applied(command_id)
        self.provider_review_pending = True

    def confirm_provider(self, *, command_id: str, actor: Actor, note: str,
                         confirmed_on: date) -> None:
        """复查后继续履行 (the department); terminating is the other answer."""
        self.check_department(actor, "复查承接方")
        self.check_status({ContractStatus.AWARDED, ContractStatus.PERFORMING,
                           ContractStatus.REVIEW_DUE}, "复查承接方")
        if not self.provider_review_pending:
            raise ContractStageError("没有待复查的承接方等级变动")
        self._provider_confirmed(command_id=command_id, actor=self.actor_record(actor),
                                 note=required_text(note, field="note", label="复查意见",
                                                    max_length=TEXT_MAX),
                                 confirmed_on=confirmed_on)

    @event("ProviderConfirmed")
    def _provider_confirmed(self, *, command_id: str, actor: dict[str, Any], note: str,
                            confirmed_on: date) -> None:
        self._applied(command_id)
        self.provider_review_pending = False


def check_milestones(plans: list[MilestonePlan], *, amount_fen: int, term_start: date,
                     term_end: date) -> list[MilestonePlan]:
    """Named, within the term, positive, adding up to ``amount_fen``."""
    if not plans:
        raise MilestonePlanError("至少须约定一个履约节点", field="milestones")
    problems: list[str] = []
    for number, plan in enumerate(plans, start=1):
        if not plan.name.strip():
            problems.append(f"第 {number} 个节点缺少名称")
        elif len(plan.name.strip()) > NAME_MAX:
            problems.append(f"第 {number} 个节点名称超过 {NAME_MAX} 个字符")
        if not term_start <= plan.due_on <= term_end:
            problems.append(
                f"第 {number} 个节点「{plan.name}」的到期日 {plan.due_on.isoformat()} 不在合同期限 "
                f"{term_start.isoformat()} 至 {term_end.isoformat()} 内")
        if isinstance(plan.amount_fen, bool) or plan.amount_fen <= 0:
            problems.append(f"第 {number} 个节点「{plan.name}」的金额须为正数（现为 "
                            f"{plan.amount_fen} 分）")
    total = sum(p.amount_fen for p in plans)
    if total != amount_fen:
        problems.append(f"各节点金额合计 {yuan(total)}，与合同金额 {yuan(amount_fen)} 相差 "
                        f"{yuan(abs(total - amount_fen))}；须相等")
    if problems:
        raise MilestonePlanError(f"履约节点有误：{'；'.join(problems)}", field="milestones")
    return [replace(p, name=p.name.strip()) for p in plans]


def _plan_record(plan: MilestonePlan | None) -> dict[str, Any]:
    assert plan is not None
    return {"name": plan.name, "due_on": plan.due_on, "amount_fen": plan.amount_fen}
