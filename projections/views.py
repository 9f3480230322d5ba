"""The base of every view: a tracking recorder whose writes happen exactly once.

Each write commits together with the tracking record of the event that caused it
(DESIGN.md §2).  The tracking record is written *first*: on SQLite that takes the
write lock before anything is read, and on PostgreSQL it locks the view's
tracking row, so two processes following the same log apply each event once.
A second attempt at an event fails on the tracking record and rolls back whole.
"""

from __future__ import annotations

import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar, cast

from eventsourcing.persistence import IntegrityError, Tracking, TrackingRecorder
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteCursor, SQLiteDatastore, SQLiteTrackingRecorder
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composed

from domain.application import GovflowApplication
from projections.sql import Dialect, PostgresDialect, SqlCursor, SQLiteDialect, Table

APPLICATION_NAME = GovflowApplication.name
"""The application whose log every view follows."""


@dataclass
class _Batch:
    cursor: SqlCursor
    track_each: bool = False
    last: Tracking | None = None


class TrackedView(TrackingRecorder, ABC):
    """A view with its own tables; subclasses add the backend (SQLite or PostgreSQL)."""

    projection_name: ClassVar[str]
    tables: ClassVar[tuple[Table, ...]]
    tracking_table_name: str
    dialect: Dialect
    # A SQLiteDatastore or a PostgresDatastore: both open transactions and close alike.
    datastore: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A rebuild's batch belongs to the thread that opened it.
        self._batches = threading.local()

    @abstractmethod
    def _track(self, c: SqlCursor, tracking: Tracking) -> None:
        """Record ``tracking`` in the open transaction; IntegrityError if not ahead."""

    def _transaction(self, *, commit: bool) -> AbstractContextManager[SqlCursor]:
        transaction: AbstractContextManager[SqlCursor] = self.datastore.transaction(commit=commit)
        return transaction

    def close(self) -> None:
        """Close the view's database connections."""
        self.datastore.close()

    # --- writes ----------------------------------------------------------------

    def skip(self, tracking: Tracking) -> None:
        """Move past an event this view does not show, so that waiting for it ends."""
        self._apply(tracking, _nothing)

    def _write(
        self, tracking: Tracking, table: Table, sql: str, params: Mapping[str, Any]
    ) -> None:
        self._apply(tracking, lambda c: self._execute(c, table, sql, params))

    def _apply(self, tracking: Tracking, write: Callable[[SqlCursor], None]) -> None:
        batch: _Batch | None = getattr(self._batches, "current", None)
        if batch is not None:
            if batch.track_each:
                self._track(batch.cursor, tracking)
            write(batch.cursor)
            batch.last = tracking
            return
        try:
            with self._transaction(commit=True) as c:
                self._track(c, tracking)
                write(c)
        except IntegrityError:
            if self.has_tracking_id(tracking.application_name, tracking.notification_id):
                return  # Applied before: this attempt rolled back and changed nothing.
            raise

    @contextmanager
    def batch(self, *, track_each: bool = False) -> Iterator[None]:
        """Apply many events in one transaction that also records the last one's position.

        For rebuilds: much faster than a commit per event, and still exactly once,
        because the batch and its tracking record commit (or roll back) together.

        ``track_each`` (for live runners) records every event's tracking record, first,
        as a single write does: the first write takes the write lock, and an event that
        another process applied meanwhile fails the batch whole (IntegrityError).
        """
        with self._transaction(commit=True) as c:
            batch = _Batch(cursor=c, track_each=track_each)
            self._batches.current = batch
            try:
                yield
            finally:
                self._batches.current = None
            if batch.last is not None and not batch.track_each:
                self._track(c, batch.last)

    def reset(self) -> None:
        """Empty the view and forget how far it got, in one transaction (for a rebuild).

        The tables are dropped and created anew, so that a rebuild also brings a view
        whose tables an older version created up to the current columns and indexes.
        """
        with self._transaction(commit=True) as c:
            for table in reversed(self.tables):
                for statement in self.dialect.drop_statements(table):
                    c.execute(statement)
            for table in self.tables:
                for statement in self.dialect.create_statements(table):
                    c.execute(statement)
            tracking = self.dialect.qualified(self.tracking_table_name)
            c.execute(
                self.dialect.placeholders(f"DELETE FROM {tracking} WHERE application_name = :app"),
                {"app": APPLICATION_NAME},
            )

    # --- reads -----------------------------------------------------------------

    def caught_up(self, notification_id: int, timeout: float) -> bool:
        """Wait at most ``timeout`` seconds for the view to apply ``notification_id``."""
        if notification_id <= 0:
            return True
        try:
            self.wait(APPLICATION_NAME, notification_id, timeout=timeout)
        except TimeoutError:
            return False
        return True

    def dump(self) -> dict[str, list[Any]]:
        """Every row of every table in key order (to compare a rebuild with the live view)."""
        return {
            table.name: self._select(table, f"SELECT * FROM {{table}} ORDER BY {table.key}", {})
            for table in self.tables
        }

    def _select(self, table: Table, sql: str, params: Mapping[str, Any]) -> list[Any]:
        with self._transaction(commit=False) as c:
            return self._fetch(c, table, sql, params)

    def _fetch(self, c: SqlCursor, table: Table, sql: str, params: Mapping[str, Any]
               ) -> list[Any]:
        """Rows of ``table`` read in an open transaction (a write that depends on them)."""
        self._execute(c, table, sql, params)
        return [self.dialect.row(table, row) for row in c.fetchall()]

    def _plan(self, table: Table, sql: str, params: Mapping[str, Any]) -> str:
        """How the database would run a read: which indexes it uses, one step a line."""
        with self._transaction(commit=False) as c:
            self._execute(c, table, f"{self.dialect.explain} {sql}", params)
            return "\n".join(str(row[self.dialect.plan_column]) for row in c.fetchall())

    def _execute(self, c: SqlCursor, table: Table, sql: str, params: Mapping[str, Any]) -> None:
        c.execute(self.dialect.statement(table, sql), self.dialect.params(table, params))


