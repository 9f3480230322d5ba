"""Projection runners follow the log on both databases; reads can wait for a write.

On SQLite this proves the polling subscription of govflow.sqlite_persistence; on
PostgreSQL the LISTEN/NOTIFY one of govflow.postgres_persistence.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from projections.catalogue import CatalogueProjection
from projections.history import HistoryProjection
from projections.inbox import InboxProjection
from tests.projections.conftest import MZJ, Store


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
