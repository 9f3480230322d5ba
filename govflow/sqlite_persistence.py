"""SQLite event store that projections can follow.

Selected with ``PERSISTENCE_MODULE=govflow.sqlite_persistence``.

eventsourcing 9.5's SQLite application recorder refuses ``subscribe()``, so a
``ProjectionRunner`` cannot follow it as shipped (DESIGN.md §7).  This module's
recorders subscribe by polling ``select_notifications``: a full batch is followed
at once by the next one, otherwise the subscription sleeps ``SQLITE_POLL_SECONDS``
(default 0.2) before asking again.  Polling sees rows committed by any process:
each select runs in its own read transaction on the WAL-mode file that
eventsourcing sets up.

Only ``Factory`` may be an infrastructure factory class in this module's namespace:
eventsourcing picks the one such class it finds here, so the library's factory is
reached through its module, never imported by name.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TypeVar

from eventsourcing import sqlite as es_sqlite
from eventsourcing.persistence import (
    ApplicationRecorder,
    Notification,
    ProcessRecorder,
    Subscription,
)

DEFAULT_POLL_SECONDS = 0.2
SELECT_LIMIT = 500

TRecorder = TypeVar("TRecorder", bound=ApplicationRecorder)


def read_poll_seconds(value: str | None, *, key: str, default: float) -> float:
    """A poll interval from the environment; refused (as eventsourcing does) when invalid."""
    if value is None or not value.strip():
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        msg = f"Environment value for key '{key}' is invalid: {value!r}; expected seconds > 0"
        raise OSError(msg)
    return seconds


class PollingSubscription(Subscription[es_sqlite.SQLiteApplicationRecorder]):
    """Yields the notifications after ``gt``, then waits for new ones by polling."""

    def __init__(
        self,
        recorder: es_sqlite.SQLiteApplicationRecorder,
        gt: int | None = None,
        topics: Sequence[str] = (),
        *,
        poll_seconds: float = DEFAULT_POLL_SECONDS,
    ) -> None:
        super().__init__(recorder=recorder, gt=gt, topics=topics)
        self._poll_seconds = poll_seconds
        # An Event rather than sleep(), so that stop() ends an idle wait at once.
        self._stopping = threading.Event()
        self._batch: Sequence[Notification] = ()
        self._index = 0
        self._caught_up = False

    def stop(self) -> None:
        super().stop()
        self._stopping.set()

    def __next__(self) -> Notification:
        while not self._has_been_stopped and self._index == len(self._batch):
            # After a short batch the log is exhausted: wait before asking again.
            if self._caught_up and self._stopping.wait(self._poll_seconds):
                break
            self._select()
        if self._has_been_stopped:
            raise StopIteration
        notification = self._batch[self._index]
        self._index += 1
        return notification

    def _select(self) -> None:
        batch = self._recorder.select_notifications(
            start=self._last_notification_id or 0,
            limit=SELECT_LIMIT,
            topics=self._topics,
            inclusive_of_start=False,
        )
        self._batch, self._index = batch, 0
        self._caught_up = len(batch) < SELECT_LIMIT
        if batch:
            self._last_notification_id = batch[-1].id


class PollingSQLiteApplicationRecorder(es_sqlite.SQLiteApplicationRecorder):
    """The shipped application recorder, plus a polling ``subscribe()``."""

    poll_seconds: float = DEFAULT_POLL_SECONDS

    def subscribe(
        self, gt: int | None = None, topics: Sequence[str] = ()
    ) -> Subscription[ApplicationRecorder]:
        return PollingSubscription(self, gt=gt, topics=topics, poll_seconds=self.poll_seconds)


class PollingSQLiteProcessRecorder(
    PollingSQLiteApplicationRecorder, es_sqlite.SQLiteProcessRecorder
):
    """The shipped process recorder, plus a polling ``subscribe()``."""


class Factory(es_sqlite.SQLiteFactory):
    """eventsourcing's SQLite factory with recorders that can be subscribed to."""

    SQLITE_POLL_SECONDS = "SQLITE_POLL_SECONDS"

    application_recorder_class = PollingSQLiteApplicationRecorder
    process_recorder_class = PollingSQLiteProcessRecorder

    def application_recorder(self) -> ApplicationRecorder:
        # The base honours APPLICATION_RECORDER_TOPIC; a polling class gets the interval.
        return self._with_poll_seconds(super().application_recorder())

    def process_recorder(self) -> ProcessRecorder:
        return self._with_poll_seconds(super().process_recorder())

    def _with_poll_seconds(self, recorder: TRecorder) -> TRecorder:
        if isinstance(recorder, PollingSQLiteApplicationRecorder):
            recorder.poll_seconds = read_poll_seconds(
                self.env.get(self.SQLITE_POLL_SECONDS),
                key=self.SQLITE_POLL_SECONDS, default=DEFAULT_POLL_SECONDS,
            )
        return recorder
