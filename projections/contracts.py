"""The contracts view (购买服务合同): each contract with its money, the payments ledger
and the performance reviews (绩效评价).

Two tables: the purchase contracts, newest award first, with their milestones
(履约节点), payments and amendments as JSON lists and their money in columns of their
own — amount, accepted (the accepted milestones' amounts), paid, outstanding (amount −
paid) and the milestones overdue now (marked overdue, not yet accepted); and the
reviews, one per reviewed contract (a second review replaces the first), newest first.
Every contract event rewrites the money columns from the row's milestones, amount and
payments, in one transaction with the tracking record, so a row always adds up.  Any
other event only moves the view's position.

The ledger (``ledger``) sums those columns in SQL, grouped by department, provider
or fiscal year; every contract falls into exactly one group, so the groups add up to
the totals.

With SQLite, ``CONTRACTS_SQLITE_DBNAME`` overrides ``SQLITE_DBNAME``; with PostgreSQL
it is tracked in ``contracts_tracking``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from domain.departments import JIANGMEN_DEPARTMENTS
from domain.purchase.contract import ContractStatus, MilestoneStatus
from projections.case_rows import (
    ContractFilter,
    ContractRow,
    LedgerLine,
    LedgerTotals,
    MilestoneRow,
    ReviewRow,
)
from projections.events import (
    CONTRACT_AMENDED,
    CONTRACT_ANNOUNCED,
    CONTRACT_AWARDED,
    CONTRACT_CLOSED,
    CONTRACT_REVIEWED,
    CONTRACT_TERMINATED,
    MILESTONE_ACCEPTED,
    MILESTONE_DELIVERED,
    MILESTONE_OVERDUE,
    MILESTONE_REJECTED,
    PAYMENT_APPROVED,
    PROVIDER_CONFIRMED,
    PROVIDER_GRADE_CHANGED,
    REVIEW_OPENED,
    event_values,
)
from projections.rows import Page
from projections.sql import SqlCursor, Table, json_ready
from projections.transfers import newest_first
from projections.views import PostgresTrackedView, SQLiteTrackedView, TrackedView

CONTRACTS = Table(
    name="purchase_contracts",
    row_class=ContractRow,
    key="id",
    unique=("position",),
    indexes=(("department", "position"), ("provider_id", "position"), ("item_id", "position"),
             ("fiscal_year", "position"), ("status", "position")),
)
REVIEWS = Table(
    name="contract_reviews",
    row_class=ReviewRow,
    key="contract_id",
    unique=("position",),
    indexes=(("provider_id", "position"), ("department", "position")),
)

_CONTRACT_FILTERS = ("department", "provider_id", "item_id", "fiscal_year", "status")
GROUPS = ("department", "organization", "fiscal_year")
"""What the ledger groups by."""


@dataclass(frozen=True)
class LedgerSums:
    """One group's sums as the ledger's SQL returns them."""

    key: str
    label: str
    contracts: int
    amount_fen: int
    accepted_fen: int
    paid_fen: int
    outstanding_fen: int
    overdue_milestones: int

    @property
    def totals(self) -> LedgerTotals:
        return LedgerTotals(contracts=self.contracts, amount_fen=self.amount_fen,
                            accepted_fen=self.accepted_fen, paid_fen=self.paid_fen,
                            outstanding_fen=self.outstanding_fen,
                            overdue_milestones=self.overdue_milestones)


LEDGER = Table(name=CONTRACTS.name, row_class=LedgerSums, key="key")
"""The contracts table read as sums (never created: only the ledger's reads use it)."""

_SUMS = ", ".join(
    f"CAST(COALESCE(SUM({column}), 0) AS BIGINT) AS {column}"
    for column in ("amount_fen", "accepted_fen", "paid_fen", "outstanding_fen",
                   "overdue_milestones"))
_GROUP_KEYS = {
    "department": ("department", "department"),
    "organization": ("CAST(provider_id AS TEXT)", "MAX(provider_name)"),
    "fiscal_year": ("CAST(fiscal_year AS TEXT)", "CAST(fiscal_year AS TEXT)"),
}
"""group_by → (the key's SQL, the label's SQL)."""

ContractChange = Callable[[ContractRow], dict[str, Any]]


class UnknownLedgerGroupError(ValueError):
    """``group_by`` names none of ``GROUPS``."""


class ContractsView(TrackedView):
    """Implements ``projections.readers.ContractReader``."""

    projection_name = "contracts"
    tables = (CONTRACTS, REVIEWS)

    # --- writes ----------------------------------------------------------------

    def add_contract(self, row: dict[str, Any], tracking: Tracking) -> None:
        self._write(tracking, CONTRACTS, CONTRACTS.insert_sql(row), row)

    def change_contract(self, contract_id: UUID, tracking: Tracking, values: ContractChange,
                        *, review: Callable[[ContractRow], dict[str, Any]] | None = None
                        ) -> None:
        """Set the ``values`` that follow from the contract's row before the event; with
        ``review``, add (or replace) the contract's review made from that row."""

        def write(c: SqlCursor) -> None:
            (row,) = self._fetch(c, CONTRACTS, "SELECT * FROM {table} WHERE id = :key",
                                 {"key": contract_id})
            row = _with_milestones(row)
            changed = values(row)
            self._execute(c, CONTRACTS, CONTRACTS.update_sql(changed),
                          {**changed, "key": contract_id})
            if review is not None:
                reviewed = review(row)
                self._execute(c, REVIEWS, REVIEWS.upsert_sql(reviewed), reviewed)

        self._apply(tracking, write)

    # --- reads -----------------------------------------------------------------

    def get_contract(self, contract_id: UUID) -> ContractRow | None:
        rows = self._select(CONTRACTS, "SELECT * FROM {table} WHERE id = :id",
                            {"id": contract_id})
        return _with_milestones(rows[0]) if rows else None

    def list_contracts(
        self, filters: ContractFilter, *, cursor: str | None, limit: int
    ) -> Page[ContractRow]:
        """Contracts, newest award (in log order) first, after ``cursor``."""
        conditions: list[str] = []
        params: dict[str, Any] = {}
        for column in _CONTRACT_FILTERS:
            value = getattr(filters, column)
            if value is not None:
                conditions.append(f"{column} = :{column}")
                params[column] = value
        page = newest_first(lambda sql, values: self._select(CONTRACTS, sql, values),
                            position_of=lambda row: row.position, conditions=conditions,
                            params=params, cursor=cursor, limit=limit)
        return Page(data=[_with_milestones(row) for row in page.data],
                    next_cursor=page.next_cursor)

    def ledger(self, *, group_by: str, fiscal_year: int | None,
               department: str | None) -> tuple[list[LedgerLine], LedgerTotals]:
        """The contracts (of ``fiscal_year`` and ``department``, if given) summed by
        ``department``, ``organization`` (the provider) or ``fiscal_year``, in key order,
        and the grand totals: one query for the groups, one for the totals, in one
        transaction (so they agree)."""
        if group_by not in _GROUP_KEYS:
            raise UnknownLedgerGroupError(
                f"group_by must be one of {', '.join(GROUPS)}, not {group_by!r}")
        conditions: list[str] = []
        params: dict[str, Any] = {}
        if fiscal_year is not None:
            conditions.append("fiscal_year = :fiscal_year")
            params["fiscal_year"] = fiscal_year
        if department is not None:
            conditions.append("department = :department")
            params["department"] = department
        where = f"WHERE {' AND '.join(conditions)} " if conditions else ""
        key, label = _GROUP_KEYS[group_by]
        with self._transaction(commit=False) as c:
            groups: list[LedgerSums] = self._fetch(c, LEDGER, (
                f"SELECT {key} AS key, {label} AS label, COUNT(*) AS contracts, {_SUMS} "
                f"FROM {{table}} {where}GROUP BY {key} ORDER BY {key}"), params)
            (total,) = self._fetch(c, LEDGER, (
                f"SELECT '' AS key, '' AS label, COUNT(*) AS contracts, {_SUMS} "
                f"FROM {{table}} {where}"), params)
        lines = [LedgerLine(key=g.key, label=_label(group_by, g), totals=g.totals)
                 for g in groups]
        return lines, total.totals

    def reviews(
        self, *, provider_id: UUID | None, department: str | None, contract_id: UUID | None,
        cursor: str | None, limit: int,
    ) -> Page[ReviewRow]:
        """Performance reviews, newest first, after ``cursor``."""
        conditions: list[str] = []
        params: dict[str, Any] = {}
        for column, value in (("provider_id", provider_id), ("department", department),
                              ("contract_id", contract_id)):
            if value is not None:
                conditions.append(f"{column} = :{column}")
                params[column] = value
        return newest_first(lambda sql, values: self._select(REVIEWS, sql, values),
                            position_of=lambda row: row.position, conditions=conditions,
                            params=params, cursor=cursor, limit=limit)

    def dump(self) -> dict[str, list[Any]]:
        tables = super().dump()
        tables[CONTRACTS.name] = [_with_milestones(row) for row in tables[CONTRACTS.name]]
        return tables


def _label(group_by: str, sums: LedgerSums) -> str:
    if group_by == "department":
        known = JIANGMEN_DEPARTMENTS.get(sums.key)
        return known.name if known is not None else sums.key
    if group_by == "fiscal_year":
        return f"{sums.key}年度"
    return sums.label


def _with_milestones(row: ContractRow) -> ContractRow:
    """The row with its milestones as ``MilestoneRow`` (a JSON column keeps them as
    objects with ISO dates)."""
    return replace(row, milestones=[milestone_row(m) for m in row.milestones])


def milestone_row(stored: Any) -> MilestoneRow:
    if isinstance(stored, MilestoneRow):
        return stored

    def day(value: Any) -> date | None:
        return None if value is None else date.fromisoformat(str(value))

    return MilestoneRow(
        milestone_id=str(stored["milestone_id"]), name=str(stored["name"]),
        due_on=date.fromisoformat(str(stored["due_on"])), amount_fen=int(stored["amount_fen"]),
        status=str(stored["status"]), delivered_on=day(stored.get("delivered_on")),
        accepted_on=day(stored.get("accepted_on")), findings=stored.get("findings"),
        paid_fen=int(stored["paid_fen"]), overdue=bool(stored["overdue"]))


class SQLiteContractsView(ContractsView, SQLiteTrackedView):
    """The contracts view in SQLite."""


class PostgresContractsView(ContractsView, PostgresTrackedView):
    """The contracts view in PostgreSQL."""


# --- events → column values --------------------------------------------------


def planned(records: list[dict[str, Any]], first: int) -> list[MilestoneRow]:
    """Milestones as planned, numbered M<first>, M<first + 1>, … (as the contract does)."""
    return [MilestoneRow(milestone_id=f"M{number}", name=str(record["name"]),
                         due_on=record["due_on"], amount_fen=int(record["amount_fen"]),
                         status=MilestoneStatus.PENDING.value, delivered_on=None,
                         accepted_on=None, findings=None, paid_fen=0, overdue=False)
            for number, record in enumerate(records, start=first)]


def money(milestones: list[MilestoneRow], *, amount_fen: int, paid_fen: int
          ) -> dict[str, Any]:
    """The columns that follow from the milestones, the amount and the payments."""
    accepted = MilestoneStatus.ACCEPTED.value
    return {
        "milestones": [json_ready(asdict(m)) for m in milestones],
        "accepted_fen": sum(m.amount_fen for m in milestones if m.status == accepted),
        "outstanding_fen": amount_fen - paid_fen,
        "overdue_milestones": sum(1 for m in milestones if m.overdue and m.status != accepted),
    }


class ContractsProjection(Projection[ContractsView]):
    """Keeps the contracts view up to date: one handler per contract event."""

    name = "contracts"

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.skip(tracking)

    @process_event.register(CONTRACT_AWARDED)
    def awarded(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        milestones = planned(list(e["milestones"]), 1)
        self.view.add_contract({
            "id": e["originator_id"], "item_id": UUID(e["item_id"]),
            "provider_id": UUID(e["provider_id"]),
            **{name: e[name] for name in (
                "item_code", "item_name", "department", "provider_name",
                "provider_credit_code", "method", "fiscal_year", "amount_fen", "term_start",
                "term_end", "secured_and_stable", "awarded_on")},
            "original_amount_fen": e["amount_fen"], "paid_fen": 0,
            **money(milestones, amount_fen=e["amount_fen"], paid_fen=0),
            "status": ContractStatus.AWARDED.value, "announced_on": None, "payments": [],
            "amendments": [], "provider_review_pending": False, "review_total": None,
            "review_rating": None, "created_at": e["timestamp"],
            "position": tracking.notification_id, **_stamp(e, tracking),
        }, tracking)

    @process_event.register(CONTRACT_ANNOUNCED)
    def announced(self, event: Any, tracking: Tracking) -> None:
        self._change(event, tracking, lambda _: {
            "status": ContractStatus.PERFORMING.value, "announced_on": event.announced_on})

    @process_event.register(MILESTONE_DELIVERED)
    def milestone_delivered(self, event: Any, tracking: Tracking) -> None:
        self._milestone(event, tracking, status=MilestoneStatus.DELIVERED.value,
                        delivered_on=event.delivered_on)

    @process_event.register(MILESTONE_ACCEPTED)
    def milestone_accepted(self, event: Any, tracking: Tracking) -> None:
        self._milestone(event, tracking, status=MilestoneStatus.ACCEPTED.value,
                        findings=event.findings, accepted_on=event.accepted_on)

    @process_event.register(MILESTONE_REJECTED)
    def milestone_rejected(self, event: Any, tracking: Tracking) -> None:
        self._milestone(event, tracking, status=MilestoneStatus.REJECTED.value,
                        findings=event.findings)

    @process_event.register(MILESTONE_OVERDUE)
    def milestone_overdue(self, event: Any, tracking: Tracking) -> None:
        self._milestone(event, tracking, overdue=True)

    @process_event.register(PAYMENT_APPROVED)
    def payment_approved(self, event: Any, tracking: Tracking) -> None:
        payment = json_ready({"milestone_id": event.milestone_id,
                              "amount_fen": event.amount_fen,
                              "approved_on": event.approved_on})

        def paid(row: ContractRow) -> dict[str, Any]:
            return {
                "milestones": [replace(m, paid_fen=m.paid_fen + event.amount_fen)
                               if m.milestone_id == event.milestone_id else m
                               for m in row.milestones],
                "paid_fen": row.paid_fen + event.amount_fen,
                "payments": [*row.payments, payment],
            }

        self._change(event, tracking, paid)

    @process_event.register(CONTRACT_AMENDED)
    def amended(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)

        def amended(row: ContractRow) -> dict[str, Any]:
            added = planned([e["added_milestone"]], len(row.milestones) + 1) \
                if e["added_milestone"] is not None else []
            amendment = json_ready({
                "reason": e["reason"], "added_fen": e["added_fen"], "term_end": e["term_end"],
                "amended_on": e["amended_on"],
                "milestone_id": added[0].milestone_id if added else None})
            return {"milestones": [*row.milestones, *added],
                    "amount_fen": row.amount_fen + e["added_fen"], "term_end": e["term_end"],
                    "amendments": [*row.amendments, amendment]}

        self._change(event, tracking, amended)

    @process_event.register(CONTRACT_TERMINATED)
    def terminated(self, event: Any, tracking: Tracking) -> None:
        self._change(event, tracking, lambda _: {
            "status": ContractStatus.TERMINATED.value, "provider_review_pending": False})

    @process_event.register(REVIEW_OPENED)
    def review_opened(self, event: Any, tracking: Tracking) -> None:
        self._change(event, tracking, lambda _: {"status": ContractStatus.REVIEW_DUE.value})

    @process_event.register(CONTRACT_REVIEWED)
    def reviewed(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)

        def review(row: ContractRow) -> dict[str, Any]:
            return {
                "contract_id": row.id, "item_code": row.item_code, "item_name": row.item_name,
                "department": row.department, "provider_id": row.provider_id,
                "provider_name": row.provider_name, "fiscal_year": row.fiscal_year,
                **{name: e[name] for name in ("scores", "total", "rating", "comment",
                                              "reviewed_on")},
                "position": tracking.notification_id,
                "last_notification_id": tracking.notification_id,
            }

        self._change(event, tracking, lambda _: {
            "review_total": e["total"], "review_rating": e["rating"]}, review=review)

    @process_event.register(CONTRACT_CLOSED)
    def closed(self, event: Any, tracking: Tracking) -> None:
        self._change(event, tracking, lambda _: {"status": ContractStatus.CLOSED.value})

    @process_event.register(PROVIDER_GRADE_CHANGED)
    def provider_grade_changed(self, event: Any, tracking: Tracking) -> None:
        self._change(event, tracking, lambda _: {"provider_review_pending": True})

    @process_event.register(PROVIDER_CONFIRMED)
    def provider_confirmed(self, event: Any, tracking: Tracking) -> None:
        self._change(event, tracking, lambda _: {"provider_review_pending": False})

    def _milestone(self, event: Any, tracking: Tracking, **values: Any) -> None:
        self._change(event, tracking, lambda row: {"milestones": [
            replace(m, **values) if m.milestone_id == event.milestone_id else m
            for m in row.milestones]})

    def _change(self, event: Any, tracking: Tracking, values: ContractChange, *,
                review: Callable[[ContractRow], dict[str, Any]] | None = None) -> None:
        e = event_values(event)

        def changed(row: ContractRow) -> dict[str, Any]:
            new = values(row)
            milestones = new.pop("milestones", row.milestones)
            return {**new, **money(milestones, amount_fen=new.get("amount_fen", row.amount_fen),
                                   paid_fen=new.get("paid_fen", row.paid_fen)),
                    **_stamp(e, tracking)}

        self.view.change_contract(e["originator_id"], tracking, changed, review=review)


def _stamp(e: dict[str, Any], tracking: Tracking) -> dict[str, Any]:
    """What every event changes on its row: the version, the time and the log position."""
    return {"version": e["originator_version"], "updated_at": e["timestamp"],
            "last_notification_id": tracking.notification_id}
