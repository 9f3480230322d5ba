"""The agencies view (咨询服务机构): each agency with its experts and their affiliations.

Two tables: the agencies, listed in the order they were established, and their
experts, listed in the order they were appointed; an expert's event changes the
expert's row and stamps the agency's, in one transaction with the tracking record.
Any other event only moves the view's position.  With SQLite,
``AGENCIES_SQLITE_DBNAME`` overrides ``SQLITE_DBNAME``; with PostgreSQL it is tracked
in ``agencies_tracking``.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from projections.events import (
    AFFILIATIONS_DECLARED,
    AGENCY_ESTABLISHED,
    EXPERT_APPOINTED,
    EXPERT_REMOVED,
    event_values,
)
from projections.keyset import select_page
from projections.register_rows import AgencyDetail, AgencyRow, ExpertRow
from projections.rows import Page
from projections.sql import SqlCursor, Table
from projections.views import PostgresTrackedView, SQLiteTrackedView, TrackedView

AGENCIES = Table(name="agencies", row_class=AgencyRow, key="id", unique=("position",))
EXPERTS = Table(name="agency_experts", row_class=ExpertRow, key="expert_id",
                indexes=(("agency_id", "position"),))


class AgenciesView(TrackedView):
    """Implements ``projections.readers.AgencyReader``."""

    projection_name = "agencies"
    tables = (AGENCIES, EXPERTS)

    # --- writes ----------------------------------------------------------------

    def add_agency(self, row: dict[str, Any], tracking: Tracking) -> None:
        self._write(tracking, AGENCIES, AGENCIES.insert_sql(row), row)

    def add_expert(self, row: dict[str, Any], stamp: dict[str, Any],
                   tracking: Tracking) -> None:
        self._with_stamp(row["agency_id"], stamp, EXPERTS.insert_sql(row), row, tracking)

    def change_expert(self, agency_id: UUID, expert_id: str, values: dict[str, Any],
                      stamp: dict[str, Any], tracking: Tracking) -> None:
        self._with_stamp(agency_id, stamp, EXPERTS.update_sql(values),
                         {**values, "key": expert_id}, tracking)

    def _with_stamp(self, agency_id: UUID, stamp: dict[str, Any], expert_sql: str,
                    expert_params: dict[str, Any], tracking: Tracking) -> None:
        """Write an expert's row and stamp the agency's (its version and time) together."""

        def write(c: SqlCursor) -> None:
            self._execute(c, EXPERTS, expert_sql, expert_params)
            self._execute(c, AGENCIES, AGENCIES.update_sql(stamp), {**stamp, "key": agency_id})

        self._apply(tracking, write)

    # --- reads -----------------------------------------------------------------

    def get_agency(self, agency_id: UUID) -> AgencyDetail | None:
        rows = self._select(AGENCIES, "SELECT * FROM {table} WHERE id = :id", {"id": agency_id})
        return self._with_experts(rows)[0] if rows else None

    def list_agencies(self, *, cursor: str | None, limit: int) -> Page[AgencyDetail]:
        """Agencies in the order they were established, after ``cursor``."""
        page = select_page(
            lambda sql, values: self._select(AGENCIES, sql, values),
            column="position", key_of=lambda row: row.position, conditions=[], params={},
            cursor=cursor, limit=limit, parse=int,
        )
        return Page(data=self._with_experts(page.data), next_cursor=page.next_cursor)

    def _with_experts(self, agencies: list[AgencyRow]) -> list[AgencyDetail]:
        """The agencies with their experts, read in one statement."""
        if not agencies:
            return []
        ids = {f"agency_{i}": self.dialect.encode("uuid", row.id)
               for i, row in enumerate(agencies)}
        experts: list[ExpertRow] = self._select(
            EXPERTS,
            f"SELECT * FROM {{table}} WHERE agency_id IN ({', '.join(':' + n for n in ids)}) "
            f"ORDER BY position",
            ids,
        )
        return [AgencyDetail(agency=row, experts=[e for e in experts if e.agency_id == row.id])
                for row in agencies]


class SQLiteAgenciesView(AgenciesView, SQLiteTrackedView):
    """The agencies view in SQLite."""


class PostgresAgenciesView(AgenciesView, PostgresTrackedView):
    """The agencies view in PostgreSQL."""


# --- events → column values --------------------------------------------------


class AgenciesProjection(Projection[AgenciesView]):
    """Keeps the agencies view up to date: one handler per agency event."""

    name = "agencies"

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.skip(tracking)

    @process_event.register(AGENCY_ESTABLISHED)
    def established(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self.view.add_agency({
            "id": e["originator_id"], "name": e["name"], "mandate": e["mandate"],
            "active": True, "established_at": e["timestamp"], "position": tracking.notification_id,
            **_stamp(e, tracking),
        }, tracking)

    @process_event.register(EXPERT_APPOINTED)
    def expert_appointed(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self.view.add_expert({
            "expert_id": e["expert_id"], "agency_id": e["originator_id"], "name": e["name"],
            "affiliations": e["affiliations"], "active": True, "appointed_at": e["timestamp"],
            "removed_at": None, "removal_reason": None, "updated_at": e["timestamp"],
            "position": tracking.notification_id,
        }, _stamp(e, tracking), tracking)

    @process_event.register(AFFILIATIONS_DECLARED)
    def affiliations_declared(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self.view.change_expert(
            e["originator_id"], e["expert_id"],
            {"affiliations": e["affiliations"], "updated_at": e["timestamp"]},
            _stamp(e, tracking), tracking,
        )

    @process_event.register(EXPERT_REMOVED)
    def expert_removed(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self.view.change_expert(
            e["originator_id"], e["expert_id"],
            {"active": False, "removed_at": e["timestamp"], "removal_reason": e["reason"],
             "updated_at": e["timestamp"]},
            _stamp(e, tracking), tracking,
        )


def _stamp(e: dict[str, Any], tracking: Tracking) -> dict[str, Any]:
    """What every agency event changes on the agency's row."""
    return {"version": e["originator_version"], "updated_at": e["timestamp"],
            "last_notification_id": tracking.notification_id}
