"""The purchase-contract workflow (购买服务合同), driven through the gateway as the HTTP API
drives it, on Temporal's time-skipping server and a real SQLite event store.

The module has a time-skipping server of its own: sleeping past a term here moves the
clock of every workflow on the server.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from uuid import UUID, uuid4

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment

from api.ports import PurchaseCommands
from domain.actors import Actor, Role
from domain.application import GovflowApplication
from domain.calendar import start_of_day
from domain.errors import OtherDepartmentError, RoleNotAllowedError
from domain.purchase.contract import ContractStatus, MilestonePlan, MilestoneStatus
from domain.purchase.errors import (
    AmendmentLimitError,
    BudgetExceededError,
    ContractNotFoundError,
    ContractStageError,
    FinalPaymentHeldError,
    MilestoneStageError,
    NotTheProviderError,
    PaymentLimitError,
)
from domain.purchase.review import Rating
from tests.cases import officer
from tests.workflows.harness import start_time_skipping
from tests.workflows.record_purchase_history import (
    AMOUNT_FEN,
    Purchasing,
    purchasing_world,
)

MINUTE = timedelta(minutes=1)


@pytest.fixture(scope="module")
async def purchase_env() -> AsyncIterator[WorkflowEnvironment]:
    async with await start_time_skipping() as environment:
        yield environment


@pytest.fixture
async def buying(
    purchase_env: WorkflowEnvironment, app: GovflowApplication
) -> AsyncIterator[Purchasing]:
    async with purchasing_world(purchase_env, app) as world:
        yield world


async def _history(buying: Purchasing, contract_id: UUID) -> list[EventType.ValueType]:
    history = await buying.handle(contract_id).fetch_history()
    return [event.event_type for event in history.events]


def test_gateway_implements_purchase_commands_port(buying: Purchasing) -> None:
    commands: PurchaseCommands = buying.gateway

    assert commands is buying.gateway


# --- award to closing -----------------------------------------------------------------


async def test_award_announced_at_once_then_performing_on_china_date(buying: Purchasing) -> None:
    awarded = await buying.award()
    contract_id = awarded.aggregate_id

    state = await buying.until(contract_id, lambda s: s.status is ContractStatus.PERFORMING)

    assert buying.events(contract_id) == ["Awarded", "Announced"]
    assert state.awarded_on == await buying.today()
    assert (state.amount_fen, state.paid_fen) == (AMOUNT_FEN, 0)
    assert [m.milestone_id for m in state.milestones] == ["M1", "M2"]
    contract = buying.app.get_contract(contract_id)
    assert contract.has_applied(f"purchase-contract:{contract_id}:announce")


async def test_contract_from_award_through_review_to_closing_run_completes(
    buying: Purchasing,
) -> None:
    contract_id = await buying.awarded()

    await buying.deliver(contract_id, "M1")
    await buying.review(contract_id, "M1", accepted=False)
    rejected = await buying.state(contract_id)
    assert rejected.milestones[0].status is MilestoneStatus.REJECTED
    await buying.deliver(contract_id, "M1")
    await buying.review(contract_id, "M1")
    with pytest.raises(PaymentLimitError) as over_milestone:
        await buying.pay(contract_id, "M1", 10_000_001)
    assert str(over_milestone.value) == (
        "本次支付 100,000.01 元 超出履约节点 M1「第一阶段服务」未付金额 100,000.00 元（节点金额 "
        "100,000.00 元，已付 0.00 元），超出 0.01 元")
    await buying.pay(contract_id, "M1", 10_000_000)

    await buying.accepted(contract_id, "M2")
    with pytest.raises(FinalPaymentHeldError):
        await buying.pay(contract_id, "M2", 20_000_000)
    await buying.pay(contract_id, "M2", 15_000_000)
    with pytest.raises(ContractStageError):  # the term is not over
        await buying.reviewed(contract_id)

    review_due = await buying.term_over(contract_id)
    assert review_due.term_end is not None
    assert buying.app.get_contract(contract_id).has_applied(
        f"purchase-contract:{contract_id}:open-review")
    await buying.reviewed(contract_id)
    reviewed = await buying.state(contract_id)
    assert (reviewed.review_total, reviewed.review_rating) == (90, Rating.EXCELLENT)
    assert reviewed.status is ContractStatus.REVIEW_DUE  # 50,000 元 still unpaid
    await buying.pay(contract_id, "M2", 5_000_000)
    final = await buying.handle(contract_id).result()

    assert final.status is ContractStatus.CLOSED
    assert final.paid_fen == AMOUNT_FEN
    assert buying.events(contract_id) == [
        "Awarded", "Announced", "MilestoneDelivered", "MilestoneRejected",
        "MilestoneDelivered", "MilestoneAccepted", "PaymentApproved", "MilestoneDelivered",
        "MilestoneAccepted", "PaymentApproved", "ReviewOpened", "Reviewed", "PaymentApproved",
        "Closed",
    ]
    assert (await _history(buying, contract_id))[-1] == (
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)
    with pytest.raises(ContractStageError) as refused:
        await buying.deliver(contract_id, "M1")
    assert str(refused.value) == (
        f"购买服务合同 {contract_id} 当前状态为已结束，合同流程已办结，不再受理命令")


async def test_milestone_not_accepted_marked_overdue_day_after_due_not_before(
    buying: Purchasing,
) -> None:
    contract_id = await buying.awarded()
    m1 = (await buying.state(contract_id)).milestones[0]

    await buying.sleep_until(start_of_day(m1.due_on + timedelta(days=1)) - MINUTE)
    assert not (await buying.state(contract_id)).milestones[0].overdue
    await buying.sleep_past(m1.due_on)
    state = await buying.until(contract_id, lambda s: s.milestones[0].overdue)

    assert not state.milestones[1].overdue
    assert buying.events(contract_id)[-1] == "MilestoneOverdue"
    assert buying.app.get_contract(contract_id).has_applied(
        f"purchase-contract:{contract_id}:overdue:M1")


async def test_amendment_over_ten_percent_refused_within_moves_term_adds_overdue_timer(
    buying: Purchasing,
) -> None:
    contract_id = await buying.awarded()
    today = await buying.today()
    old_end = (await buying.state(contract_id)).term_end
    assert old_end is not None
    position = buying.position()

    with pytest.raises(AmendmentLimitError) as refused:
        await buying.gateway.amend(
            contract_id=contract_id, command_id=f"amend-{uuid4()}", actor=buying.department,
            reason="服务对象增加", added_fen=3_000_001,
            added_milestone=MilestonePlan("补充服务", today + timedelta(days=55), 3_000_001))
    assert "超过原合同金额 300,000.00 元 的 10%" in str(refused.value)
    assert buying.position() == position
    await buying.gateway.amend(
        contract_id=contract_id, command_id=f"amend-{uuid4()}", actor=buying.department,
        reason="服务对象增加", added_fen=3_000_000,
        added_milestone=MilestonePlan("补充服务", today + timedelta(days=70), 3_000_000),
        term_end=today + timedelta(days=90))
    amended = await buying.state(contract_id)
    assert (amended.amount_fen, amended.term_end) == (33_000_000, today + timedelta(days=90))
    m3 = amended.milestones[2]
    assert (m3.milestone_id, m3.due_on) == ("M3", today + timedelta(days=70))

    await buying.sleep_past(old_end)
    assert (await buying.state(contract_id)).status is ContractStatus.PERFORMING
    await buying.sleep_past(m3.due_on)
    state = await buying.until(contract_id, lambda s: s.milestones[2].overdue)
    assert state.status is ContractStatus.PERFORMING
    await buying.term_over(contract_id)
    assert buying.events(contract_id)[-1] == "ReviewOpened"


async def test_terminate_ends_run_later_commands_refused_ended(buying: Purchasing) -> None:
    contract_id = await buying.awarded()

    await buying.gateway.terminate(contract_id=contract_id, command_id=f"end-{uuid4()}",
                                   actor=buying.department, reason="承接方严重违约")
    final = await buying.handle(contract_id).result()

    assert final.status is ContractStatus.TERMINATED
    assert buying.events(contract_id)[-1] == "Terminated"
    with pytest.raises(ContractStageError) as refused:
        await buying.pay(contract_id, "M1", 1)
    assert "已终止" in str(refused.value)


async def test_grade_changed_signal_opens_provider_review_confirm_clears_it(
    buying: Purchasing,
) -> None:
    contract_id = await buying.awarded()

    await buying.signal_downgrade(contract_id, organization_id=uuid4())  # someone else's
    await buying.signal_downgrade(contract_id)
    pending = await buying.until(contract_id, lambda s: s.provider_review_pending)
    assert pending.status is ContractStatus.PERFORMING  # no automatic termination
    assert buying.events(contract_id).count("ProviderGradeChanged") == 1
    await buying.gateway.confirm_provider(
        contract_id=contract_id, command_id=f"confirm-{uuid4()}", actor=buying.department,
        note="服务质量稳定，继续履行")

    state = await buying.state(contract_id)
    assert not state.provider_review_pending
    assert buying.events(contract_id)[-1] == "ProviderConfirmed"
    with pytest.raises(ContractStageError) as refused:
        await buying.gateway.confirm_provider(
            contract_id=contract_id, command_id=f"confirm-{uuid4()}",
            actor=buying.department, note="再次确认")
    assert str(refused.value) == "没有待复查的承接方等级变动"


# --- refusals: the domain's words, nothing recorded -------------------------------------


async def test_commands_refused_by_validators_record_nothing_never_reach_history(
    buying: Purchasing,
) -> None:
    contract_id = await buying.awarded()
    accepted_before = (await _history(buying, contract_id)).count(
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
    position = buying.position()

    with pytest.raises(NotTheProviderError):
        await buying.gateway.report_delivery(
            contract_id=contract_id, command_id=f"deliver-{uuid4()}",
            actor=Actor(user="wang.other", role=Role.ORGANIZATION, scope=str(uuid4())),
            milestone_id="M1", report="已完成")
    with pytest.raises(MilestoneStageError) as undelivered:
        await buying.review(contract_id, "M1")
    assert str(undelivered.value) == (
        "履约节点 M1「第一阶段服务」当前为待交付，承接方报告交付后方可验收")
    with pytest.raises(OtherDepartmentError):
        await buying.gateway.terminate(contract_id=contract_id, command_id=f"end-{uuid4()}",
                                       actor=officer("440700-CZJ"), reason="无")
    with pytest.raises(RoleNotAllowedError) as wrong_role:
        await buying.gateway.approve_payment(
            contract_id=contract_id, command_id=f"pay-{uuid4()}", actor=buying.department,
            milestone_id="M1", amount_fen=1)
    assert str(wrong_role.value) == "角色 department 不能审批支付；可执行此操作的角色：finance"

    assert buying.position() == position
    assert (await _history(buying, contract_id)).count(
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) == accepted_before


async def test_award_over_budget_refused_nothing_recorded_then_not_found(
    buying: Purchasing,
) -> None:
    position = buying.position()
    command_id = f"award-{uuid4()}"

    with pytest.raises(BudgetExceededError):
        await buying.award(command_id=command_id, amount_fen=60_000_000)

    assert buying.position() == position
    contract_id = buying.started[-1]
    await buying.handle(contract_id).result()
    with pytest.raises(ContractNotFoundError):
        await buying.deliver(contract_id, "M1")


async def test_award_by_finance_refused_by_validator(buying: Purchasing) -> None:
    position = buying.position()

    with pytest.raises(RoleNotAllowedError):
        await buying.award(actor=buying.finance)

    assert buying.position() == position


async def test_command_on_unknown_contract_refused_not_found(buying: Purchasing) -> None:
    with pytest.raises(ContractNotFoundError):
        await buying.deliver(uuid4(), "M1")


async def test_repeated_command_id_answered_with_first_result_recorded_once(
    buying: Purchasing,
) -> None:
    command_id = f"award-{uuid4()}"
    first = await buying.award(command_id=command_id)
    contract_id = first.aggregate_id
    again = await buying.award(command_id=command_id)
    assert again == first

    delivered = await buying.deliver(contract_id, "M1", command_id="deliver-once")
    repeated = await buying.deliver(contract_id, "M1", command_id="deliver-once")

    assert repeated == delivered
    assert buying.events(contract_id).count("Awarded") == 1
    assert buying.events(contract_id).count("MilestoneDelivered") == 1
