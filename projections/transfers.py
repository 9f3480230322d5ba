"""The transfers view (职能转移 and 编制申请): each transfer and each staffing request.

Two tables: the function transfers (转移 / 授权 / 委托), newest proposal first, with
what happened to each (``history``: the event, its Chinese label, the day and the
reason); and the staffing requests (编制申请), newest first, with the 倒逼 flag and the
committee's decision.  Each event changes its row in one transaction with the
tracking record; any other event only moves the view's position.

With SQLite, ``TRANSFERS_SQLITE_DBNAME`` overrides ``SQLITE_DBNAME``; with PostgreSQL
it is tracked in ``transfers_tracking``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from domain.transfer.staffing import StaffingStatus
from domain.transfer.transfer import TransferStatus
from projections.case_rows import StaffingRow, TransferFilter, TransferRow
from projections.events import (
    STAFFING_DECIDED,
    STAFFING_FLAGGED,
    STAFFING_REQUESTED,
    TRANSFER_APPROVED,
    TRANSFER_EXPIRED,
    TRANSFER_PROPOSED,
    TRANSFER_REJECTED,
    TRANSFER_RESUMED,
    TRANSFER_REVOKED,
    TRANSFER_SUSPENDED,
    TRANSFER_TOOK_EFFECT,
    event_values,
)
from projections.history import EVENT_LABELS
from projections.paging import decode_cursor, encode_cursor, invalid_cursor
from projections.rows import Page
from projections.sql import SqlCursor, Table
from projections.views import PostgresTrackedView, SQLiteTrackedView, TrackedView

CHINA = ZoneInfo("Asia/Shanghai")

TRANSFERS = Table(
    name="transfers",
    row_class=TransferRow,
    key="id",
    unique=("position",),
    indexes=(("department", "position"), ("organization_id", "position"),
             ("item_id", "position"), ("status", "position"), ("mode", "position")),
)
STAFFING = Table(
    name="staffing_requests",
    row_class=StaffingRow,
    key="id",
    unique=("position",),
    indexes=(("department", "position"), ("flagged", "position")),
)

_TRANSFER_FILTERS = ("department", "organization_id", "item_id", "status", "mode")

RowT = TypeVar("RowT")
TransferChange = Callable[[TransferRow], dict[str, Any]]


def newest_first(
    select: Callable[[str, dict[str, Any]], list[RowT]], *, position_of: Callable[[RowT], int],
    conditions: list[str], params: dict[str, Any], cursor: str | None, limit: int,
) -> Page[RowT]:
    """The rows (``:name`` conditions) after ``cursor``, highest ``position`` first, at
    most ``limit`` of them (keyset pagination over the unique log position)."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    conditions, params = list(conditions), dict(params)
    if cursor is not None:
        conditions.append("position < :before")
        try:
            params["before"] = int(decode_cursor(cursor))
        except ValueError:
            raise invalid_cursor(cursor) from None
    where = f"WHERE {' AND '.join(conditions)} " if conditions else ""
    params["limit"] = limit + 1  # one row more than asked tells whether there is more
    rows = select(f"SELECT * FROM {{table}} {where}ORDER BY position DESC LIMIT :limit", params)
    page = rows[:limit]
    next_cursor = encode_cursor(str(position_of(page[-1]))) if len(rows) > limit else None
    return Page(data=page, next_cursor=next_cursor)


