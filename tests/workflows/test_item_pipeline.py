"""From publicity to the department's decision: the opinion deadline, its reminder,
escalation and extension, the decision and its hand-off, retention, versions and items
that have no workflow yet — through the gateway, on the time-skipping server."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta
from uuid import UUID, uuid4

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from domain.application import GovflowApplication
from domain.calendar import china_date, start_of_day
from domain.catalogue.commands import DraftCatalogueItem
from domain.catalogue.item import DayBasis, DecisionMode, ItemStatus
from domain.errors import (
    CatalogueItemNotFoundError,
    ItemNotRevisableError,
    ItemStatusConflictError,
    NoBudgetError,
    OtherAgencyError,
    StatutoryFunctionError,
)
from tests.seed import MZJ
from tests.workflows.harness import (
    FIELDS,
    OFFICER,
    running_worker,
    start_time_skipping,
)
from tests.workflows.pipeline import COMMITTEE, FINANCE, Pipeline, establish_agency, pipeline
from workflows.catalogue_messages import Handoff
from workflows.deadlines import DeadlinePolicy, DeadlineRequest, deadline_for

MINUTE = timedelta(minutes=1)
ONE_DAY = timedelta(days=1)


@pytest.fixture(scope="module")
async def env() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server of this module's own: these tests skip weeks at a time."""
    async with await start_time_skipping() as environment:
        yield environment


@pytest.fixture
async def items(env: WorkflowEnvironment, app: GovflowApplication) -> AsyncIterator[Pipeline]:
    async with (
        running_worker(env, app) as task_queue,
        pipeline(env, app, task_queue=task_queue) as driven,
    ):
        yield driven


async def _history(items: Pipeline, item_id: UUID) -> list[EventType.ValueType]:
    handle = items.handle(item_id)
    return [event.event_type for event in (await handle.fetch_history()).events]


def _position(items: Pipeline) -> int:
    return items.app.recorder.max_notification_id() or 0


# --- the opinion deadline (咨询期限) ---------------------------------------------------


async def test_refer_reminder_due_after_eighty_percent_of_period_recorded_then_not_before(
    items: Pipeline,
) -> None:
    item_id = await items.published()

    await items.refer(item_id)

    referral = items.referral(item_id)
    referred_on = china_date(referral.referred_at)
    assert referral.due_on == referred_on + 15 * ONE_DAY
    assert referral.remind_on == referred_on + 13 * ONE_DAY  # once 12 of 15 days are over
    remind_at = start_of_day(referral.remind_on)
    assert remind_at - referral.referred_at > timedelta(days=12)

    await items.sleep_until(remind_at - MINUTE)
    assert "ReferralReminded" not in items.events(item_id)

    await items.sleep_until(remind_at + MINUTE)
    await items.recorded(item_id, "ReferralReminded")
    state = await items.state(item_id)
    assert state.status is ItemStatus.REFERRED
    assert state.referral is not None
    assert (state.referral.reminded, state.referral.escalated) == (True, False)
    assert items.app.get_catalogue_item(item_id).has_applied(
        f"catalogue-item:{item_id}:remind:{referral.due_on.isoformat()}"
    )


async def test_refer_deadline_missed_escalated_to_committee_still_referred(
    items: Pipeline,
) -> None:
    item_id = await items.referred()
    referral = items.referral(item_id)
    overdue_at = start_of_day(referral.due_on + ONE_DAY)

    await items.sleep_until(overdue_at - MINUTE)
    await items.recorded(item_id, "ReferralReminded")
    assert "ReferralEscalated" not in items.events(item_id)

    await items.sleep_until(overdue_at + MINUTE)
    await items.recorded(item_id, "ReferralEscalated")
    item = items.app.get_catalogue_item(item_id)
    assert item.status is ItemStatus.REFERRED
    assert item.referral is not None and item.referral.escalated
    assert items.events(item_id)[-3:] == ["Referred", "ReferralReminded", "ReferralEscalated"]
    # Still waiting for the opinion: a late one is taken.
    await items.give_opinion(item_id, DecisionMode.TRANSFER.value)
    assert (await items.state(item_id)).status is ItemStatus.OPINION_GIVEN


