"""The catalogue's write side as the HTTP API sees it: each command is a workflow update.

Every call takes the command id (the client's ``Idempotency-Key``) as the update id,
so Temporal answers a repeated call with the first answer.  A refusal is raised as
the ``DomainError`` the domain raised; an item without a workflow is not found.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from uuid import UUID

from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError
from temporalio.workflow import UpdateMethodMultiParam

from domain.actors import Actor
from domain.aggregate import aggregate_id_for
from domain.catalogue.commands import CommandResult, ItemFields
from domain.catalogue.item import ItemFacts
from domain.errors import DomainError
from workflows.catalogue_item import CatalogueItemWorkflow, catalogue_item_workflow_id
from workflows.catalogue_messages import (
    CatalogueItemInput,
    CatalogueItemState,
    DraftInput,
    PublishInput,
    ReviseInput,
    WithdrawInput,
    item_not_found,
)
from workflows.failures import is_not_found, raise_refusal_in

ItemHandle = WorkflowHandle[CatalogueItemWorkflow, CatalogueItemState]
InputT = TypeVar("InputT")


class CatalogueGateway:
    """目录事项的写入口: draft, revise, publish and withdraw catalogue items."""

    def __init__(
        self, client: Client, *, task_queue: str, publicity_days: int,
        level1_classes: tuple[str, ...],
    ) -> None:
        if publicity_days < 1:
            raise ValueError(f"publicity_days must be at least 1, got {publicity_days}")
        self._client = client
        self._task_queue = task_queue
        self._publicity_days = publicity_days
        self._level1_classes = tuple(level1_classes)

    async def draft(
        self, *, command_id: str, actor: Actor, department: str, fields: ItemFields
    ) -> CommandResult:
        """起草: starts the item's workflow (id from ``command_id``) with the draft."""
        item_id = aggregate_id_for(command_id)
        start = WithStartWorkflowOperation(
            CatalogueItemWorkflow.run,
            CatalogueItemInput(
                item_id=item_id, publicity_days=self._publicity_days,
                level1_classes=self._level1_classes,
            ),
            id=catalogue_item_workflow_id(item_id),
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            task_queue=self._task_queue,
        )
        try:
            return await self._client.execute_update_with_start_workflow(
                CatalogueItemWorkflow.draft,
                DraftInput(command_id=command_id, actor=actor, department=department,
                           fields=fields),
                start_workflow_operation=start, id=command_id,
            )
        except WorkflowUpdateFailedError as error:
            raise_refusal_in(error)
            raise

    async def revise(
        self, *, item_id: UUID, command_id: str, actor: Actor, fields: ItemFields
    ) -> CommandResult:
        """修改 a draft."""
        return await self._update(
            item_id, CatalogueItemWorkflow.revise,
            ReviseInput(command_id=command_id, actor=actor, fields=fields),
            command_id=command_id, check=lambda facts: facts.check_revise(actor),
        )

    async def publish(self, *, item_id: UUID, command_id: str, actor: Actor) -> CommandResult:
        """发布 and open the publicity period."""
        return await self._update(
            item_id, CatalogueItemWorkflow.publish,
            PublishInput(command_id=command_id, actor=actor),
            command_id=command_id, check=lambda facts: facts.check_publish(actor),
        )

    async def withdraw(
        self, *, item_id: UUID, command_id: str, actor: Actor, reason: str
    ) -> CommandResult:
        """撤回."""
        return await self._update(
            item_id, CatalogueItemWorkflow.withdraw,
            WithdrawInput(command_id=command_id, actor=actor, reason=reason),
            command_id=command_id, check=lambda facts: facts.check_withdraw(actor, reason),
        )

    async def _update(
        self, item_id: UUID,
        update: UpdateMethodMultiParam[[CatalogueItemWorkflow, InputT], CommandResult],
        input: InputT, *, command_id: str, check: Callable[[ItemFacts], None],
    ) -> CommandResult:
        handle = self._client.get_workflow_handle_for(
            CatalogueItemWorkflow.run, catalogue_item_workflow_id(item_id)
        )
        try:
            return await handle.execute_update(update, input, id=command_id)
        except WorkflowUpdateFailedError as error:
            raise_refusal_in(error)
            raise
        except RPCError as error:
            if not is_not_found(error):
                raise
            refusal = await _refusal_of_ended(handle, item_id, check)
            if refusal is None:
                raise
            raise refusal from None


async def _refusal_of_ended(
    handle: ItemHandle, item_id: UUID, check: Callable[[ItemFacts], None]
) -> DomainError | None:
    """Why a command cannot reach an item whose workflow is missing or has ended.

    A workflow completes when its item is withdrawn or its draft was refused, so the
    domain's guards, asked against its final state, give the refusal.  None when the
    workflow ended otherwise (terminated by an operator, say): no refusal applies.
    """
    try:
        description = await handle.describe()
    except RPCError as error:
        if is_not_found(error):
            return item_not_found(item_id)
        raise
    if description.status is not WorkflowExecutionStatus.COMPLETED:
        return None
    final = await handle.result()
    try:
        check(final.facts())
    except DomainError as refusal:
        return refusal
    return None
