"""Projection runners follow the log on both databases; reads can wait for a write.

On SQLite this proves the polling subscription of govflow.sqlite_persistence; on
PostgreSQL the LISTEN/NOTIFY one of govflow.postgres_persistence.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import pytest
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection, ProjectionRunner

from domain.actors import Actor, Role
from domain.catalogue.classification import MOF_102_LEVEL1, Classification
from domain.catalogue.item import CatalogueItem
from projections.catalogue import CatalogueProjection
from projections.history import HistoryProjection
from projections.inbox import InboxProjection
from projections.runners import BatchingProjectionRunner, apply_batch, start_runners, stop_runners
from tests.projections.conftest import MZJ, Store

ITEM_PROJECTIONS = (CatalogueProjection, HistoryProjection, InboxProjection)


def test_runners_follow_new_events_into_every_view(store: Store) -> None:
    catalogue = store.view(CatalogueProjection)
    history = store.view(HistoryProjection)
    inbox = store.view(InboxProjection)
    with store.running():
        drafted = store.draft(name="居家养老服务")
        assert catalogue.caught_up(drafted.notification_id, timeout=10)
        assert catalogue.get_item(drafted.aggregate_id).status_label == "草稿"
        assert inbox.caught_up(drafted.notification_id, timeout=10)
        draft_tasks = inbox.inbox(role="department", scope=MZJ, today=date(2027, 3, 1),
                                  cursor=None, limit=10).data

        published = store.publish(drafted.aggregate_id)
        assert catalogue.caught_up(published.notification_id, timeout=10)
        assert history.caught_up(published.notification_id, timeout=10)
        assert inbox.caught_up(published.notification_id, timeout=10)

    assert catalogue.get_item(drafted.aggregate_id).status_label == "公示中"
    assert [e.event_label for e in history.history(drafted.aggregate_id)] == ["起草", "发布"]
    assert [task.kind for task in draft_tasks] == ["publish"]
    assert inbox.inbox(role="department", scope=MZJ, today=date(2027, 3, 1), cursor=None,
                       limit=10).data == []


def test_runners_restarted_after_a_pause_catch_up_from_where_they_stopped(
    store: Store,
) -> None:
    catalogue = store.view(CatalogueProjection)
    with store.running():
        before = store.draft(name="停机前")
        assert catalogue.caught_up(before.notification_id, timeout=10)
    during = store.draft(name="停机期间")
    assert not catalogue.caught_up(during.notification_id, timeout=0.2)

    with store.running():
        assert catalogue.caught_up(during.notification_id, timeout=10)

    assert catalogue.get_item(during.aggregate_id).name == "停机期间"
    assert len(catalogue.dump()["catalogue_items"]) == 2


def test_caught_up_before_processing_returns_false_after_timeout(store: Store) -> None:
    catalogue: Any = store.view(CatalogueProjection)
    drafted = store.draft()

    started = time.monotonic()
    answer = catalogue.caught_up(drafted.notification_id, timeout=0.3)

    assert answer is False
    assert time.monotonic() - started >= 0.3
    assert catalogue.get_item(drafted.aggregate_id) is None


def test_caught_up_after_processing_returns_true_at_once(store: Store) -> None:
    catalogue: Any = store.view(CatalogueProjection)
    drafted = store.draft()
    store.apply_all(CatalogueProjection(view=catalogue))

    started = time.monotonic()
    answer = catalogue.caught_up(drafted.notification_id, timeout=5)

    assert answer is True
    assert time.monotonic() - started < 1
    assert catalogue.get_item(drafted.aggregate_id) is not None


# --- batched processing ------------------------------------------------------------


def _bulk_and_single_events(store: Store, items: int = 40) -> int:
    """Drafts saved at once, then single commands on some of them; the last position."""
    actor = Actor(user="li.wei", role=Role.DEPARTMENT, scope=MZJ)
    drafts = [
        CatalogueItem.draft(
            code=f"440700-2030-{n:04d}", command_id=f"bulk-{n}", actor=actor, department=MZJ,
            name=f"第{n}号辅助性事务", description=f"事项说明{n}", catalogue_year=2030,
            classification=Classification("公共服务", "社会服务", "综合服务"),
            nature="公共服务", provincial_listed=False, level1_set=MOF_102_LEVEL1,
        )
        for n in range(items)
    ]
    store.app.save(*drafts)
    store.revise(drafts[1].id, name="改过名的事项")
    store.withdraw(drafts[2].id)
    store.published_item(name="单独起草并发布")
    return store.publish(drafts[0].id).notification_id


def _dumps_when_caught_up(store: Store, runner_class: Any, last: int) -> dict[str, Any]:
    runners = start_runners(env=store.env, uses_postgres=store.uses_postgres,
                            runner_class=runner_class)
    try:
        views = {r.projection.name: r.view for r in runners}
        for projection in ITEM_PROJECTIONS:
            assert views[projection.name].caught_up(last, timeout=30), projection.name
        return {p.name: views[p.name].dump() for p in ITEM_PROJECTIONS}
    finally:
        stop_runners(runners)


def test_batched_runners_build_the_same_views_as_per_event_runners(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small batches, so that batch boundaries fall inside the bulk save and between commands.
    monkeypatch.setattr(BatchingProjectionRunner, "batch_size", 7)
    last = _bulk_and_single_events(store)
    per_event = _dumps_when_caught_up(store, ProjectionRunner, last)
    for projection in ITEM_PROJECTIONS:
        store.view(projection).reset()

    batched = _dumps_when_caught_up(store, BatchingProjectionRunner, last)

    assert batched == per_event
    assert len(batched["catalogue"]["catalogue_items"]) == 41


def test_a_single_event_after_idling_is_applied_promptly(store: Store) -> None:
    catalogue = store.view(CatalogueProjection)
    with store.running():
        first = store.draft(name="先到的事项")
        assert catalogue.caught_up(first.notification_id, timeout=10)
        time.sleep(1.0)  # Idle: the runner waits for the subscription.

        started = time.monotonic()
        single = store.draft(name="空闲后的事项")
        assert catalogue.caught_up(single.notification_id, timeout=5)
        elapsed = time.monotonic() - started

    # The poll interval is 0.05 s on SQLite, 0.2 s on PostgreSQL (which also has NOTIFY).
    assert elapsed < 1.0, elapsed
    assert catalogue.get_item(single.aggregate_id).name == "空闲后的事项"


class _FailingAt:
    """A projection that fails (as a crash would) when given the event at ``position``."""

    def __init__(self, projection: Projection[Any], position: int) -> None:
        self.view = projection.view
        self._projection = projection
        self._position = position

    def process_event(self, event: Any, tracking: Tracking) -> None:
        if tracking.notification_id == self._position:
            raise RuntimeError("crash in the middle of a batch")
        self._projection.process_event(event, tracking)


def test_a_retried_batch_is_applied_exactly_once(store: Store) -> None:
    last = _bulk_and_single_events(store, items=20)
    notifications = store.app.recorder.select_notifications(
        start=0, limit=1000, topics=CatalogueProjection.topics, inclusive_of_start=False)
    view: Any = store.view(CatalogueProjection)
    projection = CatalogueProjection(view=view)

    def offer(projection: Any, offered: Any) -> None:
        apply_batch(projection=projection, app_name=store.app.name, mapper=store.app.mapper,
                    notifications=offered)

    # A crash in the middle of a batch rolls the whole batch back.
    with pytest.raises(RuntimeError, match="crash"):
        offer(_FailingAt(projection, notifications[5].id), notifications[:10])
    assert view.max_tracking_id(store.app.name) is None
    assert view.dump()["catalogue_items"] == []

    offer(projection, notifications[:10])
    offer(projection, notifications[:10])  # The same batch offered again.
    offer(projection, notifications[5:])  # A batch overlapping what was applied.
    offer(projection, notifications)  # Everything again.
    batched = view.dump()
    assert view.max_tracking_id(store.app.name) == last

    view.reset()
    store.apply_all(projection)
    assert batched == view.dump()
    assert len(batched["catalogue_items"]) == 21
