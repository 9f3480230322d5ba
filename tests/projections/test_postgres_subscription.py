"""The PostgreSQL event store's guarded subscription (govflow.postgres_persistence)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from eventsourcing.persistence import Notification
from psycopg import Cursor
from psycopg.rows import DictRow

from domain.application import GovflowApplication
from govflow.postgres_persistence import GuardedPostgresApplicationRecorder
from tests.projections.conftest import MZJ, Store
from tests.seed import register_departments

pytestmark = pytest.mark.postgres


class NotifyLosingRecorder(GuardedPostgresApplicationRecorder):
    """Records events but never sends NOTIFY: a lost notification, every time."""

    def _notify_channel(self, curs: Cursor[DictRow]) -> None:
        pass


@pytest.fixture
def postgres_env(make_env: Callable[[str], dict[str, str]]) -> dict[str, str]:
    return make_env("postgres")


def test_subscription_receives_event_whose_notify_was_lost(
    postgres_env: dict[str, str],
) -> None:
    reader = GovflowApplication(env=postgres_env)
    writer = GovflowApplication(env={
        **postgres_env, "APPLICATION_RECORDER_TOPIC": f"{__name__}:NotifyLosingRecorder"})
    assert isinstance(writer.recorder, NotifyLosingRecorder)
    registered = register_departments(reader, MZJ)  # as drafting needs
    received: list[Notification] = []
    arrived = threading.Event()

    with reader.recorder.subscribe(gt=registered) as subscription:
        def read() -> None:
            received.append(next(subscription))
            arrived.set()

        thread = threading.Thread(target=read)
        thread.start()
        Store(env=postgres_env, uses_postgres=True, app=writer).draft()
        delivered = arrived.wait(timeout=5)
        subscription.stop()
        thread.join()
    reader.close()
    writer.close()

    assert delivered
    assert received[0].topic == "domain.catalogue.item:CatalogueItem.Drafted"