class TransfersView(TrackedView):
    """Implements ``projections.readers.TransferReader``."""

    projection_name = "transfers"
    tables = (TRANSFERS, STAFFING)

    # --- writes ----------------------------------------------------------------

    def add_transfer(self, row: dict[str, Any], tracking: Tracking) -> None:
        self._write(tracking, TRANSFERS, TRANSFERS.insert_sql(row), row)

    def change_transfer(self, transfer_id: UUID, tracking: Tracking,
                        values: TransferChange) -> None:
        """Set the ``values`` that follow from the transfer's row before the event."""

        def write(c: SqlCursor) -> None:
            (row,) = self._fetch(c, TRANSFERS, "SELECT * FROM {table} WHERE id = :key",
                                 {"key": transfer_id})
            changed = values(row)
            self._execute(c, TRANSFERS, TRANSFERS.update_sql(changed),
                          {**changed, "key": transfer_id})

        self._apply(tracking, write)

    def add_staffing_request(self, row: dict[str, Any], tracking: Tracking) -> None:
        self._write(tracking, STAFFING, STAFFING.insert_sql(row), row)

    def change_staffing_request(self, request_id: UUID, values: dict[str, Any],
                                tracking: Tracking) -> None:
        self._write(tracking, STAFFING, STAFFING.update_sql(values),
                    {**values, "key": request_id})

    # --- reads -----------------------------------------------------------------

    def get_transfer(self, transfer_id: UUID) -> TransferRow | None:
        rows = self._select(TRANSFERS, "SELECT * FROM {table} WHERE id = :id",
                            {"id": transfer_id})
        return rows[0] if rows else None

    def list_transfers(
        self, filters: TransferFilter, *, cursor: str | None, limit: int
    ) -> Page[TransferRow]:
        """Transfers, newest proposal (in log order) first, after ``cursor``."""
        conditions: list[str] = []
        params: dict[str, Any] = {}
        for column in _TRANSFER_FILTERS:
            value = getattr(filters, column)
            if value is not None:
                conditions.append(f"{column} = :{column}")
                params[column] = value
        return newest_first(lambda sql, values: self._select(TRANSFERS, sql, values),
                            position_of=lambda row: row.position, conditions=conditions,
                            params=params, cursor=cursor, limit=limit)

    def get_staffing_request(self, request_id: UUID) -> StaffingRow | None:
        rows = self._select(STAFFING, "SELECT * FROM {table} WHERE id = :id",
                            {"id": request_id})
        return rows[0] if rows else None

    def list_staffing_requests(
        self, *, department: str | None, flagged: bool | None, cursor: str | None, limit: int
    ) -> Page[StaffingRow]:
        """Staffing requests, newest first, after ``cursor``."""
        conditions: list[str] = []
        params: dict[str, Any] = {}
        if department is not None:
            conditions.append("department = :department")
            params["department"] = department
        if flagged is not None:
            conditions.append("flagged = :flagged")
            params["flagged"] = flagged
        return newest_first(lambda sql, values: self._select(STAFFING, sql, values),
                            position_of=lambda row: row.position, conditions=conditions,
                            params=params, cursor=cursor, limit=limit)


class SQLiteTransfersView(TransfersView, SQLiteTrackedView):
    """The transfers view in SQLite."""


class PostgresTransfersView(TransfersView, PostgresTrackedView):
    """The transfers view in PostgreSQL."""


# --- events → column values --------------------------------------------------


def china_date(moment: datetime) -> date:
    """The day ``moment`` fell on in China."""
    return moment.astimezone(CHINA).date()


def history_entry(event: Any, on: date, reason: str | None = None) -> dict[str, Any]:
    """One line of a transfer's ``history``: event (its class name), event_label, on (ISO
    date), reason."""
    return {"event": type(event).__name__,
            "event_label": EVENT_LABELS.get(type(event), type(event).__name__),
            "on": on.isoformat(), "reason": reason}


