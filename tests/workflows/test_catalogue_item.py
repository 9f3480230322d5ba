"""The catalogue item workflow, driven through the gateway as the HTTP API drives it."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment

from domain.actors import Actor, Role
from domain.aggregate import aggregate_id_for
from domain.application import GovflowApplication
from domain.calendar import china_date
from domain.catalogue.commands import CommandResult
from domain.catalogue.item import ItemStatus
from domain.errors import (
    CatalogueItemNotFoundError,
    ItemAlreadyPublishedError,
    ItemWithdrawnError,
    OtherDepartmentError,
    RequiredFieldError,
    UnknownDepartmentError,
)
from tests.seed import MZJ, register_departments
from tests.workflows.conftest import DEPARTMENTS
from tests.workflows.harness import (
    FIELDS,
    OFFICER,
    catalogue_worker,
    item_event_names,
    notifications,
    sqlite_env,
)
from tests.workflows.pipeline import eventually
from workflows.catalogue_item import (
    CatalogueItemWorkflow,
    DraftInput,
    catalogue_item_workflow_id,
)
from workflows.gateway import CatalogueGateway

OTHER_OFFICER = Actor(user="chen.fang", role=Role.DEPARTMENT, scope="440700-CZJ")


async def _draft(gateway: CatalogueGateway, command_id: str | None = None) -> CommandResult:
    return await gateway.draft(
        command_id=command_id or f"draft-{uuid4()}", actor=OFFICER, department="440700-MZJ",
        fields=FIELDS,
    )


async def _publish(gateway: CatalogueGateway, item_id: UUID) -> CommandResult:
    return await gateway.publish(item_id=item_id, command_id=f"publish-{uuid4()}", actor=OFFICER)


async def _history(env: WorkflowEnvironment, item_id: UUID) -> list[EventType.ValueType]:
    """The types of the events in the item workflow's history (its latest run)."""
    handle = env.client.get_workflow_handle(catalogue_item_workflow_id(item_id))
    return [event.event_type for event in (await handle.fetch_history()).events]


def _last_position(app: GovflowApplication) -> int:
    return app.recorder.max_notification_id() or 0


# --- publicity period ---------------------------------------------------------------


async def test_publish_publicity_period_ends_closes_by_itself(
    env: WorkflowEnvironment, app: GovflowApplication, gateway: CatalogueGateway
) -> None:
    item_id = (await _draft(gateway)).aggregate_id
    await _publish(gateway, item_id)
    published = app.get_catalogue_item(item_id)
    assert published.published_at is not None
    assert published.publicity_starts_on == china_date(published.published_at) + timedelta(days=1)
    assert published.publicity_ends_on == published.publicity_starts_on + timedelta(days=6)
    state = await env.client.get_workflow_handle_for(
        CatalogueItemWorkflow.run, catalogue_item_workflow_id(item_id)
    ).query(CatalogueItemWorkflow.state)
    assert state.publicity_closes_at is not None

    await env.sleep(state.publicity_closes_at - await env.get_current_time() - timedelta(minutes=1))
    assert app.get_catalogue_item(item_id).status is ItemStatus.PUBLICITY
    assert EventType.EVENT_TYPE_TIMER_FIRED not in await _history(env, item_id)

    await env.sleep(timedelta(minutes=2))
    await eventually(
        lambda: app.get_catalogue_item(item_id).status is ItemStatus.PUBLICITY_CLOSED
    )
    closed = app.get_catalogue_item(item_id)
    assert closed.has_applied(f"catalogue-item:{item_id}:close-publicity")
    assert item_event_names(app, item_id) == ["Drafted", "Published", "PublicityClosed"]


async def test_withdraw_during_publicity_cancels_timer_never_closes(
    env: WorkflowEnvironment, app: GovflowApplication, gateway: CatalogueGateway
) -> None:
    item_id = (await _draft(gateway)).aggregate_id
    await _publish(gateway, item_id)

    await gateway.withdraw(
        item_id=item_id, command_id=f"withdraw-{uuid4()}", actor=OFFICER, reason="职能已调整"
    )
    await env.sleep(timedelta(days=10))

    final = await env.client.get_workflow_handle_for(
        CatalogueItemWorkflow.run, catalogue_item_workflow_id(item_id)
    ).result()
    assert final.status is ItemStatus.WITHDRAWN
    assert app.get_catalogue_item(item_id).status is ItemStatus.WITHDRAWN
    assert item_event_names(app, item_id) == ["Drafted", "Published", "Withdrawn"]
    history = await _history(env, item_id)
    assert EventType.EVENT_TYPE_TIMER_CANCELED in history
    assert EventType.EVENT_TYPE_TIMER_FIRED not in history


