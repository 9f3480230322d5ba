"""The reporting view (季度报告、全市报告、验收考核): figures by department and quarter, the
quarterly reports and the year-end acceptance reviews.

Figures (``domain.reporting.figures``) are counted as events happen, in the quarter of
the event's date in China time, for the department whose case it is:

- items_catalogued: CatalogueItem Drafted — a new draft, or an existing item recorded
  (登记既有目录事项): the item enters the department's catalogue that quarter;
- items_published: Published (not an existing item's, see below; a new version's
  VersionPublished is the same item again and is not counted);
- items_referred: Referred;
- decided_*: Decided, by its mode (``DECISION_FIGURES``); a decision taken again after
  the committee rejected a retention counts again;
- transfers_approved: FunctionTransfer Approved (the transfer's department);
- contracts_awarded: PurchaseContract Awarded;
- amount_committed_fen: Awarded, its amount; Amended, the amount it adds (the commitment
  grows in the quarter the supplementary contract is signed);
- amount_paid_fen: PaymentApproved, its amount;
- reviews_*: Reviewed, by its rating (``REVIEW_FIGURES``);
- overdue_cases: ReferralEscalated (an opinion overdue) and MilestoneOverdue.

An existing item is recorded with the steps it went through before govflow — published,
its publicity closed, decided — all by the one command that drafted it, dated by its
documents.  Those steps are not this quarter's work (and may belong to a quarter already
reported), so only its entry into the catalogue is counted; what the department does with
it afterwards (a referral, a decision) counts as any other item's.

Counting at the event's own date means that once a quarter is over nothing new falls
inside it: a submitted report's figures stay what they were.  The view keeps each
case's department (items, transfers, contracts: ``report_cases``) and each registered
department's name and region (``report_departments``) so that later events can be
placed and rows titled without reading another view.

The quarterly reports and acceptance reviews are rows of their own, newest first.

With SQLite, ``REPORTING_SQLITE_DBNAME`` overrides ``SQLITE_DBNAME``; with PostgreSQL it
is tracked in ``reporting_tracking``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import Any
from uuid import UUID

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from domain.calendar import china_date
from domain.departments import PILOT_REGIONS, REGION_NAMES
from domain.reporting.figures import DECISION_FIGURES, FIGURE_KEYS, REVIEW_FIGURES, empty_figures
from domain.reporting.periods import Quarter
from domain.reporting.report import ReportStatus
from projections.events import (
    ACCEPTANCE_OPENED,
    ACCEPTANCE_SCORED,
    CONTRACT_AMENDED,
    CONTRACT_AWARDED,
    CONTRACT_REVIEWED,
    DEPARTMENT_REGISTERED,
    ITEM_DECIDED,
    ITEM_DRAFTED,
    ITEM_PUBLISHED,
    ITEM_REFERRAL_ESCALATED,
    ITEM_REFERRED,
    MILESTONE_OVERDUE,
    PAYMENT_APPROVED,
    REPORT_ESCALATED,
    REPORT_NARRATIVE_SAVED,
    REPORT_OPENED,
    REPORT_SUBMITTED,
    TRANSFER_APPROVED,
    TRANSFER_PROPOSED,
    event_values,
)
from projections.report_rows import (
    AWAITING_SCORE,
    SCORED,
    AcceptanceReviewRow,
    CityReport,
    CountedCase,
    DepartmentFigures,
    FigureCount,
    QuarterlyReportRow,
    RegionFigures,
    ReportDepartment,
    ReportFilter,
)
from projections.rows import Page
from projections.sql import SqlCursor, Table
from projections.transfers import newest_first
from projections.views import PostgresTrackedView, SQLiteTrackedView, TrackedView

COUNTS = Table(name="report_figures", row_class=FigureCount, key="id",
               indexes=(("quarter", "department"),))
DEPARTMENTS = Table(name="report_departments", row_class=ReportDepartment, key="code")
CASES = Table(name="report_cases", row_class=CountedCase, key="case_id")
REPORTS = Table(
    name="quarterly_reports", row_class=QuarterlyReportRow, key="id", unique=("position",),
    indexes=(("department", "position"), ("year", "quarter", "position"),
             ("status", "position")),
)
REVIEWS = Table(
    name="acceptance_reviews", row_class=AcceptanceReviewRow, key="id", unique=("position",),
    indexes=(("department", "position"), ("year", "position")),
)

_ADD = ("INSERT INTO {table} AS counted (id, department, quarter, figure, value) "
        "VALUES (:id, :department, :quarter, :figure, :value) "
        "ON CONFLICT (id) DO UPDATE SET value = counted.value + excluded.value")
_REPORT_FILTERS = ("department", "year", "quarter", "status")

Amounts = Mapping[str, int]
"""Figure key → how much an event adds to it."""
Change = Callable[[Any], dict[str, Any]]


class ReportingView(TrackedView):
    """Implements ``projections.readers.ReportReader``."""

    projection_name = "reporting"
    tables = (COUNTS, DEPARTMENTS, CASES, REPORTS, REVIEWS)

    # --- writes ----------------------------------------------------------------

    def add_department(self, department: ReportDepartment, tracking: Tracking) -> None:
        values = asdict(department)
        self._write(tracking, DEPARTMENTS, DEPARTMENTS.upsert_sql(values), values)

    def add_case(self, case: CountedCase, tracking: Tracking, *, quarter: Quarter,
                 amounts: Amounts) -> None:
        """Keep the department of a new case, and count what its first event adds."""
        values = asdict(case)

        def write(c: SqlCursor) -> None:
            self._execute(c, CASES, CASES.insert_sql(values), values)
            self._count(c, case.department, quarter, amounts)

        self._apply(tracking, write)

    def count_for_case(self, case_id: UUID, tracking: Tracking, *, quarter: Quarter,
                       amounts: Callable[[CountedCase], Amounts]) -> None:
        """Count what an event adds for the department of its case (``amounts`` given the
        case); an event of a case the view does not know only moves the position."""

        def write(c: SqlCursor) -> None:
            cases: list[CountedCase] = self._fetch(
                c, CASES, "SELECT * FROM {table} WHERE case_id = :key", {"key": case_id})
            if cases:
                self._count(c, cases[0].department, quarter, amounts(cases[0]))

        self._apply(tracking, write)

    def _count(self, c: SqlCursor, department: str, quarter: Quarter,
               amounts: Amounts) -> None:
        for figure, value in amounts.items():
            if value:
                self._execute(c, COUNTS, _ADD, {
                    "id": f"{department}|{quarter.key}|{figure}", "department": department,
                    "quarter": quarter.key, "figure": figure, "value": value})

    def add_report(self, row: dict[str, Any], tracking: Tracking) -> None:
        self._add_named(REPORTS, row, tracking)

    def change_report(self, report_id: UUID, tracking: Tracking, values: Change) -> None:
        self._change(REPORTS, report_id, tracking, values)

    def add_review(self, row: dict[str, Any], tracking: Tracking) -> None:
        self._add_named(REVIEWS, row, tracking)

    def change_review(self, review_id: UUID, tracking: Tracking, values: Change) -> None:
        self._change(REVIEWS, review_id, tracking, values)

    def _add_named(self, table: Table, row: dict[str, Any], tracking: Tracking) -> None:
        """Insert ``row`` with its department's name (the code, if not registered)."""

        def write(c: SqlCursor) -> None:
            known: list[ReportDepartment] = self._fetch(
                c, DEPARTMENTS, "SELECT * FROM {table} WHERE code = :code",
                {"code": row["department"]})
            values = {**row, "department_name": known[0].name if known else row["department"]}
            self._execute(c, table, table.insert_sql(values), values)

        self._apply(tracking, write)

    def _change(self, table: Table, key: UUID, tracking: Tracking, values: Change) -> None:
        def write(c: SqlCursor) -> None:
            (row,) = self._fetch(c, table, "SELECT * FROM {table} WHERE id = :key",
                                 {"key": key})
            changed = values(row)
            self._execute(c, table, table.update_sql(changed), {**changed, "key": key})

        self._apply(tracking, write)

    # --- reads -----------------------------------------------------------------

    def figures(self, department: str, quarter: Quarter) -> dict[str, int]:
        """The department's figures in ``quarter`` (every figure, zero if nothing counted)."""
        counted: list[FigureCount] = self._select(COUNTS, (
            "SELECT * FROM {table} WHERE quarter = :quarter AND department = :department"),
            {"quarter": quarter.key, "department": department})
        return _figures(counted)

    def city_report(self, quarter: Quarter) -> CityReport:
        """Every department's figures in ``quarter``, summed by region and for the city."""
        with self._transaction(commit=False) as c:
            known: list[ReportDepartment] = self._fetch(
                c, DEPARTMENTS, "SELECT * FROM {table} ORDER BY code", {})
            counted: list[FigureCount] = self._fetch(
                c, COUNTS, "SELECT * FROM {table} WHERE quarter = :quarter",
                {"quarter": quarter.key})
        return city_report(quarter, known, counted)

    def get_report(self, report_id: UUID) -> QuarterlyReportRow | None:
        rows = self._select(REPORTS, "SELECT * FROM {table} WHERE id = :id", {"id": report_id})
        return rows[0] if rows else None

    def list_reports(self, filters: ReportFilter, *, cursor: str | None, limit: int
                     ) -> Page[QuarterlyReportRow]:
        """Quarterly reports, newest opened first, after ``cursor``."""
        conditions: list[str] = []
        params: dict[str, Any] = {}
        for column in _REPORT_FILTERS:
            value = getattr(filters, column)
            if value is not None:
                conditions.append(f"{column} = :{column}")
                params[column] = value
        return newest_first(lambda sql, values: self._select(REPORTS, sql, values),
                            position_of=lambda row: row.position, conditions=conditions,
                            params=params, cursor=cursor, limit=limit)

    def get_acceptance_review(self, review_id: UUID) -> AcceptanceReviewRow | None:
        rows = self._select(REVIEWS, "SELECT * FROM {table} WHERE id = :id", {"id": review_id})
        return rows[0] if rows else None

    def list_acceptance_reviews(
        self, *, year: int | None, department: str | None, cursor: str | None, limit: int,
    ) -> Page[AcceptanceReviewRow]:
        """Acceptance reviews, newest opened first, after ``cursor``."""
        conditions: list[str] = []
        params: dict[str, Any] = {}
        for column, value in (("year", year), ("department", department)):
            if value is not None:
                conditions.append(f"{column} = :{column}")
                params[column] = value
        return newest_first(lambda sql, values: self._select(REVIEWS, sql, values),
                            position_of=lambda row: row.position, conditions=conditions,
                            params=params, cursor=cursor, limit=limit)


