"""The task inbox (待办): who must act next on each catalogue item, by when."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

import pytest

from domain.actors import Actor
from domain.catalogue.commands import RecordExistingItem
from projections.inbox import InboxProjection
from projections.paging import InvalidCursorError
from projections.rows import InboxEntry
from tests.domain.conftest import item_fields
from tests.projections.conftest import CZJ, DUE_ON, MZJ, REMIND_ON, Store, officer

BEFORE_REMINDER = date(2027, 3, 23)
AFTER_DUE = date(2027, 3, 28)


@pytest.fixture
def view(store: Store) -> Any:
    return store.view(InboxProjection)


@pytest.fixture
def agency(store: Store) -> Actor:
    return store.establish_agency()


def project(store: Store, view: Any) -> None:
    store.apply_all(InboxProjection(view=view), after=view.max_tracking_id(store.app.name))


def inbox(view: Any, role: str, scope: str | None = None, *, today: date = BEFORE_REMINDER,
          limit: int = 50) -> list[InboxEntry]:
    entries: list[InboxEntry] = view.inbox(role=role, scope=scope, today=today, cursor=None,
                                           limit=limit).data
    return entries


def kinds(view: Any, role: str, scope: str | None = None) -> list[str]:
    return [entry.kind for entry in inbox(view, role, scope)]


def everyone(view: Any, agency: Actor) -> dict[str, list[str]]:
    """What each party is waited on for (another department and agency: nothing, ever)."""
    return {
        "mzj": kinds(view, "department", MZJ), "czj": kinds(view, "department", CZJ),
        "agency": kinds(view, "agency", agency.scope), "other agency": kinds(view, "agency", "x"),
        "committee": kinds(view, "committee"),
    }


def nobody(**waiting: list[str]) -> dict[str, list[str]]:
    return {"mzj": [], "czj": [], "agency": [], "other agency": [], "committee": [], **waiting}


def test_inbox_follows_item_from_draft_through_referral_to_decision(
    store: Store, view: Any, agency: Actor
) -> None:
    item = store.draft(name="居家养老服务").aggregate_id
    project(store, view)
    drafted = everyone(view, agency)
    (publish,) = inbox(view, "department", MZJ)
    store.publish(item)
    store.close_publicity(item)
    project(store, view)
    closed = everyone(view, agency)
    store.refer(item, agency)
    project(store, view)
    referred = everyone(view, agency)
    (opinion,) = inbox(view, "agency", agency.scope)
    store.escalate(item)
    project(store, view)
    escalated = everyone(view, agency)
    (escalation,) = inbox(view, "committee", today=AFTER_DUE)
    store.extend(item, due_on=date(2027, 4, 10), remind_on=date(2027, 4, 7))
    project(store, view)
    extended = everyone(view, agency)
    (extended_opinion,) = inbox(view, "agency", agency.scope, today=AFTER_DUE)
    store.give_opinion(item, agency, "保留")
    project(store, view)
    opinion_given = everyone(view, agency)
    store.decide(item, "保留", justification="暂无合格承接主体")  # listed for transfer
    project(store, view)
    retention_asked = everyone(view, agency)
    store.review_retention(item, approved=False, comment="已有社会组织可承接，应予转移")
    project(store, view)
    rejected = everyone(view, agency)
    store.decide(item, "转移", reason="按市社工委意见转移")
    project(store, view)

    assert drafted == nobody(mzj=["publish"])
    assert (publish.kind_label, publish.title) == ("草稿待发布", "440700-2027-0001 居家养老服务")
    assert (publish.entity_type, publish.entity_id, publish.code) == (
        "catalogue_item", item, "440700-2027-0001")
    assert (publish.due_on, publish.due_soon, publish.overdue) == (None, False, False)
    assert closed == nobody(mzj=["refer"])
    assert referred == nobody(agency=["opinion"])
    assert (opinion.kind_label, opinion.due_on, opinion.due_soon_on) == (
        "待出具咨询意见", DUE_ON, REMIND_ON)
    assert escalated == nobody(agency=["opinion"], committee=["escalation"])
    assert (escalation.kind_label, escalation.due_on, escalation.overdue) == (
        "咨询意见逾期（已上报）", DUE_ON, True)
    assert extended == nobody(agency=["opinion"])
    assert (extended_opinion.due_on, extended_opinion.overdue) == (date(2027, 4, 10), False)
    assert extended_opinion.since == opinion.since  # waiting since the referral
    assert opinion_given == nobody(mzj=["decide"])
    assert retention_asked == nobody(committee=["retention"])
    assert rejected == nobody(mzj=["decide"])
    assert everyone(view, agency) == nobody()


@pytest.mark.parametrize(("today", "due_soon", "overdue"), [
    (BEFORE_REMINDER, False, False),
    (REMIND_ON, True, False),
    (DUE_ON, True, False),
    (AFTER_DUE, False, True),
])
def test_inbox_of_agency_flags_opinion_due_soon_from_reminder_date_and_overdue_after_due(
    store: Store, view: Any, agency: Actor, today: date, due_soon: bool, overdue: bool
) -> None:
    store.refer(store.published_item(), agency)
    project(store, view)

    (entry,) = inbox(view, "agency", agency.scope, today=today)

    assert (entry.due_soon, entry.overdue) == (due_soon, overdue)


def test_inbox_after_reminder_marks_opinion_reminded_until_extended(
    store: Store, view: Any, agency: Actor
) -> None:
    item = store.published_item()
    store.refer(item, agency)
    store.remind(item)
    project(store, view)
    (reminded,) = inbox(view, "agency", agency.scope)
    store.extend(item, due_on=date(2027, 4, 10), remind_on=date(2027, 4, 7))
    project(store, view)

    (extended,) = inbox(view, "agency", agency.scope)

    assert reminded.reminded is True
    assert (extended.reminded, extended.due_soon_on) == (False, date(2027, 4, 7))


def test_inbox_after_opinion_drops_escalation_and_asks_department_to_decide(
    store: Store, view: Any, agency: Actor
) -> None:
    item = store.published_item()
    store.refer(item, agency)
    store.escalate(item)
    store.give_opinion(item, agency, "转移")
    project(store, view)

    assert everyone(view, agency) == nobody(mzj=["decide"])


def test_inbox_after_withdrawal_drops_every_task_of_the_item(
    store: Store, view: Any, agency: Actor
) -> None:
    escalated = store.published_item(name="已上报事项")
    store.refer(escalated, agency)
    store.escalate(escalated)
    draft = store.draft(name="草稿事项").aggregate_id
    project(store, view)
    before = everyone(view, agency)
    store.withdraw(escalated, reason="职能已取消")
    store.withdraw(draft, reason="并入其他事项")
    project(store, view)

    assert before == nobody(mzj=["publish"], agency=["opinion"], committee=["escalation"])
    assert everyone(view, agency) == nobody()


def test_inbox_after_new_version_waits_for_its_publicity_before_referral(
    store: Store, view: Any, agency: Actor
) -> None:
    item = store.published_item()
    store.publish_new_version(item, name="居家养老上门服务")
    project(store, view)
    during_new_publicity = kinds(view, "department", MZJ)
    store.close_publicity(item)
    project(store, view)

    (refer,) = inbox(view, "department", MZJ)

    assert during_new_publicity == []
    assert (refer.kind, refer.title) == ("refer", "440700-2027-0001 居家养老上门服务")


def test_inbox_title_follows_the_renamed_draft(store: Store, view: Any) -> None:
    item = store.draft(name="初稿").aggregate_id
    project(store, view)
    store.revise(item, name="定稿")
    project(store, view)

    assert [e.title for e in inbox(view, "department", MZJ)] == ["440700-2027-0001 定稿"]


def test_inbox_after_approved_retention_asks_nobody(
    store: Store, view: Any, agency: Actor
) -> None:
    item = store.published_item()
    store.refer(item, agency)
    store.give_opinion(item, agency, "保留")
    store.decide(item, "保留", justification="涉及公共安全")
    store.review_retention(item, approved=True, comment="同意")
    project(store, view)

    assert everyone(view, agency) == nobody()


@pytest.mark.parametrize(("nature", "listed"), [("行政许可", True), ("公共服务", False)])
def test_inbox_after_retaining_statutory_or_unlisted_item_asks_nothing_of_committee(
    store: Store, view: Any, agency: Actor, nature: str, listed: bool
) -> None:
    item = store.published_item(nature=nature, provincial_listed=listed)
    store.refer(item, agency)
    store.give_opinion(item, agency, "保留")
    store.decide(item, "保留")
    project(store, view)

    assert everyone(view, agency) == nobody()


# --- order and pages ----------------------------------------------------------------------


def committee_waiting_on(store: Store, agency: Actor) -> dict[str, UUID]:
    """Three escalated referrals due on different days, and a retention with no due date."""
    items: dict[str, UUID] = {}
    for name, due in (("四月一日到期", date(2027, 4, 1)), ("三月二十五日到期", date(2027, 3, 25)),
                      ("三月三十日到期", date(2027, 3, 30))):
        items[name] = store.published_item(name=name)
        store.refer(items[name], agency, due_on=due, remind_on=due)
        store.escalate(items[name])
    items["保留申请"] = store.published_item(name="保留申请")
    store.refer(items["保留申请"], agency)
    store.give_opinion(items["保留申请"], agency, "保留")
    store.decide(items["保留申请"], "保留", justification="涉及公共安全")
    return items


def test_inbox_lists_soonest_due_first_and_undated_last(
    store: Store, view: Any, agency: Actor
) -> None:
    committee_waiting_on(store, agency)
    project(store, view)

    entries = inbox(view, "committee")

    assert [e.title.split(" ", 1)[1] for e in entries] == [
        "三月二十五日到期", "三月三十日到期", "四月一日到期", "保留申请"]
    assert [e.due_on for e in entries] == [
        date(2027, 3, 25), date(2027, 3, 30), date(2027, 4, 1), None]
    assert [e.overdue for e in inbox(view, "committee", today=date(2027, 3, 31))] == [
        True, True, False, False]


def test_inbox_with_same_due_date_lists_longest_waiting_first(
    store: Store, view: Any, agency: Actor
) -> None:
    for name in ("先起草", "后起草", "最后起草"):
        store.draft(name=name)
    project(store, view)

    entries = inbox(view, "department", MZJ)

    assert [e.title.split(" ", 1)[1] for e in entries] == ["先起草", "后起草", "最后起草"]
    since = [e.since for e in entries]
    assert since == sorted(since) and all(isinstance(s, datetime) for s in since)


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 10])
def test_inbox_across_pages_returns_every_entry_once_in_order(
    store: Store, view: Any, agency: Actor, limit: int
) -> None:
    committee_waiting_on(store, agency)
    project(store, view)
    everything = [e.entry_id for e in inbox(view, "committee")]
    paged: list[str] = []
    cursor = None
    pages = 0

    while True:
        page = view.inbox(role="committee", scope=None, today=BEFORE_REMINDER, cursor=cursor,
                          limit=limit)
        paged += [e.entry_id for e in page.data]
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert paged == everything and len(everything) == 4
    assert pages == -(-4 // limit)


@pytest.mark.parametrize("cursor", ["not a cursor!", "zzzz", "WzEsMiwzXQ", ""])
def test_inbox_with_forged_cursor_is_refused_with_field(view: Any, cursor: str) -> None:
    with pytest.raises(InvalidCursorError) as refused:
        view.inbox(role="committee", scope=None, today=BEFORE_REMINDER, cursor=cursor, limit=10)

    assert refused.value.field == "cursor"


def test_inbox_of_an_item_recorded_as_decided_before_govflow_asks_nobody_to_refer_it(
    store: Store, view: Any, agency: Actor
) -> None:
    decided = RecordExistingItem(
        command_id="inbox:existing-decided", actor=officer(MZJ), department=MZJ,
        fields=item_fields(name="既有委托事项", catalogue_year=2026),
        published_on=date(2026, 3, 1), publicity_ends_on=date(2026, 3, 8), mode="委托",
        document="江民〔2026〕12号", recorded_on=date(2026, 11, 1))
    published_only = replace(decided, command_id="inbox:existing-published", mode="",
                             fields=item_fields(name="既有待咨询事项", catalogue_year=2026))
    store.app.record_existing_catalogue_item(decided)
    store.app.record_existing_catalogue_item(published_only)
    project(store, view)

    assert everyone(view, agency) == nobody(mzj=["refer"])
    [waiting] = inbox(view, "department", MZJ)
    assert waiting.title.endswith("既有待咨询事项")
