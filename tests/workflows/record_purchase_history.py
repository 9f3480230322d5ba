"""Record the history of a full purchase-contract run, for the replay test; and the
purchasing world the workflow tests drive (shared, so that what is recorded is what is
tested).

    .venv/bin/python -m tests.workflows.record_purchase_history

The run: the department awards → the system announces → the provider delivers M1, the
department rejects it, it is delivered again and accepted, finance pays it → the
provider's grade is downgraded (a signal) and the department confirms the provider →
an amendment adds M3 and moves the term end → M2 is not delivered by its due date, so a
timer marks it overdue → M2 and M3 are delivered and accepted and paid but for the
final payment → the term ends (a timer opens the review) → the department reviews →
finance pays the rest → the contract is closed and the run ends.  On the time-skipping
server and a throw-away SQLite store.

Keep this history: a change that breaks its replay needs versioning (``workflow.patched``);
re-record only when the recorded path changed on purpose.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from temporalio.client import WorkflowHandle
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.actors import Actor
from domain.aggregate import aggregate_id_for
from domain.application import GovflowApplication
from domain.calendar import china_date, start_of_day
from domain.catalogue.commands import CommandResult
from domain.purchase.contract import ContractStatus, MilestonePlan
from tests.cases import FINANCE, Cases, officer, provider
from tests.workflows.harness import notifications, sqlite_env, start_time_skipping
from workflows.case_ids import purchase_contract_workflow_id
from workflows.grade_signals import DOWNGRADED, GRADE_CHANGED_SIGNAL, GradeChanged
from workflows.purchase_contract import (
    PurchaseContractState,
    PurchaseContractWorkflow,
)
from workflows.purchase_gateway import PurchaseGateway
from workflows.purchase_messages import PurchasePolicy
from workflows.worker import WORKFLOWS, activities_for

PURCHASE_HISTORY_PATH = Path(__file__).parent / "histories" / "purchase_contract.json"
PURCHASE_AWARD_COMMAND_ID = "record-purchase:award"
PURCHASE_WORKFLOW_ID = purchase_contract_workflow_id(aggregate_id_for(PURCHASE_AWARD_COMMAND_ID))

AMOUNT_FEN = 30_000_000
"""300,000.00 元: M1 100,000.00 元 and M2 200,000.00 元."""
BUDGET_FEN = 50_000_000
TERM_DAYS = 59
"""Short terms: the module's clock moves on with every test, and grades expire."""
SCORES = {"决策": 18, "过程": 18, "产出": 27, "效益": 27}
"""90 points: 优."""

ContractHandle = WorkflowHandle[PurchaseContractWorkflow, PurchaseContractState]


def milestone_plans(today: date) -> tuple[MilestonePlan, ...]:
    return (
        MilestonePlan(name="第一阶段服务", due_on=today + timedelta(days=20),
                      amount_fen=10_000_000),
        MilestonePlan(name="第二阶段服务", due_on=today + timedelta(days=50),
                      amount_fen=20_000_000),
    )


