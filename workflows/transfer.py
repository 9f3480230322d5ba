"""The function-transfer workflow (职能转移): one durable case per transfer, id
``transfer:<transfer id>``.

It orchestrates and waits; the domain decides.  Each command is an update whose
validator asks the domain's guards against the state the workflow holds, so a refused
command never reaches history; accepted ones run their activity one at a time.  The
stages (DESIGN.md §3.4, §4):

    the department proposes → the committee approves (the organization must be eligible
    that day) or rejects (the run ends) → a timer records the start of the effective
    period (生效, 00:00 China time on its first day) → the committee may suspend, resume
    (the organization eligible again) or revoke (the run ends) → a timer records its
    expiry (到期) at 00:00 after its last day, and the run ends.

A downgrade or revocation of the organization's grade, signalled as ``grade_changed``,
suspends a live transfer pending the committee's review (DESIGN.md §3.3).  The dates
of each step are China dates of ``workflow.now()``.

No continue-as-new: a run holds a few dozen events (one update and one activity per
command, at most two timers, a suspension per grade change).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import date, timedelta
from typing import Any, TypedDict, TypeVar
from uuid import UUID

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.actors import SYSTEM_ACTOR, Actor, Role
    from domain.aggregate import GovAggregate, aggregate_id_for
    from domain.calendar import china_date
    from domain.catalogue.commands import CommandResult
    from domain.errors import ConflictError
    from domain.transfer.commands import (
        ApproveTransfer,
        ProposeTransfer,
        RejectTransfer,
        ResumeTransfer,
        RevokeTransfer,
        SuspendTransfer,
        TransferOnDate,
    )
    from domain.transfer.transfer import TransferStatus
    from workflows.case_ids import transfer_workflow_id
    from workflows.failures import refusals_as_failures
    from workflows.grade_signals import GRADE_CHANGED_SIGNAL, GradeChanged
    from workflows.staffing_commands import STAFFING_WORKFLOWS
    from workflows.steps import Step, execute_step, first_command, wait_until
    from workflows.transfer_activities import TransferActivities
    from workflows.transfer_messages import (
        ApproveInput,
        DescribeTransfer,
        ProposeInput,
        RejectInput,
        ResumeInput,
        RevokeInput,
        SuspendInput,
        TransferCommandInput,
        TransferInput,
        TransferPolicy,
        TransferState,
        suspension_reason,
    )

__all__ = [
    "TRANSFER_WORKFLOWS",
    "TransferInput",
    "TransferPolicy",
    "TransferState",
    "TransferWorkflow",
    "transfer_workflow_id",
]

# The propose update arrives with the start (update-with-start).  A proposal its
# validator refuses leaves no trace in history, so the run gives it this long, then ends.
PROPOSE_WAIT = timedelta(minutes=10)

CommandT = TypeVar("CommandT")
ResultT = TypeVar("ResultT")



@workflow.defn
class TransferWorkflow:
    """职能转移: propose → approve → effective (suspend ↔ resume) → revoked | expired."""

    @workflow.init
    def __init__(self, input: TransferInput) -> None:
        self._input = input
        self._state = TransferState(transfer_id=input.transfer_id)
        self._lock = asyncio.Lock()  # activities of two updates (or a timer) never interleave
        self._proposal: CommandResult | None = None
        self._propose_accepted = False
        self._propose_refused = False

    @workflow.run
    async def run(self, input: TransferInput) -> TransferState:
        if await self._proposed():
            while not self._state.ended:
                await self._next_step()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._state

    async def _proposed(self) -> bool:
        return await first_command(
            lambda: self._propose_accepted,
            lambda: self._proposal is not None or self._propose_refused, wait=PROPOSE_WAIT,
        ) and self._proposal is not None

    async def _next_step(self) -> None:
        """Wait for the next system step, or for people to move the case on."""
        step = self._due_step()
        if step is None:  # waiting for the committee's approval
            await workflow.wait_condition(
                lambda: self._due_step() is not None or self._state.ended
            )
            return
        await self._step_at(step)

    def _due_step(self) -> Step | None:
        """The step the system owes the case next: its start, then its expiry."""
        state = self._state
        if state.takes_effect_at is not None:
            return Step(state.takes_effect_at, "take-effect")
        if state.expires_at is not None:
            return Step(state.expires_at, "expire")
        return None

    async def _step_at(self, step: Step) -> None:
        """At ``step.at`` take the step, unless the case moves on first (the timer is then
        cancelled and the loop looks at the new state)."""
        if not await wait_until(step.at, lambda: self._due_step() != step):
            return
        async with self._lock:
            if self._due_step() != step:
                return
            try:
                await self._take(step.name)
            except ApplicationError as refusal:
                # The record disagrees with the run (changed outside it): take the record's
                # word, and end the run only if it still owes the same step.
                workflow.logger.info("step %s refused: %s", step.name, refusal.message)
                await self._reload()
                if self._due_step() == step:
                    self._state = replace(self._state, step_refused=refusal.message)

    async def _take(self, name: str) -> None:
        command = TransferOnDate(**self._addressed(f"{self._workflow_id}:{name}", SYSTEM_ACTOR),
                                 on=self._today())
        if name == "take-effect":
            await self._record(TransferActivities.transfer_takes_effect, command,
                               status=TransferStatus.EFFECTIVE)
        else:
            await self._record(TransferActivities.expire_transfer, command,
                               status=TransferStatus.EXPIRED)

    # --- queries and signals -----------------------------------------------------

    @workflow.query
    def state(self) -> TransferState:
        return self._state

    @workflow.signal(name=GRADE_CHANGED_SIGNAL)
    async def grade_changed(self, change: GradeChanged) -> None:
        """降级 or 撤销 of the organization's grade: a live transfer is suspended (by the
        system) pending the committee's review; the committee then resumes or revokes it."""
        if change.organization_id != self._state.organization_id:
            return  # not this transfer's organization (or not proposed yet)
        async with self._lock:
            if not self._state.suspendable:
                return  # proposed, suspended already, or ended
            reason = suspension_reason(change)
            try:
                await self._record(
                    TransferActivities.suspend_transfer,
                    SuspendTransfer(
                        **self._addressed(
                            f"{self._workflow_id}:grade-changed:{change.command_id}",
                            SYSTEM_ACTOR),
                        reason=reason, on=self._today()),
                    status=TransferStatus.SUSPENDED, suspension_reason=reason,
                )
            except ApplicationError as refusal:
                workflow.logger.info("suspension refused: %s", refusal.message)
                await self._reload()

    # --- updates -----------------------------------------------------------------

    @workflow.update
    async def propose(self, input: ProposeInput) -> CommandResult:
        """提出转移方案 (the department): the first update, sent with the workflow's start."""
        self._propose_accepted = True
        async with self._lock:
            if self._proposal is not None:  # the same proposal again
                return self._proposal
            try:
                result = await self._execute(
                    TransferActivities.propose_transfer,
                    ProposeTransfer(
                        command_id=input.command_id, actor=input.actor, item_id=input.item_id,
                        organization_id=input.organization_id, legal_basis=input.legal_basis,
                        effective_from=input.effective_from,
                        effective_until=input.effective_until, conditions=input.conditions,
                    ),
                )
            except ApplicationError:
                self._propose_refused = True
                raise
            # The names the guards quote are the record's; a proposal made before this run
            # (an earlier run ended) carries on from where the record stands.
            await self._reload()
            self._proposal = result
            return result

    @propose.validator
    def _validate_propose(self, input: ProposeInput) -> None:
        with refusals_as_failures():
            if aggregate_id_for(input.command_id) != self._input.transfer_id:
                raise ConflictError(
                    f"命令 {input.command_id} 不是职能转移 {self._input.transfer_id} 的提出命令",
                    field="command_id",
                )
            if self._proposal is None:  # a repeat is answered with its first result
                GovAggregate.check_role(input.actor, frozenset({Role.DEPARTMENT}),
                                        action="提出职能转移方案")

    @workflow.update
    async def approve(self, input: ApproveInput) -> CommandResult:
        """审批通过 (the committee): the organization must be eligible today."""
        async with self._turn(input):
            return await self._record(
                TransferActivities.approve_transfer,
                ApproveTransfer(**self._addressed(input.command_id, input.actor),
                                approved_on=self._today(),
                                threshold=self._policy.grade_threshold),
                status=TransferStatus.APPROVED,
            )

    @approve.validator
    def _validate_approve(self, input: ApproveInput) -> None:
        self._validate(input)

    @workflow.update
    async def reject(self, input: RejectInput) -> CommandResult:
        """不予批准 (the committee): the run ends."""
        async with self._turn(input):
            return await self._record(
                TransferActivities.reject_transfer,
                RejectTransfer(**self._addressed(input.command_id, input.actor),
                               reason=input.reason),
                status=TransferStatus.REJECTED,
            )

    @reject.validator
    def _validate_reject(self, input: RejectInput) -> None:
        self._validate(input)

    @workflow.update
    async def suspend(self, input: SuspendInput) -> CommandResult:
        """暂停 (the committee), pending its review."""
        async with self._turn(input):
            return await self._record(
                TransferActivities.suspend_transfer,
                SuspendTransfer(**self._addressed(input.command_id, input.actor),
                                reason=input.reason, on=self._today()),
                status=TransferStatus.SUSPENDED, suspension_reason=input.reason.strip(),
            )

    @suspend.validator
    def _validate_suspend(self, input: SuspendInput) -> None:
        self._validate(input)

    @workflow.update
    async def resume(self, input: ResumeInput) -> CommandResult:
        """恢复 (the committee): the organization must be eligible again today."""
        async with self._turn(input):
            return await self._record(
                TransferActivities.resume_transfer,
                ResumeTransfer(**self._addressed(input.command_id, input.actor),
                               reason=input.reason, on=self._today(),
                               threshold=self._policy.grade_threshold),
                status=TransferStatus.EFFECTIVE, suspension_reason=None,
            )

    @resume.validator
    def _validate_resume(self, input: ResumeInput) -> None:
        self._validate(input)

    @workflow.update
    async def revoke(self, input: RevokeInput) -> CommandResult:
        """撤销 (the committee): the undertaking ends, and the run."""
        async with self._turn(input):
            return await self._record(
                TransferActivities.revoke_transfer,
                RevokeTransfer(**self._addressed(input.command_id, input.actor),
                               reason=input.reason, on=self._today()),
                status=TransferStatus.REVOKED,
            )

    @revoke.validator
    def _validate_revoke(self, input: RevokeInput) -> None:
        self._validate(input)

    # --- mechanics ---------------------------------------------------------------

    @property
    def _workflow_id(self) -> str:
        return workflow.info().workflow_id

    @property
    def _policy(self) -> TransferPolicy:
        return self._input.policy

    def _today(self) -> date:
        return china_date(workflow.now())

    def _addressed(self, command_id: str, actor: Actor) -> _Addressed:
        """The part every command on this transfer shares."""
        return _Addressed(command_id=command_id, actor=actor,
                          transfer_id=self._input.transfer_id)

    def _validate(self, input: TransferCommandInput) -> None:
        """Refuse before anything reaches history, with the domain's own message."""
        with refusals_as_failures():
            input.check(self._state.facts())

    @asynccontextmanager
    async def _turn(self, input: TransferCommandInput) -> AsyncIterator[None]:
        """An accepted command's turn: one at a time, checked again against the state it
        will act on (an earlier command, a timer or a grade change may have moved it)."""
        async with self._lock:
            self._validate(input)
            yield

    async def _reload(self) -> None:
        """Take the transfer's state from the record."""
        recorded = await self._execute(
            TransferActivities.describe_transfer,
            DescribeTransfer(transfer_id=self._input.transfer_id),
        )
        self._state = replace(recorded, step_refused=self._state.step_refused)

    async def _record(
        self, activity: Callable[[TransferActivities, CommandT], CommandResult],
        command: CommandT, **changes: Any,
    ) -> CommandResult:
        """Run a command (the caller holds the lock) and take its outcome into the state."""
        result = await self._execute(activity, command)
        self._state = replace(self._state, version=result.version, **changes)
        return result

    async def _execute(
        self, activity: Callable[[TransferActivities, CommandT], ResultT], command: CommandT
    ) -> ResultT:
        """Run an activity; a refusal fails the update with the domain's own error."""
        return await execute_step(activity, command)


class _Addressed(TypedDict):
    command_id: str
    actor: Actor
    transfer_id: UUID


TRANSFER_WORKFLOWS: tuple[type, ...] = (TransferWorkflow, *STAFFING_WORKFLOWS)
"""The transfer workflow and the staffing command workflows, for the worker and the
replayer."""
