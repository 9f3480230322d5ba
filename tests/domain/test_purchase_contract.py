"""Purchase contracts (购买服务合同, DESIGN.md §3.5), through the application service."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import pytest

from domain.actors import SYSTEM_ACTOR, Actor, Role
from domain.application import GovflowApplication
from domain.errors import OtherDepartmentError, RequiredFieldError, RoleNotAllowedError
from domain.purchase.commands import (
    AmendContract,
    AnnounceContract,
    ApprovePayment,
    AwardContract,
    ConfirmProvider,
    MarkMilestoneOverdue,
    NoteProviderGradeChange,
    ReportDelivery,
    ReviewDelivery,
    TerminateContract,
)
from domain.purchase.contract import (
    ContractPolicy,
    ContractStatus,
    MilestonePlan,
    MilestoneStatus,
    PurchaseContract,
    check_milestones,
    check_term,
    yuan,
)
from domain.purchase.errors import (
    AmendmentLimitError,
    BudgetExceededError,
    ContractAmountError,
    ContractNotFoundError,
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
from domain.transfer.errors import NotEligibleError
from tests.cases import (
    AWARDED_ON,
    FINANCE,
    TERM_END,
    TERM_START,
    VOLUNTEERS_CODE,
    Cases,
    officer,
    plans,
    provider,
    refuses,
)

NO_HOLD = ContractPolicy(hold_final_payment=False)


@pytest.fixture
def app() -> Iterator[GovflowApplication]:
    application = GovflowApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    yield application
    application.close()


@pytest.fixture
def cases(app: GovflowApplication) -> Cases:
    return Cases(app)


@dataclass
class Deal:
    """A contract of 300,000 元 (M1 100,000 due 2027-09-30, M2 200,000 due 2027-12-31) on an
    item with a budget of 500,000 元 for 2027."""

    app: GovflowApplication
    item_id: UUID
    organization_id: UUID
    contract_id: UUID
    count: int = 0

    def cid(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}:{self.count}"

    @property
    def contract(self) -> PurchaseContract:
        return self.app.get_contract(self.contract_id)

    def deliver(self, milestone_id: str, *, actor: Actor | None = None,
                command_id: str | None = None) -> Any:
        return self.app.report_delivery(ReportDelivery(
            command_id=command_id or self.cid("deliver"),
            actor=actor or provider(self.organization_id), contract_id=self.contract_id,
            milestone_id=milestone_id, report="已按约定完成服务", delivered_on=date(2027, 9, 28)))

    def review(self, milestone_id: str, *, accepted: bool = True, findings: str = "符合约定",
               actor: Actor | None = None) -> Any:
        return self.app.review_delivery(ReviewDelivery(
            command_id=self.cid("review"), actor=actor or officer(),
            contract_id=self.contract_id, milestone_id=milestone_id, accepted=accepted,
            findings=findings, reviewed_on=date(2027, 10, 8)))

    def accepted(self, *milestone_ids: str) -> None:
        for milestone_id in milestone_ids:
            self.deliver(milestone_id)
            self.review(milestone_id)

    def pay(self, milestone_id: str, amount_fen: int, *, policy: ContractPolicy | None = None,
            actor: Actor = FINANCE, command_id: str | None = None) -> Any:
        return self.app.approve_payment(ApprovePayment(
            command_id=command_id or self.cid("pay"), actor=actor,
            contract_id=self.contract_id, milestone_id=milestone_id, amount_fen=amount_fen,
            approved_on=date(2027, 10, 15), policy=policy or ContractPolicy()))

    def amend(self, added_fen: int = 0, *, milestone: MilestonePlan | None = None,
              term_end: date | None = None, actor: Actor | None = None) -> Any:
        return self.app.amend_contract(AmendContract(
            command_id=self.cid("amend"), actor=actor or officer(),
            contract_id=self.contract_id, reason="服务对象增加", amended_on=date(2027, 6, 1),
            added_fen=added_fen, added_milestone=milestone, term_end=term_end))


def extra(amount_fen: int, due_on: date = date(2027, 11, 30)) -> MilestonePlan:
    return MilestonePlan("补充服务", due_on, amount_fen)


@pytest.fixture
def deal(cases: Cases) -> Deal:
    item_id = cases.decided_item("购买服务")
    organization_id = cases.organization()
    return Deal(cases.app, item_id, organization_id, cases.contract(item_id, organization_id))


def award(app: GovflowApplication, item_id: UUID, organization_id: UUID, *,
          command_id: str = "award", actor: Actor | None = None, method: str = "公开招标",
          fiscal_year: int = 2027, amount_fen: int | None = None,
          term_start: date = TERM_START, term_end: date = TERM_END,
          milestones: tuple[MilestonePlan, ...] | None = None,
          secured_and_stable: bool = False) -> UUID:
    chosen = plans(10_000_000, 20_000_000) if milestones is None else milestones
    return app.award_contract(AwardContract(
        command_id=command_id, actor=actor or officer(), item_id=item_id,
        organization_id=organization_id, method=method, fiscal_year=fiscal_year,
        amount_fen=sum(m.amount_fen for m in chosen) if amount_fen is None else amount_fen,
        term_start=term_start, term_end=term_end, milestones=chosen, awarded_on=AWARDED_ON,
        secured_and_stable=secured_and_stable)).aggregate_id


@pytest.fixture
def ground(cases: Cases) -> tuple[UUID, UUID]:
    """An item decided 购买服务 (500,000 元 for 2027) and an eligible 4A organization."""
    return cases.decided_item("购买服务"), cases.organization()


# --- money ------------------------------------------------------------------------------


@pytest.mark.parametrize(("fen", "shown"), [
    (0, "0.00 元"), (1, "0.01 元"), (123456, "1,234.56 元"), (-5, "-0.05 元"),
    (100_000_000_000, "1,000,000,000.00 元")])
def test_yuan(fen: int, shown: str) -> None:
    assert yuan(fen) == shown


# --- award ---------------------------------------------------------------------------------


def test_award_commits_budget_and_records_the_undertaking(
        app: GovflowApplication, ground: tuple[UUID, UUID]) -> None:
    item_id, organization_id = ground

    contract_id = award(app, item_id, organization_id)

    contract = app.get_contract(contract_id)
    assert contract.status is ContractStatus.AWARDED
    assert contract.amount_fen == contract.original_amount_fen == 30_000_000
    assert contract.provider_name == "蓬江区长者服务中心"
    assert [(m.milestone_id, m.amount_fen, m.status) for m in contract.milestones.values()] == [
        ("M1", 10_000_000, MilestoneStatus.PENDING), ("M2", 20_000_000, MilestoneStatus.PENDING)]
    item = app.get_catalogue_item(item_id)
    assert item.committed_for(2027) == 30_000_000
    undertaking = item.undertakings[str(contract_id)]
    assert (undertaking.kind, undertaking.fiscal_year, undertaking.live) == (
        "购买服务", 2027, True)
    organization = app.get_organization(organization_id)
    assert organization.undertakings[str(contract_id)].kind.value == "购买服务"

    before = app.recorder.max_notification_id()
    again = app.award_contract(AwardContract(
        command_id="award", actor=officer(), item_id=item_id, organization_id=organization_id,
        method="询价", fiscal_year=2027, amount_fen=1, term_start=TERM_START,
        term_end=TERM_END, milestones=(), awarded_on=AWARDED_ON))
    assert again.replayed is True
    assert again.aggregate_id == contract_id
    assert app.recorder.max_notification_id() == before


@pytest.mark.parametrize("method", ["公开招标", "邀请招标", "竞争性谈判", "竞争性磋商", "单一来源",
                                    "询价"])
def test_award_with_each_procurement_method(app: GovflowApplication,
                                            ground: tuple[UUID, UUID], method: str) -> None:
    contract_id = award(app, *ground, method=method)

    assert app.get_contract(contract_id).method.value == method


def test_award_for_an_item_not_decided_for_purchase_is_refused(cases: Cases) -> None:
    item_id = cases.decided_item("委托", budget_fen=0)
    organization_id = cases.organization()

    error = refuses(cases.app, NotDecidedForPurchaseError,
                    lambda: award(cases.app, item_id, organization_id),
                    "的决定为「委托」；只有决定购买服务的事项才能签订购买服务合同")
    assert error.field == "item_id"


def test_award_by_another_department_is_refused(app: GovflowApplication,
                                                ground: tuple[UUID, UUID]) -> None:
    refuses(app, OtherDepartmentError,
            lambda: award(app, *ground, actor=officer("440700-CZJ")),
            "您所在的部门为 440700-CZJ，不能为 440700-MZJ 的目录事项「居家养老服务」"
            "签订购买服务合同")


def test_award_by_finance_is_refused(app: GovflowApplication,
                                     ground: tuple[UUID, UUID]) -> None:
    refuses(app, RoleNotAllowedError, lambda: award(app, *ground, actor=FINANCE),
            "不能签订购买服务合同")


def test_award_with_unknown_method_is_refused(app: GovflowApplication,
                                              ground: tuple[UUID, UUID]) -> None:
    refuses(app, UnknownProcurementMethodError,
            lambda: award(app, *ground, method="网上竞价"),
            "采购方式 '网上竞价' 无效；应为以下之一：公开招标、邀请招标、竞争性谈判、竞争性磋商、"
            "单一来源、询价")


def test_award_to_an_ineligible_provider_is_refused(cases: Cases) -> None:
    item_id = cases.decided_item("购买服务")
    organization_id = cases.organization(level=None)

    refuses(cases.app, NotEligibleError, lambda: award(cases.app, item_id, organization_id),
            "「蓬江区长者服务中心」于 2026-12-20 不具备承接资格：未取得社会组织评估等级")
    assert cases.app.get_catalogue_item(item_id).committed_for(2027) == 0


def test_award_to_a_dishonest_provider_is_refused(cases: Cases) -> None:
    item_id = cases.decided_item("购买服务")
    organization_id = cases.organization()
    cases.flag_dishonest(organization_id)

    refuses(cases.app, NotEligibleError, lambda: award(cases.app, item_id, organization_id),
            "被列入失信名单（拒不履行法院判决），移出前不得承接")


def test_award_over_the_budget_is_refused(app: GovflowApplication,
                                         ground: tuple[UUID, UUID]) -> None:
    error = refuses(app, BudgetExceededError,
                    lambda: award(app, *ground, milestones=plans(30_000_000, 30_000_000)),
                    "合同金额 600,000.00 元 超出「居家养老服务」2027 年度预算余额 500,000.00 元"
                    "（预算 500,000.00 元，已签约 0.00 元），超出 100,000.00 元")
    assert error.field == "amount_fen"


def test_award_over_the_budget_left_by_an_earlier_contract_is_refused(
        cases: Cases, ground: tuple[UUID, UUID]) -> None:
    item_id, organization_id = ground
    award(cases.app, item_id, organization_id)
    volunteers = cases.organization(VOLUNTEERS_CODE, name="台山市义工联合会", category="社会团体",
                                    kind="公益慈善类")

    refuses(cases.app, BudgetExceededError,
            lambda: award(cases.app, item_id, volunteers, command_id="award-2",
                          milestones=plans(25_000_000)),
            "合同金额 250,000.00 元 超出「居家养老服务」2027 年度预算余额 200,000.00 元"
            "（预算 500,000.00 元，已签约 300,000.00 元），超出 50,000.00 元")
    award(cases.app, item_id, volunteers, command_id="award-3", milestones=plans(20_000_000))
    assert cases.app.get_catalogue_item(item_id).committed_for(2027) == 50_000_000
    assert sorted(cases.app.get_catalogue_item(item_id).live_undertakers()) == sorted(
        [str(organization_id), str(volunteers)])


def test_award_for_a_fiscal_year_without_budget_is_refused(
        app: GovflowApplication, ground: tuple[UUID, UUID]) -> None:
    refuses(app, BudgetExceededError, lambda: award(app, *ground, fiscal_year=2028),
            "2028 年度预算余额 0.00 元")


@pytest.mark.parametrize("amount", [0, -100])
def test_award_with_no_amount_is_refused(app: GovflowApplication, ground: tuple[UUID, UUID],
                                         amount: int) -> None:
    refuses(app, ContractAmountError, lambda: award(app, *ground, amount_fen=amount),
            f"金额须为正整数（以分计），且不超过 1,000,000,000.00 元；现为 {amount} 分")


def test_award_with_term_over_one_year_without_declaration_is_refused(
        app: GovflowApplication, ground: tuple[UUID, UUID]) -> None:
    error = refuses(app, ContractTermError,
                    lambda: award(app, *ground, term_end=date(2028, 1, 1)),
                    "合同期限一般不超过一年：自 2027-01-01 起最迟至 2027-12-31，现为 2028-01-01；"
                    "预算有保障、服务需求稳定的，声明后可至 2029-12-31"
                    "（财政部令第102号第二十四条）")
    assert error.field == "term_end"


def test_award_with_term_up_to_three_years_when_declared(
        app: GovflowApplication, ground: tuple[UUID, UUID]) -> None:
    contract_id = award(app, *ground, term_end=date(2029, 12, 31), secured_and_stable=True)

    assert app.get_contract(contract_id).term_end == date(2029, 12, 31)


def test_award_with_term_over_three_years_is_refused(
        app: GovflowApplication, ground: tuple[UUID, UUID]) -> None:
    refuses(app, ContractTermError,
            lambda: award(app, *ground, term_end=date(2030, 1, 1), secured_and_stable=True),
            "合同期限最长三年：自 2027-01-01 起最迟至 2029-12-31，现为 2030-01-01")


def test_award_with_term_ending_before_it_starts_is_refused(
        app: GovflowApplication, ground: tuple[UUID, UUID]) -> None:
    refuses(app, ContractTermError, lambda: award(app, *ground, term_end=date(2026, 12, 31)),
            "合同期限止（2026-12-31）不能早于起（2027-01-01）")


def test_check_term_on_leap_day() -> None:
    check_term(date(2028, 2, 29), date(2029, 2, 28), secured_and_stable=False)
    with pytest.raises(ContractTermError, match="最迟至 2029-02-28"):
        check_term(date(2028, 2, 29), date(2029, 3, 1), secured_and_stable=False)


def test_award_with_milestone_outside_the_term_is_refused(
        app: GovflowApplication, ground: tuple[UUID, UUID]) -> None:
    late = (MilestonePlan("全年服务", date(2028, 1, 15), 30_000_000),)

    refuses(app, MilestonePlanError, lambda: award(app, *ground, milestones=late),
            "履约节点有误：第 1 个节点「全年服务」的到期日 2028-01-15 不在合同期限 2027-01-01 至 "
            "2027-12-31 内")


def test_award_with_milestones_not_adding_up_is_refused(
        app: GovflowApplication, ground: tuple[UUID, UUID]) -> None:
    refuses(app, MilestonePlanError,
            lambda: award(app, *ground, amount_fen=30_000_000,
                          milestones=plans(10_000_000, 19_999_999)),
            "各节点金额合计 299,999.99 元，与合同金额 300,000.00 元 相差 0.01 元；须相等")


def test_award_without_milestones_is_refused(app: GovflowApplication,
                                             ground: tuple[UUID, UUID]) -> None:
    refuses(app, MilestonePlanError,
            lambda: award(app, *ground, amount_fen=30_000_000, milestones=()),
            "至少须约定一个履约节点")


def test_check_milestones_names_every_problem() -> None:
    with pytest.raises(MilestonePlanError) as caught:
        check_milestones([MilestonePlan(" ", date(2027, 3, 1), 0),
                          MilestonePlan("B", date(2028, 3, 1), 100)],
                         amount_fen=200, term_start=TERM_START, term_end=TERM_END)

    detail = caught.value.detail
    assert "第 1 个节点缺少名称" in detail
    assert "第 1 个节点「 」的金额须为正数（现为 0 分）" in detail
    assert "第 2 个节点「B」的到期日 2028-03-01 不在合同期限" in detail
    assert "各节点金额合计 1.00 元，与合同金额 2.00 元 相差 1.00 元" in detail


# --- announcement ------------------------------------------------------------------------


def test_announce_then_again_is_refused(app: GovflowApplication,
                                        ground: tuple[UUID, UUID]) -> None:
    contract_id = award(app, *ground)

    app.announce_contract(AnnounceContract(command_id="announce", actor=SYSTEM_ACTOR,
                                           contract_id=contract_id, announced_on=AWARDED_ON))

    assert app.get_contract(contract_id).status is ContractStatus.PERFORMING
    refuses(app, ContractStageError, lambda: app.announce_contract(AnnounceContract(
        command_id="announce-2", actor=SYSTEM_ACTOR, contract_id=contract_id,
        announced_on=AWARDED_ON)), "当前状态为履行中，不能公告；公告须在以下状态：已签订，待公告")


def test_delivery_before_announcement_is_refused(app: GovflowApplication,
                                                 ground: tuple[UUID, UUID]) -> None:
    item_id, organization_id = ground
    contract_id = award(app, item_id, organization_id)

    refuses(app, ContractStageError, lambda: app.report_delivery(ReportDelivery(
        command_id="d", actor=provider(organization_id), contract_id=contract_id,
        milestone_id="M1", report="完成", delivered_on=date(2027, 3, 1))),
        "当前状态为已签订，待公告，不能报告交付")


def test_unknown_contract_is_refused(app: GovflowApplication) -> None:
    missing = PurchaseContract.create_id("nowhere")

    refuses(app, ContractNotFoundError, lambda: app.announce_contract(AnnounceContract(
        command_id="a", actor=SYSTEM_ACTOR, contract_id=missing, announced_on=AWARDED_ON)),
        f"找不到购买服务合同 {missing}")


# --- delivery and acceptance ------------------------------------------------------------


def test_delivery_and_acceptance(deal: Deal) -> None:
    deal.deliver("M1")
    milestone = deal.contract.milestones["M1"]
    assert milestone.status is MilestoneStatus.DELIVERED
    assert milestone.delivered_on == date(2027, 9, 28)

    deal.review("M1", findings=" 服务记录齐全 ")

    milestone = deal.contract.milestones["M1"]
    assert milestone.status is MilestoneStatus.ACCEPTED
    assert milestone.findings == "服务记录齐全"
    assert milestone.accepted_on == date(2027, 10, 8)
    assert deal.contract.accepted_fen == 10_000_000


def test_delivery_repeated_is_answered_without_recording(deal: Deal) -> None:
    deal.deliver("M1", command_id="deliver-M1")
    before = deal.app.recorder.max_notification_id()

    assert deal.deliver("M1", command_id="deliver-M1").replayed is True
    assert deal.app.recorder.max_notification_id() == before


def test_delivery_only_by_the_provider(deal: Deal, cases: Cases) -> None:
    other = cases.organization(VOLUNTEERS_CODE, name="台山市义工联合会", category="社会团体",
                               kind="公益慈善类")

    error = refuses(deal.app, NotTheProviderError,
                    lambda: deal.deliver("M1", actor=provider(other)),
                    f"该合同的承接方为「蓬江区长者服务中心」，您所在的社会组织 {other} "
                    "不能报告其交付")
    assert error.title == "无权进行此操作"
    refuses(deal.app, RoleNotAllowedError, lambda: deal.deliver("M1", actor=officer()),
            "不能报告履约节点交付")


def test_delivery_of_unknown_or_delivered_milestone_is_refused(deal: Deal) -> None:
    refuses(deal.app, MilestoneNotFoundError, lambda: deal.deliver("M9"),
            "合同没有编号为 M9 的履约节点；应为以下之一：M1、M2")
    deal.deliver("M1")
    refuses(deal.app, MilestoneStageError, lambda: deal.deliver("M1"),
            "履约节点 M1「第1期服务」当前为已交付，待验收，不能再报告交付")
    deal.review("M1")
    refuses(deal.app, MilestoneStageError, lambda: deal.deliver("M1"),
            "当前为已验收，不能再报告交付")


def test_rejection_with_findings_then_redelivery(deal: Deal) -> None:
    deal.deliver("M1")
    deal.review("M1", accepted=False, findings="服务台账缺失三月份记录")

    milestone = deal.contract.milestones["M1"]
    assert milestone.status is MilestoneStatus.REJECTED
    assert milestone.findings == "服务台账缺失三月份记录"
    refuses(deal.app, PaymentLimitError, lambda: deal.pay("M1", 10_000_000),
            "当前为验收未通过；只能对已验收的履约节点支付")

    deal.deliver("M1")
    deal.review("M1")
    assert deal.contract.milestones["M1"].status is MilestoneStatus.ACCEPTED


def test_rejection_without_findings_is_refused(deal: Deal) -> None:
    deal.deliver("M1")

    refuses(deal.app, RequiredFieldError,
            lambda: deal.review("M1", accepted=False, findings="  "), "验收意见不能为空")


def test_review_before_delivery_is_refused(deal: Deal) -> None:
    refuses(deal.app, MilestoneStageError, lambda: deal.review("M1"),
            "履约节点 M1「第1期服务」当前为待交付，承接方报告交付后方可验收")


def test_review_only_by_the_buying_department(deal: Deal) -> None:
    deal.deliver("M1")

    refuses(deal.app, OtherDepartmentError,
            lambda: deal.review("M1", actor=officer("440700-CZJ")),
            "您所在的部门为 440700-CZJ，该合同的采购部门为 440700-MZJ，不能验收")
    refuses(deal.app, RoleNotAllowedError,
            lambda: deal.review("M1", actor=provider(deal.organization_id)), "不能验收")


# --- overdue -------------------------------------------------------------------------------


def test_mark_overdue(deal: Deal) -> None:
    deal.app.mark_milestone_overdue(MarkMilestoneOverdue(
        command_id="overdue", actor=SYSTEM_ACTOR, contract_id=deal.contract_id,
        milestone_id="M1"))

    assert deal.contract.milestones["M1"].overdue is True
    refuses(deal.app, MilestoneStageError, lambda: deal.app.mark_milestone_overdue(
        MarkMilestoneOverdue(command_id="overdue-2", actor=SYSTEM_ACTOR,
                             contract_id=deal.contract_id, milestone_id="M1")),
        "履约节点 M1 当前为待交付，无需标记逾期")
    deal.accepted("M1")
    assert deal.contract.milestones["M1"].status is MilestoneStatus.ACCEPTED


def test_mark_overdue_of_an_accepted_milestone_is_refused(deal: Deal) -> None:
    deal.accepted("M2")

    refuses(deal.app, MilestoneStageError, lambda: deal.app.mark_milestone_overdue(
        MarkMilestoneOverdue(command_id="overdue", actor=SYSTEM_ACTOR,
                             contract_id=deal.contract_id, milestone_id="M2")),
        "履约节点 M2 当前为已验收，无需标记逾期")


# --- payments -----------------------------------------------------------------------------


def test_payment_only_against_an_accepted_milestone(deal: Deal) -> None:
    refuses(deal.app, PaymentLimitError, lambda: deal.pay("M1", 10_000_000),
            "履约节点 M1「第1期服务」当前为待交付；只能对已验收的履约节点支付")
    deal.deliver("M1")
    refuses(deal.app, PaymentLimitError, lambda: deal.pay("M1", 10_000_000),
            "当前为已交付，待验收；只能对已验收的履约节点支付")
    deal.review("M1")

    deal.pay("M1", 4_000_000)
    deal.pay("M1", 6_000_000)

    contract = deal.contract
    assert contract.milestones["M1"].paid_fen == 10_000_000
    assert contract.paid_fen == 10_000_000


def test_payment_over_the_milestone_is_refused(deal: Deal) -> None:
    deal.accepted("M1")

    refuses(deal.app, PaymentLimitError, lambda: deal.pay("M1", 10_000_001),
            "本次支付 100,000.01 元 超出履约节点 M1「第1期服务」未付金额 100,000.00 元"
            "（节点金额 100,000.00 元，已付 0.00 元），超出 0.01 元")
    deal.pay("M1", 7_000_000)
    refuses(deal.app, PaymentLimitError, lambda: deal.pay("M1", 3_000_100),
            "未付金额 30,000.00 元（节点金额 100,000.00 元，已付 70,000.00 元），超出 1.00 元")


@pytest.mark.parametrize("amount", [0, -1])
def test_payment_of_no_amount_is_refused(deal: Deal, amount: int) -> None:
    deal.accepted("M1")

    refuses(deal.app, ContractAmountError, lambda: deal.pay("M1", amount),
            f"现为 {amount} 分")


def test_payment_by_a_department_is_refused(deal: Deal) -> None:
    deal.accepted("M1")

    refuses(deal.app, RoleNotAllowedError, lambda: deal.pay("M1", 100, actor=officer()),
            "不能审批支付")


def test_payment_repeated_is_answered_without_recording(deal: Deal) -> None:
    deal.accepted("M1")
    deal.pay("M1", 10_000_000, command_id="pay-M1")
    before = deal.app.recorder.max_notification_id()

    assert deal.pay("M1", 10_000_000, command_id="pay-M1").replayed is True
    assert deal.app.recorder.max_notification_id() == before
    assert deal.contract.paid_fen == 10_000_000


def test_final_payment_held_until_the_review(deal: Deal) -> None:
    deal.accepted("M1", "M2")
    deal.pay("M1", 10_000_000)

    error = refuses(deal.app, FinalPaymentHeldError, lambda: deal.pay("M2", 20_000_000),
                    "本次支付 200,000.00 元 为合同尾款；尾款须待绩效评价完成后支付")
    assert error.title == "当前状态不允许此操作"
    deal.pay("M2", 19_999_999)
    refuses(deal.app, FinalPaymentHeldError, lambda: deal.pay("M2", 1),
            "本次支付 0.01 元 为合同尾款")


def test_final_payment_allowed_with_the_hold_off(deal: Deal) -> None:
    deal.accepted("M1", "M2")
    deal.pay("M1", 10_000_000)

    deal.pay("M2", 20_000_000, policy=NO_HOLD)

    assert deal.contract.paid_fen == deal.contract.amount_fen == 30_000_000


# --- amendments -------------------------------------------------------------------------


def test_amendment_within_ten_percent_commits_more_budget(deal: Deal) -> None:
    deal.amend(3_000_000, milestone=extra(3_000_000))

    contract = deal.contract
    assert contract.amount_fen == 33_000_000
    assert contract.original_amount_fen == 30_000_000
    assert contract.milestones["M3"].amount_fen == 3_000_000
    assert contract.milestones["M3"].name == "补充服务"
    assert sum(m.amount_fen for m in contract.milestones.values()) == contract.amount_fen
    assert deal.app.get_catalogue_item(deal.item_id).committed_for(2027) == 33_000_000


def test_amendment_over_ten_percent_is_refused(deal: Deal) -> None:
    error = refuses(deal.app, AmendmentLimitError,
                    lambda: deal.amend(4_000_000, milestone=extra(4_000_000)),
                    "补充合同累计增加 40,000.00 元，超过原合同金额 300,000.00 元 的 10%"
                    "（30,000.00 元），超出 10,000.00 元")
    assert error.field == "added_fen"


def test_amendments_over_ten_percent_in_all_are_refused(deal: Deal) -> None:
    deal.amend(2_000_000, milestone=extra(2_000_000))

    refuses(deal.app, AmendmentLimitError,
            lambda: deal.amend(1_000_001, milestone=extra(1_000_001)),
            "补充合同累计增加 30,000.01 元，超过原合同金额 300,000.00 元 的 10%（30,000.00 元），"
            "超出 0.01 元")
    deal.amend(1_000_000, milestone=extra(1_000_000))
    assert deal.contract.amount_fen == 33_000_000


def test_amendment_over_the_remaining_budget_is_refused(cases: Cases) -> None:
    item_id = cases.decided_item("购买服务", budget_fen=32_000_000)
    organization_id = cases.organization()
    deal = Deal(cases.app, item_id, organization_id, cases.contract(item_id, organization_id))

    refuses(cases.app, BudgetExceededError,
            lambda: deal.amend(2_500_000, milestone=extra(2_500_000)),
            "增加金额 25,000.00 元 超出「居家养老服务」2027 年度预算余额 20,000.00 元，"
            "超出 5,000.00 元")
    deal.amend(2_000_000, milestone=extra(2_000_000))
    assert cases.app.get_catalogue_item(item_id).committed_for(2027) == 32_000_000


def test_amendment_needs_a_milestone_of_the_same_amount(deal: Deal) -> None:
    refuses(deal.app, MilestonePlanError, lambda: deal.amend(1_000_000),
            "增加合同金额须同时增加一个金额相同的履约节点")
    refuses(deal.app, MilestonePlanError,
            lambda: deal.amend(1_000_000, milestone=extra(999_999)),
            "增加合同金额须同时增加一个金额相同的履约节点")


def test_amendment_adding_a_milestone_without_money_is_refused(deal: Deal) -> None:
    refuses(deal.app, MilestonePlanError,
            lambda: deal.amend(0, milestone=extra(1_000_000), term_end=date(2027, 12, 31)),
            "增加履约节点须同时增加与其金额相同的合同金额")
    assert len(deal.contract.milestones) == 2


def test_amendment_changing_nothing_is_refused(deal: Deal) -> None:
    refuses(deal.app, MilestonePlanError, lambda: deal.amend(0),
            "补充合同须增加金额或变更期限")


def test_amendment_with_milestone_outside_the_term_is_refused(deal: Deal) -> None:
    refuses(deal.app, MilestonePlanError,
            lambda: deal.amend(1_000_000, milestone=extra(1_000_000, date(2028, 1, 5))),
            "的到期日 2028-01-05 不在合同期限 2027-01-01 至 2027-12-31 内")


def test_amendment_of_the_term_follows_the_term_rules(deal: Deal) -> None:
    refuses(deal.app, ContractTermError, lambda: deal.amend(term_end=date(2028, 6, 30)),
            "合同期限一般不超过一年：自 2027-01-01 起最迟至 2027-12-31，现为 2028-06-30")
    refuses(deal.app, MilestonePlanError, lambda: deal.amend(term_end=date(2027, 10, 31)),
            "履约节点 M2 的到期日晚于新的期限止 2027-10-31")

    deal.amend(term_end=date(2027, 12, 31))
    assert deal.contract.term_end == date(2027, 12, 31)
    assert deal.app.get_catalogue_item(deal.item_id).committed_for(2027) == 30_000_000


def test_amendment_of_a_declared_contract_may_run_to_three_years(cases: Cases) -> None:
    item_id = cases.decided_item("购买服务")
    organization_id = cases.organization()
    contract_id = award(cases.app, item_id, organization_id, term_end=date(2028, 12, 31),
                        secured_and_stable=True)
    cases.app.announce_contract(AnnounceContract(command_id="announce", actor=SYSTEM_ACTOR,
                                                 contract_id=contract_id,
                                                 announced_on=AWARDED_ON))
    deal = Deal(cases.app, item_id, organization_id, contract_id)

    deal.amend(term_end=date(2029, 12, 31))

    assert deal.contract.term_end == date(2029, 12, 31)
    refuses(cases.app, ContractTermError, lambda: deal.amend(term_end=date(2030, 1, 1)),
            "合同期限最长三年")


def test_amendment_before_announcement_or_by_another_department_is_refused(
        app: GovflowApplication, ground: tuple[UUID, UUID]) -> None:
    contract_id = award(app, *ground)
    deal = Deal(app, *ground, contract_id)

    refuses(app, ContractStageError, lambda: deal.amend(1_000_000, milestone=extra(1_000_000)),
            "当前状态为已签订，待公告，不能签订补充合同")
    refuses(app, OtherDepartmentError,
            lambda: deal.amend(1_000_000, milestone=extra(1_000_000),
                               actor=officer("440700-CZJ")),
            "不能签订补充合同")


# --- termination ----------------------------------------------------------------------------


def test_termination_shrinks_the_commitment_to_what_was_paid(deal: Deal, cases: Cases) -> None:
    deal.accepted("M1")
    deal.pay("M1", 10_000_000)

    deal.app.terminate_contract(TerminateContract(
        command_id="terminate", actor=officer(), contract_id=deal.contract_id,
        reason="承接方严重违约", terminated_on=date(2027, 10, 20)))

    assert deal.contract.status is ContractStatus.TERMINATED
    item = deal.app.get_catalogue_item(deal.item_id)
    assert item.committed_for(2027) == 10_000_000
    assert item.undertakings[str(deal.contract_id)].live is False
    assert item.live_undertakers() == []
    assert deal.app.get_organization(deal.organization_id).undertakings == {}
    refuses(deal.app, ContractStageError, lambda: deal.pay("M1", 1),
            "当前状态为已终止，不能审批支付")
    refuses(deal.app, ContractStageError, lambda: deal.app.terminate_contract(TerminateContract(
        command_id="terminate-2", actor=officer(), contract_id=deal.contract_id,
        reason="再次终止", terminated_on=date(2027, 10, 21))), "当前状态为已终止，不能终止")
    # What was freed can be awarded again.
    other = cases.organization(VOLUNTEERS_CODE, name="台山市义工联合会", category="社会团体",
                               kind="公益慈善类")
    award(deal.app, deal.item_id, other, command_id="award-again",
          milestones=plans(40_000_000))
    assert deal.app.get_catalogue_item(deal.item_id).committed_for(2027) == 50_000_000


def test_termination_before_announcement(app: GovflowApplication,
                                         ground: tuple[UUID, UUID]) -> None:
    item_id, organization_id = ground
    contract_id = award(app, item_id, organization_id)

    app.terminate_contract(TerminateContract(
        command_id="terminate", actor=officer(), contract_id=contract_id,
        reason="采购结果被质疑成立", terminated_on=date(2026, 12, 25)))

    assert app.get_catalogue_item(item_id).committed_for(2027) == 0


def test_termination_needs_the_buying_department_and_a_reason(deal: Deal) -> None:
    refuses(deal.app, OtherDepartmentError, lambda: deal.app.terminate_contract(
        TerminateContract(command_id="t", actor=officer("440700-CZJ"),
                          contract_id=deal.contract_id, reason="理由",
                          terminated_on=date(2027, 5, 1))), "不能终止合同")
    refuses(deal.app, RequiredFieldError, lambda: deal.app.terminate_contract(
        TerminateContract(command_id="t", actor=officer(), contract_id=deal.contract_id,
                          reason=" ", terminated_on=date(2027, 5, 1))), "终止理由不能为空")


# --- the provider's grade changed -----------------------------------------------------------


def test_grade_change_then_confirmation(deal: Deal) -> None:
    refuses(deal.app, ContractStageError, lambda: deal.app.confirm_provider(ConfirmProvider(
        command_id="confirm-0", actor=officer(), contract_id=deal.contract_id, note="继续",
        confirmed_on=date(2027, 5, 1))), "没有待复查的承接方等级变动")

    deal.app.note_provider_grade_change(NoteProviderGradeChange(
        command_id="grade", actor=SYSTEM_ACTOR, contract_id=deal.contract_id,
        change="4A→3A", reason="年检基本合格两年", on=date(2027, 5, 1)))
    assert deal.contract.provider_review_pending is True

    refuses(deal.app, OtherDepartmentError, lambda: deal.app.confirm_provider(ConfirmProvider(
        command_id="confirm-x", actor=officer("440700-CZJ"), contract_id=deal.contract_id,
        note="继续", confirmed_on=date(2027, 5, 10))), "不能复查承接方")
    refuses(deal.app, RequiredFieldError, lambda: deal.app.confirm_provider(ConfirmProvider(
        command_id="confirm-y", actor=officer(), contract_id=deal.contract_id, note="",
        confirmed_on=date(2027, 5, 10))), "复查意见不能为空")
    deal.app.confirm_provider(ConfirmProvider(
        command_id="confirm", actor=officer(), contract_id=deal.contract_id,
        note="3A 仍满足承接条件，继续履行", confirmed_on=date(2027, 5, 10)))
    assert deal.contract.provider_review_pending is False


def test_grade_change_on_a_terminated_contract_is_refused(deal: Deal) -> None:
    deal.app.terminate_contract(TerminateContract(
        command_id="terminate", actor=officer(), contract_id=deal.contract_id, reason="违约",
        terminated_on=date(2027, 5, 1)))

    refuses(deal.app, ContractStageError, lambda: deal.app.note_provider_grade_change(
        NoteProviderGradeChange(command_id="grade", actor=Actor("govflow", Role.SYSTEM),
                                contract_id=deal.contract_id, change="撤销等级",
                                reason="严重违法", on=date(2027, 5, 2))),
        "当前状态为已终止，不能登记承接方等级变动")
