"""The organizations view (社会组织): each organization's public record and its grades.

Three tables: the organizations, listed in the order they were registered, with their
board, inspections, penalties, credit flags, complaints and performance bars
(绩效评价为差, which eligibility reads) as JSON lists and the standing grade (the latest
neither lapsed nor revoked) in columns of their own; every
grade ever awarded (评估等级) with what changed it since; and the search tokens of each
organization's name and credit code (``projections.search``), indexed by the database.
A grade event changes the grade's row and the organization's, in one transaction with
the tracking record.  Any other event only moves the view's position.

A complaint's row keeps what was complained about and the outcome, never who
complained (the event's ``complainant``).

With SQLite, ``ORGANIZATIONS_SQLITE_DBNAME`` overrides ``SQLITE_DBNAME``; with
PostgreSQL it is tracked in ``organizations_tracking``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from domain.departments import REGION_NAMES
from domain.organizations.records import GradeStatus
from projections.events import (
    BOARD_MEMBER_ELECTED,
    COMPLAINT_FILED,
    COMPLAINT_RESOLVED,
    COMPLIANCE_DECLARED,
    COMPLIANCE_VERIFIED,
    CREDIT_FLAG_CLEARED,
    CREDIT_FLAG_RAISED,
    EVALUATION_OPENED,
    GRADE_AWARDED,
    GRADE_DOWNGRADED,
    GRADE_LAPSED,
    GRADE_REVOKED,
    INSPECTION_RECORDED,
    ORGANIZATION_REGISTERED,
    PENALTY_RECORDED,
    PERFORMANCE_BARRED,
    event_values,
)
from projections.organization_rows import GradeRow, OrganizationFilter, OrganizationRow
from projections.paging import decode_cursor, encode_cursor, invalid_cursor
from projections.rows import Page
from projections.search import search_terms, search_tokens
from projections.sql import SqlCursor, Table, json_ready
from projections.views import PostgresTrackedView, SQLiteTrackedView, TrackedView


@dataclass(frozen=True)
class OrganizationSearchEntry:
    """The search tokens of an organization's name and credit code."""

    search_id: int
    """The position of its registration: an integer key, as FTS5 needs."""
    organization_id: UUID
    tokens: str


ORGANIZATIONS = Table(
    name="organizations",
    row_class=OrganizationRow,
    key="id",
    unique=("position", "credit_code"),
    # Lists are in registration order, so each filter's index ends with the position.
    indexes=(("kind", "position"), ("category", "position"), ("region_code", "position"),
             ("industry", "position"), ("grade_level", "position")),
)
GRADES = Table(name="organization_grades", row_class=GradeRow, key="evaluation_id",
               indexes=(("organization_id", "position"), ("status", "valid_until")))
SEARCH = Table(name="organization_search", row_class=OrganizationSearchEntry,
               key="search_id", unique=("organization_id",), text_search="tokens")

_FILTERS = ("kind", "category", "region_code", "industry", "grade_level")
VALID = GradeStatus.VALID.value

GradeChange = Callable[[GradeRow], dict[str, Any]]
OrganizationChange = Callable[[OrganizationRow], dict[str, Any]]


