"""The whole pipeline end to end through the real gateways and workflows (DESIGN.md §4):
建立目录 → 咨询 → 决定购买服务 → 签订合同 → 履约、验收、支付 → 绩效评价 → 合同结束.

On a time-skipping server of the module's own and a real SQLite event store.  The
provider's 4A grade is given in the domain (the grade evaluation has tests of its own).
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from uuid import uuid4

import pytest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.application import GovflowApplication
from domain.catalogue.item import DecisionMode, ItemStatus
from domain.purchase.contract import ContractStatus, MilestoneStatus
from domain.purchase.review import Rating
from tests.cases import Cases
from tests.workflows.harness import FIELDS, OFFICER, start_time_skipping
from tests.workflows.pipeline import FINANCE, Pipeline, pipeline
from tests.workflows.record_purchase_history import (
    AMOUNT_FEN,
    BUDGET_FEN,
    Purchasing,
    purchase_worker_parts,
)
from workflows.catalogue_messages import Handoff
from workflows.purchase_gateway import PurchaseGateway
from workflows.purchase_messages import PurchasePolicy


@pytest.fixture(scope="module")
async def env() -> AsyncIterator[WorkflowEnvironment]:
    async with await start_time_skipping() as environment:
        yield environment


@pytest.fixture
async def stages(
    env: WorkflowEnvironment, app: GovflowApplication
) -> AsyncIterator[tuple[Pipeline, Purchasing]]:
    """One worker with every workflow; the catalogue pipeline and the purchase stage on it."""
    task_queue = f"pipeline-{uuid4()}"
    workflows, activities = purchase_worker_parts(app)
    with ThreadPoolExecutor(max_workers=4) as executor:
        async with (
            Worker(env.client, task_queue=task_queue, workflows=workflows,
                   activities=activities, activity_executor=executor),
            pipeline(env, app, task_queue=task_queue) as items,
        ):
            buying = Purchasing(
                env=env, app=app, item_id=uuid4(),  # until the pipeline has decided one
                provider_id=Cases(app, prefix=f"cases-{uuid4()}").organization(),
                gateway=PurchaseGateway(env.client, task_queue=task_queue,
                                        policy=PurchasePolicy()),
                department=OFFICER,
            )
            try:
                yield items, buying
            finally:
                await buying.end_runs()


async def test_item_catalogued_advised_decided_then_contract_performed_reviewed_closed(
    stages: tuple[Pipeline, Purchasing],
) -> None:
    items, buying = stages

    # 建立目录: drafted, published, publicity closed by its timer; advice; budget; decision
    item_id = await items.referred()
    await items.give_opinion(item_id, DecisionMode.PURCHASE.value)
    await items.gateway.allocate_budget(
        item_id=item_id, command_id=f"budget-{uuid4()}", actor=FINANCE,
        fiscal_year=FIELDS.catalogue_year, amount_fen=BUDGET_FEN)
    await items.decide(item_id, DecisionMode.PURCHASE.value)
    decided = await items.handle(item_id).result()
    assert (decided.status, decided.handoff) == (ItemStatus.DECIDED, Handoff.PURCHASE)

    # 签订合同 and 公告
    buying = dataclasses.replace(buying, item_id=item_id)  # its runs still end with the test
    contract_id = await buying.awarded()
    item = buying.app.get_catalogue_item(item_id)
    assert item.committed_for(FIELDS.catalogue_year) == AMOUNT_FEN

    # 履约、验收、支付
    for milestone_id in ("M1", "M2"):
        await buying.accepted(contract_id, milestone_id)
    await buying.pay(contract_id, "M1", 10_000_000)
    await buying.pay(contract_id, "M2", 15_000_000)
    performing = await buying.state(contract_id)
    assert [m.status for m in performing.milestones] == [MilestoneStatus.ACCEPTED] * 2
    assert performing.paid_fen == 25_000_000

    # 期满 → 绩效评价 → 尾款 → 合同结束
    await buying.term_over(contract_id)
    await buying.reviewed(contract_id)
    await buying.pay(contract_id, "M2", 5_000_000)
    final = await buying.handle(contract_id).result()

    assert final.status is ContractStatus.CLOSED
    assert (final.paid_fen, final.review_rating) == (AMOUNT_FEN, Rating.EXCELLENT)
    assert not any(m.overdue for m in final.milestones)
    assert items.events(item_id)[:2] == ["Drafted", "Published"]
    assert items.events(item_id)[-3:] == ["Decided", "Undertaken", "UndertakingEnded"]
    undertaking = buying.app.get_catalogue_item(item_id).undertakings[str(contract_id)]
    assert (undertaking.live, undertaking.committed_fen) == (False, AMOUNT_FEN)
    assert buying.events(contract_id) == [
        "Awarded", "Announced", "MilestoneDelivered", "MilestoneAccepted",
        "MilestoneDelivered", "MilestoneAccepted", "PaymentApproved", "PaymentApproved",
        "ReviewOpened", "Reviewed", "PaymentApproved", "Closed",
    ]
    assert buying.events(buying.provider_id)[-2:] == ["UndertakingStarted", "UndertakingEnded"]
    assert str(contract_id) not in buying.app.get_organization(buying.provider_id).undertakings
