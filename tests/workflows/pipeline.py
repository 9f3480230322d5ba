"""Driving catalogue items through the pipeline, for the workflow tests and the recorder.

Publish → publicity closes → refer to a consulting agency → opinion → decision, through
the gateway as the HTTP API drives it, on the time-skipping server.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from temporalio.client import WorkflowExecutionStatus, WorkflowHandle
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from domain.actors import Actor, Role
from domain.agency.commands import AppointExpert, EstablishAgency, expert_id_for
from domain.application import GovflowApplication
from domain.catalogue.commands import CommandResult
from domain.catalogue.item import ItemStatus, Referral
from tests.seed import MZJ, register_departments
from tests.workflows.harness import FIELDS, OFFICER, PUBLICITY_DAYS, item_event_names
from workflows.catalogue_item import CatalogueItemWorkflow, catalogue_item_workflow_id
from workflows.catalogue_messages import CatalogueItemState
from workflows.deadlines import DeadlinePolicy
from workflows.gateway import CatalogueGateway

COMMITTEE = Actor(user="zhou.min", role=Role.COMMITTEE)
FINANCE = Actor(user="qian.li", role=Role.FINANCE)
ORGANIZATION = "51440700MJL000016A"  # a social organization named in opinions
ItemHandle = WorkflowHandle[CatalogueItemWorkflow, CatalogueItemState]


@dataclass(frozen=True)
class Agency:
    """A consulting agency with one expert, and the actor its staff act as."""

    id: UUID
    actor: Actor
    expert_id: str


def establish_agency(app: GovflowApplication, prefix: str = "") -> Agency:
    """The committee establishes an agency and appoints an expert (as the registry would)."""
    prefix = prefix or str(uuid4())
    agency_id = app.establish_agency(EstablishAgency(
        command_id=f"{prefix}:agency", actor=COMMITTEE, name="江门市政府职能转移咨询委员会",
        mandate="对目录事项的转移、购买提出咨询意见",
    )).aggregate_id
    app.appoint_expert(AppointExpert(
        command_id=f"{prefix}:expert", actor=COMMITTEE, agency_id=agency_id, name="林芳",
    ))
    return Agency(id=agency_id, actor=Actor(user="huang.hui", role=Role.AGENCY,
                                            scope=str(agency_id)),
                  expert_id=expert_id_for(f"{prefix}:expert"))


async def eventually(check: Callable[[], bool], *, seconds: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"still not true after {seconds} s")
        await asyncio.sleep(0.05)


@dataclass
class Pipeline:
    """One worker and gateway, one agency, and the items a test drives."""

    env: WorkflowEnvironment
    app: GovflowApplication
    task_queue: str
    gateway: CatalogueGateway
    agency: Agency
    items: list[UUID] = field(default_factory=list)

    def with_deadlines(self, deadlines: DeadlinePolicy) -> Pipeline:
        """The same worker and items, with a gateway that starts runs under ``deadlines``."""
        return dataclasses.replace(
            self, gateway=_gateway(self.env, self.app, self.task_queue, deadlines)
        )

    def handle(self, item_id: UUID) -> ItemHandle:
        return self.env.client.get_workflow_handle_for(
            CatalogueItemWorkflow.run, catalogue_item_workflow_id(item_id)
        )

    async def state(self, item_id: UUID) -> CatalogueItemState:
        return await self.handle(item_id).query(CatalogueItemWorkflow.state)

    def events(self, item_id: UUID) -> list[str]:
        return item_event_names(self.app, item_id)

    async def sleep_until(self, moment: datetime) -> None:
        await self.env.sleep(moment - await self.env.get_current_time())

    async def recorded(self, item_id: UUID, event_name: str) -> None:
        """Wait (in real time) for the worker to record ``event_name`` for the item."""
        await eventually(lambda: event_name in self.events(item_id))

    async def draft(self, *, command_id: str = "", **changes: Any) -> UUID:
        item_id = (await self.gateway.draft(
            command_id=command_id or f"draft-{uuid4()}", actor=OFFICER, department=MZJ,
            fields=dataclasses.replace(FIELDS, **changes),
        )).aggregate_id
        self.items.append(item_id)
        return item_id

    async def publish(self, item_id: UUID, *, command_id: str = "") -> CommandResult:
        return await self.gateway.publish(
            item_id=item_id, command_id=command_id or f"publish-{uuid4()}", actor=OFFICER
        )

    async def close_publicity(self, item_id: UUID) -> None:
        """Let the publicity period run out, and wait for the workflow to close it."""
        closes_at = (await self.state(item_id)).publicity_closes_at
        assert closes_at is not None
        await self.sleep_until(closes_at + timedelta(minutes=1))
        await self.reaches(item_id, ItemStatus.PUBLICITY_CLOSED)

    async def reaches(self, item_id: UUID, status: ItemStatus, *, seconds: float = 15.0) -> None:
        """Wait (in real time) until the workflow holds ``status``."""
        deadline = asyncio.get_running_loop().time() + seconds
        while (await self.state(item_id)).status is not status:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"the item did not reach {status} in {seconds} s")
            await asyncio.sleep(0.05)

    async def published(self, **changes: Any) -> UUID:
        """A drafted and published item whose publicity period has closed."""
        item_id = await self.draft(**changes)
        await self.publish(item_id)
        await self.close_publicity(item_id)
        return item_id

    async def refer(self, item_id: UUID, *, command_id: str = "") -> CommandResult:
        return await self.gateway.refer(
            item_id=item_id, command_id=command_id or f"refer-{uuid4()}", actor=OFFICER,
            agency_id=self.agency.id,
        )

    async def referred(self, **changes: Any) -> UUID:
        """A published item referred to the agency (its opinion deadline running)."""
        item_id = await self.published(**changes)
        await self.refer(item_id)
        return item_id

    def referral(self, item_id: UUID) -> Referral:
        """The item's referral as recorded."""
        referral = self.app.get_catalogue_item(item_id).referral
        assert referral is not None
        return referral

    async def give_opinion(
        self, item_id: UUID, recommendation: str, *, command_id: str = ""
    ) -> CommandResult:
        return await self.gateway.give_opinion(
            item_id=item_id, command_id=command_id or f"opinion-{uuid4()}",
            actor=self.agency.actor, recommendation=recommendation,
            reasons="本地已有具备承接能力的社会组织", expert_ids=(self.agency.expert_id,),
            organizations=(ORGANIZATION,),
        )

    async def decide(
        self, item_id: UUID, mode: str, *, command_id: str = "", reason: str = "",
        justification: str = "",
    ) -> CommandResult:
        return await self.gateway.decide(
            item_id=item_id, command_id=command_id or f"decide-{uuid4()}", actor=OFFICER,
            mode=mode, reason=reason, justification=justification,
        )

    async def end(self) -> None:
        """Terminate the runs still waiting, so that no timer of theirs fires without a
        worker while a later test skips time on the same server."""
        for item_id in self.items:
            handle = self.handle(item_id)
            try:
                running = (await handle.describe()).status is WorkflowExecutionStatus.RUNNING
            except RPCError:  # no run was ever started for it (the test failed before)
                continue
            if running:
                await handle.terminate(reason="test over")


@asynccontextmanager
async def pipeline(
    env: WorkflowEnvironment, app: GovflowApplication, *, task_queue: str,
    deadlines: DeadlinePolicy | None = None, agency_prefix: str = "",
) -> AsyncIterator[Pipeline]:
    """A pipeline on a running worker's ``task_queue``, with a registered department and
    an agency; its runs are ended afterwards."""
    register_departments(app, MZJ)
    driven = Pipeline(
        env=env, app=app, task_queue=task_queue,
        gateway=_gateway(env, app, task_queue, deadlines or DeadlinePolicy()),
        agency=establish_agency(app, agency_prefix),
    )
    try:
        yield driven
    finally:
        await driven.end()


def _gateway(
    env: WorkflowEnvironment, app: GovflowApplication, task_queue: str,
    deadlines: DeadlinePolicy,
) -> CatalogueGateway:
    return CatalogueGateway(
        env.client, task_queue=task_queue, publicity_days=PUBLICITY_DAYS,
        level1_classes=app.catalogue_policy.level1_classes, deadlines=deadlines,
    )