class OrganizationsView(TrackedView):
    """Implements ``projections.readers.OrganizationReader``."""

    projection_name = "organizations"
    tables = (ORGANIZATIONS, GRADES, SEARCH)

    # --- writes ----------------------------------------------------------------

    def add_organization(self, row: dict[str, Any], *, tokens: str,
                         tracking: Tracking) -> None:
        search = asdict(OrganizationSearchEntry(tracking.notification_id, row["id"], tokens))

        def write(c: SqlCursor) -> None:
            self._execute(c, ORGANIZATIONS, ORGANIZATIONS.insert_sql(row), row)
            self._execute(c, SEARCH, SEARCH.insert_sql(search), search)

        self._apply(tracking, write)

    def change_organization(self, organization_id: UUID, tracking: Tracking,
                            values: OrganizationChange) -> None:
        """Set the ``values`` that follow from the organization's row before the event."""
        self._apply(tracking, lambda c: self._change(c, organization_id, values))

    def award_grade(self, organization_id: UUID, grade: Callable[[OrganizationRow], GradeRow],
                    values: dict[str, Any], tracking: Tracking) -> None:
        """Add the grade (named after its organization) and show the standing grade."""

        def write(c: SqlCursor) -> None:
            row = asdict(grade(self._organization(c, organization_id)))
            self._execute(c, GRADES, GRADES.insert_sql(row), row)
            self._change(c, organization_id, lambda _: values)
            self._show_standing_grade(c, organization_id)

        self._apply(tracking, write)

    def change_grade(self, organization_id: UUID, evaluation_id: UUID, grade: GradeChange,
                     values: dict[str, Any], tracking: Tracking) -> None:
        """Change the grade as it stands, then the organization's standing grade."""

        def write(c: SqlCursor) -> None:
            (row,) = self._fetch(c, GRADES, "SELECT * FROM {table} WHERE evaluation_id = :key",
                                 {"key": evaluation_id})
            changed = grade(row)
            self._execute(c, GRADES, GRADES.update_sql(changed),
                          {**changed, "key": evaluation_id})
            self._change(c, organization_id, lambda _: values)
            self._show_standing_grade(c, organization_id)

        self._apply(tracking, write)

    def _organization(self, c: SqlCursor, organization_id: UUID) -> OrganizationRow:
        (row,) = self._fetch(c, ORGANIZATIONS, "SELECT * FROM {table} WHERE id = :key",
                             {"key": organization_id})
        return row  # type: ignore[no-any-return]

    def _change(self, c: SqlCursor, organization_id: UUID, values: OrganizationChange) -> None:
        changed = values(self._organization(c, organization_id))
        self._execute(c, ORGANIZATIONS, ORGANIZATIONS.update_sql(changed),
                      {**changed, "key": organization_id})

    def _show_standing_grade(self, c: SqlCursor, organization_id: UUID) -> None:
        standing: list[GradeRow] = self._fetch(c, GRADES, (
            "SELECT * FROM {table} WHERE organization_id = :organization_id "
            "AND status = :status ORDER BY position DESC LIMIT 1"
        ), {"organization_id": organization_id, "status": VALID})
        grade = standing[0] if standing else None
        values = {
            "grade_level": grade.level if grade else None,
            "grade_valid_from": grade.valid_from if grade else None,
            "grade_valid_until": grade.valid_until if grade else None,
        }
        self._execute(c, ORGANIZATIONS, ORGANIZATIONS.update_sql(values),
                      {**values, "key": organization_id})

    # --- reads -----------------------------------------------------------------

    def get_organization(self, organization_id: UUID) -> OrganizationRow | None:
        rows = self._select(ORGANIZATIONS, "SELECT * FROM {table} WHERE id = :id",
                            {"id": organization_id})
        return rows[0] if rows else None

    def list_organizations(
        self, filters: OrganizationFilter, *, cursor: str | None, limit: int
    ) -> Page[OrganizationRow]:
        """Organizations in registration order after ``cursor``; with ``q``, those whose
        name or credit code contains it: the name itself first, then names that start
        with it, then the rest, each in registration order."""
        if limit < 1:
            raise ValueError(f"limit must be at least 1, not {limit}")
        sql, params = self._list(filters, cursor=cursor, limit=limit)
        rows: list[OrganizationRow] = self._select(ORGANIZATIONS, sql, params)
        page = rows[:limit]
        next_cursor = None
        if len(rows) > limit:
            last = page[-1]
            next_cursor = encode_cursor(json.dumps(
                [relevance(last.name, _query(filters)), last.position]))
        return Page(data=page, next_cursor=next_cursor)

    def list_plan(self, filters: OrganizationFilter) -> str:
        """How the database runs ``list_organizations(filters)`` (which indexes it uses)."""
        return self._plan(ORGANIZATIONS, *self._list(filters, cursor=None, limit=50))

    def _list(self, filters: OrganizationFilter, *, cursor: str | None, limit: int
              ) -> tuple[str, dict[str, Any]]:
        conditions: list[str] = []
        params: dict[str, Any] = {}
        for column in _FILTERS:
            value = getattr(filters, column)
            if value is not None:
                conditions.append(f"{column} = :{column}")
                params[column] = value
        q = _query(filters)
        rank = "0"
        if q is not None:
            conditions.append(self._search(q, params))
            params["q_text"] = q
            rank = ("CASE WHEN name = :q_text THEN 0 "
                    "WHEN substr(name, 1, length(CAST(:q_text AS TEXT))) = :q_text THEN 1 "
                    "ELSE 2 END")
        where = f"WHERE {' AND '.join(conditions)} " if conditions else ""
        after = ""
        if cursor is not None:
            params["after_rank"], params["after_position"] = _after(cursor)
            after = ("WHERE relevance > :after_rank OR "
                     "(relevance = :after_rank AND position > :after_position) ")
        params["limit"] = limit + 1  # one row more than asked tells whether there is more
        return (f"SELECT * FROM (SELECT *, {rank} AS relevance FROM {{table}} {where}) ranked "
                f"{after}ORDER BY relevance, position LIMIT :limit"), params

    def _search(self, q: str, params: dict[str, Any]) -> str:
        terms = search_terms(q)
        if not terms:
            return "1 = 0"  # punctuation alone: there is nothing to find
        params["search"] = self.dialect.text_query(terms)
        return (f"id IN (SELECT organization_id FROM {self.dialect.qualified(SEARCH.name)} "
                f"WHERE {self.dialect.text_match(SEARCH, 'tokens')})")

    def grades_of(self, organization_id: UUID) -> list[GradeRow]:
        """Every grade the organization was awarded, newest first."""
        return self._select(GRADES, "SELECT * FROM {table} WHERE organization_id = "
                            ":organization_id ORDER BY position DESC",
                            {"organization_id": organization_id})

    def expiring_grades(
        self, *, today: date, within_days: int, cursor: str | None, limit: int
    ) -> Page[GradeRow]:
        """Grades still 有效 whose validity ends from ``today`` to ``today + within_days``
        (inclusive), soonest first (then by evaluation id)."""
        if limit < 1:
            raise ValueError(f"limit must be at least 1, not {limit}")
        encode = self.dialect.encode
        params: dict[str, Any] = {
            "status": VALID, "today": encode("date", today),
            "until": encode("date", today + timedelta(days=within_days)), "limit": limit + 1,
        }
        after = ""
        if cursor is not None:
            try:
                until, evaluation_id = json.loads(decode_cursor(cursor))
                params["after_until"] = encode("date", date.fromisoformat(until))
                params["after_id"] = encode("uuid", UUID(evaluation_id))
            except (ValueError, TypeError):
                raise invalid_cursor(cursor) from None
            after = ("AND (valid_until > :after_until OR "
                     "(valid_until = :after_until AND evaluation_id > :after_id)) ")
        rows: list[GradeRow] = self._select(GRADES, (
            "SELECT * FROM {table} WHERE status = :status AND valid_until >= :today "
            f"AND valid_until <= :until {after}ORDER BY valid_until, evaluation_id LIMIT :limit"
        ), params)
        page = rows[:limit]
        next_cursor = None
        if len(rows) > limit:
            last = page[-1]
            next_cursor = encode_cursor(json.dumps(
                [last.valid_until.isoformat(), str(last.evaluation_id)]))
        return Page(data=page, next_cursor=next_cursor)


