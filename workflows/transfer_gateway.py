"""Function transfer's write side as the HTTP API sees it (``api.ports.TransferCommands``).

Every command on a transfer is a workflow update whose update id is the command id
(the client's ``Idempotency-Key``), so Temporal answers a repeated call with the first
answer.  A refusal is raised as the ``DomainError`` the domain raised.

The proposal (提出转移方案) starts the transfer's workflow with it (update-with-start,
using the running workflow if there is one).  Every other command is an update of that
workflow: a command on a transfer without one is refused as not found, and one on a
transfer whose run has ended (rejected, revoked, expired) as being at no stage that
takes commands.  Staffing requests (编制申请) are one-shot command workflows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
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
from domain.catalogue.commands import CommandResult
from domain.transfer.commands import DecideStaffing, RequestStaffing
from domain.transfer.errors import TransferStageError
from domain.transfer.service import transfer_not_found
from workflows.case_ids import transfer_workflow_id
from workflows.case_updates import update_case
from workflows.failures import raise_refusal_in
from workflows.once import run_command
from workflows.staffing_commands import DecideStaffingWorkflow, RequestStaffingWorkflow
from workflows.transfer import TransferWorkflow
from workflows.transfer_messages import (
    ApproveInput,
    ProposeInput,
    RejectInput,
    ResumeInput,
    RevokeInput,
    SuspendInput,
    TransferCommandInput,
    TransferInput,
    TransferPolicy,
    TransferState,
)

CommandT = TypeVar("CommandT", bound=TransferCommandInput)
WorkflowT = TypeVar("WorkflowT")
StaffingT = TypeVar("StaffingT", RequestStaffing, DecideStaffing)


class TransferGateway:
    """职能转移与编制申请的写入口: from the proposal to revocation or expiry."""

    def __init__(self, client: Client, *, task_queue: str, policy: TransferPolicy) -> None:
        self._client = client
        self._task_queue = task_queue
        self._policy = policy

    async def propose(
        self, *, command_id: str, actor: Actor, item_id: UUID, organization_id: UUID,
        legal_basis: str, effective_from: date, effective_until: date, conditions: str,
    ) -> CommandResult:
        """提出转移方案: starts the transfer's workflow (id from ``command_id``)."""
        transfer_id = aggregate_id_for(command_id)
        start: WithStartWorkflowOperation[TransferWorkflow, TransferState] = (
            WithStartWorkflowOperation(
                TransferWorkflow.run,
                TransferInput(transfer_id=transfer_id, policy=self._policy),
                id=transfer_workflow_id(transfer_id),
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                task_queue=self._task_queue,
            )
        )
        try:
            return await self._client.execute_update_with_start_workflow(
                TransferWorkflow.propose,
                ProposeInput(
                    command_id=command_id, actor=actor, item_id=item_id,
                    organization_id=organization_id, legal_basis=legal_basis,
                    effective_from=effective_from, effective_until=effective_until,
                    conditions=conditions,
                ),
                start_workflow_operation=start, id=command_id,
            )
        except WorkflowUpdateFailedError as error:
            raise_refusal_in(error)
            raise

    async def approve(
        self, *, transfer_id: UUID, command_id: str, actor: Actor
    ) -> CommandResult:
        """审批通过 (the committee): the organization must be eligible today."""
        return await self._update(transfer_id, TransferWorkflow.approve,
                                  ApproveInput(command_id=command_id, actor=actor))

    async def reject(
        self, *, transfer_id: UUID, command_id: str, actor: Actor, reason: str
    ) -> CommandResult:
        """不予批准 (the committee)."""
        return await self._update(transfer_id, TransferWorkflow.reject,
                                  RejectInput(command_id=command_id, actor=actor, reason=reason))

    async def suspend(
        self, *, transfer_id: UUID, command_id: str, actor: Actor, reason: str
    ) -> CommandResult:
        """暂停 (the committee)."""
        return await self._update(transfer_id, TransferWorkflow.suspend,
                                  SuspendInput(command_id=command_id, actor=actor, reason=reason))

    async def resume(
        self, *, transfer_id: UUID, command_id: str, actor: Actor, reason: str
    ) -> CommandResult:
        """恢复 (the committee): the organization must be eligible again."""
        return await self._update(transfer_id, TransferWorkflow.resume,
                                  ResumeInput(command_id=command_id, actor=actor, reason=reason))

    async def revoke(
        self, *, transfer_id: UUID, command_id: str, actor: Actor, reason: str
    ) -> CommandResult:
        """撤销 (the committee)."""
        return await self._update(transfer_id, TransferWorkflow.revoke,
                                  RevokeInput(command_id=command_id, actor=actor, reason=reason))

    async def request_staffing(self, command: RequestStaffing) -> CommandResult:
        """编制申请 (its id is ``aggregate_id_for`` the command id); eligibility of the
        organizations already providing the service is judged at the policy's threshold."""
        return await self._run(
            RequestStaffingWorkflow.run,
            replace(command, threshold=self._policy.grade_threshold))

    async def decide_staffing(self, command: DecideStaffing) -> CommandResult:
        """市社工委审查编制申请."""
        return await self._run(DecideStaffingWorkflow.run, command)

    async def _run(
        self, run: Callable[[WorkflowT, StaffingT], Awaitable[CommandResult]],
        command: StaffingT,
    ) -> CommandResult:
        return await run_command(self._client, run, command, task_queue=self._task_queue)

    async def _update(
        self, transfer_id: UUID,
        update: UpdateMethodMultiParam[[TransferWorkflow, CommandT], CommandResult],
        input: CommandT,
    ) -> CommandResult:
        handle = self._client.get_workflow_handle_for(
            TransferWorkflow.run, transfer_workflow_id(transfer_id))
        return await update_case(
            handle, update, input,
            not_found=lambda: transfer_not_found(transfer_id),
            terminated=lambda: TransferStageError(
                f"职能转移 {transfer_id} 的流程已被终止，不再受理命令；请联系市社工委",
                field="transfer_id"),
            ended=lambda state: TransferStageError(
                f"职能转移 {transfer_id} 已办结（{_ending(state)}），不再受理命令",
                field="transfer_id"),
        )


def _ending(state: TransferState) -> str:
    status = "" if state.status is None else state.status.value
    return state.step_refused or status