def _nothing(_: SqlCursor) -> None:
    pass


class SQLiteTrackedView(TrackedView, SQLiteTrackingRecorder):
    """A view in SQLite.

    Its tracking table is ``<projection>_tracking`` rather than the library's
    ``tracking``, so that several views may share one file without sharing (and
    corrupting) one position.
    """

    dialect: Dialect = SQLiteDialect()

    def __init__(self, datastore: SQLiteDatastore, **kwargs: Any) -> None:
        # Needed by construct_create_table_statements(), which the base __init__ calls.
        self.tracking_table_name = f"{self.projection_name}_tracking"
        super().__init__(datastore, **kwargs)
        self.insert_tracking_statement = self._own_tracking(self.insert_tracking_statement)
        self.select_max_tracking_id_statement = self._own_tracking(
            self.select_max_tracking_id_statement
        )

    def construct_create_table_statements(self) -> list[str]:
        statements = [self._own_tracking(s) for s in super().construct_create_table_statements()]
        for table in self.tables:
            statements += self.dialect.create_statements(table)
        return statements

    def _own_tracking(self, statement: str) -> str:
        return re.sub(r"\btracking\b", self.tracking_table_name, statement)

    def _track(self, c: SqlCursor, tracking: Tracking) -> None:
        self._insert_tracking(cast(SQLiteCursor, c), tracking)


class PostgresTrackedView(TrackedView, PostgresTrackingRecorder):
    """A view in PostgreSQL, in the event store's schema.

    Its tracking table is ``<projection>_tracking`` whatever the factory's
    environment is called (the factory would name it after that), so that two
    views never share one position.
    """

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        kwargs["tracking_table_name"] = f"{self.projection_name}_tracking"
        super().__init__(datastore, **kwargs)
        self.dialect = PostgresDialect(self.datastore.schema)
        for table in self.tables:
            self.sql_create_statements += [
                Composed([SQL(statement)]) for statement in self.dialect.create_statements(table)
            ]

    def _track(self, c: SqlCursor, tracking: Tracking) -> None:
        self._insert_tracking(cast(Cursor[DictRow], c), tracking)