class TransfersProjection(Projection[TransfersView]):
    """Keeps the transfers view up to date: one handler per transfer and staffing event."""

    name = "transfers"

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.skip(tracking)

    # --- function transfers (职能转移) ------------------------------------------------

    @process_event.register(TRANSFER_PROPOSED)
    def proposed(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self.view.add_transfer({
            "id": e["originator_id"], "item_id": UUID(e["item_id"]),
            "organization_id": UUID(e["organization_id"]),
            **{name: e[name] for name in ("item_code", "item_name", "department", "mode",
                                          "organization_name", "legal_basis", "conditions",
                                          "effective_from", "effective_until")},
            "status": TransferStatus.PROPOSED.value, "suspension_reason": None,
            "history": [history_entry(event, china_date(e["timestamp"]))],
            "created_at": e["timestamp"], "position": tracking.notification_id,
            **_stamp(e, tracking),
        }, tracking)

    @process_event.register(TRANSFER_APPROVED)
    def approved(self, event: Any, tracking: Tracking) -> None:
        self._transfer(event, tracking, TransferStatus.APPROVED, event.approved_on)

    @process_event.register(TRANSFER_REJECTED)
    def rejected(self, event: Any, tracking: Tracking) -> None:
        self._transfer(event, tracking, TransferStatus.REJECTED, china_date(event.timestamp),
                       reason=event.reason)

    @process_event.register(TRANSFER_TOOK_EFFECT)
    def took_effect(self, event: Any, tracking: Tracking) -> None:
        self._transfer(event, tracking, TransferStatus.EFFECTIVE, event.on)

    @process_event.register(TRANSFER_SUSPENDED)
    def suspended(self, event: Any, tracking: Tracking) -> None:
        self._transfer(event, tracking, TransferStatus.SUSPENDED, event.on, reason=event.reason,
                       values={"suspension_reason": event.reason})

    @process_event.register(TRANSFER_RESUMED)
    def resumed(self, event: Any, tracking: Tracking) -> None:
        self._transfer(event, tracking, TransferStatus.EFFECTIVE, event.on, reason=event.reason,
                       values={"suspension_reason": None})

    @process_event.register(TRANSFER_REVOKED)
    def revoked(self, event: Any, tracking: Tracking) -> None:
        self._transfer(event, tracking, TransferStatus.REVOKED, event.on, reason=event.reason)

    @process_event.register(TRANSFER_EXPIRED)
    def expired(self, event: Any, tracking: Tracking) -> None:
        self._transfer(event, tracking, TransferStatus.EXPIRED, event.on)

    def _transfer(self, event: Any, tracking: Tracking, status: TransferStatus, on: date, *,
                  reason: str | None = None, values: dict[str, Any] | None = None) -> None:
        e = event_values(event)
        entry = history_entry(event, on, reason)
        self.view.change_transfer(e["originator_id"], tracking, lambda row: {
            **(values or {}), "status": status.value, "history": [*row.history, entry],
            **_stamp(e, tracking)})

    # --- staffing requests (编制申请) --------------------------------------------------

    @process_event.register(STAFFING_REQUESTED)
    def staffing_requested(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self.view.add_staffing_request({
            "id": e["originator_id"], "item_id": UUID(e["item_id"]),
            **{name: e[name] for name in ("item_code", "item_name", "department", "kind",
                                          "description", "headcount", "requested_on")},
            "flagged": False, "eligible_providers": [],
            "status": StaffingStatus.NOT_FLAGGED.value, "justification": None,
            "decided_on": None, "position": tracking.notification_id,
            "version": e["originator_version"], "last_notification_id": tracking.notification_id,
        }, tracking)

    @process_event.register(STAFFING_FLAGGED)
    def staffing_flagged(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self.view.change_staffing_request(e["originator_id"], {
            "flagged": True, "eligible_providers": list(e["eligible_providers"]),
            "status": StaffingStatus.FLAGGED.value, **_version(e, tracking)}, tracking)

    @process_event.register(STAFFING_DECIDED)
    def staffing_decided(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        status = StaffingStatus.JUSTIFIED if e["justified"] else StaffingStatus.REFUSED
        self.view.change_staffing_request(e["originator_id"], {
            "status": status.value, "justification": e["justification"],
            "decided_on": e["decided_on"], **_version(e, tracking)}, tracking)


def _version(e: dict[str, Any], tracking: Tracking) -> dict[str, Any]:
    return {"version": e["originator_version"], "last_notification_id": tracking.notification_id}


def _stamp(e: dict[str, Any], tracking: Tracking) -> dict[str, Any]:
    """What every event changes on its row: the version, the time and the log position."""
    return {**_version(e, tracking), "updated_at": e["timestamp"]}
