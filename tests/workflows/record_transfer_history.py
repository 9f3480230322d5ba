"""Record the history of a full function-transfer run, for the replay test; and the
transfer world the workflow tests drive (shared, so that what is recorded is what is tested).

    .venv/bin/python -m tests.workflows.record_transfer_history

The run: the department proposes → the committee approves → the transfer takes effect
on its first day (a timer) → the organization's grade is downgraded (through the
organization gateway, whose fan-out signals the transfer) and the transfer is suspended
→ the committee resumes it → it expires after its last day (a timer) and the run ends.
On the time-skipping server and a throw-away SQLite store.

Keep this history: a change that breaks its replay needs versioning (``workflow.patched``);
re-record only when the recorded path changed on purpose.
"""

from __future__ import annotations

import asyncio
import tempfile
import zlib
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

from domain.aggregate import aggregate_id_for
from domain.application import GovflowApplication
from domain.calendar import china_date, start_of_day
from domain.catalogue.commands import CommandResult
from domain.grading.commands import DowngradeGrade
from domain.organizations.commands import RecordPenalty
from domain.transfer.transfer import TransferStatus
from tests.cases import COMMITTEE, Cases, officer
from tests.workflows.harness import notifications, sqlite_env, start_time_skipping
from workflows.case_ids import transfer_workflow_id
from workflows.organization_gateway import OrganizationGateway
from workflows.transfer import TransferWorkflow
from workflows.transfer_gateway import TransferGateway
from workflows.transfer_messages import TransferPolicy, TransferState
from workflows.worker import WORKFLOWS, activities_for

TRANSFER_HISTORY_PATH = Path(__file__).parent / "histories" / "transfer.json"
TRANSFER_PROPOSE_COMMAND_ID = "record-transfer:propose"
TRANSFER_WORKFLOW_ID = transfer_workflow_id(aggregate_id_for(TRANSFER_PROPOSE_COMMAND_ID))

STARTS_IN = timedelta(days=5)
LASTS = timedelta(days=30)
"""A proposal's effective period by default: from five days after today, for 30 days."""

TransferHandle = WorkflowHandle[TransferWorkflow, TransferState]


def transfer_worker_lists(
    app: GovflowApplication,
) -> tuple[list[type], list[Callable[..., Any]]]:
    """The main worker's workflows and activities (the transfer stage's among them)."""
    return list(WORKFLOWS), activities_for(app)


@dataclass(frozen=True)
class Transfers:
    """A worker and the gateways, an item decided for 委托 and an organization graded 4A."""

    env: WorkflowEnvironment
    app: GovflowApplication
    gateway: TransferGateway
    organizations: OrganizationGateway
    cases: Cases
    item_id: UUID
    organization_id: UUID
    started: list[UUID] = field(default_factory=list)
    """The transfers proposed: their runs are ended with the world."""

    def handle(self, transfer_id: UUID) -> TransferHandle:
        return self.env.client.get_workflow_handle_for(
            TransferWorkflow.run, transfer_workflow_id(transfer_id))

    async def state(self, transfer_id: UUID) -> TransferState:
        return await self.handle(transfer_id).query(TransferWorkflow.state)

    async def until(
        self, transfer_id: UUID, check: Callable[[TransferState], bool], *,
        seconds: float = 15.0,
    ) -> TransferState:
        """Wait (in real time) until the workflow's state passes ``check``."""
        deadline = asyncio.get_running_loop().time() + seconds
        while not check(state := await self.state(transfer_id)):
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"the transfer's state is still {state}")
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

    async def propose(
        self, command_id: str = "", *, organization_id: UUID | None = None,
        starts_on: date | None = None, lasts: timedelta = LASTS,
    ) -> CommandResult:
        command_id = command_id or f"propose-{uuid4()}"
        self.started.append(aggregate_id_for(command_id))
        effective_from = starts_on or await self.today() + STARTS_IN
        return await self.gateway.propose(
            command_id=command_id, actor=officer(), item_id=self.item_id,
            organization_id=organization_id or self.organization_id,
            legal_basis="《江门市深化社会组织体制改革实施方案》三(二)2",
            effective_from=effective_from, effective_until=effective_from + lasts,
            conditions="按季度向民政局报告承接情况",
        )

    async def proposed(self, command_id: str = "", **options: Any) -> UUID:
        return (await self.propose(command_id, **options)).aggregate_id

    async def approved(self, command_id: str = "", **options: Any) -> UUID:
        transfer_id = await self.proposed(command_id, **options)
        await self.gateway.approve(transfer_id=transfer_id, command_id=f"approve-{uuid4()}",
                                   actor=COMMITTEE)
        return transfer_id

    async def effective(self, command_id: str = "", **options: Any) -> UUID:
        """A transfer approved, and past 00:00 of its first day."""
        transfer_id = await self.approved(command_id, **options)
        starts_on = (await self.state(transfer_id)).effective_from
        assert starts_on is not None
        await self.sleep_until(start_of_day(starts_on) + timedelta(minutes=1))
        await self.until(transfer_id, lambda s: s.status is TransferStatus.EFFECTIVE)
        return transfer_id

    async def ended(self, transfer_id: UUID) -> TransferState:
        """Let the effective period run out, and the run's answer.  (Only a handle from
        ``start_workflow`` skips time while it waits; an update-with-start's does not.)"""
        until = (await self.state(transfer_id)).effective_until
        assert until is not None
        await self.sleep_past(until)
        return await self.handle(transfer_id).result()

    async def downgrade(self, command_id: str = "", *,
                        organization_id: UUID | None = None) -> CommandResult:
        """降级 one step through the organization gateway, on a penalty recorded today; its
        fan-out signals the organization's live cases."""
        organization_id = organization_id or self.organization_id
        command_id = command_id or f"downgrade-{uuid4()}"
        today = await self.today()
        decision = f"江民罚〔{today.year}〕{zlib.crc32(command_id.encode()) % 100_000}号"
        self.app.record_penalty(RecordPenalty(
            command_id=f"{command_id}:penalty", actor=COMMITTEE, organization_id=organization_id,
            decision_number=decision, authority="江门市民政局", decided_on=today,
            description="未按规定报送年度工作报告"))
        return await self.organizations.downgrade_grade(DowngradeGrade(
            command_id=command_id, actor=COMMITTEE, organization_id=organization_id,
            basis="受到行政处罚", reference=decision, reason="受到行政处罚，降低一级",
            decided_on=today))

    async def end_runs(self) -> None:
        """Terminate the runs still open.  A run left waiting without its worker would stop
        the time-skipping server's clock once its timer fires: the server skips time only
        while no workflow task is outstanding."""
        for transfer_id in self.started:
            with suppress(RPCError):  # completed already, or never started
                await self.handle(transfer_id).terminate(reason="test over")


