"""The catalogue item workflow (目录事项): one durable case per item, id ``catalogue-item:<id>``.

It orchestrates and waits; the domain decides.  Each command is an update whose
validator asks the domain's pure guards against the state the workflow holds, so a
refused command never reaches history; accepted ones run their activity one at a
time.  The stages (DESIGN.md §4, row 1):

    draft → publish → publicity period (公示期, a timer) → refer to a consulting agency
    → opinion, under a deadline with a reminder at 80 % and escalation to the committee
    (the committee may extend it) → the department's decision → hand-off to the transfer
    or purchase stage; or retention (the committee approves it for provincially listed
    items).  Withdrawal ends the case before a decision.

A run is started either by the ``draft`` update or, for an item recorded without one
(imported in bulk, or whose earlier run ended), by any other command with
``existing=True``: the run then loads the item's recorded state first.

No continue-as-new yet: a run holds a few dozen events (one update and one or two
activities per command, two timers per opinion period), far below Temporal's limits.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, TypedDict, TypeVar
from uuid import UUID

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.actors import SYSTEM_ACTOR, Actor
    from domain.aggregate import aggregate_id_for
    from domain.calendar import Period, china_date, period_after, start_of_day
    from domain.catalogue.classification import Classification
    from domain.catalogue.commands import (
        AllocateBudget,
        ClosePublicity,
        CommandResult,
        DecideCatalogueItem,
        DraftCatalogueItem,
        ExtendReferral,
        GiveOpinion,
        ItemFields,
        PublishCatalogueItem,
        ReferCatalogueItem,
        ReferralStep,
        ReviewRetention,
        ReviseCatalogueItem,
        WithdrawCatalogueItem,
    )
    from domain.catalogue.item import DayBasis, ItemStatus, check_draft, check_item_fields
    from domain.errors import CatalogueItemNotFoundError, ConflictError
    from workflows.activities import CatalogueActivities
    from workflows.catalogue_messages import (
        AllocateBudgetInput,
        CatalogueItemInput,
        CatalogueItemState,
        DecideInput,
        DescribeCatalogueItem,
        DraftInput,
        ExtendInput,
        ItemCommand,
        OpinionInput,
        PublishInput,
        ReferInput,
        ReferralState,
        ReviewRetentionInput,
        ReviseInput,
        WithdrawInput,
    )
    from workflows.deadlines import ONE_DAY, Deadline, DeadlineRequest, compute_deadline
    from workflows.failures import (
        refusals_as_failures,
    )
    from workflows.steps import (
        ACTIVITY_RETRY,
        ACTIVITY_TIMEOUT,
        execute_step,
        first_command,
        wait_until,
    )

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


# The catalogue stage is over: decided (handed off), retained, or withdrawn.
ENDED = frozenset({ItemStatus.DECIDED, ItemStatus.RETAINED, ItemStatus.WITHDRAWN})

CommandT = TypeVar("CommandT")
ResultT = TypeVar("ResultT")


def catalogue_item_workflow_id(item_id: UUID) -> str:
    return f"catalogue-item:{item_id}"


@workflow.defn
class CatalogueItemWorkflow:
    """目录事项: draft → publish → publicity → refer → opinion → decision → hand-off."""

    @workflow.init
    def __init__(self, input: CatalogueItemInput) -> None:
        self._input = input
        self._state = CatalogueItemState(item_id=input.item_id)
        self._lock = asyncio.Lock()  # activities of two updates never interleave
        self._draft: CommandResult | None = None
        self._draft_accepted = False
        self._draft_refused = False
        # A run for a recorded item loads it first.  Until then validators cannot judge
        # (and cannot wait), so they let commands through and the handlers check later.
        self._loaded = not input.existing

    @workflow.run
    async def run(self, input: CatalogueItemInput) -> CatalogueItemState:
        started = await self._loaded_from_record() if input.existing else await self._drafted()
        if started:
            while self._state.status not in ENDED:
                await self._next_stage()
        # HAND-OFF POINT (目录 → 职能转移 / 购买服务): a decided item leaves the catalogue
        # stage here, and ``state().handoff`` says where to.  The transfer and purchase
        # stages (later issues) start their child workflow at this point; for now the run
        # ends, as it does for a retained or withdrawn item, a refused draft or an item
        # that does not exist.
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._state

    async def _drafted(self) -> bool:
        return await first_command(
            lambda: self._draft_accepted,
            lambda: self._draft is not None or self._draft_refused, wait=DRAFT_WAIT,
        ) and self._draft is not None

    async def _loaded_from_record(self) -> bool:
        try:
            await self._reload()
        except ApplicationError as refusal:
            if refusal.type != CatalogueItemNotFoundError.__name__:
                raise
            # No such item: the commands waiting for the load are refused as not found.
        finally:
            self._loaded = True
        return self._state.status is not None

    async def _next_stage(self) -> None:
        status = self._state.status
        if status is ItemStatus.PUBLICITY:
            await self._close_publicity_when_due()
        elif status is ItemStatus.REFERRED:
            await self._follow_referral()
        else:
            # DRAFT waits for publish, PUBLICITY_CLOSED for refer, OPINION_GIVEN for decide,
            # RETENTION_PENDING for the committee's review; most also for withdraw.
            await workflow.wait_condition(lambda: self._state.status is not status)

    async def _close_publicity_when_due(self) -> None:
        closes_at = self._state.publicity_closes_at
        assert closes_at is not None  # a published item has its period
        version = self._state.catalogue_version

        def unchanged() -> bool:  # a revision publishes a new period; withdrawal ends it
            state = self._state
            return state.status is ItemStatus.PUBLICITY and state.publicity_closes_at == closes_at

        # The first version keeps the command id of the histories recorded before versions.
        suffix = "" if version == 1 else f":v{version}"
        await self._step_at(closes_at, unchanged, lambda: self._record(
            CatalogueActivities.close_catalogue_item_publicity,
            ClosePublicity(command_id=f"{self._workflow_id}:close-publicity{suffix}",
                           actor=SYSTEM_ACTOR, item_id=self._input.item_id),
            status=ItemStatus.PUBLICITY_CLOSED,
        ))

    async def _follow_referral(self) -> None:
        """The opinion deadline: remind at ``remind_on``, escalate once ``due_on`` is over,
        then keep waiting for the opinion or an extension (a new period, new timers)."""
        referral = self._state.referral
        assert referral is not None  # a referred item has its referral

        def unchanged() -> bool:  # an opinion, an extension or a withdrawal moves on
            return self._state.status is ItemStatus.REFERRED and self._state.referral == referral

        if referral.escalated:
            await workflow.wait_condition(lambda: not unchanged())
            return
        reminding = not referral.reminded
        moment = start_of_day(referral.remind_on if reminding else referral.due_on + ONE_DAY)
        await self._step_at(moment, unchanged, lambda: self._referral_step(reminding=reminding))

    async def _referral_step(self, *, reminding: bool) -> CommandResult:
        """Remind (即将到期) or escalate (逾期上报).  The due date names the period, so that
        each period's reminder and escalation are commands of their own."""
        referral = self._state.referral
        assert referral is not None
        if reminding:
            activity, name = CatalogueActivities.remind_catalogue_item_referral, "remind"
            changed = replace(referral, reminded=True)
        else:
            activity, name = CatalogueActivities.escalate_catalogue_item_referral, "escalate"
            changed = replace(referral, escalated=True)
        return await self._record(
            activity,
            ReferralStep(command_id=f"{self._workflow_id}:{name}:{referral.due_on.isoformat()}",
                         actor=SYSTEM_ACTOR, item_id=self._input.item_id),
            referral=changed,
        )

    async def _step_at(
        self, moment: datetime, unchanged: Callable[[], bool],
        step: Callable[[], Awaitable[CommandResult]],
    ) -> None:
        """At ``moment`` take ``step``, unless the state moves on first (the timer is then
        cancelled and the loop looks at the new state)."""
        if not await wait_until(moment, lambda: not unchanged()):
            return
        async with self._lock:
            if unchanged():
                await step()

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
                await self._reload()
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
        """修改: a draft in place; a published item as a new version with its own
        publicity period (a published catalogue is never edited in place)."""
        async with self._turn(input):
            command = ReviseCatalogueItem(**self._addressed(input), fields=input.fields)
            if self._state.status is ItemStatus.DRAFT:
                return await self._record(CatalogueActivities.revise_catalogue_item, command)
            now = workflow.now()
            period = await self._publicity_period(now)
            return await self._record(
                CatalogueActivities.revise_catalogue_item,
                replace(command, published_at=now, publicity_starts_on=period.starts_on,
                        publicity_ends_on=period.ends_on),
                status=ItemStatus.PUBLICITY, publicity_starts_on=period.starts_on,
                publicity_ends_on=period.ends_on,
                catalogue_version=self._state.catalogue_version + 1,
            )

    @revise.validator
    def _validate_revise(self, input: ReviseInput) -> None:
        self._validate(input)
        with refusals_as_failures():
            check_item_fields(
                **_field_arguments(input.fields), level1_set=self._input.level1_classes
            )

    @workflow.update
    async def publish(self, input: PublishInput) -> CommandResult:
        """发布 and open the publicity period, counted from today (China time)."""
        async with self._turn(input):
            now = workflow.now()
            period = await self._publicity_period(now)
            return await self._record(
                CatalogueActivities.publish_catalogue_item,
                PublishCatalogueItem(
                    **self._addressed(input), published_at=now,
                    publicity_starts_on=period.starts_on, publicity_ends_on=period.ends_on,
                ),
                status=ItemStatus.PUBLICITY, publicity_starts_on=period.starts_on,
                publicity_ends_on=period.ends_on,
            )

    @publish.validator
    def _validate_publish(self, input: PublishInput) -> None:
        self._validate(input)

    @workflow.update
    async def withdraw(self, input: WithdrawInput) -> CommandResult:
        """撤回: ends the case (and the timer that is running, if any)."""
        async with self._turn(input):
            return await self._record(
                CatalogueActivities.withdraw_catalogue_item,
                WithdrawCatalogueItem(**self._addressed(input), reason=input.reason),
                status=ItemStatus.WITHDRAWN,
            )

    @withdraw.validator
    def _validate_withdraw(self, input: WithdrawInput) -> None:
        self._validate(input)

    @workflow.update
    async def allocate_budget(self, input: AllocateBudgetInput) -> CommandResult:
        """安排预算 (finance): a purchase needs a published item with a budget."""
        async with self._turn(input):
            return await self._record(
                CatalogueActivities.allocate_catalogue_item_budget,
                AllocateBudget(**self._addressed(input), fiscal_year=input.fiscal_year,
                               amount_fen=input.amount_fen),
            )

    @allocate_budget.validator
    def _validate_allocate_budget(self, input: AllocateBudgetInput) -> None:
        self._validate(input)

    @workflow.update
    async def refer(self, input: ReferInput) -> CommandResult:
        """提交咨询: the opinion deadline runs from today (China time), by the settings."""
        async with self._turn(input):
            now = workflow.now()
            policy = self._input.deadlines
            deadline = await self._deadline(DeadlineRequest(
                start=china_date(now), days=policy.referral_days,
                basis=policy.referral_day_basis, reminder_fraction=policy.reminder_fraction,
            ))
            return await self._record(
                CatalogueActivities.refer_catalogue_item,
                ReferCatalogueItem(
                    **self._addressed(input), agency_id=input.agency_id, referred_at=now,
                    due_on=deadline.due_on, remind_on=deadline.remind_on,
                    day_basis=policy.referral_day_basis.value,
                ),
                status=ItemStatus.REFERRED,
                referral=ReferralState(
                    agency_id=str(input.agency_id), due_on=deadline.due_on,
                    remind_on=deadline.remind_on, schedule_known=deadline.schedule_known,
                ),
            )

    @refer.validator
    def _validate_refer(self, input: ReferInput) -> None:
        self._validate(input)

    @workflow.update
    async def extend_referral(self, input: ExtendInput) -> CommandResult:
        """延长咨询期限 (the committee): the reminder and escalation follow the new date."""
        async with self._turn(input):
            referral = self._state.referral
            assert referral is not None  # the guard passed: the item is referred
            policy = self._input.deadlines
            deadline = await self._deadline(DeadlineRequest(
                start=china_date(workflow.now()), days=0, basis=policy.referral_day_basis,
                reminder_fraction=policy.reminder_fraction, due_on=input.due_on,
            ))
            return await self._record(
                CatalogueActivities.extend_catalogue_item_referral,
                ExtendReferral(
                    **self._addressed(input), due_on=input.due_on,
                    remind_on=deadline.remind_on, reason=input.reason,
                ),
                referral=ReferralState(
                    agency_id=referral.agency_id, due_on=input.due_on,
                    remind_on=deadline.remind_on, schedule_known=deadline.schedule_known,
                ),
            )

    @extend_referral.validator
    def _validate_extend_referral(self, input: ExtendInput) -> None:
        self._validate(input)

    @workflow.update
    async def give_opinion(self, input: OpinionInput) -> CommandResult:
        """出具咨询意见 (the agency the item is referred to): the deadline's timers end."""
        async with self._turn(input):
            return await self._record(
                CatalogueActivities.give_catalogue_item_opinion,
                GiveOpinion(
                    **self._addressed(input), recommendation=input.recommendation,
                    reasons=input.reasons, expert_ids=input.expert_ids,
                    organizations=input.organizations, given_at=workflow.now(),
                ),
                status=ItemStatus.OPINION_GIVEN,
            )

    @give_opinion.validator
    def _validate_give_opinion(self, input: OpinionInput) -> None:
        self._validate(input)

    @workflow.update
    async def decide(self, input: DecideInput) -> CommandResult:
        """作出决定: decided (hand-off), retained, or a retention waiting for the committee."""
        async with self._turn(input):
            result = await self._execute(
                CatalogueActivities.decide_catalogue_item,
                DecideCatalogueItem(
                    **self._addressed(input), mode=input.mode, reason=input.reason,
                    justification=input.justification,
                ),
            )
            await self._reload()  # where the decision leads is the domain's to say
            return result

    @decide.validator
    def _validate_decide(self, input: DecideInput) -> None:
        self._validate(input)

    @workflow.update
    async def review_retention(self, input: ReviewRetentionInput) -> CommandResult:
        """保留审批 (the committee): retained, or back to the department's decision."""
        async with self._turn(input):
            return await self._record(
                CatalogueActivities.review_catalogue_item_retention,
                ReviewRetention(**self._addressed(input), approved=input.approved,
                                comment=input.comment),
                status=ItemStatus.RETAINED if input.approved else ItemStatus.OPINION_GIVEN,
                decision=self._state.decision if input.approved else None,
            )

    @review_retention.validator
    def _validate_review_retention(self, input: ReviewRetentionInput) -> None:
        self._validate(input)

    # --- mechanics --------------------------------------------------------------

    @property
    def _workflow_id(self) -> str:
        return workflow.info().workflow_id

    def _addressed(self, input: ItemCommand) -> _Addressed:
        """The part every command on this item shares."""
        return _Addressed(command_id=input.command_id, actor=input.actor,
                          item_id=self._input.item_id)

    def _validate(self, input: ItemCommand) -> None:
        """Refuse before anything reaches history; before the load, the handler judges."""
        if self._loaded:
            with refusals_as_failures():
                input.check(self._state.facts())

    @asynccontextmanager
    async def _turn(self, input: ItemCommand) -> AsyncIterator[None]:
        """An accepted command's turn: once the item is loaded, one command at a time,
        checked against the state it will act on (an earlier command may have moved it)."""
        if not self._loaded:
            await workflow.wait_condition(lambda: self._loaded)
        async with self._lock:
            with refusals_as_failures():
                input.check(self._state.facts())
            yield

    async def _publicity_period(self, now: datetime) -> Period:
        """The publicity period of an item published (or republished) at ``now``."""
        if self._input.deadlines.publicity_day_basis is DayBasis.CALENDAR:
            # Pure arithmetic on the recorded time: replays exactly, as it always has.
            return period_after(now, self._input.publicity_days)
        deadline = await self._deadline(DeadlineRequest(
            start=china_date(now), days=self._input.publicity_days, basis=DayBasis.WORKING,
            reminder_fraction=self._input.deadlines.reminder_fraction,
        ))
        return Period(starts_on=deadline.starts_on, ends_on=deadline.due_on)

    async def _deadline(self, request: DeadlineRequest) -> Deadline:
        """Computed once, in an activity: replay reads the dates from history."""
        return await workflow.execute_activity(
            compute_deadline, request,
            start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY,
        )

    async def _reload(self) -> None:
        """Take the item's state from the record."""
        self._state = await self._execute(
            CatalogueActivities.describe_catalogue_item,
            DescribeCatalogueItem(item_id=self._input.item_id),
        )

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
        return await execute_step(activity, command)


class _Addressed(TypedDict):
    command_id: str
    actor: Actor
    item_id: UUID


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