async def test_extend_referral_after_reminder_timers_follow_new_due_date(
    items: Pipeline,
) -> None:
    item_id = await items.referred()
    first = items.referral(item_id)
    await items.sleep_until(start_of_day(first.remind_on) + MINUTE)
    await items.recorded(item_id, "ReferralReminded")
    new_due = first.due_on + 10 * ONE_DAY

    await items.gateway.extend_referral(
        item_id=item_id, command_id=f"extend-{uuid4()}", actor=COMMITTEE, due_on=new_due,
        reason="专家需补充实地调研",
    )

    extended = (await items.state(item_id)).referral
    assert extended is not None
    assert (extended.due_on, extended.reminded, extended.escalated) == (new_due, False, False)
    assert first.due_on < extended.remind_on < new_due
    await items.sleep_until(start_of_day(first.due_on + ONE_DAY) + MINUTE)  # the old deadline
    await items.sleep_until(start_of_day(extended.remind_on) + MINUTE)
    await items.recorded(item_id, "ReferralExtended")
    await items.sleep_until(start_of_day(new_due + ONE_DAY) + MINUTE)
    await items.recorded(item_id, "ReferralEscalated")
    assert items.events(item_id)[-5:] == [
        "Referred", "ReferralReminded", "ReferralExtended", "ReferralReminded",
        "ReferralEscalated",
    ]
    assert items.referral(item_id).remind_on == extended.remind_on
    item = items.app.get_catalogue_item(item_id)
    assert item.has_applied(f"catalogue-item:{item_id}:escalate:{new_due.isoformat()}")
    assert not item.has_applied(f"catalogue-item:{item_id}:escalate:{first.due_on.isoformat()}")


async def test_give_opinion_before_reminder_cancels_timers_never_reminds(
    items: Pipeline,
) -> None:
    item_id = await items.referred()

    await items.give_opinion(item_id, DecisionMode.PURCHASE.value)
    await items.env.sleep(timedelta(days=40))

    state = await items.state(item_id)
    assert state.status is ItemStatus.OPINION_GIVEN
    assert items.events(item_id)[-2:] == ["Referred", "OpinionGiven"]
    history = await _history(items, item_id)
    assert EventType.EVENT_TYPE_TIMER_CANCELED in history
    assert history.count(EventType.EVENT_TYPE_TIMER_FIRED) == 1  # the publicity period's


async def test_refer_working_day_basis_due_date_counted_by_official_calendar(
    items: Pipeline,
) -> None:
    working = items.with_deadlines(DeadlinePolicy(referral_day_basis=DayBasis.WORKING))
    item_id = await working.published()

    await working.refer(item_id)

    referral = working.referral(item_id)
    referred_on = china_date(referral.referred_at)
    expected = deadline_for(DeadlineRequest(
        start=referred_on, days=15, basis=DayBasis.WORKING, reminder_fraction=0.8,
    ))
    assert (referral.due_on, referral.remind_on, referral.day_basis) == (
        expected.due_on, expected.remind_on, DayBasis.WORKING,
    )
    assert referral.due_on - referred_on >= timedelta(days=19)  # weekends do not count
    state = await working.state(item_id)
    assert state.referral is not None
    assert state.referral.schedule_known is expected.schedule_known


async def test_publish_working_day_basis_publicity_period_counted_by_official_calendar(
    items: Pipeline,
) -> None:
    working = items.with_deadlines(DeadlinePolicy(publicity_day_basis=DayBasis.WORKING))
    item_id = await working.draft()

    await working.publish(item_id)

    item = working.app.get_catalogue_item(item_id)
    assert item.published_at is not None
    expected = deadline_for(DeadlineRequest(
        start=china_date(item.published_at), days=7, basis=DayBasis.WORKING,
    ))
    assert (item.publicity_starts_on, item.publicity_ends_on) == (
        expected.starts_on, expected.due_on,
    )
    assert expected.due_on - china_date(item.published_at) >= timedelta(days=9)
    await working.close_publicity(item_id)
    assert working.events(item_id) == ["Drafted", "Published", "PublicityClosed"]