# --- exactly-once effects -----------------------------------------------------------


class CommitThenFailOnce(GovflowApplication):
    """Commits an event, then loses the answer once: a connection dropped after COMMIT."""

    def __init__(self, env: dict[str, str], *, event_name: str) -> None:
        super().__init__(env)
        self.event_name = event_name
        self.failures = 0

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        recordings = super().save(*objs, **kwargs)
        names = {type(r.domain_event).__name__ for r in recordings}
        if self.failures == 0 and self.event_name in names:
            self.failures += 1
            raise ConnectionError("connection lost after commit (simulated)")
        return recordings


@pytest.mark.parametrize("event_name", ["Drafted", "Published"])
async def test_command_activity_fails_after_commit_retried_records_once(
    env: WorkflowEnvironment, sqlite_path: Path, event_name: str
) -> None:
    app = CommitThenFailOnce(sqlite_env(sqlite_path), event_name=event_name)
    register_departments(app, MZJ)
    async with catalogue_worker(env, app) as gateway:
        drafted = await _draft(gateway)
        published = await _publish(gateway, drafted.aggregate_id)
        state = await env.client.get_workflow_handle_for(
            CatalogueItemWorkflow.run, catalogue_item_workflow_id(drafted.aggregate_id)
        ).query(CatalogueItemWorkflow.state)

    assert app.failures == 1
    answered_by_retry = drafted if event_name == "Drafted" else published
    assert answered_by_retry.replayed
    assert item_event_names(app, drafted.aggregate_id) == ["Drafted", "Published"]
    assert [n.topic.rsplit(".", 1)[-1] for n in notifications(app)].count("Issued") == 1
    assert state.status is ItemStatus.PUBLICITY
    assert state.code == drafted.code == "440700-2027-0001"
    assert state.version == published.version == 2


# --- refusals -----------------------------------------------------------------------


async def test_publish_twice_refused_already_published_records_nothing(
    env: WorkflowEnvironment, app: GovflowApplication, gateway: CatalogueGateway
) -> None:
    drafted = await _draft(gateway)
    await _publish(gateway, drafted.aggregate_id)
    position = _last_position(app)

    with pytest.raises(ItemAlreadyPublishedError) as refused:
        await _publish(gateway, drafted.aggregate_id)

    assert str(refused.value) == (
        f"目录事项 {drafted.code} 当前状态为「公示中」，只有草稿可以发布"
    )
    assert _last_position(app) == position
    assert item_event_names(app, drafted.aggregate_id).count("Published") == 1
    history = await _history(env, drafted.aggregate_id)
    assert history.count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) == 2


async def test_draft_empty_name_refused_required_field_nothing_accepted(
    env: WorkflowEnvironment, app: GovflowApplication, gateway: CatalogueGateway
) -> None:
    command_id = f"draft-{uuid4()}"

    with pytest.raises(RequiredFieldError) as refused:
        await gateway.draft(
            command_id=command_id, actor=OFFICER, department="440700-MZJ",
            fields=dataclasses.replace(FIELDS, name="  "),
        )

    assert refused.value.field == "name"
    assert refused.value.detail == "事项名称不能为空；请填写事项名称"
    history = await _history(env, aggregate_id_for(command_id))
    assert EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED not in history
    assert EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED not in history
    assert _last_position(app) == len(DEPARTMENTS)  # the fixture's registrations only


async def test_draft_unknown_department_refused_and_workflow_ends(
    env: WorkflowEnvironment, app: GovflowApplication, gateway: CatalogueGateway
) -> None:
    command_id = f"draft-{uuid4()}"
    stranger = Actor(user="wang.wei", role=Role.DEPARTMENT, scope="440799-XXJ")

    with pytest.raises(UnknownDepartmentError) as refused:
        await gateway.draft(
            command_id=command_id, actor=stranger, department="440799-XXJ", fields=FIELDS
        )

    assert refused.value.field == "department"
    final = await env.client.get_workflow_handle_for(
        CatalogueItemWorkflow.run, catalogue_item_workflow_id(aggregate_id_for(command_id))
    ).result()
    assert final.status is None
    assert _last_position(app) == len(DEPARTMENTS)  # the fixture's registrations only


async def test_publish_by_other_department_refused_other_department(
    app: GovflowApplication, gateway: CatalogueGateway
) -> None:
    drafted = await _draft(gateway)

    with pytest.raises(OtherDepartmentError) as refused:
        await gateway.publish(
            item_id=drafted.aggregate_id, command_id=f"publish-{uuid4()}", actor=OTHER_OFFICER
        )

    assert "440700-CZJ" in refused.value.detail
    assert app.get_catalogue_item(drafted.aggregate_id).status is ItemStatus.DRAFT


