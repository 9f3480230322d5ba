"""The polling subscription of govflow.sqlite_persistence: prompt, batched, cross-process."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from eventsourcing.persistence import (
    ApplicationRecorder,
    InfrastructureFactory,
    Notification,
    StoredEvent,
    Subscription,
)
from eventsourcing.utils import Environment

from domain.application import GovflowApplication
from tests.projections.conftest import MZJ, sqlite_env
from tests.seed import register_departments


def factory(tmp_path: Path, **extra: str) -> InfrastructureFactory:
    return InfrastructureFactory.construct(Environment("govflow", {**sqlite_env(tmp_path),
                                                                   **extra}))


@pytest.fixture
def recorder(tmp_path: Path) -> Iterator[ApplicationRecorder]:
    f = factory(tmp_path, SQLITE_POLL_SECONDS="30")
    yield f.application_recorder()
    f.close()


def insert(recorder: ApplicationRecorder, count: int) -> None:
    recorder.insert_events([
        StoredEvent(originator_id=uuid4(), originator_version=1, topic="test:Event",
                    state=b"{}")
        for _ in range(count)
    ])


def consume(subscription: Subscription[ApplicationRecorder], into: list[Notification]) -> None:
    into.extend(subscription)


def take(
    subscription: Subscription[ApplicationRecorder], count: int, timeout: float = 10
) -> list[Notification]:
    """The first ``count`` notifications, or fewer if they do not come within ``timeout``."""
    received: list[Notification] = []

    def read() -> None:
        for notification in subscription:
            received.append(notification)
            if len(received) == count:
                return

    reader = threading.Thread(target=read)
    reader.start()
    reader.join(timeout)
    if reader.is_alive():
        subscription.stop()
        reader.join()
    return received


def test_subscribe_after_position_yields_only_later_events_in_order(
    recorder: ApplicationRecorder,
) -> None:
    insert(recorder, 5)
    with recorder.subscribe(gt=2) as subscription:
        received = take(subscription, 3)

    assert [n.id for n in received] == [3, 4, 5]


def test_subscription_with_full_batches_reads_on_without_waiting(
    recorder: ApplicationRecorder,
) -> None:
    insert(recorder, 1234)  # two full batches of 500 and a short one; poll interval 30 s
    started = time.monotonic()

    with recorder.subscribe() as subscription:
        received = take(subscription, 1234)

    assert [n.id for n in received] == list(range(1, 1235))
    assert time.monotonic() - started < 5


def test_stop_idle_subscription_ends_iteration_promptly(recorder: ApplicationRecorder) -> None:
    insert(recorder, 2)
    received: list[Notification] = []
    with recorder.subscribe() as subscription:
        reader = threading.Thread(target=consume, args=(subscription, received))
        reader.start()
        time.sleep(0.3)  # both events read; now sleeping for the 30 s poll interval
        started = time.monotonic()
        subscription.stop()
        reader.join(timeout=5)

    assert not reader.is_alive()
    assert time.monotonic() - started < 1
    assert [n.id for n in received] == [1, 2]


def test_subscription_sees_events_another_process_writes(tmp_path: Path) -> None:
    f = factory(tmp_path, SQLITE_POLL_SECONDS="0.05")
    recorder = f.application_recorder()
    registry = GovflowApplication(env=sqlite_env(tmp_path))
    registered = register_departments(registry, MZJ)
    registry.close()
    writer = (
        "import json, sys\n"
        "from domain.application import GovflowApplication\n"
        "from tests.projections.conftest import Store\n"
        "app = GovflowApplication(env=json.loads(sys.argv[1]))\n"
        "Store(env={}, uses_postgres=False, app=app).draft(name='另一进程起草')\n"
        "app.close()\n"
    )
    with recorder.subscribe(gt=registered) as subscription:
        subprocess.run([sys.executable, "-c", writer, json.dumps(sqlite_env(tmp_path))],
                       check=True, cwd=Path(__file__).parents[2], timeout=60)
        topics = [n.topic for n in take(subscription, 3)]
    f.close()

    assert topics[0] == "domain.catalogue.item:CatalogueItem.Drafted"
    assert {t.rsplit(".", 1)[-1] for t in topics[1:]} == {"Started", "Issued"}