class SQLiteReportingView(ReportingView, SQLiteTrackedView):
    """The reporting view in SQLite."""


class PostgresReportingView(ReportingView, PostgresTrackedView):
    """The reporting view in PostgreSQL."""


# --- figures → the city report -----------------------------------------------------------


def _figures(counted: list[FigureCount]) -> dict[str, int]:
    figures = empty_figures()
    for count in counted:
        if count.figure in figures:
            figures[count.figure] += int(count.value)
    return figures


def _added(rows: list[dict[str, int]]) -> dict[str, int]:
    return {key: sum(row[key] for row in rows) for key in FIGURE_KEYS}


def region_of(department: str) -> str:
    """The region code a department code starts with (``440703-MZJ`` → ``440703``)."""
    return department.split("-", 1)[0]


def city_report(quarter: Quarter, known: list[ReportDepartment],
                counted: list[FigureCount]) -> CityReport:
    """Department rows (every registered department, and any other one with figures),
    region rows (every region with a department, and the pilot districts) and the total."""
    by_department: dict[str, list[FigureCount]] = defaultdict(list)
    for count in counted:
        by_department[count.department].append(count)
    departments = {d.code: d for d in known}
    for code in by_department.keys() - departments.keys():
        region = region_of(code)
        departments[code] = ReportDepartment(
            code=code, name=code, region_code=region,
            region_name=REGION_NAMES.get(region, region), pilot=region in PILOT_REGIONS)
    rows = [DepartmentFigures(
        department=d.code, department_name=d.name, region_code=d.region_code,
        region_name=d.region_name, pilot=d.pilot, figures=_figures(by_department[d.code]))
        for d in sorted(departments.values(), key=lambda d: (d.region_code, d.code))]
    regions: dict[str, list[DepartmentFigures]] = {code: [] for code in PILOT_REGIONS}
    for row in rows:
        regions.setdefault(row.region_code, []).append(row)
    region_rows = [RegionFigures(
        region_code=code,
        region_name=members[0].region_name if members else REGION_NAMES.get(code, code),
        pilot=code in PILOT_REGIONS, departments=len(members),
        figures=_added([m.figures for m in members]))
        for code, members in sorted(regions.items())]
    return CityReport(quarter=quarter, departments=rows, regions=region_rows,
                      total=_added([r.figures for r in region_rows]))