@dataclass(frozen=True)
class Purchasing:
    """A worker and gateway, an item decided for 购买服务 and a graded provider (4A)."""

    env: WorkflowEnvironment
    app: GovflowApplication
    gateway: PurchaseGateway
    item_id: UUID
    provider_id: UUID
    department: Actor = field(default_factory=officer)
    finance: Actor = FINANCE
    started: list[UUID] = field(default_factory=list)
    """The contracts awarded: their runs are ended with the world."""

    @property
    def provider(self) -> Actor:
        return provider(self.provider_id)

    def handle(self, contract_id: UUID) -> ContractHandle:
        return self.env.client.get_workflow_handle_for(
            PurchaseContractWorkflow.run, purchase_contract_workflow_id(contract_id)
        )

    async def state(self, contract_id: UUID) -> PurchaseContractState:
        return await self.handle(contract_id).query(PurchaseContractWorkflow.state)

    async def until(
        self, contract_id: UUID, check: Callable[[PurchaseContractState], bool], *,
        seconds: float = 15.0,
    ) -> PurchaseContractState:
        """Wait (in real time) until the workflow's state passes ``check``."""
        deadline = asyncio.get_running_loop().time() + seconds
        while not check(state := await self.state(contract_id)):
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"the contract's state is still {state}")
            await asyncio.sleep(0.05)
        return state

    async def today(self) -> date:
        return china_date(await self.env.get_current_time())

    async def sleep_until(self, moment: datetime) -> None:
        await self.env.sleep(moment - await self.env.get_current_time())

    async def sleep_past(self, last_day: date) -> None:
        """Let time run to a minute after ``last_day`` is over (China time)."""
        await self.sleep_until(start_of_day(last_day + timedelta(days=1)) + timedelta(minutes=1))

    def position(self) -> int:
        """The application's last notification id: unchanged when nothing was recorded."""
        return self.app.recorder.max_notification_id() or 0

    def events(self, originator_id: UUID) -> list[str]:
        return [n.topic.rsplit(".", 1)[-1] for n in notifications(self.app)
                if n.originator_id == originator_id]

    async def award(self, *, command_id: str = "", actor: Actor | None = None,
                    amount_fen: int = AMOUNT_FEN) -> CommandResult:
        """签订 a contract from today for ``TERM_DAYS`` + 1 days, M1 and M2."""
        command_id = command_id or f"award-{uuid4()}"
        self.started.append(aggregate_id_for(command_id))
        today = await self.today()
        plans = milestone_plans(today)
        if amount_fen != AMOUNT_FEN:
            plans = (*plans[:1], MilestonePlan(plans[1].name, plans[1].due_on,
                                               amount_fen - plans[0].amount_fen))
        return await self.gateway.award(
            command_id=command_id, actor=actor or self.department, item_id=self.item_id,
            organization_id=self.provider_id, method="公开招标", fiscal_year=2027,
            amount_fen=amount_fen, term_start=today,
            term_end=today + timedelta(days=TERM_DAYS), milestones=plans,
        )

    async def awarded(self, command_id: str = "") -> UUID:
        """A contract awarded and announced (履行中)."""
        contract_id = (await self.award(command_id=command_id)).aggregate_id
        await self.until(contract_id, lambda s: s.status is ContractStatus.PERFORMING)
        return contract_id

    async def deliver(self, contract_id: UUID, milestone_id: str, *,
                      command_id: str = "") -> CommandResult:
        return await self.gateway.report_delivery(
            contract_id=contract_id, command_id=command_id or f"deliver-{uuid4()}",
            actor=self.provider, milestone_id=milestone_id, report="已按合同完成本阶段服务",
        )

    async def review(self, contract_id: UUID, milestone_id: str, *, accepted: bool = True,
                     command_id: str = "") -> CommandResult:
        return await self.gateway.review_delivery(
            contract_id=contract_id, command_id=command_id or f"review-{uuid4()}",
            actor=self.department, milestone_id=milestone_id, accepted=accepted,
            findings="服务记录完整，验收合格" if accepted else "服务台账缺失，请补充后重新交付",
        )

    async def accepted(self, contract_id: UUID, milestone_id: str) -> None:
        await self.deliver(contract_id, milestone_id)
        await self.review(contract_id, milestone_id)

    async def pay(self, contract_id: UUID, milestone_id: str, amount_fen: int, *,
                  command_id: str = "") -> CommandResult:
        return await self.gateway.approve_payment(
            contract_id=contract_id, command_id=command_id or f"pay-{uuid4()}",
            actor=self.finance, milestone_id=milestone_id, amount_fen=amount_fen,
        )

    async def reviewed(self, contract_id: UUID, *, command_id: str = "") -> CommandResult:
        return await self.gateway.record_review(
            contract_id=contract_id, command_id=command_id or f"appraise-{uuid4()}",
            actor=self.department, scores=SCORES, comment="服务规范，老年人满意度高",
        )

    async def term_over(self, contract_id: UUID) -> PurchaseContractState:
        """Let the term run out, and wait for the workflow to open the review."""
        term_end = (await self.state(contract_id)).term_end
        assert term_end is not None
        await self.sleep_past(term_end)
        return await self.until(contract_id, lambda s: s.status is ContractStatus.REVIEW_DUE)

    async def signal_downgrade(self, contract_id: UUID, *, organization_id: UUID | None = None,
                               command_id: str = "") -> None:
        await self.handle(contract_id).signal(GRADE_CHANGED_SIGNAL, GradeChanged(
            organization_id=organization_id or self.provider_id,
            evaluation_id=aggregate_id_for(f"evaluation-{uuid4()}"), change=DOWNGRADED,
            from_level=4, to_level=3, reason="年检基本合格连续两年",
            decided_on=await self.today(), command_id=command_id or f"downgrade-{uuid4()}",
        ))

    async def end_runs(self) -> None:
        """Terminate the runs still open.  A run left waiting without its worker would stop
        the time-skipping server's clock once its timer fires."""
        for contract_id in self.started:
            with suppress(RPCError):  # completed already, or never started
                await self.handle(contract_id).terminate(reason="test over")


