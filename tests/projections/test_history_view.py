"""The history view: every event of an item, who did it, when, and what it said."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

from domain.agency.agency import ConsultingAgency
from domain.catalogue.item import CatalogueItem
from domain.catalogue.numbering import CatalogueNumbering
from domain.registry.departments import RegisteredDepartment
from projections.history import EVENT_LABELS, HistoryProjection
from tests.projections.conftest import MZJ, Store


def test_history_of_item_lists_every_event_with_who_when_and_what(store: Store) -> None:
    view = store.view(HistoryProjection)
    drafted = store.draft(name="初稿")
    item = drafted.aggregate_id
    store.revise(item, name="定稿")
    published = store.publish(item)
    store.close_publicity(item)
    withdrawn = store.withdraw(item, reason="职能已调整")
    store.apply_all(HistoryProjection(view=view))

    history = view.history(item)

    assert [(e.event, e.event_label) for e in history] == [
        ("Drafted", "起草"), ("Revised", "修改"), ("Published", "发布"),
        ("PublicityClosed", "公示结束"), ("Withdrawn", "撤回"),
    ]
    assert [(e.actor_user, e.actor_role, e.actor_scope) for e in history] == [
        ("li.wei", "department", MZJ)] * 3 + [("govflow", "system", None),
                                              ("li.wei", "department", MZJ)]
    assert [e.command_id for e in history] == [f"test-command-{n}" for n in range(1, 6)]
    ids = [e.notification_id for e in history]
    assert ids == sorted(ids)
    assert ids[0] <= drafted.notification_id  # a read waiting for the draft sees it
    assert (ids[2], ids[-1]) == (published.notification_id, withdrawn.notification_id)
    times = [e.occurred_at for e in history]
    assert times == sorted(times) and all(t.tzinfo is not None for t in times)
    assert {e.entity_id for e in history} == {item}


def test_history_details_carry_the_events_own_fields_as_json(store: Store) -> None:
    view = store.view(HistoryProjection)
    item = store.draft(name="初稿").aggregate_id
    store.publish(item)
    store.withdraw(item, reason="职能已调整")
    store.apply_all(HistoryProjection(view=view))

    drafted, published, withdrawn = (e.details for e in view.history(item))

    assert drafted["name"] == "初稿" and drafted["code"] == "440700-2027-0001"
    assert drafted["catalogue_year"] == 2027 and drafted["provincial_listed"] is True
    assert published == {"published_at": "2027-03-03T02:00:00+00:00",
                         "publicity_starts_on": "2027-03-04", "publicity_ends_on": "2027-03-10"}
    assert withdrawn == {"reason": "职能已调整"}
    assert not {"actor", "command_id", "originator_id", "timestamp"} & drafted.keys()


def test_history_of_numbering_is_kept_apart_from_the_items(store: Store) -> None:
    view = store.view(HistoryProjection)
    first = store.draft().aggregate_id
    second = store.draft().aggregate_id
    store.apply_all(HistoryProjection(view=view))
    numbering_events = [
        n for n in store.app.recorder.select_notifications(start=1, limit=100)
        if ":CatalogueNumbering." in n.topic
    ]

    numbering = view.history(numbering_events[0].originator_id)

    assert [e.event_label for e in numbering] == ["启用编号序列", "发放编号", "发放编号"]
    assert [e.event for e in view.history(first)] == ["Drafted"]
    assert [e.event for e in view.history(second)] == ["Drafted"]


def test_history_of_unknown_entity_is_empty(store: Store) -> None:
    view: Any = store.view(HistoryProjection)
    store.draft()
    store.apply_all(HistoryProjection(view=view))

    assert view.history(uuid4()) == []


def test_history_of_item_through_the_pipeline_labels_every_step(store: Store) -> None:
    view = store.view(HistoryProjection)
    agency = store.establish_agency()
    item = store.published_item()
    store.publish_new_version(item, name="居家养老上门服务")
    store.close_publicity(item)
    store.allocate_budget(item, amount_fen=12_345_600)
    store.refer(item, agency)
    store.remind(item)
    store.escalate(item)
    store.extend(item, due_on=date(2027, 4, 10), remind_on=date(2027, 4, 7))
    store.give_opinion(item, agency, "保留")
    store.decide(item, "保留", justification="涉及公共安全")
    store.review_retention(item, approved=True, comment="同意保留")
    store.apply_all(HistoryProjection(view=view))

    history = view.history(item)

    assert [e.event_label for e in history] == [
        "起草", "发布", "公示结束", "发布新版本", "公示结束", "安排预算", "提交咨询", "到期提醒",
        "逾期上报", "延长咨询期限", "出具咨询意见", "作出决定", "保留审批"]
    by_label = {e.event_label: e for e in history}
    assert by_label["安排预算"].details == {"fiscal_year": 2027, "amount_fen": 12_345_600}
    assert by_label["延长咨询期限"].details["due_on"] == "2027-04-10"
    assert (by_label["安排预算"].actor_role, by_label["保留审批"].actor_role) == (
        "finance", "committee")


def test_every_event_of_every_aggregate_has_a_chinese_history_label() -> None:
    aggregates = (CatalogueItem, CatalogueNumbering, ConsultingAgency, RegisteredDepartment)
    events = {
        value for aggregate in aggregates for value in vars(aggregate).values()
        if isinstance(value, type) and issubclass(value, aggregate.Event)
        and value is not aggregate.Event and value.__name__ not in {"Created", "Event"}
    }
    unlabelled = sorted(f"{e.__qualname__}" for e in events if e not in EVENT_LABELS)

    assert len(events) >= 20
    assert not unlabelled, f"events shown without a Chinese label: {unlabelled}"
