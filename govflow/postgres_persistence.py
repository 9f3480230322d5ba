"""PostgreSQL event store with a guarded subscription.

Selected with ``PERSISTENCE_MODULE=govflow.postgres_persistence``.

Subscriptions wake up on LISTEN/NOTIFY as shipped, and also every
``POSTGRES_POLL_SECONDS`` (default 1.0) to select again: a NOTIFY that gets lost
(a known eventsourcing issue) then delays a projection by one interval instead
of stalling it until the next write.

The application recorder also keeps the audit chain (govflow.audit_chain): the links
of a save's events go into ``<events table>_chain`` in the save's own transaction,
once their notification ids are known, while the EXCLUSIVE lock that the shipped
recorder takes on the events table is still held.  In the shipped recorder's pipeline
the select of the last link rides with the insert and the new links with the commit,
so chaining adds no round trip to a save.  A store whose events were recorded
before the chain existed is chained when its tables are created (on start-up).
eventsourcing's ``POSTGRES_ENABLE_DB_FUNCTIONS`` path inserts through a database
function that knows nothing of the chain, so it is refused.

Only ``Factory`` may be an infrastructure factory class in this module's namespace:
eventsourcing picks the one such class it finds here, so the library's factory is
reached through its module, never imported by name.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing import postgres as es_postgres
from eventsourcing.persistence import (
    ApplicationRecorder,
    Notification,
    ProcessRecorder,
    StoredEvent,
    Subscription,
)
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composed, Identifier

from govflow.audit_chain import (
    GENESIS_HEAD,
    ChainBatch,
    ChainHead,
    ChainLink,
    chain_from_genesis,
    chain_links,
)
from govflow.sqlite_persistence import read_poll_seconds

DEFAULT_POLL_SECONDS = 1.0

TRecorder = TypeVar("TRecorder", bound=ApplicationRecorder)


class GuardedPostgresSubscription(es_postgres.PostgresSubscription):
    """The shipped LISTEN/NOTIFY subscription whose wait for a NOTIFY times out."""

    def __init__(
        self,
        recorder: es_postgres.PostgresApplicationRecorder,
        gt: int | None = None,
        topics: Sequence[str] = (),
        *,
        poll_seconds: float = DEFAULT_POLL_SECONDS,
    ) -> None:
        # Set before the base class starts the thread that runs _loop_on_pull.
        self._poll_seconds = poll_seconds
        super().__init__(recorder=recorder, gt=gt, topics=topics)

    def _loop_on_pull(self) -> None:
        # As shipped, except that the wait ends after poll_seconds even without a NOTIFY.
        try:
            self._pull()
            while not self._has_been_stopped:
                self._has_been_notified.wait(timeout=self._poll_seconds)
                self._pull()
        except BaseException as e:
            if self._thread_error is None:
                self._thread_error = e
            self.stop()


CHAIN_BATCH = 500
LAST_LINK = "SELECT position, hash FROM {chain} ORDER BY position DESC LIMIT 1"


class GuardedPostgresApplicationRecorder(es_postgres.PostgresApplicationRecorder):
    """The shipped application recorder whose subscriptions also poll; keeps the audit chain."""

    poll_seconds: float = DEFAULT_POLL_SECONDS

    def __init__(self, datastore: es_postgres.PostgresDatastore, **kwargs: Any) -> None:
        if datastore.enable_db_functions:
            msg = ("POSTGRES_ENABLE_DB_FUNCTIONS is not supported by govflow: events inserted "
                   "by the database function would not be chained into the audit log; "
                   "unset it (or set it to 'no')")
            raise OSError(msg)
        super().__init__(datastore, **kwargs)
        self.chain_table_name = f"{self.events_table_name}_chain"
        self.check_identifier_length(self.chain_table_name)
        self.sql_create_statements.append(self._sql(
            "CREATE TABLE IF NOT EXISTS {chain} ("
            "position bigint PRIMARY KEY, hash bytea NOT NULL)"))
        # Each thread's save hands the cursor of its pending "last link" select from
        # _insert_stored_events to _fetch_ids_after_insert_events.
        self._last_link_cursors = threading.local()

    def subscribe(
        self, gt: int | None = None, topics: Sequence[str] = ()
    ) -> Subscription[ApplicationRecorder]:
        return GuardedPostgresSubscription(
            self, gt=gt, topics=topics, poll_seconds=self.poll_seconds
        )

    # --- the audit chain ------------------------------------------------------------

    def _sql(self, statement: str) -> Composed:
        return SQL(statement).format(
            events=Identifier(self.datastore.schema, self.events_table_name),
            chain=Identifier(self.datastore.schema, self.chain_table_name),
        )

    def create_table(self) -> None:
        super().create_table()
        self._chain_recorded_events()

    def _insert_stored_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        super()._insert_stored_events(curs, stored_events, **kwargs)
        # Queued behind the lock and the insert, so that it travels in the same pipeline
        # sync: the last link before this save's costs no round trip of its own.
        last_link = curs.connection.cursor()
        last_link.execute(self._sql(LAST_LINK), prepare=True)
        self._last_link_cursors.cursor = last_link

    def _fetch_ids_after_insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        notification_ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        with self._last_link_cursors.cursor as last_link:
            previous = self._read_last_link(last_link).hash
        if notification_ids:
            links = chain_links(previous, zip(
                notification_ids, map(self._as_read_back, stored_events), strict=True))
            # Queued, and sent with the transaction's COMMIT: the EXCLUSIVE lock on the
            # events table is held until then, so no other save comes between.
            self._append_links(curs, links)
        return notification_ids

    def chain_head(self) -> ChainHead:
        with self.datastore.transaction(commit=False) as curs:
            return self._last_link(curs)

    def select_chain(self, *, after: int, limit: int) -> ChainBatch:
        with self.datastore.transaction(commit=False) as curs:
            # One snapshot for both selects, so that a save committing in between is
            # seen in both or in neither.
            curs.execute(SQL("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
            events = self._select_events_after(curs, after=after, limit=limit)
            curs.execute(self._sql(
                "SELECT position, hash FROM {chain} WHERE position > %s "
                "ORDER BY position LIMIT %s"), (after, limit), prepare=True)
            links = [ChainLink(position=row["position"], hash=bytes(row["hash"]))
                     for row in curs.fetchall()]
        return ChainBatch(events=events, links=links)

    def _select_events_after(
        self, curs: Cursor[DictRow], *, after: int, limit: int
    ) -> list[Notification]:
        curs.execute(self._sql(
            "SELECT * FROM {events} WHERE notification_id > %s "
            "ORDER BY notification_id LIMIT %s"), (after, limit), prepare=True)
        return [
            Notification(
                id=row["notification_id"], originator_id=row["originator_id"],
                originator_version=row["originator_version"], topic=row["topic"],
                state=bytes(row["state"]),
            )
            for row in curs.fetchall()
        ]

    def _as_read_back(self, event: StoredEvent) -> StoredEvent:
        """The event as a select returns it (the id as the column's type gives it back)."""
        originator_id: UUID | str = event.originator_id
        if self.datastore.originator_id_type == "uuid":
            originator_id = (originator_id if isinstance(originator_id, UUID)
                             else UUID(originator_id))
        else:
            originator_id = str(originator_id)
        return StoredEvent(
            originator_id=originator_id, originator_version=event.originator_version,
            topic=event.topic, state=event.state,
        )

    def _last_link(self, curs: Cursor[DictRow]) -> ChainHead:
        curs.execute(self._sql(LAST_LINK), prepare=True)
        return self._read_last_link(curs)

    @staticmethod
    def _read_last_link(curs: Cursor[DictRow]) -> ChainHead:
        row = curs.fetchone()
        if row is None:
            return GENESIS_HEAD
        return ChainHead(position=row["position"], hash=bytes(row["hash"]))

    def _append_links(self, curs: Cursor[DictRow], links: Sequence[ChainLink]) -> None:
        curs.executemany(
            self._sql("INSERT INTO {chain} (position, hash) VALUES (%s, %s)"),
            [(link.position, link.hash) for link in links])

    def _chain_recorded_events(self) -> None:
        """Chains a store whose events were recorded before it had a chain.

        Only a store whose chain is empty: events after the last link of a chain are not
        chained here, so that verification reports them.
        """
        with self.datastore.transaction(commit=False) as curs:
            if not self._needs_first_chain(curs):
                return
        with self.datastore.transaction(commit=True) as curs:
            self._lock_table(curs)
            if self._needs_first_chain(curs):
                chain_from_genesis(
                    lambda after: self._select_events_after(curs, after=after,
                                                            limit=CHAIN_BATCH),
                    lambda links: self._append_links(curs, links))

    def _needs_first_chain(self, curs: Cursor[DictRow]) -> bool:
        curs.execute(self._sql(
            "SELECT EXISTS (SELECT 1 FROM {chain}) AS chained, "
            "EXISTS (SELECT 1 FROM {events}) AS recorded"))
        row = curs.fetchone()
        assert row is not None  # a SELECT of two EXISTS returns one row
        return bool(row["recorded"]) and not row["chained"]


class GuardedPostgresProcessRecorder(
    GuardedPostgresApplicationRecorder, es_postgres.PostgresProcessRecorder
):
    """The shipped process recorder whose subscriptions also poll; keeps the audit chain."""


class Factory(es_postgres.PostgresFactory):
    """eventsourcing's PostgreSQL factory with guarded subscriptions."""

    POSTGRES_POLL_SECONDS = "POSTGRES_POLL_SECONDS"

    application_recorder_class = GuardedPostgresApplicationRecorder
    process_recorder_class = GuardedPostgresProcessRecorder

    def application_recorder(self) -> ApplicationRecorder:
        # The base honours APPLICATION_RECORDER_TOPIC; a guarded class gets the interval.
        return self._with_poll_seconds(super().application_recorder())

    def process_recorder(self) -> ProcessRecorder:
        return self._with_poll_seconds(super().process_recorder())

    def _with_poll_seconds(self, recorder: TRecorder) -> TRecorder:
        if isinstance(recorder, GuardedPostgresApplicationRecorder):
            recorder.poll_seconds = read_poll_seconds(
                self.env.get(self.POSTGRES_POLL_SECONDS),
                key=self.POSTGRES_POLL_SECONDS, default=DEFAULT_POLL_SECONDS,
            )
        return recorder