# --- events → figures and rows -----------------------------------------------------------


def quarter_of(event: Any) -> Quarter:
    """The quarter of the event's date in China."""
    return Quarter.of(china_date(event.timestamp))


def _stamp(e: dict[str, Any], tracking: Tracking) -> dict[str, Any]:
    """What every event changes on its row: the version, the time and the log position."""
    return {"version": e["originator_version"], "updated_at": e["timestamp"],
            "last_notification_id": tracking.notification_id}


class ReportingProjection(Projection[ReportingView]):
    """Keeps the reporting view up to date: counts figures, follows reports and reviews."""

    name = "reporting"

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.skip(tracking)

    @process_event.register(DEPARTMENT_REGISTERED)
    def department_registered(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self.view.add_department(ReportDepartment(
            **{name: e[name] for name in ("code", "name", "region_code", "region_name",
                                          "pilot")}), tracking)

    # --- cases and what they add --------------------------------------------------

    def _new_case(self, event: Any, tracking: Tracking, amounts: Amounts) -> None:
        e = event_values(event)
        self.view.add_case(
            CountedCase(case_id=e["originator_id"], department=e["department"],
                        created_by=e["command_id"]),
            tracking, quarter=quarter_of(event), amounts=amounts)

    def _count(self, event: Any, tracking: Tracking, amounts: Amounts, *,
               existing_too: bool = True) -> None:
        """Count ``amounts`` for the event's case; not for a step an existing item was
        recorded with, unless ``existing_too``."""
        command_id = event.command_id
        self.view.count_for_case(
            event.originator_id, tracking, quarter=quarter_of(event),
            amounts=lambda case: amounts if existing_too or case.created_by != command_id
            else {})

    @process_event.register(ITEM_DRAFTED)
    def item_drafted(self, event: Any, tracking: Tracking) -> None:
        self._new_case(event, tracking, {"items_catalogued": 1})

    @process_event.register(ITEM_PUBLISHED)
    def item_published(self, event: Any, tracking: Tracking) -> None:
        self._count(event, tracking, {"items_published": 1}, existing_too=False)

    @process_event.register(ITEM_REFERRED)
    def item_referred(self, event: Any, tracking: Tracking) -> None:
        self._count(event, tracking, {"items_referred": 1})

    @process_event.register(ITEM_DECIDED)
    def item_decided(self, event: Any, tracking: Tracking) -> None:
        self._count(event, tracking, {DECISION_FIGURES[event.mode]: 1}, existing_too=False)

    @process_event.register(ITEM_REFERRAL_ESCALATED)
    @process_event.register(MILESTONE_OVERDUE)
    def overdue(self, event: Any, tracking: Tracking) -> None:
        self._count(event, tracking, {"overdue_cases": 1})

    @process_event.register(TRANSFER_PROPOSED)
    def transfer_proposed(self, event: Any, tracking: Tracking) -> None:
        self._new_case(event, tracking, {})

    @process_event.register(TRANSFER_APPROVED)
    def transfer_approved(self, event: Any, tracking: Tracking) -> None:
        self._count(event, tracking, {"transfers_approved": 1})

    @process_event.register(CONTRACT_AWARDED)
    def contract_awarded(self, event: Any, tracking: Tracking) -> None:
        self._new_case(event, tracking, {"contracts_awarded": 1,
                                         "amount_committed_fen": int(event.amount_fen)})

    @process_event.register(CONTRACT_AMENDED)
    def contract_amended(self, event: Any, tracking: Tracking) -> None:
        self._count(event, tracking, {"amount_committed_fen": int(event.added_fen)})

    @process_event.register(PAYMENT_APPROVED)
    def payment_approved(self, event: Any, tracking: Tracking) -> None:
        self._count(event, tracking, {"amount_paid_fen": int(event.amount_fen)})

    @process_event.register(CONTRACT_REVIEWED)
    def contract_reviewed(self, event: Any, tracking: Tracking) -> None:
        self._count(event, tracking, {REVIEW_FIGURES[event.rating]: 1})

    # --- quarterly reports (季度报告) ------------------------------------------------

    @process_event.register(REPORT_OPENED)
    def report_opened(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        quarter = Quarter(e["year"], e["quarter"])
        self.view.add_report({
            "id": e["originator_id"], "department": e["department"], "year": quarter.year,
            "quarter": quarter.number, "quarter_key": quarter.key,
            "status": ReportStatus.OPEN.value, "opened_on": e["opened_on"],
            "due_on": e["due_on"], "narrative": "", "submitted_on": None,
            "escalated_on": None, "late": False, "created_at": e["timestamp"],
            "position": tracking.notification_id, **_stamp(e, tracking),
        }, tracking)

    @process_event.register(REPORT_NARRATIVE_SAVED)
    def report_narrative_saved(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self.view.change_report(e["originator_id"], tracking, lambda _: {
            "narrative": e["narrative"], **_stamp(e, tracking)})

    @process_event.register(REPORT_SUBMITTED)
    def report_submitted(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self.view.change_report(e["originator_id"], tracking, lambda row: {
            "status": ReportStatus.SUBMITTED.value, "narrative": e["narrative"],
            "submitted_on": e["submitted_on"], "late": e["submitted_on"] > row.due_on,
            **_stamp(e, tracking)})

    @process_event.register(REPORT_ESCALATED)
    def report_escalated(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self.view.change_report(e["originator_id"], tracking, lambda _: {
            "escalated_on": e["escalated_on"], "late": True, **_stamp(e, tracking)})

    # --- acceptance reviews (验收考核) ------------------------------------------------

    @process_event.register(ACCEPTANCE_OPENED)
    def acceptance_opened(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self.view.add_review({
            "id": e["originator_id"], "department": e["department"], "year": e["year"],
            "status": AWAITING_SCORE, "opened_on": e["opened_on"], "tasks": [],
            "total": None, "conclusion": None, "scored_on": None,
            "created_at": e["timestamp"], "position": tracking.notification_id,
            **_stamp(e, tracking),
        }, tracking)

    @process_event.register(ACCEPTANCE_SCORED)
    def acceptance_scored(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self.view.change_review(e["originator_id"], tracking, lambda _: {
            "status": SCORED, "tasks": [dict(task) for task in e["tasks"]],
            "total": e["total"], "conclusion": e["conclusion"], "scored_on": e["scored_on"],
            **_stamp(e, tracking)})
