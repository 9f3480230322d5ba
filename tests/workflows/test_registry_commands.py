"""One-shot registry and agency commands, as workflows on the time-skipping server.

Each command is a workflow whose id follows from its command id: the same command id
twice runs once and answers with the first result; a refusal records nothing and may
be decided anew.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer

from domain.actors import Actor, Role
from domain.agency.commands import (
    AppointExpert,
    DeclareAffiliations,
    EstablishAgency,
    RemoveExpert,
    expert_id_for,
)
from domain.aggregate import aggregate_id_for
from domain.application import GovflowApplication
from domain.catalogue.commands import CommandResult
from domain.errors import (
    AgencyNotFoundError,
    DepartmentAlreadyRegisteredError,
    InvalidDepartmentCodeError,
)
from domain.registry.commands import RegisterDepartment
from tests.workflows.harness import notifications, running_worker, sqlite_env
from tests.workflows.record_command_history import COMMAND_HISTORY_PATH, COMMAND_WORKFLOW_ID
from workflows.converter import DATA_CONVERTER
from workflows.registry_gateway import RegistryGateway
from workflows.worker import WORKFLOWS

COMMITTEE = Actor(user="zhou.committee", role=Role.COMMITTEE)


@pytest.fixture
async def registry(env: WorkflowEnvironment, app: GovflowApplication
                   ) -> AsyncIterator[RegistryGateway]:
    async with running_worker(env, app) as task_queue:
        yield RegistryGateway(env.client, task_queue=task_queue)


def event_names(app: GovflowApplication) -> list[str]:
    return [n.topic.rsplit(".", 1)[-1] for n in notifications(app)]


def register(command_id: str, code: str = "440705-MZJ",
             name: str = "新会区民政局") -> RegisterDepartment:
    return RegisterDepartment(command_id=command_id, actor=COMMITTEE, code=code, name=name)


class CountingApplication(GovflowApplication):
    """Counts how often the activities ask it to register a department."""

    registrations = 0

    def register_department(self, cmd: RegisterDepartment) -> CommandResult:
        self.registrations += 1
        return super().register_department(cmd)


@pytest.fixture
async def counting(env: WorkflowEnvironment, sqlite_path: Path
                   ) -> AsyncIterator[tuple[CountingApplication, RegistryGateway]]:
    app = CountingApplication(sqlite_env(sqlite_path))
    async with running_worker(env, app) as task_queue:
        yield app, RegistryGateway(env.client, task_queue=task_queue)


async def test_register_department_same_command_id_twice_runs_once_answers_first_result(
    counting: tuple[CountingApplication, RegistryGateway],
) -> None:
    app, registry = counting
    first = await registry.register_department(register("register-xh"))

    again = await registry.register_department(register("register-xh"))

    assert app.registrations == 1
    assert event_names(app) == ["Registered"]
    assert again.replayed is True
    assert (again.aggregate_id, again.version, again.notification_id, again.code) == (
        first.aggregate_id, first.version, first.notification_id, "440705-MZJ"
    )


async def test_register_department_same_command_id_concurrently_records_once(
    counting: tuple[CountingApplication, RegistryGateway],
) -> None:
    app, registry = counting
    results = await asyncio.gather(
        *(registry.register_department(register("register-concurrent")) for _ in range(4))
    )

    assert app.registrations == 1
    assert event_names(app) == ["Registered"]
    assert {r.aggregate_id for r in results} == {results[0].aggregate_id}
    assert {r.notification_id for r in results} == {results[0].notification_id}


async def test_register_department_code_twice_raises_already_registered_records_once(
    app: GovflowApplication, registry: RegistryGateway
) -> None:
    await registry.register_department(register("first"))

    with pytest.raises(DepartmentAlreadyRegisteredError) as refused:
        await registry.register_department(register("second", name="新会区民政事务局"))

    assert refused.value.detail == "部门代码 440705-MZJ 已登记为「新会区民政局」，不能重复登记"
    assert refused.value.field == "code"
    assert event_names(app) == ["Registered"]


async def test_register_department_refused_then_corrected_same_command_id_is_decided_anew(
    app: GovflowApplication, registry: RegistryGateway
) -> None:
    with pytest.raises(InvalidDepartmentCodeError) as refused:
        await registry.register_department(register("retry-me", code="440705-mzj"))
    assert refused.value.field == "code"
    assert event_names(app) == []

    accepted = await registry.register_department(register("retry-me"))

    assert accepted.replayed is False
    assert event_names(app) == ["Registered"]


async def test_appoint_expert_before_agency_is_established_is_accepted_once_it_is(
    app: GovflowApplication, registry: RegistryGateway
) -> None:
    agency_id = aggregate_id_for("establish-jm")
    appoint = AppointExpert(command_id="appoint-chen", actor=COMMITTEE, agency_id=agency_id,
                            name="陈明", affiliations=("江门市养老服务协会",))
    with pytest.raises(AgencyNotFoundError):
        await registry.appoint_expert(appoint)

    await registry.establish_agency(EstablishAgency(
        command_id="establish-jm", actor=COMMITTEE, name="江门市政府职能转移咨询委员会",
        mandate="对目录事项的转移和购买服务提出咨询意见",
    ))
    await registry.appoint_expert(appoint)

    assert event_names(app) == ["Established", "ExpertAppointed"]
    assert app.get_agency(agency_id).experts[expert_id_for("appoint-chen")].name == "陈明"


async def test_agency_commands_through_workflows_record_each_event_once(
    app: GovflowApplication, registry: RegistryGateway
) -> None:
    established = await registry.establish_agency(EstablishAgency(
        command_id="establish-1", actor=COMMITTEE, name="江门市政府职能转移咨询委员会",
        mandate="咨询",
    ))
    agency_id: UUID = established.aggregate_id
    appoint = AppointExpert(command_id="appoint-1", actor=COMMITTEE, agency_id=agency_id,
                            name="陈明")
    declare = DeclareAffiliations(
        command_id="declare-1", actor=Actor("sec", Role.AGENCY, str(agency_id)),
        agency_id=agency_id, expert_id=expert_id_for("appoint-1"),
        affiliations=("蓬江区社会工作服务中心",),
    )
    remove = RemoveExpert(command_id="remove-1", actor=COMMITTEE, agency_id=agency_id,
                          expert_id=expert_id_for("appoint-1"), reason="任期届满")
    commands: list[tuple[Any, Any]] = [
        (registry.appoint_expert, appoint), (registry.declare_affiliations, declare),
        (registry.remove_expert, remove),
    ]

    for send, command in commands + commands:
        await send(command)

    assert event_names(app) == [
        "Established", "ExpertAppointed", "AffiliationsDeclared", "ExpertRemoved"
    ]
    expert = app.get_agency(agency_id).experts[expert_id_for("appoint-1")]
    assert (expert.active, expert.affiliations) == (False, {"蓬江区社会工作服务中心"})


class CommitThenFailOnce(GovflowApplication):
    """Loses the connection right after committing its first registration."""

    failures = 0

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        recordings = super().save(*objs, **kwargs)
        if self.failures == 0:
            self.failures += 1
            raise ConnectionError("connection lost after commit (simulated)")
        return recordings


async def test_register_department_activity_fails_after_commit_retried_records_once(
    env: WorkflowEnvironment, sqlite_path: Path
) -> None:
    app = CommitThenFailOnce(sqlite_env(sqlite_path))
    async with running_worker(env, app) as task_queue:
        result = await RegistryGateway(env.client, task_queue=task_queue).register_department(
            register("register-flaky")
        )

    assert app.failures == 1
    assert result.replayed is True  # the retry found the registration committed
    assert event_names(app) == ["Registered"]


async def test_recorded_command_history_replays_without_nondeterminism() -> None:
    history = WorkflowHistory.from_json(
        COMMAND_WORKFLOW_ID, COMMAND_HISTORY_PATH.read_text(encoding="utf-8"))
    events = [event.event_type for event in history.events]
    replayer = Replayer(workflows=WORKFLOWS, data_converter=DATA_CONVERTER)

    result = await replayer.replay_workflow(history)

    assert result.replay_failure is None
    assert events.count(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) == 1
    assert events[-1] == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED
