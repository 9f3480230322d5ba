"""SQLite event store that projections can follow.

Selected with ``PERSISTENCE_MODULE=govflow.sqlite_persistence``.

eventsourcing 9.5's SQLite application recorder refuses ``subscribe()``, so a
``ProjectionRunner`` cannot follow it as shipped (DESIGN.md §7).  This module's
recorders subscribe by polling ``select_notifications``: a full batch is followed
at once by the next one, otherwise the subscription sleeps ``SQLITE_POLL_SECONDS``
(default 0.2) before asking again.  Polling sees rows committed by any process:
each select runs in its own read transaction on the WAL-mode file that
eventsourcing sets up.

The application recorder also keeps the audit chain (govflow.audit_chain): the links
of a save's events go into ``<events table>_chain`` in the save's own transaction,
after its events were inserted, so SQLite's write lock orders them as it orders the
events.  A store whose events were recorded before the chain existed is chained when
its tables are created (on start-up).

Only ``Factory`` may be an infrastructure factory class in this module's namespace:
eventsourcing picks the one such class it finds here, so the library's factory is
reached through its module, never imported by name.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing import sqlite as es_sqlite
from eventsourcing.persistence import (
    ApplicationRecorder,
    Notification,
    ProcessRecorder,
    StoredEvent,
    Subscription,
)

from govflow.audit_chain import (
    GENESIS_HEAD,
    ChainBatch,
    ChainHead,
    ChainLink,
    chain_from_genesis,
    chain_links,
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
    """The shipped application recorder, plus a polling ``subscribe()`` and the audit chain."""

    poll_seconds: float = DEFAULT_POLL_SECONDS

    def subscribe(
        self, gt: int | None = None, topics: Sequence[str] = ()
    ) -> Subscription[ApplicationRecorder]:
        return PollingSubscription(self, gt=gt, topics=topics, poll_seconds=self.poll_seconds)

    # --- the audit chain ------------------------------------------------------------

    @property
    def chain_table_name(self) -> str:
        return f"{self.events_table_name}_chain"

    def construct_create_table_statements(self) -> list[str]:
        statements = super().construct_create_table_statements()
        statements.append(
            f"CREATE TABLE IF NOT EXISTS {self.chain_table_name} ("
            "position INTEGER PRIMARY KEY, hash BLOB NOT NULL)"
        )
        return statements

    def create_table(self) -> None:
        super().create_table()
        self._chain_recorded_events()

    def _insert_events(
        self, c: es_sqlite.SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        # Runs in the save's transaction after its first insert: SQLite's write lock is
        # held, so no other writer can come between the last link and these.
        notification_ids = super()._insert_events(c, stored_events, **kwargs)
        if notification_ids:
            self._append_links(c, chain_links(
                self._last_link(c).hash,
                zip(notification_ids, map(self._as_read_back, stored_events), strict=True),
            ))
        return notification_ids

    def chain_head(self) -> ChainHead:
        with self.datastore.transaction(commit=False) as c:
            return self._last_link(c)

    def select_chain(self, *, after: int, limit: int) -> ChainBatch:
        # One read transaction: on the WAL file both selects see the same snapshot.
        with self.datastore.transaction(commit=False) as c:
            events = self._select_events_after(c, after, limit=limit)
            c.execute(
                f"SELECT position, hash FROM {self.chain_table_name} "
                "WHERE position > ? ORDER BY position LIMIT ?", (after, limit))
            links = [ChainLink(position=row["position"], hash=bytes(row["hash"]))
                     for row in c.fetchall()]
        return ChainBatch(events=events, links=links)

    def _select_events_after(
        self, c: es_sqlite.SQLiteCursor, after: int, *, limit: int = SELECT_LIMIT
    ) -> list[Notification]:
        c.execute(f"SELECT rowid, * FROM {self.events_table_name} "
                  "WHERE rowid > ? ORDER BY rowid LIMIT ?", (after, limit))
        return [
            Notification(
                id=row["rowid"], originator_id=self.convert_originator_id(row["originator_id"]),
                originator_version=row["originator_version"], topic=row["topic"],
                state=bytes(row["state"]),
            )
            for row in c.fetchall()
        ]

    def _as_read_back(self, event: StoredEvent) -> StoredEvent:
        """The event as a select returns it (a UUID id is stored as its hex)."""
        originator_id = event.originator_id
        stored = originator_id.hex if isinstance(originator_id, UUID) else originator_id
        return StoredEvent(
            originator_id=self.convert_originator_id(stored),
            originator_version=event.originator_version, topic=event.topic, state=event.state,
        )

    def _last_link(self, c: es_sqlite.SQLiteCursor) -> ChainHead:
        c.execute(f"SELECT position, hash FROM {self.chain_table_name} "
                  "ORDER BY position DESC LIMIT 1")
        row = c.fetchone()
        if row is None:
            return GENESIS_HEAD
        return ChainHead(position=row["position"], hash=bytes(row["hash"]))

    def _append_links(self, c: es_sqlite.SQLiteCursor, links: Sequence[ChainLink]) -> None:
        c.executemany(f"INSERT INTO {self.chain_table_name} (position, hash) VALUES (?, ?)",
                      [(link.position, link.hash) for link in links])

    def _chain_recorded_events(self) -> None:
        """Chains a store whose events were recorded before it had a chain.

        Only a store whose chain is empty: events after the last link of a chain are not
        chained here, so that verification reports them.
        """
        with self.datastore.transaction(commit=False) as c:
            if not self._needs_first_chain(c):
                return
        with self._write_locked() as c:
            if self._needs_first_chain(c):
                chain_from_genesis(lambda after: self._select_events_after(c, after),
                                   lambda links: self._append_links(c, links))

    def _needs_first_chain(self, c: es_sqlite.SQLiteCursor) -> bool:
        c.execute(f"SELECT EXISTS (SELECT 1 FROM {self.chain_table_name}) AS chained, "
                  f"EXISTS (SELECT 1 FROM {self.events_table_name}) AS recorded")
        row = c.fetchone()
        return bool(row["recorded"]) and not row["chained"]

    @contextmanager
    def _write_locked(self) -> Iterator[es_sqlite.SQLiteCursor]:
        """A transaction that holds SQLite's write lock from its start (BEGIN IMMEDIATE)."""
        with self.datastore.get_connection(commit=True) as connection:
            cursor = connection.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                yield cursor
            except BaseException:
                connection.rollback()
                raise
            connection.commit()


class PollingSQLiteProcessRecorder(
    PollingSQLiteApplicationRecorder, es_sqlite.SQLiteProcessRecorder
):
    """The shipped process recorder, plus a polling ``subscribe()`` and the audit chain."""


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