async def test_refer_during_publicity_refused_never_reaches_history(items: Pipeline) -> None:
    item_id = await items.draft()
    await items.publish(item_id)

    with pytest.raises(ItemStatusConflictError, match="仍在公示期内"):
        await items.refer(item_id)

    history = await _history(items, item_id)
    assert history.count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) == 2


async def test_give_opinion_by_other_agency_refused_other_agency(items: Pipeline) -> None:
    item_id = await items.referred()
    other = establish_agency(items.app)
    position = _position(items)

    with pytest.raises(OtherAgencyError):
        await items.gateway.give_opinion(
            item_id=item_id, command_id=f"opinion-{uuid4()}", actor=other.actor,
            recommendation="转移", reasons="可以转移", expert_ids=(other.expert_id,),
            organizations=(),
        )

    assert _position(items) == position


# --- the decision (决定) and its hand-off ---------------------------------------------


async def test_decide_purchase_with_budget_decided_handoff_purchase(items: Pipeline) -> None:
    item_id = await items.referred()
    await items.give_opinion(item_id, DecisionMode.PURCHASE.value)
    with pytest.raises(NoBudgetError):
        await items.decide(item_id, DecisionMode.PURCHASE.value)

    await items.gateway.allocate_budget(
        item_id=item_id, command_id=f"budget-{uuid4()}", actor=FINANCE,
        fiscal_year=FIELDS.catalogue_year, amount_fen=50_000_000,
    )
    await items.decide(item_id, DecisionMode.PURCHASE.value)

    final = await items.handle(item_id).result()
    assert final.status is ItemStatus.DECIDED
    assert (final.decision, final.handoff) == (DecisionMode.PURCHASE, Handoff.PURCHASE)
    assert items.events(item_id)[-3:] == ["OpinionGiven", "BudgetAllocated", "Decided"]
    assert items.app.get_catalogue_item(item_id).budget_for(FIELDS.catalogue_year) == 50_000_000


async def test_decide_retain_provincial_item_committee_rejects_then_transfer_decided(
    items: Pipeline,
) -> None:
    item_id = await items.referred(provincial_listed=True)
    await items.give_opinion(item_id, DecisionMode.TRANSFER.value)

    await items.decide(
        item_id, DecisionMode.RETAIN.value, reason="本市尚无可承接的社会组织",
        justification="该职能涉及全市养老机构安全监管，暂不具备转移条件",
    )
    pending = await items.state(item_id)
    await items.gateway.review_retention(
        item_id=item_id, command_id=f"review-{uuid4()}", actor=COMMITTEE, approved=False,
        comment="省决定明确转移，且已有3A以上社会组织可承接",
    )
    rejected = await items.state(item_id)
    await items.decide(item_id, DecisionMode.TRANSFER.value)

    assert (pending.status, pending.decision) == (
        ItemStatus.RETENTION_PENDING, DecisionMode.RETAIN,
    )
    assert (rejected.status, rejected.decision) == (ItemStatus.OPINION_GIVEN, None)
    final = await items.handle(item_id).result()
    assert (final.status, final.handoff) == (ItemStatus.DECIDED, Handoff.TRANSFER)
    assert items.events(item_id)[-4:] == [
        "OpinionGiven", "Decided", "RetentionReviewed", "Decided",
    ]


async def test_review_retention_approved_item_retained_run_ends(items: Pipeline) -> None:
    item_id = await items.referred(provincial_listed=True)
    await items.give_opinion(item_id, DecisionMode.RETAIN.value)
    await items.decide(item_id, DecisionMode.RETAIN.value,
                       justification="涉及重大公共安全，须由政府直接履行")

    await items.gateway.review_retention(
        item_id=item_id, command_id=f"review-{uuid4()}", actor=COMMITTEE, approved=True,
    )

    final = await items.handle(item_id).result()
    assert (final.status, final.decision, final.handoff) == (
        ItemStatus.RETAINED, DecisionMode.RETAIN, None,
    )


