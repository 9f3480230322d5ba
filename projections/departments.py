"""The departments view (部门名录): the departments the committee registered.

One row per department, keyed by its code and listed in code order.  Any other event
only moves the view's position (no topic filter, for the reason given in
``projections.catalogue``).  With SQLite, ``DEPARTMENTS_SQLITE_DBNAME`` overrides
``SQLITE_DBNAME``; with PostgreSQL it is tracked in ``departments_tracking``.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from projections.events import DEPARTMENT_REGISTERED, event_values
from projections.keyset import select_page
from projections.register_rows import DepartmentFilter, DepartmentRow
from projections.rows import Page
from projections.sql import Table
from projections.views import PostgresTrackedView, SQLiteTrackedView, TrackedView

DEPARTMENTS = Table(
    name="departments",
    row_class=DepartmentRow,
    key="code",
    unique=("id",),
    indexes=(("region_code", "code"), ("pilot", "code")),
)


class DepartmentsView(TrackedView):
    """Implements ``projections.readers.DepartmentReader``."""

    projection_name = "departments"
    tables = (DEPARTMENTS,)

    def add_department(self, row: dict[str, Any], tracking: Tracking) -> None:
        self._write(tracking, DEPARTMENTS, DEPARTMENTS.insert_sql(row), row)

    def get_department(self, code: str) -> DepartmentRow | None:
        rows = self._select(DEPARTMENTS, "SELECT * FROM {table} WHERE code = :code",
                            {"code": code})
        return rows[0] if rows else None

    def list_departments(
        self, filters: DepartmentFilter, *, cursor: str | None, limit: int
    ) -> Page[DepartmentRow]:
        """Departments in code order after ``cursor``."""
        conditions: list[str] = []
        params: dict[str, Any] = {}
        for column in ("region_code", "pilot"):
            value = getattr(filters, column)
            if value is not None:
                conditions.append(f"{column} = :{column}")
                params[column] = value
        return select_page(
            lambda sql, values: self._select(DEPARTMENTS, sql, values),
            column="code", key_of=lambda row: row.code, conditions=conditions, params=params,
            cursor=cursor, limit=limit,
        )


class SQLiteDepartmentsView(DepartmentsView, SQLiteTrackedView):
    """The departments view in SQLite."""


class PostgresDepartmentsView(DepartmentsView, PostgresTrackedView):
    """The departments view in PostgreSQL."""


class DepartmentsProjection(Projection[DepartmentsView]):
    """Keeps the departments view up to date."""

    name = "departments"

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.skip(tracking)

    @process_event.register(DEPARTMENT_REGISTERED)
    def registered(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self.view.add_department({
            "id": e["originator_id"],
            **{name: e[name] for name in ("code", "name", "region_code", "region_name",
                                          "pilot")},
            "registered_at": e["timestamp"],
            "version": e["originator_version"],
            "last_notification_id": tracking.notification_id,
        }, tracking)