@asynccontextmanager
async def transfer_world(
    env: WorkflowEnvironment, app: GovflowApplication, *, prefix: str = "",
    policy: TransferPolicy | None = None,
) -> AsyncIterator[Transfers]:
    """A worker with every workflow and activity on a fresh task queue, the gateways that
    use it, an item decided for 委托 (民政局) and an organization graded 4A."""
    cases = Cases(app, prefix=prefix or str(uuid4()))
    item_id = cases.decided_item("委托")
    organization_id = cases.organization()
    task_queue = f"transfers-{uuid4()}"
    workflows, activities = transfer_worker_lists(app)
    with ThreadPoolExecutor(max_workers=4) as executor:
        async with Worker(env.client, task_queue=task_queue, workflows=workflows,
                          activities=activities, activity_executor=executor):
            transfers = Transfers(
                env=env, app=app, cases=cases, item_id=item_id,
                organization_id=organization_id,
                gateway=TransferGateway(env.client, task_queue=task_queue,
                                        policy=policy or TransferPolicy()),
                organizations=OrganizationGateway(env.client, task_queue=task_queue),
            )
            try:
                yield transfers
            finally:
                await transfers.end_runs()


async def record() -> str:
    """The JSON history of a run through both timers, a suspension and a resumption."""
    async with await start_time_skipping() as env:
        with tempfile.TemporaryDirectory() as directory:
            app = GovflowApplication(sqlite_env(Path(directory) / "events.sqlite3"))
            async with transfer_world(env, app, prefix="record-transfer") as transfers:
                transfer_id = await transfers.effective(TRANSFER_PROPOSE_COMMAND_ID)
                await transfers.downgrade("record-transfer:downgrade")
                await transfers.until(transfer_id, lambda s: s.suspension_reason is not None)
                await transfers.gateway.resume(
                    transfer_id=transfer_id, command_id="record-transfer:resume",
                    actor=COMMITTEE, reason="降为 3A 仍符合承接条件，经审查恢复")
                final = await transfers.ended(transfer_id)
                assert final.status is TransferStatus.EXPIRED
                return (await transfers.handle(transfer_id).fetch_history()).to_json()


def main() -> None:
    TRANSFER_HISTORY_PATH.parent.mkdir(parents=True, exist_ok=True)
    TRANSFER_HISTORY_PATH.write_text(asyncio.run(record()) + "\n", encoding="utf-8")
    print(f"wrote {TRANSFER_HISTORY_PATH}")


if __name__ == "__main__":
    main()
