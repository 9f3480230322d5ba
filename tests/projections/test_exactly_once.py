"""Each event changes a view once: repeats change nothing, and a rebuild equals the live view."""

from __future__ import annotations

from typing import Any

import pytest
from eventsourcing.persistence import Notification, Tracking
from eventsourcing.projection import Projection

from projections.catalogue import CatalogueProjection
from projections.history import HistoryProjection
from projections.rebuild import rebuild
from projections.views import APPLICATION_NAME
from tests.projections.conftest import CZJ, Store

PROJECTIONS = [CatalogueProjection, HistoryProjection]


def write_some_history(store: Store) -> int:
    """A little of everything: drafts in two departments, revisions, publication, withdrawal."""
    first = store.draft(name="初稿").aggregate_id
    store.revise(first, name="二稿")
    store.revise(first, name="定稿")
    store.publish(first)
    store.close_publicity(first)
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
    assert "定稿" in {row.name for row in before["catalogue_items"]}
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
    assert view.dump() == {"catalogue_items": []}
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
    assert len(view.dump()["catalogue_items"]) == 4
