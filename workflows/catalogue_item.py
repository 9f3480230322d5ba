"""The catalogue item workflow (目录事项): one durable case per item, id ``catalogue-item:<id>``.

It orchestrates and waits; the domain decides.  Each command is an update whose
validator asks the domain's pure guards against the state the workflow holds, so a
refused command never reaches history; accepted ones run their activity one at a
time.  Publishing opens the publicity period (公示期), a durable timer that closes it
by itself unless the item is withdrawn first.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any, TypedDict, TypeVar
from uuid import UUID

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.actors import SYSTEM_ACTOR
    from domain.aggregate import aggregate_id_for
    from domain.calendar import period_after
    from domain.catalogue.classification import Classification
    from domain.catalogue.commands import (
        ClosePublicity,
        CommandResult,
        DraftCatalogueItem,
        ItemFields,
        PublishCatalogueItem,
        ReviseCatalogueItem,
        WithdrawCatalogueItem,
    )
    from domain.catalogue.item import ItemStatus, check_draft, check_item_fields
    from domain.errors import ConflictError
    from workflows.activities import CatalogueActivities
    from workflows.catalogue_messages import (
        CatalogueItemInput,
        CatalogueItemState,
        DescribeCatalogueItem,
        DraftInput,
        PublishInput,
        ReviseInput,
        WithdrawInput,
    )
    from workflows.failures import domain_error_in, refusal_failure, refusals_as_failures

__all__ = [
    "CatalogueItemInput",
    "CatalogueItemState",
    "CatalogueItemWorkflow",
    "DraftInput",
    "PublishInput",
    "ReviseInput",
    "WithdrawInput",
    "catalogue_item_workflow_id",
]

# The draft update arrives with the start (update-with-start).  A draft its validator
# refuses leaves no trace in history, so the run gives it this long, then ends.
DRAFT_WAIT = timedelta(minutes=10)

# Commands are idempotent by command id, so an activity is retried until it answers:
# giving up would leave the workflow unsure whether the event store changed.
ACTIVITY_TIMEOUT = timedelta(seconds=30)
ACTIVITY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=1),
)

CommandT = TypeVar("CommandT")
ResultT = TypeVar("ResultT")


def catalogue_item_workflow_id(item_id: UUID) -> str:
    return f"catalogue-item:{item_id}"


@workflow.defn
class CatalogueItemWorkflow:
    """目录事项: draft → publish → publicity → (refer → opinion → decision → transfer/purchase)."""

    @workflow.init
    def __init__(self, input: CatalogueItemInput) -> None:
        self._input = input
        self._state = CatalogueItemState(item_id=input.item_id)
        self._lock = asyncio.Lock()  # activities of two updates never interleave
        self._draft: CommandResult | None = None
        self._draft_accepted = False
        self._draft_refused = False

    @workflow.run
    async def run(self, input: CatalogueItemInput) -> CatalogueItemState:
        if await self._drafted():
            while self._state.status is not ItemStatus.WITHDRAWN:
                await self._next_stage()
        # A refused draft ends the run here too: no workflow lingers without an item.
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._state

    async def _drafted(self) -> bool:
        try:
            await workflow.wait_condition(lambda: self._draft_accepted, timeout=DRAFT_WAIT)
        except TimeoutError:
            return False
        await workflow.wait_condition(lambda: self._draft is not None or self._draft_refused)
        return self._draft is not None

    async def _next_stage(self) -> None:
        status = self._state.status
        if status is ItemStatus.PUBLICITY:
            await self._close_publicity_when_due()
            return
        # DRAFT waits for publish (or withdraw); PUBLICITY_CLOSED waits for withdraw.
        # TODO(referral): once publicity has closed, the department refers the item to a
        #   consulting agency (a `refer` update) → wait for the advisory opinion under the
        #   opinion deadline (reminder at 80 %, escalation to the committee, extension).
        # TODO(decision): the department decides on the opinion (a `decide` update;
        #   statutory functions are retained) → start a child TransferWorkflow or
        #   PurchaseContractWorkflow and wait for it; continue-as-new if history grows.
        await workflow.wait_condition(lambda: self._state.status is not status)

    async def _close_publicity_when_due(self) -> None:
        closes_at = self._state.publicity_closes_at
        assert closes_at is not None  # a published item has its period
        remaining = closes_at - workflow.now()
        if remaining > timedelta(0):
            try:
                await workflow.wait_condition(
                    lambda: self._state.status is not ItemStatus.PUBLICITY, timeout=remaining
                )
            except TimeoutError:
                pass
            else:
                return  # withdrawn during publicity: the timer is cancelled
        async with self._lock:
            if self._state.status is not ItemStatus.PUBLICITY:
                return
            await self._record(
                CatalogueActivities.close_catalogue_item_publicity,
                ClosePublicity(
                    command_id=f"{workflow.info().workflow_id}:close-publicity",
                    actor=SYSTEM_ACTOR, item_id=self._input.item_id,
                ),
                status=ItemStatus.PUBLICITY_CLOSED,
            )

    # --- queries ----------------------------------------------------------------

    @workflow.query
    def state(self) -> CatalogueItemState:
        return self._state

    # --- updates ----------------------------------------------------------------

    @workflow.update
    async def draft(self, input: DraftInput) -> CommandResult:
        """起草: the first update, sent with the workflow's start."""
        self._draft_accepted = True
        async with self._lock:
            if self._draft is not None:  # the same draft command again
                return self._draft
            try:
                result = await self._execute(
                    CatalogueActivities.draft_catalogue_item,
                    DraftCatalogueItem(
                        command_id=input.command_id, actor=input.actor,
                        department=input.department, fields=input.fields,
                    ),
                )
            except ApplicationError:
                self._draft_refused = True
                raise
            if result.replayed:
                # Drafted before this run (an earlier run ended when the item was
                # withdrawn, or was ended by an operator): carry on from the record.
                self._state = await self._execute(
                    CatalogueActivities.describe_catalogue_item,
                    DescribeCatalogueItem(item_id=self._input.item_id),
                )
            else:
                self._state = replace(
                    self._state, code=result.code, department=input.department,
                    status=ItemStatus.DRAFT, version=result.version,
                )
            self._draft = result
            return result

    @draft.validator
    def _validate_draft(self, input: DraftInput) -> None:
        with refusals_as_failures():
            if aggregate_id_for(input.command_id) != self._input.item_id:
                raise ConflictError(
                    f"命令 {input.command_id} 不是目录事项 {self._input.item_id} 的起草命令",
                    field="command_id",
                )
            if self._draft is None:  # a repeated draft is answered with its first result
                check_draft(
                    actor=input.actor, department=input.department,
                    **_field_arguments(input.fields), level1_set=self._input.level1_classes,
                )

    @workflow.update
    async def revise(self, input: ReviseInput) -> CommandResult:
        """修改 a draft in place."""
        async with self._lock:
            return await self._record(
                CatalogueActivities.revise_catalogue_item,
                ReviseCatalogueItem(
                    command_id=input.command_id, actor=input.actor,
                    item_id=self._input.item_id, fields=input.fields,
                ),
            )

    @revise.validator
    def _validate_revise(self, input: ReviseInput) -> None:
        with refusals_as_failures():
            self._state.facts().check_revise(input.actor)
            check_item_fields(
                **_field_arguments(input.fields), level1_set=self._input.level1_classes
            )

    @workflow.update
    async def publish(self, input: PublishInput) -> CommandResult:
        """发布 and open the publicity period, counted from today (China time)."""
        async with self._lock:
            now = workflow.now()
            period = period_after(now, self._input.publicity_days)
            return await self._record(
                CatalogueActivities.publish_catalogue_item,
                PublishCatalogueItem(
                    command_id=input.command_id, actor=input.actor,
                    item_id=self._input.item_id, published_at=now,
                    publicity_starts_on=period.starts_on, publicity_ends_on=period.ends_on,
                ),
                status=ItemStatus.PUBLICITY, publicity_starts_on=period.starts_on,
                publicity_ends_on=period.ends_on,
            )

    @publish.validator
    def _validate_publish(self, input: PublishInput) -> None:
        with refusals_as_failures():
            self._state.facts().check_publish(input.actor)

    @workflow.update
    async def withdraw(self, input: WithdrawInput) -> CommandResult:
        """撤回: ends the case (and the publicity timer, if it is running)."""
        async with self._lock:
            return await self._record(
                CatalogueActivities.withdraw_catalogue_item,
                WithdrawCatalogueItem(
                    command_id=input.command_id, actor=input.actor,
                    item_id=self._input.item_id, reason=input.reason,
                ),
                status=ItemStatus.WITHDRAWN,
            )

    @withdraw.validator
    def _validate_withdraw(self, input: WithdrawInput) -> None:
        with refusals_as_failures():
            self._state.facts().check_withdraw(input.actor, input.reason)

    # --- mechanics --------------------------------------------------------------

    async def _record(
        self, activity: Callable[[CatalogueActivities, CommandT], CommandResult],
        command: CommandT, **changes: Any,
    ) -> CommandResult:
        """Run a command (the caller holds the lock) and take its outcome into the state."""
        result = await self._execute(activity, command)
        self._state = replace(self._state, version=result.version, **changes)
        return result

    async def _execute(
        self, activity: Callable[[CatalogueActivities, CommandT], ResultT], command: CommandT
    ) -> ResultT:
        """Run an activity; a refusal fails the update with the domain's own error."""
        try:
            return await workflow.execute_activity_method(
                activity, command,
                start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY,
            )
        except ActivityError as error:
            refusal = domain_error_in(error)
            if refusal is None:
                raise
            raise refusal_failure(refusal) from None


class _FieldArguments(TypedDict):
    name: str
    description: str
    catalogue_year: int
    classification: Classification
    nature: str


def _field_arguments(fields: ItemFields) -> _FieldArguments:
    """The written fields as the domain's field guards take them."""
    return _FieldArguments(
        name=fields.name, description=fields.description,
        catalogue_year=fields.catalogue_year, nature=fields.nature,
        classification=Classification(fields.level1, fields.level2, fields.level3),
    )