async def test_publish_unknown_item_refused_not_found(gateway: CatalogueGateway) -> None:
    unknown = uuid4()

    with pytest.raises(CatalogueItemNotFoundError) as refused:
        await _publish(gateway, unknown)

    assert str(unknown) in refused.value.detail


async def test_publish_after_withdrawal_refused_withdrawn(
    env: WorkflowEnvironment, app: GovflowApplication, gateway: CatalogueGateway
) -> None:
    drafted = await _draft(gateway)
    await gateway.withdraw(
        item_id=drafted.aggregate_id, command_id=f"withdraw-{uuid4()}", actor=OFFICER,
        reason="重复录入",
    )
    await env.client.get_workflow_handle(catalogue_item_workflow_id(drafted.aggregate_id)).result()

    with pytest.raises(ItemWithdrawnError):
        await _publish(gateway, drafted.aggregate_id)

    assert item_event_names(app, drafted.aggregate_id) == ["Drafted", "Withdrawn"]


async def test_revise_empty_name_refused_and_valid_revision_recorded(
    app: GovflowApplication, gateway: CatalogueGateway
) -> None:
    drafted = await _draft(gateway)

    with pytest.raises(RequiredFieldError):
        await gateway.revise(
            item_id=drafted.aggregate_id, command_id=f"revise-{uuid4()}", actor=OFFICER,
            fields=dataclasses.replace(FIELDS, name=""),
        )
    revised = await gateway.revise(
        item_id=drafted.aggregate_id, command_id=f"revise-{uuid4()}", actor=OFFICER,
        fields=dataclasses.replace(FIELDS, name="居家养老服务需求评估"),
    )

    assert revised.version == 2
    assert app.get_catalogue_item(drafted.aggregate_id).name == "居家养老服务需求评估"
    assert item_event_names(app, drafted.aggregate_id) == ["Drafted", "Revised"]


# --- repeated commands --------------------------------------------------------------


async def test_draft_repeated_command_id_same_result_records_nothing(
    app: GovflowApplication, gateway: CatalogueGateway
) -> None:
    command_id = f"draft-{uuid4()}"
    first = await _draft(gateway, command_id)
    position = _last_position(app)

    again = await _draft(gateway, command_id)

    assert again == first
    assert not again.replayed
    assert _last_position(app) == position


async def test_draft_same_command_under_new_update_id_answers_first_result(
    env: WorkflowEnvironment, app: GovflowApplication, gateway: CatalogueGateway
) -> None:
    command_id = f"draft-{uuid4()}"
    first = await _draft(gateway, command_id)
    position = _last_position(app)
    handle = env.client.get_workflow_handle_for(
        CatalogueItemWorkflow.run, catalogue_item_workflow_id(first.aggregate_id)
    )

    again = await handle.execute_update(
        CatalogueItemWorkflow.draft,
        DraftInput(command_id=command_id, actor=OFFICER, department="440700-MZJ",
                   fields=dataclasses.replace(FIELDS, name="")),
        id=f"{command_id}:again",
    )

    assert again == first
    assert _last_position(app) == position


async def test_publish_repeated_command_id_same_result_records_nothing(
    app: GovflowApplication, gateway: CatalogueGateway
) -> None:
    item_id = (await _draft(gateway)).aggregate_id
    command_id = f"publish-{uuid4()}"
    first = await gateway.publish(item_id=item_id, command_id=command_id, actor=OFFICER)
    position = _last_position(app)

    again = await gateway.publish(item_id=item_id, command_id=command_id, actor=OFFICER)

    assert again == first
    assert _last_position(app) == position
    assert item_event_names(app, item_id).count("Published") == 1


async def test_draft_repeated_after_withdrawal_answers_first_draft_and_ends(
    env: WorkflowEnvironment, app: GovflowApplication, gateway: CatalogueGateway
) -> None:
    command_id = f"draft-{uuid4()}"
    first = await _draft(gateway, command_id)
    await gateway.withdraw(
        item_id=first.aggregate_id, command_id=f"withdraw-{uuid4()}", actor=OFFICER,
        reason="重复录入",
    )
    handle = env.client.get_workflow_handle_for(
        CatalogueItemWorkflow.run, catalogue_item_workflow_id(first.aggregate_id)
    )
    await handle.result()
    position = _last_position(app)

    again = await _draft(gateway, command_id)

    assert (again.aggregate_id, again.code, again.version) == (
        first.aggregate_id, first.code, first.version
    )
    assert _last_position(app) == position
    final = await handle.result()
    assert final.status is ItemStatus.WITHDRAWN