async def test_decide_transfer_statutory_item_refused_nothing_recorded(items: Pipeline) -> None:
    item_id = await items.referred(nature="行政许可")
    await items.give_opinion(item_id, DecisionMode.TRANSFER.value)
    position = _position(items)

    with pytest.raises(StatutoryFunctionError) as refused:
        await items.decide(item_id, DecisionMode.TRANSFER.value)

    assert refused.value.field == "mode"
    assert "法定职能" in refused.value.detail
    assert _position(items) == position
    assert (await items.state(item_id)).status is ItemStatus.OPINION_GIVEN
    # Retaining it needs no committee: a statutory function is retained by law.
    await items.decide(item_id, DecisionMode.RETAIN.value, reason="法定职能必须保留")
    final = await items.handle(item_id).result()
    assert final.status is ItemStatus.RETAINED


# --- versions (修订) ---------------------------------------------------------------------


async def test_revise_published_item_new_version_own_publicity_closes_by_itself(
    items: Pipeline,
) -> None:
    item_id = await items.draft()
    await items.publish(item_id)
    first = await items.state(item_id)
    assert first.publicity_closes_at is not None
    await items.env.sleep(timedelta(days=3))

    await items.gateway.revise(
        item_id=item_id, command_id=f"revise-{uuid4()}", actor=OFFICER,
        fields=dataclasses.replace(FIELDS, name="居家养老服务需求评估"),
    )

    second = await items.state(item_id)
    assert (second.status, second.catalogue_version) == (ItemStatus.PUBLICITY, 2)
    assert second.publicity_closes_at is not None
    assert second.publicity_closes_at == first.publicity_closes_at + timedelta(days=3)
    await items.sleep_until(first.publicity_closes_at + MINUTE)
    assert items.app.get_catalogue_item(item_id).status is ItemStatus.PUBLICITY
    await items.close_publicity(item_id)
    assert items.events(item_id) == ["Drafted", "Published", "VersionPublished",
                                     "PublicityClosed"]
    item = items.app.get_catalogue_item(item_id)
    assert (item.catalogue_version, item.name) == (2, "居家养老服务需求评估")
    assert item.has_applied(f"catalogue-item:{item_id}:close-publicity:v2")


async def test_revise_referred_item_refused_not_revisable(items: Pipeline) -> None:
    item_id = await items.referred()

    with pytest.raises(ItemNotRevisableError):
        await items.gateway.revise(
            item_id=item_id, command_id=f"revise-{uuid4()}", actor=OFFICER, fields=FIELDS
        )

    assert items.app.get_catalogue_item(item_id).catalogue_version == 1


# --- items without a workflow (imported, or whose run ended) ---------------------------


async def test_publish_item_recorded_without_workflow_run_loads_it_and_closes_publicity(
    items: Pipeline,
) -> None:
    drafted = items.app.draft_catalogue_item(DraftCatalogueItem(
        command_id=f"import-{uuid4()}", actor=OFFICER, department=MZJ, fields=FIELDS,
    ))
    item_id = drafted.aggregate_id
    items.items.append(item_id)
    with pytest.raises(RPCError):
        await items.handle(item_id).describe()  # an import starts no item workflow

    published = await items.publish(item_id)

    state = await items.state(item_id)
    assert (state.status, state.code, state.version) == (
        ItemStatus.PUBLICITY, drafted.code, published.version,
    )
    await items.close_publicity(item_id)
    assert items.events(item_id) == ["Drafted", "Published", "PublicityClosed"]


async def test_give_opinion_after_run_ended_new_run_loads_referral_records_opinion(
    items: Pipeline,
) -> None:
    item_id = await items.referred()
    await items.handle(item_id).terminate(reason="operator ended the run")

    await items.give_opinion(item_id, DecisionMode.TRANSFER.value)

    state = await items.state(item_id)
    assert state.status is ItemStatus.OPINION_GIVEN
    assert state.referral is not None
    assert state.referral.agency_id == str(items.agency.id)
    assert items.events(item_id)[-2:] == ["Referred", "OpinionGiven"]


async def test_refer_unknown_item_refused_not_found_run_ends_at_once(items: Pipeline) -> None:
    unknown = uuid4()

    with pytest.raises(CatalogueItemNotFoundError) as refused:
        await items.gateway.refer(
            item_id=unknown, command_id=f"refer-{uuid4()}", actor=OFFICER,
            agency_id=items.agency.id,
        )

    assert str(unknown) in refused.value.detail
    final = await items.handle(unknown).result()
    assert final.status is None