def purchase_worker_parts(
    app: GovflowApplication,
) -> tuple[list[type], list[Callable[..., Any]]]:
    """The main worker's workflows and activities (the purchase stage's among them)."""
    return list(WORKFLOWS), activities_for(app)


@asynccontextmanager
async def purchasing_world(
    env: WorkflowEnvironment, app: GovflowApplication, *, prefix: str = "",
    policy: PurchasePolicy | None = None,
) -> AsyncIterator[Purchasing]:
    """A worker with every workflow and activity on a fresh task queue, a gateway that uses
    it, an item decided for 购买服务 with a budget, and a provider graded 4A."""
    cases = Cases(app, prefix=prefix or str(uuid4()))
    item_id = cases.decided_item("购买服务", budget_fen=BUDGET_FEN)
    provider_id = cases.organization()
    task_queue = f"purchase-{uuid4()}"
    workflows, activities = purchase_worker_parts(app)
    with ThreadPoolExecutor(max_workers=4) as executor:
        async with Worker(env.client, task_queue=task_queue, workflows=workflows,
                          activities=activities, activity_executor=executor):
            purchasing = Purchasing(
                env=env, app=app, item_id=item_id, provider_id=provider_id,
                gateway=PurchaseGateway(env.client, task_queue=task_queue,
                                        policy=policy or PurchasePolicy()),
            )
            try:
                yield purchasing
            finally:
                await purchasing.end_runs()


async def record() -> str:
    """The JSON history of a run through every timer and signal, to the closing."""
    async with await start_time_skipping() as env:
        with tempfile.TemporaryDirectory() as directory:
            app = GovflowApplication(sqlite_env(Path(directory) / "events.sqlite3"))
            async with purchasing_world(env, app, prefix="record-purchase") as buying:
                contract_id = await buying.awarded(PURCHASE_AWARD_COMMAND_ID)
                await buying.deliver(contract_id, "M1", command_id="record-purchase:deliver-1")
                await buying.review(contract_id, "M1", accepted=False,
                                    command_id="record-purchase:reject-1")
                await buying.deliver(contract_id, "M1", command_id="record-purchase:deliver-1b")
                await buying.review(contract_id, "M1", command_id="record-purchase:accept-1")
                await buying.pay(contract_id, "M1", 10_000_000, command_id="record-purchase:pay-1")
                await buying.signal_downgrade(contract_id, command_id="record-purchase:downgrade")
                await buying.until(contract_id, lambda s: s.provider_review_pending)
                await buying.gateway.confirm_provider(
                    contract_id=contract_id, command_id="record-purchase:confirm",
                    actor=buying.department, note="服务质量稳定，继续履行")
                today = await buying.today()
                await buying.gateway.amend(
                    contract_id=contract_id, command_id="record-purchase:amend",
                    actor=buying.department, reason="服务对象增加", added_fen=3_000_000,
                    added_milestone=MilestonePlan("补充服务", today + timedelta(days=70),
                                                  3_000_000),
                    term_end=today + timedelta(days=80))
                m2 = (await buying.state(contract_id)).milestones[1]
                await buying.sleep_past(m2.due_on)
                await buying.until(contract_id, lambda s: s.milestones[1].overdue)
                for milestone_id in ("M2", "M3"):
                    await buying.accepted(contract_id, milestone_id)
                await buying.pay(contract_id, "M2", 20_000_000, command_id="record-purchase:pay-2")
                await buying.term_over(contract_id)
                await buying.reviewed(contract_id, command_id="record-purchase:appraise")
                await buying.pay(contract_id, "M3", 3_000_000, command_id="record-purchase:pay-3")
                final = await buying.handle(contract_id).result()
                assert final.status is ContractStatus.CLOSED
                return (await buying.handle(contract_id).fetch_history()).to_json()


def main() -> None:
    PURCHASE_HISTORY_PATH.parent.mkdir(parents=True, exist_ok=True)
    PURCHASE_HISTORY_PATH.write_text(asyncio.run(record()) + "\n", encoding="utf-8")
    print(f"wrote {PURCHASE_HISTORY_PATH}")


if __name__ == "__main__":
    main()
