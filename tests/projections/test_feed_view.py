"""The change feed (信息公开变更), on SQLite and PostgreSQL: one entry per public change,
in log order, with only the public fields of each.

A draft makes no entry until it is published, and then shows only its content as
published; a complaint shows what was complained about, never who complained; every
payload keeps to its event's allow-list, and none of the restricted values of
``tests.restricted_world`` reaches the feed.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from typing import Any
from uuid import UUID

import pytest

from domain.actors import Actor, Role
from domain.catalogue.commands import RecordExistingItem
from domain.organizations.commands import (
    FileComplaint,
    RegisterOrganization,
    ResolveComplaint,
    complaint_id_for,
)
from projections.events import event_values
from projections.feed import PUBLIC_EVENTS, FeedProjection, FeedView
from projections.feed_rows import FeedEntry
from projections.rebuild import rebuild
from projections.sql import json_ready
from projections.views import APPLICATION_NAME
from tests.domain.conftest import item_fields
from tests.projections.conftest import COMMITTEE, MZJ, Store, officer
from tests.projections.test_organization_views import SERVICE, credit_code
from tests.restricted_world import (
    EARLY_DRAFT_NAME,
    PUBLISHED_NAME,
    RESTRICTED,
    write_restricted_world,
)


def feed(store: Store) -> tuple[FeedProjection, FeedView]:
    projection = FeedProjection(view=store.view(FeedProjection))
    return projection, projection.view


def entries_of(view: FeedView, entity: Any) -> list[FeedEntry]:
    return [e for e in view.changes(after=0, limit=10_000) if e.entity_id == entity]


def register_centre(store: Store) -> UUID:
    return store.app.register_organization(RegisterOrganization(
        "feed:organization", COMMITTEE, credit_code(SERVICE, "440703", 77),
        "蓬江区社区互助服务中心", SERVICE, "社会服务类", "养老", "440703", date(2020, 1, 6),
        3)).aggregate_id


# --- catalogue items: public from their publication on ----------------------------------


def test_draft_makes_no_entry_until_published_then_shows_its_published_content(
    store: Store,
) -> None:
    projection, view = feed(store)
    item = store.draft(name=EARLY_DRAFT_NAME).aggregate_id
    store.revise(item, name=PUBLISHED_NAME)
    store.apply_all(projection)
    assert entries_of(view, item) == []

    published = store.publish(item)
    store.close_publicity(item)
    store.apply_all(projection, after=published.notification_id - 1)

    shown = entries_of(view, item)
    assert [(e.event, e.event_label, e.actor_role) for e in shown] == [
        ("Published", "发布", "department"), ("PublicityClosed", "公示结束", "system")]
    assert shown[0].position == published.notification_id
    assert shown[0].payload["name"] == PUBLISHED_NAME
    assert shown[0].payload["publicity_starts_on"] == "2027-03-04"
    assert shown[0].payload["code"].startswith("440700-2027-")
    assert EARLY_DRAFT_NAME not in json.dumps([asdict(e) for e in shown], ensure_ascii=False,
                                              default=str)


def test_withdrawn_draft_never_appears(store: Store) -> None:
    projection, view = feed(store)
    item = store.draft(name="撤回的草稿").aggregate_id
    store.withdraw(item)
    store.apply_all(projection)

    assert entries_of(view, item) == []
    assert view.max_tracking_id(APPLICATION_NAME) == store.app.recorder.max_notification_id()


def test_existing_item_shows_the_budget_it_was_recorded_with_in_its_publication(
    store: Store,
) -> None:
    projection, view = feed(store)
    item = store.app.record_existing_catalogue_item(RecordExistingItem(
        command_id="feed:existing", actor=officer(MZJ), department=MZJ,
        fields=item_fields(name="既有购买事项"), published_on=date(2026, 3, 1),
        publicity_ends_on=date(2026, 3, 8), mode="购买服务", document="江民〔2026〕12号",
        recorded_on=date(2027, 1, 5), budget_fen=40_000_000)).aggregate_id
    store.apply_all(projection)

    shown = entries_of(view, item)
    assert [e.event for e in shown] == ["Published", "PublicityClosed", "Decided"]
    assert (shown[0].payload["budget_fiscal_year"], shown[0].payload["budget_fen"]) == (
        2027, 40_000_000)
    assert shown[2].payload == {"mode": "购买服务", "reason": "既有决定（江民〔2026〕12号）",
                                "departs_from_opinion": False}


# --- complaints: what and how resolved, never who ----------------------------------------


def test_complaint_entries_show_the_complaint_and_outcome_never_the_complainant(
    store: Store,
) -> None:
    projection, view = feed(store)
    centre = register_centre(store)
    filer = Actor(user="zhang.filer", role=Role.ORGANIZATION, scope="another-organization")
    store.app.file_complaint(FileComplaint(
        "feed:complaint", filer, centre, "张三丰", "13900001111", "上门服务迟到", date(2027, 3, 1)))
    store.app.resolve_complaint(ResolveComplaint(
        "feed:resolve", COMMITTEE, centre, complaint_id_for("feed:complaint"), "已约谈整改",
        date(2027, 3, 9)))
    store.apply_all(projection)

    filed, resolved = entries_of(view, centre)[1:]
    assert (filed.event, filed.actor_role, filed.payload) == ("ComplaintFiled", "public", {
        "complaint_id": complaint_id_for("feed:complaint"), "content": "上门服务迟到",
        "filed_on": "2027-03-01"})
    assert (resolved.event, resolved.payload["outcome"]) == ("ComplaintResolved", "已约谈整改")
    text = json.dumps([asdict(e) for e in (filed, resolved)], ensure_ascii=False, default=str)
    for private in ("张三丰", "13900001111", "zhang.filer", "another-organization"):
        assert private not in text


# --- everything at once ----------------------------------------------------------------------


def test_every_entry_keeps_to_its_allow_list_and_no_restricted_value_appears(
    store: Store,
) -> None:
    projection, view = feed(store)
    world = write_restricted_world(store)
    stored = _stored_text(store)
    assert all(value in stored for value in RESTRICTED), "the world lacks a restricted value"

    store.apply_all(projection)

    entries = view.changes(after=0, limit=10_000)
    allowed = {(d.entity_type, kind.__name__): set(d.fields)
               for kind, d in PUBLIC_EVENTS.items()}
    for entry in entries:
        assert set(entry.payload) <= allowed[entry.entity_type, entry.event], entry
        assert entry.actor_role in {role.value for role in Role}
    text = json.dumps([asdict(e) for e in entries], ensure_ascii=False, default=str)
    assert [value for value in RESTRICTED if value in text] == []
    kinds = {(e.entity_type, e.event) for e in entries}
    assert not any(event in {"Drafted", "Revised"} for _, event in kinds)
    assert entries_of(view, world.draft) == []
    assert [e.event for e in entries_of(view, world.escalated)] == [
        "Published", "PublicityClosed", "Referred"]
    assert len(kinds) >= 55, sorted(kinds)  # a little of every public change


def test_staffing_requests_and_numbering_make_no_entry(store: Store) -> None:
    projection, view = feed(store)
    write_restricted_world(store)
    store.apply_all(projection)

    shown = {e.position for e in view.changes(after=0, limit=10_000)}
    notifications = store.app.recorder.select_notifications(start=1, limit=10_000)
    shown_topics = {n.topic for n in notifications if n.id in shown}
    hidden_topics = {n.topic for n in notifications if n.id not in shown}
    assert any("StaffingRequest" in topic for topic in hidden_topics)
    assert any("CatalogueNumbering" in topic for topic in hidden_topics)
    assert not any("StaffingRequest" in topic or "CatalogueNumbering" in topic
                   for topic in shown_topics)


# --- order, paging, exactly once ----------------------------------------------------------------


def test_changes_page_in_position_order_after_the_cursor(store: Store) -> None:
    projection, view = feed(store)
    write_restricted_world(store)
    store.apply_all(projection)
    everything = view.changes(after=0, limit=10_000)

    paged: list[FeedEntry] = []
    cursor = 0
    while page := view.changes(after=cursor, limit=7):
        assert len(page) <= 7
        paged += page
        cursor = page[-1].position

    assert paged == everything
    positions = [e.position for e in everything]
    assert positions == sorted(set(positions))
    with pytest.raises(ValueError, match="limit"):
        view.changes(after=0, limit=0)


def test_process_every_notification_twice_and_rebuild_change_nothing(store: Store) -> None:
    projection, view = feed(store)
    last = write_restricted_world(store).last
    store.apply_all(projection)
    live = view.dump()

    store.apply_all(projection)
    assert view.dump() == live

    applied = rebuild(projection_class=FeedProjection, view=view, application=store.app)
    assert applied == last
    assert view.dump() == live
    assert view.max_tracking_id(APPLICATION_NAME) == last


def _stored_text(store: Store) -> str:
    """Every stored event, as text (the restricted values are there, for the views to
    leave out)."""
    return "\n".join(
        n.topic + json.dumps(json_ready(event_values(store.app.mapper.to_domain_event(n))),
                             ensure_ascii=False)
        for n in store.app.recorder.select_notifications(start=1, limit=10_000))
