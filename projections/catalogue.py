"""The catalogue view (目录): one row per catalogue item, for lists and detail pages.

The projection turns each catalogue item event into column values (no SQL there);
:class:`CatalogueView` stores and reads them with SQL written once for both
databases.  Events of other aggregates (e.g. ``CatalogueNumbering``) only move
the view's position, so that a read waiting for any notification id returns.

No topic filter: the position must advance on every event, or ``caught_up`` would
wait forever for a notification the view was never sent.

With SQLite the view lives in its own file: ``ProjectionRunner`` (and
``projections.registry.open_view``) build it from an environment named after the
projection, so ``CATALOGUE_SQLITE_DBNAME`` overrides ``SQLITE_DBNAME``.  With
PostgreSQL it lives beside the events, tracked in ``catalogue_tracking``.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from domain.catalogue.classification import Nature
from domain.catalogue.item import STATUS_LABELS, ItemStatus
from domain.departments import JIANGMEN_DEPARTMENTS
from projections.events import (
    ITEM_DRAFTED,
    ITEM_PUBLICITY_CLOSED,
    ITEM_PUBLISHED,
    ITEM_REVISED,
    ITEM_WITHDRAWN,
    event_values,
)
from projections.paging import decode_cursor, encode_cursor
from projections.rows import ALL_DRAFTS, CatalogueFilter, CatalogueItemRow, Page
from projections.sql import Table
from projections.views import PostgresTrackedView, SQLiteTrackedView, TrackedView

ITEMS = Table(
    name="catalogue_items",
    row_class=CatalogueItemRow,
    key="id",
    unique=("code",),
    # Every list is ordered by code, so each filter's index ends with it.
    indexes=(("department", "code"), ("catalogue_year", "code"), ("status", "code"),
             ("level1", "code")),
)

_FILTERS = ("department", "catalogue_year", "status", "level1")
_FIELDS = ("name", "description", "catalogue_year", "level1", "level2", "level3", "nature",
           "provincial_listed")


class CatalogueView(TrackedView):
    """Implements ``projections.readers.CatalogueReader``."""

    projection_name = "catalogue"
    tables = (ITEMS,)

    def add_item(self, row: dict[str, Any], tracking: Tracking) -> None:
        self._write(tracking, ITEMS, ITEMS.insert_sql(row), row)

    def change_item(self, item_id: UUID, values: dict[str, Any], tracking: Tracking) -> None:
        self._write(tracking, ITEMS, ITEMS.update_sql(values), {**values, "key": item_id})

    def get_item(self, item_id: UUID) -> CatalogueItemRow | None:
        rows = self._select(ITEMS, "SELECT * FROM {table} WHERE id = :id", {"id": item_id})
        return rows[0] if rows else None

    def list_items(
        self, filters: CatalogueFilter, *, cursor: str | None, limit: int
    ) -> Page[CatalogueItemRow]:
        """Items in code order after ``cursor``; drafts only as ``drafts_visible_to`` allows."""
        if limit < 1:
            raise ValueError(f"limit must be at least 1, not {limit}")
        conditions, params = _conditions(filters)
        if cursor is not None:
            conditions.append("code > :after")
            params["after"] = decode_cursor(cursor)
        where = f"WHERE {' AND '.join(conditions)} " if conditions else ""
        # One row more than asked tells whether there is a next page.
        params["limit"] = limit + 1
        rows = self._select(ITEMS, f"SELECT * FROM {{table}} {where}ORDER BY code LIMIT :limit",
                            params)
        page = rows[:limit]
        next_cursor = encode_cursor(page[-1].code) if len(rows) > limit else None
        return Page(data=page, next_cursor=next_cursor)


def _conditions(filters: CatalogueFilter) -> tuple[list[str], dict[str, Any]]:
    conditions: list[str] = []
    params: dict[str, Any] = {}
    for column in _FILTERS:
        value = getattr(filters, column)
        if value is not None:
            conditions.append(f"{column} = :{column}")
            params[column] = value
    if filters.drafts_visible_to != ALL_DRAFTS:
        params["draft"] = ItemStatus.DRAFT.value
        if filters.drafts_visible_to is None:
            conditions.append("status <> :draft")
        else:
            conditions.append("(status <> :draft OR department = :drafts_of)")
            params["drafts_of"] = filters.drafts_visible_to
    return conditions, params


class SQLiteCatalogueView(CatalogueView, SQLiteTrackedView):
    """The catalogue view in SQLite."""


class PostgresCatalogueView(CatalogueView, PostgresTrackedView):
    """The catalogue view in PostgreSQL."""


# --- events → column values --------------------------------------------------


class CatalogueProjection(Projection[CatalogueView]):
    """Keeps the catalogue view up to date: one handler per catalogue item event."""

    name = "catalogue"

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.skip(tracking)

    @process_event.register(ITEM_DRAFTED)
    def drafted(self, event: Any, tracking: Tracking) -> None:
        self.view.add_item(drafted_row(event_values(event), tracking), tracking)

    @process_event.register(ITEM_REVISED)
    def revised(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self._change(e, tracking, _item_fields(e))

    @process_event.register(ITEM_PUBLISHED)
    def published(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self._change(e, tracking, {
            **_status(ItemStatus.PUBLICITY),
            "published_at": e["published_at"],
            "publicity_starts_on": e["publicity_starts_on"],
            "publicity_ends_on": e["publicity_ends_on"],
        })

    @process_event.register(ITEM_PUBLICITY_CLOSED)
    def publicity_closed(self, event: Any, tracking: Tracking) -> None:
        self._change(event_values(event), tracking, _status(ItemStatus.PUBLICITY_CLOSED))

    @process_event.register(ITEM_WITHDRAWN)
    def withdrawn(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self._change(e, tracking, {**_status(ItemStatus.WITHDRAWN),
                                   "withdrawal_reason": e["reason"]})

    def _change(self, e: dict[str, Any], tracking: Tracking, values: dict[str, Any]) -> None:
        self.view.change_item(e["originator_id"], {**values, **_stamp(e, tracking)}, tracking)


def drafted_row(e: dict[str, Any], tracking: Tracking) -> dict[str, Any]:
    """The whole row of a newly drafted item."""
    department = JIANGMEN_DEPARTMENTS.get(e["department"])
    return {
        "id": e["originator_id"],
        "code": e["code"],
        "department": e["department"],
        "department_name": department.name if department else e["department"],
        # The region whose numbering issued the code (<region>-<year>-<sequence>).
        "region_code": e["code"].split("-", 1)[0],
        **_item_fields(e),
        **_status(ItemStatus.DRAFT),
        "publicity_starts_on": None,
        "publicity_ends_on": None,
        "published_at": None,
        "withdrawal_reason": None,
        "created_at": e["timestamp"],
        **_stamp(e, tracking),
    }


def _item_fields(e: dict[str, Any]) -> dict[str, Any]:
    return {**{name: e[name] for name in _FIELDS},
            "must_be_retained": Nature(e["nature"]).is_statutory}


def _status(status: ItemStatus) -> dict[str, Any]:
    return {"status": status.value, "status_label": STATUS_LABELS[status]}


def _stamp(e: dict[str, Any], tracking: Tracking) -> dict[str, Any]:
    """What every event changes: the version, the time and the log position."""
    return {"version": e["originator_version"], "updated_at": e["timestamp"],
            "last_notification_id": tracking.notification_id}
