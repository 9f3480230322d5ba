"""The purchase-contract workflow (购买服务合同): one durable case per contract, id
``purchase-contract:<contract id>``.

It orchestrates and waits; the domain decides.  Each command is an update whose
validator asks the guards against the state the workflow holds, so a refused command
never reaches history; accepted ones run their activity one at a time, and the state
is then taken from the record (milestone ids, amounts paid and ratings are the
domain's to work out).  The stages (DESIGN.md §3.5, §4):

    the department awards (签订) → the system announces it (公告) before the award is
    answered → the provider delivers milestones, the department accepts (验收) or
    rejects them, finance pays against accepted ones → a timer marks a milestone
    overdue (逾期) at 00:00 after its due date → a timer opens the performance review
    (绩效评价) at 00:00 after the term → the department reviews → once reviewed and
    fully paid the system closes the contract, and the run ends.  A termination (终止)
    ends it earlier.

A change of the provider's grade, signalled as ``grade_changed``, opens a review for
the department (``confirm_provider`` answers it; terminating is the other answer).
The dates of each step are China dates of ``workflow.now()``.

No continue-as-new: a run holds one update and two activities per command plus one
timer per milestone and the term's end — a few hundred events for a year's contract.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import date, timedelta
from typing import TypedDict, TypeVar
from uuid import UUID

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.actors import SYSTEM_ACTOR, Actor, Role
    from domain.aggregate import aggregate_id_for
    from domain.calendar import china_date
    from domain.catalogue.commands import CommandResult
    from domain.errors import ConflictError
    from domain.purchase.commands import (
        AmendContract,
        AnnounceContract,
        ApprovePayment,
        AwardContract,
        CloseContract,
        ConfirmProvider,
        MarkMilestoneOverdue,
        NoteProviderGradeChange,
        OpenReview,
        RecordReview,
        ReportDelivery,
        ReviewDelivery,
        TerminateContract,
    )
    from domain.purchase.contract import ContractStatus, PurchaseContract
    from workflows.case_ids import purchase_contract_workflow_id
    from workflows.failures import refusals_as_failures
    from workflows.grade_signals import GRADE_CHANGED_SIGNAL, GradeChanged
    from workflows.purchase_activities import PurchaseActivities
    from workflows.purchase_messages import (
        AmendInput,
        ApprovePaymentInput,
        AwardInput,
        ConfirmProviderInput,
        ContractCommandInput,
        DescribePurchaseContract,
        PurchaseContractInput,
        PurchaseContractState,
        PurchasePolicy,
        RecordReviewInput,
        ReportDeliveryInput,
        ReviewDeliveryInput,
        TerminateInput,
    )
    from workflows.steps import Step, execute_step, first_command, wait_until

__all__ = [
    "PURCHASE_WORKFLOWS",
    "PurchaseContractInput",
    "PurchaseContractState",
    "PurchaseContractWorkflow",
    "PurchasePolicy",
    "purchase_contract_workflow_id",
]

# The award update arrives with the start (update-with-start).  An award its validator
# refuses leaves no trace in history, so the run gives it this long, then ends.
AWARD_WAIT = timedelta(minutes=10)

CommandT = TypeVar("CommandT")
ResultT = TypeVar("ResultT")



@workflow.defn
class PurchaseContractWorkflow:
    """购买服务合同: award → announce → milestones → payments → review → close."""

    @workflow.init
    def __init__(self, input: PurchaseContractInput) -> None:
        self._input = input
        self._state = PurchaseContractState(contract_id=input.contract_id)
        self._lock = asyncio.Lock()  # activities of two updates (or a timer) never interleave
        self._award: CommandResult | None = None
        self._award_accepted = False
        self._award_refused = False
        self._refused_steps: set[str] = set()

    @workflow.run
    async def run(self, input: PurchaseContractInput) -> PurchaseContractState:
        if await self._awarded():
            while not self._state.ended:
                await self._next_step()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._state

    async def _awarded(self) -> bool:
        return await first_command(
            lambda: self._award_accepted,
            lambda: self._award is not None or self._award_refused, wait=AWARD_WAIT,
        ) and self._award is not None

    async def _next_step(self) -> None:
        """Wait for the next system step, or for people to move the case on."""
        step = self._due_step()
        if step is None:  # e.g. waiting, after the term, for the review and payments
            await workflow.wait_condition(
                lambda: self._due_step() is not None or self._state.ended
            )
            return
        await self._step_at(step)

    def _due_step(self) -> Step | None:
        """The earliest step the system owes the contract now."""
        due = [Step(at, name) for at, name in self._state.system_steps()
               if name not in self._refused_steps]
        return min(due, key=lambda step: (step.at, step.name)) if due else None

    async def _step_at(self, step: Step) -> None:
        """At ``step.at`` take the step, unless the case moves on first (the timer is then
        cancelled and the loop looks at the new state: an amended term, say)."""
        if not await wait_until(step.at, lambda: self._due_step() != step):
            return
        async with self._lock:
            if self._due_step() == step:
                await self._take_step(step.name)

    async def _take_step(self, name: str) -> CommandResult | None:
        """Take a step (the caller holds the lock); None when the record refused it."""
        try:
            return await self._take(name)
        except ApplicationError as refusal:
            # The record says the step does not apply (any more): skip it for good and
            # look at the contract as recorded.
            workflow.logger.info("step %s refused: %s", name, refusal.message)
            self._refused_steps.add(name)
            await self._reload()
            return None

    async def _take(self, name: str) -> CommandResult:
        addressed = self._addressed(f"{self._workflow_id}:{name}", SYSTEM_ACTOR)
        today = self._today()
        if name == "announce":
            return await self._record(PurchaseActivities.announce_purchase_contract,
                                      AnnounceContract(**addressed, announced_on=today))
        if name == "open-review":
            return await self._record(PurchaseActivities.open_contract_review,
                                      OpenReview(**addressed, opened_on=today))
        if name == "close":
            return await self._record(PurchaseActivities.close_purchase_contract,
                                      CloseContract(**addressed, closed_on=today))
        return await self._record(
            PurchaseActivities.mark_contract_milestone_overdue,
            MarkMilestoneOverdue(**addressed, milestone_id=name.removeprefix("overdue:")))

    # --- queries and signals -----------------------------------------------------

    @workflow.query
    def state(self) -> PurchaseContractState:
        return self._state

    @workflow.signal(name=GRADE_CHANGED_SIGNAL)
    async def grade_changed(self, change: GradeChanged) -> None:
        """降级 or 撤销 of the provider's grade: a review for the department is opened (the
        contract goes on until the department answers)."""
        async with self._lock:  # after an award in progress, whose provider it learns
            state = self._state
            if state.provider_id != change.organization_id or state.ended:
                return  # another organization, or nothing left to review
            try:
                await self._record(
                    PurchaseActivities.note_contract_provider_grade_change,
                    NoteProviderGradeChange(
                        **self._addressed(
                            f"{self._workflow_id}:grade-changed:{change.command_id}",
                            SYSTEM_ACTOR),
                        change=change.change, reason=change.reason, on=change.decided_on,
                    ),
                )
            except ApplicationError as refusal:
                workflow.logger.info("grade change not noted: %s", refusal.message)

    # --- updates -----------------------------------------------------------------

    @workflow.update
    async def award(self, input: AwardInput) -> CommandResult:
        """签订合同 (the department): the first update, sent with the workflow's start."""
        self._award_accepted = True
        async with self._lock:
            if self._award is not None:  # the same award again
                return self._award
            policy = self._input.policy
            try:
                result = await self._execute(
                    PurchaseActivities.award_purchase_contract,
                    AwardContract(
                        command_id=input.command_id, actor=input.actor, item_id=input.item_id,
                        organization_id=input.organization_id, method=input.method,
                        fiscal_year=input.fiscal_year, amount_fen=input.amount_fen,
                        term_start=input.term_start, term_end=input.term_end,
                        milestones=tuple(input.milestones), awarded_on=self._today(),
                        secured_and_stable=input.secured_and_stable,
                        threshold=policy.grade_threshold,
                    ),
                )
            except ApplicationError:
                self._award_refused = True
                raise
            # Awarded before this run too, perhaps (an earlier run was ended by an
            # operator): the record says where the contract stands.
            await self._reload()
            if self._state.status is ContractStatus.AWARDED:
                # 公告 before the award is answered, so that no one sees a contract
                # that takes no commands yet; the answer's position covers both.
                announced = await self._take_step("announce")
                if announced is not None:
                    result = replace(result, notification_id=max(
                        result.notification_id, announced.notification_id))
            self._award = result
            return result

    @award.validator
    def _validate_award(self, input: AwardInput) -> None:
        with refusals_as_failures():
            if aggregate_id_for(input.command_id) != self._input.contract_id:
                raise ConflictError(
                    f"命令 {input.command_id} 不是购买服务合同 {self._input.contract_id} "
                    f"的签订命令", field="command_id",
                )
            if self._award is None:  # a repeat is answered with its first result
                PurchaseContract.check_role(input.actor, frozenset({Role.DEPARTMENT}),
                                            action="签订购买服务合同")

    @workflow.update
    async def report_delivery(self, input: ReportDeliveryInput) -> CommandResult:
        """交付 (the provider)."""
        async with self._turn(input):
            return await self._record(
                PurchaseActivities.report_contract_delivery,
                ReportDelivery(**self._addressed(input.command_id, input.actor),
                               milestone_id=input.milestone_id, report=input.report,
                               delivered_on=self._today()),
            )

    @report_delivery.validator
    def _validate_report_delivery(self, input: ReportDeliveryInput) -> None:
        self._validate(input)

    @workflow.update
    async def review_delivery(self, input: ReviewDeliveryInput) -> CommandResult:
        """验收 (the department): accepted, or rejected with findings."""
        async with self._turn(input):
            return await self._record(
                PurchaseActivities.review_contract_delivery,
                ReviewDelivery(**self._addressed(input.command_id, input.actor),
                               milestone_id=input.milestone_id, accepted=input.accepted,
                               findings=input.findings, reviewed_on=self._today()),
            )

    @review_delivery.validator
    def _validate_review_delivery(self, input: ReviewDeliveryInput) -> None:
        self._validate(input)

    @workflow.update
    async def approve_payment(self, input: ApprovePaymentInput) -> CommandResult:
        """支付审批 (finance), under the contract policy of the run's input."""
        async with self._turn(input):
            return await self._record(
                PurchaseActivities.approve_contract_payment,
                ApprovePayment(**self._addressed(input.command_id, input.actor),
                               milestone_id=input.milestone_id, amount_fen=input.amount_fen,
                               approved_on=self._today(), policy=self._input.policy.contract),
            )

    @approve_payment.validator
    def _validate_approve_payment(self, input: ApprovePaymentInput) -> None:
        self._validate(input)

    @workflow.update
    async def amend(self, input: AmendInput) -> CommandResult:
        """补充合同 (the department): a new term end moves the review's timer; an added
        milestone gets an overdue timer of its own."""
        async with self._turn(input):
            return await self._record(
                PurchaseActivities.amend_purchase_contract,
                AmendContract(**self._addressed(input.command_id, input.actor),
                              reason=input.reason, amended_on=self._today(),
                              added_fen=input.added_fen, added_milestone=input.added_milestone,
                              term_end=input.term_end),
            )

    @amend.validator
    def _validate_amend(self, input: AmendInput) -> None:
        self._validate(input)

    @workflow.update
    async def terminate(self, input: TerminateInput) -> CommandResult:
        """终止合同 (the department): the run ends."""
        async with self._turn(input):
            return await self._record(
                PurchaseActivities.terminate_purchase_contract,
                TerminateContract(**self._addressed(input.command_id, input.actor),
                                  reason=input.reason, terminated_on=self._today()),
            )

    @terminate.validator
    def _validate_terminate(self, input: TerminateInput) -> None:
        self._validate(input)

    @workflow.update
    async def record_review(self, input: RecordReviewInput) -> CommandResult:
        """绩效评价 (the department, once the term is over)."""
        async with self._turn(input):
            return await self._record(
                PurchaseActivities.record_contract_review,
                RecordReview(**self._addressed(input.command_id, input.actor),
                             scores=dict(input.scores), comment=input.comment,
                             reviewed_on=self._today(), policy=self._input.policy.contract),
            )

    @record_review.validator
    def _validate_record_review(self, input: RecordReviewInput) -> None:
        self._validate(input)

    @workflow.update
    async def confirm_provider(self, input: ConfirmProviderInput) -> CommandResult:
        """复查后继续履行 (the department), after a change of the provider's grade."""
        async with self._turn(input):
            return await self._record(
                PurchaseActivities.confirm_contract_provider,
                ConfirmProvider(**self._addressed(input.command_id, input.actor),
                                note=input.note, confirmed_on=self._today()),
            )

    @confirm_provider.validator
    def _validate_confirm_provider(self, input: ConfirmProviderInput) -> None:
        self._validate(input)

    # --- mechanics ---------------------------------------------------------------

    @property
    def _workflow_id(self) -> str:
        return workflow.info().workflow_id

    @staticmethod
    def _today() -> date:
        return china_date(workflow.now())

    def _addressed(self, command_id: str, actor: Actor) -> _Addressed:
        """The part every command on this contract shares."""
        return _Addressed(command_id=command_id, actor=actor,
                          contract_id=self._input.contract_id)

    def _validate(self, input: ContractCommandInput) -> None:
        """Refuse before anything reaches history, with the domain's own message."""
        with refusals_as_failures():
            input.check(self._state)

    @asynccontextmanager
    async def _turn(self, input: ContractCommandInput) -> AsyncIterator[None]:
        """An accepted command's turn: one at a time, checked again against the state it
        will act on (an earlier command or a timer may have moved it)."""
        async with self._lock:
            self._validate(input)
            yield

    async def _reload(self) -> None:
        """Take the contract's state from the record."""
        self._state = await self._execute(
            PurchaseActivities.describe_purchase_contract,
            DescribePurchaseContract(contract_id=self._input.contract_id),
        )

    async def _record(
        self, activity: Callable[[PurchaseActivities, CommandT], CommandResult],
        command: CommandT,
    ) -> CommandResult:
        """Run a command (the caller holds the lock) and take the contract as recorded."""
        result = await self._execute(activity, command)
        await self._reload()
        return result

    async def _execute(
        self, activity: Callable[[PurchaseActivities, CommandT], ResultT], command: CommandT
    ) -> ResultT:
        """Run an activity; a refusal fails the update with the domain's own error."""
        return await execute_step(activity, command)


class _Addressed(TypedDict):
    command_id: str
    actor: Actor
    contract_id: UUID


PURCHASE_WORKFLOWS: tuple[type, ...] = (PurchaseContractWorkflow,)
"""The purchase-contract workflows, for the worker and the replayer."""