def _query(filters: OrganizationFilter) -> str | None:
    return filters.q.strip() if filters.q is not None and filters.q.strip() else None


def relevance(name: str, q: str | None) -> int:
    """How well ``name`` answers ``q``, as the list's SQL ranks it: 0 best."""
    if q is None or name == q:
        return 0
    return 1 if name.startswith(q) else 2


def _after(cursor: str) -> tuple[int, int]:
    try:
        rank, position = json.loads(decode_cursor(cursor))
        if not isinstance(rank, int) or not isinstance(position, int):
            raise TypeError(cursor)
    except (ValueError, TypeError):
        raise invalid_cursor(cursor) from None
    return rank, position


class SQLiteOrganizationsView(OrganizationsView, SQLiteTrackedView):
    """The organizations view in SQLite."""


class PostgresOrganizationsView(OrganizationsView, PostgresTrackedView):
    """The organizations view in PostgreSQL."""


# --- events → column values --------------------------------------------------


class OrganizationsProjection(Projection[OrganizationsView]):
    """Keeps the organizations view up to date: one handler per organization event."""

    name = "organizations"

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.skip(tracking)

    @process_event.register(ORGANIZATION_REGISTERED)
    def registered(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self.view.add_organization({
            "id": e["originator_id"],
            **{name: e[name] for name in ("credit_code", "name", "category", "kind",
                                          "industry", "region_code", "registered_on",
                                          "full_time_staff")},
            "region_name": REGION_NAMES.get(e["region_code"], e["region_code"]),
            "compliance": {}, "compliance_declared_on": None, "compliance_verified_on": None,
            "board": [], "inspections": [], "penalties": [], "flags": [], "complaints": [],
            "grade_level": None, "grade_valid_from": None, "grade_valid_until": None,
            "open_evaluation_id": None, "bars": [], "registered_at": e["timestamp"],
            "position": tracking.notification_id, **_stamp(e, tracking),
        }, tokens=search_tokens(e["name"], e["credit_code"]), tracking=tracking)

    @process_event.register(COMPLIANCE_DECLARED)
    def compliance_declared(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self._change(e, tracking, lambda _: {
            "compliance": e["declarations"], "compliance_declared_on": e["declared_on"],
            "compliance_verified_on": None,  # a new declaration awaits verification
        })

    @process_event.register(COMPLIANCE_VERIFIED)
    def compliance_verified(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self._change(e, tracking, lambda _: {"compliance_verified_on": e["verified_on"]})

    @process_event.register(BOARD_MEMBER_ELECTED)
    def board_member_elected(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        member = _pick(e, "person_id", "name", "position", "public_office", "retired_on",
                       "elected_on")
        self._change(e, tracking, lambda row: {"board": [*row.board, member]})

    @process_event.register(INSPECTION_RECORDED)
    def annual_inspection_recorded(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        inspection = _pick(e, "year", "result", "inspected_on")
        self._change(e, tracking, lambda row: {"inspections": sorted(
            [*row.inspections, inspection], key=lambda i: int(i["year"]))})

    @process_event.register(PENALTY_RECORDED)
    def penalty_recorded(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        penalty = _pick(e, "decision_number", "authority", "decided_on", "description")
        self._change(e, tracking, lambda row: {"penalties": [*row.penalties, penalty]})

    @process_event.register(CREDIT_FLAG_RAISED)
    def credit_flag_raised(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        flag = {**_pick(e, "flag", "raised_on", "reason"), "cleared_on": None,
                "clear_reason": None}
        self._change(e, tracking, lambda row: {"flags": [*row.flags, flag]})

    @process_event.register(CREDIT_FLAG_CLEARED)
    def credit_flag_cleared(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        cleared = _pick(e, "cleared_on") | {"clear_reason": e["reason"]}
        self._change(e, tracking, lambda row: {"flags": [
            {**flag, **cleared} if flag["flag"] == e["flag"] and not flag.get("cleared_on")
            else flag for flag in row.flags
        ]})

    @process_event.register(COMPLAINT_FILED)
    def complaint_filed(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        # Never the complainant: only what was complained about.
        complaint = {**_pick(e, "complaint_id", "content", "filed_on"), "outcome": None,
                     "resolved_on": None}
        self._change(e, tracking, lambda row: {"complaints": [*row.complaints, complaint]})

    @process_event.register(COMPLAINT_RESOLVED)
    def complaint_resolved(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        outcome = _pick(e, "outcome", "resolved_on")
        self._change(e, tracking, lambda row: {"complaints": [
            {**c, **outcome} if c["complaint_id"] == e["complaint_id"] else c
            for c in row.complaints
        ]})

    @process_event.register(EVALUATION_OPENED)
    def evaluation_opened(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self._change(e, tracking, lambda _: {"open_evaluation_id": UUID(e["evaluation_id"])})

    @process_event.register(GRADE_AWARDED)
    def grade_awarded(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)

        def grade(organization: OrganizationRow) -> GradeRow:
            return GradeRow(
                evaluation_id=UUID(e["evaluation_id"]), organization_id=organization.id,
                organization_name=organization.name, credit_code=organization.credit_code,
                awarded_level=e["level"], level=e["level"], confirmed_on=e["confirmed_on"],
                valid_from=e["valid_from"], valid_until=e["valid_until"], status=VALID,
                changes=[], updated_at=e["timestamp"],
                last_notification_id=tracking.notification_id,
                position=tracking.notification_id,
            )

        self.view.award_grade(e["originator_id"], grade,
                              {"open_evaluation_id": None, **_stamp(e, tracking)}, tracking)

    @process_event.register(GRADE_DOWNGRADED)
    def grade_downgraded(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        change = {"kind": "降级", **_pick(e, "from_level", "to_level", "basis", "reference",
                                          "reason"), "on": e["decided_on"]}
        self._change_grade(e, tracking, change, {"level": e["to_level"]})

    @process_event.register(GRADE_REVOKED)
    def grade_revoked(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        change = {"kind": "撤销", "from_level": e["level"], "to_level": None, "basis": None,
                  "reference": None, "reason": e["reason"], "on": e["decided_on"]}
        self._change_grade(e, tracking, change, {"status": GradeStatus.REVOKED.value})

    @process_event.register(GRADE_LAPSED)
    def grade_lapsed(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        change = {"kind": "到期", "from_level": e["level"], "to_level": None, "basis": None,
                  "reference": None, "reason": None, "on": e["lapsed_on"]}
        self._change_grade(e, tracking, change, {"status": GradeStatus.LAPSED.value})

    @process_event.register(PERFORMANCE_BARRED)
    def performance_barred(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        bar = _pick(e, "until", "reason", "contract_id")
        self._change(e, tracking, lambda row: {"bars": [*row.bars, bar]})

    def _change(self, e: dict[str, Any], tracking: Tracking,
                values: OrganizationChange) -> None:
        self.view.change_organization(e["originator_id"], tracking,
                                      lambda row: {**values(row), **_stamp(e, tracking)})

    def _change_grade(self, e: dict[str, Any], tracking: Tracking, change: dict[str, Any],
                      values: dict[str, Any]) -> None:
        entry = json_ready(change)
        self.view.change_grade(
            e["originator_id"], UUID(e["evaluation_id"]),
            lambda grade: {**values, "changes": [*grade.changes, entry],
                           "updated_at": e["timestamp"],
                           "last_notification_id": tracking.notification_id},
            _stamp(e, tracking), tracking,
        )


def _pick(e: dict[str, Any], *names: str) -> dict[str, Any]:
    """The event's ``names``, as the JSON columns keep them (dates as ISO strings)."""
    picked: dict[str, Any] = json_ready({name: e[name] for name in names})
    return picked


def _stamp(e: dict[str, Any], tracking: Tracking) -> dict[str, Any]:
    """What every organization event changes: the version, the time and the log position."""
    return {"version": e["originator_version"], "updated_at": e["timestamp"],
            "last_notification_id": tracking.notification_id}
