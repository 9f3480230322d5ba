"""Each event changes a view once: repeats change nothing, and a rebuild equals the live view."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from eventsourcing.persistence import Notification, Tracking
from eventsourcing.projection import Projection

from projections.agencies import AgenciesProjection
from projections.catalogue import CatalogueProjection
from projections.departments import DepartmentsProjection
from projections.history import HistoryProjection
from projections.inbox import InboxProjection
from projections.rebuild import rebuild
from projections.views import APPLICATION_NAME
from tests.projections.conftest import CZJ, Store

PROJECTIONS = [CatalogueProjection, HistoryProjection, InboxProjection, DepartmentsProjection,
               AgenciesProjection]
ITEMS_IN_HISTORY = 4


def write_some_history(store: Store) -> int:
    """A little of everything: drafts in two departments, revisions, a new version, the
    whole pipeline to a rejected retention and a second decision, a retention waiting
    for the committee, a withdrawal, and a draft left waiting."""
    agency = store.establish_agency()
    first = store.draft(name="初稿").aggregate_id
    store.revise(first, name="二稿")
    store.revise(first, name="定稿")
    store.publish(first)
    store.close_publicity(first)
    store.publish_new_version(first, name="定稿（第二版）")
    store.close_publicity(first)
    store.allocate_budget(first)
    store.refer(first, agency)
    store.remind(first)
    store.escalate(first)
    store.extend(first, due_on=date(2027, 4, 10), remind_on=date(2027, 4, 7))
    store.give_opinion(first, agency, "保留")
    store.decide(first, "保留", justification="暂无合格承接主体")
    store.review_retention(first, approved=False, comment="已有社会组织可承接，应予转移")
    store.decide(first, "转移", reason="按市社工委意见转移")
    pending = store.published_item(name="保留事项")
    store.refer(pending, agency)
    store.give_opinion(pending, agency, "保留")
    store.decide(pending, "保留", justification="涉及公共安全")
    second = store.draft(CZJ, name="财政事项").aggregate_id
    store.withdraw(second, CZJ)
    store.draft(name="2028事项", catalogue_year=2028)
    return store.app.recorder.max_notification_id() or 0


def projected(store: Store, projection_class: type[Projection[Any]]) -> Projection[Any]:
    """A projection whose view has applied ``write_some_history`` event by event."""
    projection = projection_class(view=store.view(projection_class))
    write_some_history(store)
    store.apply_all(projection)
    return projection


def notification_of(store: Store, event_name: str, nth: int = 0) -> Notification:
    found = [
        n for n in store.app.recorder.select_notifications(start=1, limit=1000)
        if n.topic.endswith(f".{event_name}")
    ]
    return found[nth]


def process(store: Store, projection: Projection[Any], notification: Notification) -> None:
    projection.process_event(store.app.mapper.to_domain_event(notification),
                             Tracking(APPLICATION_NAME, notification.id))


def test_process_same_revision_twice_keeps_latest_name(store: Store) -> None:
    projection = projected(store, CatalogueProjection)
    before = projection.view.dump()

    process(store, projection, notification_of(store, "Revised", 0))  # renamed it to 二稿

    assert projection.view.dump() == before
    assert "定稿（第二版）" in {row.name for row in before["catalogue_items"]}
    assert projection.view.max_tracking_id(APPLICATION_NAME) == (
        store.app.recorder.max_notification_id())


@pytest.mark.parametrize("projection_class", PROJECTIONS)
def test_process_every_notification_twice_changes_nothing(
    store: Store, projection_class: type[Projection[Any]]
) -> None:
    projection = projected(store, projection_class)
    before = projection.view.dump()

    store.apply_all(projection)

    assert projection.view.dump() == before


def test_process_numbering_event_advances_position_without_changing_rows(store: Store) -> None:
    projection = CatalogueProjection(view=store.view(CatalogueProjection))
    store.draft()
    process(store, projection, notification_of(store, "Drafted"))
    rows = projection.view.dump()
    started = notification_of(store, "Started")

    process(store, projection, started)

    assert projection.view.dump() == rows
    assert projection.view.caught_up(started.id, timeout=0.1) is True


@pytest.mark.parametrize("projection_class", PROJECTIONS)
def test_rebuild_from_zero_yields_exactly_the_live_view(
    store: Store, projection_class: type[Projection[Any]]
) -> None:
    view = store.view(projection_class)
    with store.running():
        last = write_some_history(store)
        assert view.caught_up(last, timeout=10)
    live = view.dump()

    applied = rebuild(projection_class=projection_class, view=view, application=store.app)

    assert applied == last
    assert view.dump() == live
    assert any(live.values())
    assert view.max_tracking_id(APPLICATION_NAME) == last


def test_rebuild_in_small_batches_repairs_an_emptied_view(store: Store) -> None:
    projection = projected(store, CatalogueProjection)
    view: Any = projection.view
    good = view.dump()
    last = store.app.recorder.max_notification_id()
    view.reset()  # as if the view's tables were lost
    assert not any(view.dump().values())
    assert not view.caught_up(last, timeout=0.05)

    applied = rebuild(projection_class=CatalogueProjection, view=view, application=store.app,
                      batch_size=3)

    assert applied == last
    assert view.dump() == good


def test_rebuild_then_runner_continues_with_new_events(store: Store) -> None:
    view = store.view(CatalogueProjection)
    write_some_history(store)
    rebuild(projection_class=CatalogueProjection, view=view, application=store.app)

    with store.running():
        later = store.draft(name="重建后起草")
        assert view.caught_up(later.notification_id, timeout=10)

    assert view.get_item(later.aggregate_id).name == "重建后起草"
    assert len(view.dump()["catalogue_items"]) == ITEMS_IN_HISTORY + 1


def test_rebuild_of_view_with_tables_of_an_older_version_recreates_them(store: Store) -> None:
    projection = projected(store, CatalogueProjection)
    view: Any = projection.view
    good = view.dump()
    with view.datastore.transaction(commit=True) as c:  # as an older version created it
        c.execute(f"ALTER TABLE {view.dialect.qualified('catalogue_items')} "
                  "DROP COLUMN budget_fen")

    rebuild(projection_class=CatalogueProjection, view=view, application=store.app)

    assert view.dump() == good
    assert {row.budget_fen for row in good["catalogue_items"]} == {None, 50_000_000}
