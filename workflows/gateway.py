"""The catalogue's write side as the HTTP API sees it: each command is a workflow update.

Every call takes the command id (the client's ``Idempotency-Key``) as the update id,
so Temporal answers a repeated call with the first answer.  A refusal is raised as
the ``DomainError`` the domain raised.

Every command is sent with its workflow's start (update-with-start, using the running
workflow if there is one).  The draft starts a new item; any other command starts a
run that loads the recorded item (``existing``): items imported in bulk have no
workflow until their first command, and an item whose run ended (withdrawn, decided)
answers from its record.  A command on an item that does not exist is refused as not
found, and the run it started ends at once.
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar
from uuid import UUID

from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.workflow import UpdateMethodMultiParam

from domain.actors import Actor
from domain.aggregate import aggregate_id_for
from domain.catalogue.commands import CommandResult, ItemFields
from workflows.catalogue_item import CatalogueItemWorkflow, catalogue_item_workflow_id
from workflows.catalogue_messages import (
    AllocateBudgetInput,
    CatalogueItemInput,
    CatalogueItemState,
    DecideInput,
    DraftInput,
    ExtendInput,
    ItemCommand,
    OpinionInput,
    PublishInput,
    ReferInput,
    ReviewRetentionInput,
    ReviseInput,
    WithdrawInput,
)
from workflows.deadlines import DeadlinePolicy
from workflows.failures import raise_refusal_in

InputT = TypeVar("InputT")
CommandT = TypeVar("CommandT", bound=ItemCommand)
DEFAULT_DEADLINES = DeadlinePolicy()


class CatalogueGateway:
    """目录事项的写入口: every command of the catalogue stage, from draft to decision."""

    def __init__(
        self, client: Client, *, task_queue: str, publicity_days: int,
        level1_classes: tuple[str, ...], deadlines: DeadlinePolicy = DEFAULT_DEADLINES,
    ) -> None:
        if publicity_days < 1:
            raise ValueError(f"publicity_days must be at least 1, got {publicity_days}")
        self._client = client
        self._task_queue = task_queue
        self._publicity_days = publicity_days
        self._level1_classes = tuple(level1_classes)
        self._deadlines = deadlines

    async def draft(
        self, *, command_id: str, actor: Actor, department: str, fields: ItemFields
    ) -> CommandResult:
        """起草: starts the item's workflow (id from ``command_id``) with the draft."""
        return await self._send(
            aggregate_id_for(command_id), CatalogueItemWorkflow.draft,
            DraftInput(command_id=command_id, actor=actor, department=department,
                       fields=fields),
            command_id=command_id, existing=False,
        )

    async def revise(
        self, *, item_id: UUID, command_id: str, actor: Actor, fields: ItemFields
    ) -> CommandResult:
        """修改: a draft in place, a published item as a new version (重新公示)."""
        return await self._update(
            item_id, CatalogueItemWorkflow.revise,
            ReviseInput(command_id=command_id, actor=actor, fields=fields),
        )

    async def publish(self, *, item_id: UUID, command_id: str, actor: Actor) -> CommandResult:
        """发布 and open the publicity period."""
        return await self._update(
            item_id, CatalogueItemWorkflow.publish,
            PublishInput(command_id=command_id, actor=actor),
        )

    async def withdraw(
        self, *, item_id: UUID, command_id: str, actor: Actor, reason: str
    ) -> CommandResult:
        """撤回."""
        return await self._update(
            item_id, CatalogueItemWorkflow.withdraw,
            WithdrawInput(command_id=command_id, actor=actor, reason=reason),
        )

    async def allocate_budget(
        self, *, item_id: UUID, command_id: str, actor: Actor, fiscal_year: int,
        amount_fen: int,
    ) -> CommandResult:
        """安排预算 (finance), in fen."""
        return await self._update(
            item_id, CatalogueItemWorkflow.allocate_budget,
            AllocateBudgetInput(command_id=command_id, actor=actor, fiscal_year=fiscal_year,
                                amount_fen=amount_fen),
        )

    async def refer(
        self, *, item_id: UUID, command_id: str, actor: Actor, agency_id: UUID
    ) -> CommandResult:
        """提交咨询 to a consulting agency; the opinion deadline starts."""
        return await self._update(
            item_id, CatalogueItemWorkflow.refer,
            ReferInput(command_id=command_id, actor=actor, agency_id=agency_id),
        )

    async def give_opinion(
        self, *, item_id: UUID, command_id: str, actor: Actor, recommendation: str,
        reasons: str, expert_ids: tuple[str, ...], organizations: tuple[str, ...],
    ) -> CommandResult:
        """出具咨询意见 (the agency)."""
        return await self._update(
            item_id, CatalogueItemWorkflow.give_opinion,
            OpinionInput(command_id=command_id, actor=actor, recommendation=recommendation,
                         reasons=reasons, expert_ids=tuple(expert_ids),
                         organizations=tuple(organizations)),
        )

    async def extend_referral(
        self, *, item_id: UUID, command_id: str, actor: Actor, due_on: date, reason: str
    ) -> CommandResult:
        """延长咨询期限 (the committee)."""
        return await self._update(
            item_id, CatalogueItemWorkflow.extend_referral,
            ExtendInput(command_id=command_id, actor=actor, due_on=due_on, reason=reason),
        )

    async def decide(
        self, *, item_id: UUID, command_id: str, actor: Actor, mode: str, reason: str = "",
        justification: str = "",
    ) -> CommandResult:
        """作出决定: 转移 / 授权 / 委托 / 购买服务 / 保留."""
        return await self._update(
            item_id, CatalogueItemWorkflow.decide,
            DecideInput(command_id=command_id, actor=actor, mode=mode, reason=reason,
                        justification=justification),
        )

    async def review_retention(
        self, *, item_id: UUID, command_id: str, actor: Actor, approved: bool,
        comment: str = "",
    ) -> CommandResult:
        """保留审批 (the committee)."""
        return await self._update(
            item_id, CatalogueItemWorkflow.review_retention,
            ReviewRetentionInput(command_id=command_id, actor=actor, approved=approved,
                                 comment=comment),
        )

    async def _update(
        self, item_id: UUID,
        update: UpdateMethodMultiParam[[CatalogueItemWorkflow, CommandT], CommandResult],
        input: CommandT,
    ) -> CommandResult:
        return await self._send(item_id, update, input, command_id=input.command_id,
                                existing=True)

    async def _send(
        self, item_id: UUID,
        update: UpdateMethodMultiParam[[CatalogueItemWorkflow, InputT], CommandResult],
        input: InputT, *, command_id: str, existing: bool,
    ) -> CommandResult:
        start: WithStartWorkflowOperation[CatalogueItemWorkflow, CatalogueItemState] = (
            WithStartWorkflowOperation(
                CatalogueItemWorkflow.run,
                CatalogueItemInput(
                    item_id=item_id, publicity_days=self._publicity_days,
                    level1_classes=self._level1_classes, deadlines=self._deadlines,
                    existing=existing,
                ),
                id=catalogue_item_workflow_id(item_id),
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                task_queue=self._task_queue,
            )
        )
        try:
            return await self._client.execute_update_with_start_workflow(
                update, input, start_workflow_operation=start, id=command_id,
            )
        except WorkflowUpdateFailedError as error:
            raise_refusal_in(error)
            raise
