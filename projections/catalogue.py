"""The catalogue view (目录): one row per catalogue item, for lists and detail pages.

The projection turns each catalogue item event into column values (no SQL there);
:class:`CatalogueView` stores and reads them with SQL written once for both
databases.  Events of other aggregates (e.g. ``CatalogueNumbering``) only move
the view's position, so that a read waiting for any notification id returns.

Beside the items the view keeps what their rows are read with: the names of the
departments the committee registered (a registered name wins over the built-in one
the item was drafted with), each item's budgets by fiscal year (the row shows the
one of its catalogue year, which a revision may change), and the search tokens of
its name and description (``projections.search``), indexed by the database.

No topic filter: the position must advance on every event, or ``caught_up`` would
wait forever for a notification the view was never sent.

With SQLite the view lives in its own file: ``ProjectionRunner`` (and
``projections.registry.open_view``) build it from an environment named after the
projection, so ``CATALOGUE_SQLITE_DBNAME`` overrides ``SQLITE_DBNAME``.  With
PostgreSQL it lives beside the events, tracked in ``catalogue_tracking``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, asdict, dataclass, fields
from typing import Any
from uuid import UUID

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from domain.catalogue.classification import Nature
from domain.catalogue.item import STATUS_LABELS, DecisionMode, ItemStatus
from domain.departments import JIANGMEN_DEPARTMENTS
from projections.events import (
    DEPARTMENT_REGISTERED,
    ITEM_BUDGET_ALLOCATED,
    ITEM_DECIDED,
    ITEM_DRAFTED,
    ITEM_OPINION_GIVEN,
    ITEM_PUBLICITY_CLOSED,
    ITEM_PUBLISHED,
    ITEM_REFERRAL_ESCALATED,
    ITEM_REFERRAL_EXTENDED,
    ITEM_REFERRAL_REMINDED,
    ITEM_REFERRED,
    ITEM_RETENTION_REVIEWED,
    ITEM_REVISED,
    ITEM_VERSION_PUBLISHED,
    ITEM_WITHDRAWN,
    event_values,
)
from projections.paging import decode_cursor, encode_cursor
from projections.rows import ALL_DRAFTS, CatalogueFilter, CatalogueItemRow, Page
from projections.search import search_terms, search_tokens
from projections.sql import SqlCursor, Table
from projections.views import PostgresTrackedView, SQLiteTrackedView, TrackedView


@dataclass(frozen=True)
class RegisteredName:
    """A department's name as the committee registered it (登记部门)."""

    code: str
    name: str


@dataclass(frozen=True)
class ItemBudget:
    """An item's budget for one fiscal year (安排预算); a later allocation replaces it."""

    budget_key: str
    """``<item id>/<fiscal year>``."""
    item_id: UUID
    fiscal_year: int
    amount_fen: int


@dataclass(frozen=True)
class SearchEntry:
    """The search tokens of an item's name and description."""

    search_id: int
    """The position of the item's ``Drafted`` event: an integer key, as FTS5 needs."""
    item_id: UUID
    tokens: str


ITEMS = Table(
    name="catalogue_items",
    row_class=CatalogueItemRow,
    key="id",
    unique=("code",),
    # Every list is ordered by code, so each filter's index ends with it.
    indexes=(("department", "code"), ("catalogue_year", "code"), ("status", "code"),
             ("level1", "code")),
)
DEPARTMENTS = Table(name="catalogue_departments", row_class=RegisteredName, key="code")
BUDGETS = Table(name="catalogue_budgets", row_class=ItemBudget, key="budget_key",
                indexes=(("item_id", "fiscal_year"),))
SEARCH = Table(name="catalogue_search", row_class=SearchEntry, key="search_id",
               unique=("item_id",), text_search="tokens")

_FILTERS = ("department", "catalogue_year", "status", "level1")
_FIELDS = ("name", "description", "catalogue_year", "level1", "level2", "level3", "nature",
           "provincial_listed")
# An item's row with the registered name of its department, if there is one.
_COLUMNS = ", ".join(
    "COALESCE(d.name, i.department_name) AS department_name" if c.name == "department_name"
    else f"i.{c.name}"
    for c in ITEMS.columns
)


class CatalogueView(TrackedView):
    """Implements ``projections.readers.CatalogueReader``."""

    projection_name = "catalogue"
    tables = (ITEMS, DEPARTMENTS, BUDGETS, SEARCH)

    # --- writes ----------------------------------------------------------------

    def add_item(self, row: dict[str, Any], *, tokens: str, tracking: Tracking) -> None:
        search = asdict(SearchEntry(tracking.notification_id, row["id"], tokens))

        def write(c: SqlCursor) -> None:
            self._execute(c, ITEMS, ITEMS.insert_sql(row), row)
            self._execute(c, SEARCH, SEARCH.insert_sql(search), search)

        self._apply(tracking, write)

    def change_item(self, item_id: UUID, values: dict[str, Any], tracking: Tracking, *,
                    tokens: str | None = None) -> None:
        """Set ``values``; with ``tokens`` the item's text changed (a revision): index the
        new text, and show the budget of the catalogue year it may have moved to."""

        def write(c: SqlCursor) -> None:
            self._update(c, item_id, values)
            if tokens is not None:
                self._execute(c, SEARCH, "UPDATE {table} SET tokens = :tokens "
                              "WHERE item_id = :item_id", {"tokens": tokens, "item_id": item_id})
                self._show_budget(c, item_id)

        self._apply(tracking, write)

    def change_item_by(self, item_id: UUID, tracking: Tracking,
                       values: Callable[[CatalogueItemRow], dict[str, Any]]) -> None:
        """Set the ``values`` that follow from the item's row as it is before the event."""

        def write(c: SqlCursor) -> None:
            (row,) = self._fetch(c, ITEMS, "SELECT * FROM {table} WHERE id = :id",
                                 {"id": item_id})
            self._update(c, item_id, values(row))

        self._apply(tracking, write)

    def allocate_budget(self, budget: ItemBudget, values: dict[str, Any],
                        tracking: Tracking) -> None:
        allocation = asdict(budget)

        def write(c: SqlCursor) -> None:
            self._execute(c, BUDGETS, BUDGETS.upsert_sql(allocation), allocation)
            self._update(c, budget.item_id, values)
            self._show_budget(c, budget.item_id)

        self._apply(tracking, write)

    def register_department(self, name: RegisteredName, tracking: Tracking) -> None:
        values = asdict(name)
        self._write(tracking, DEPARTMENTS, DEPARTMENTS.upsert_sql(values), values)

    def _update(self, c: SqlCursor, item_id: UUID, values: dict[str, Any]) -> None:
        self._execute(c, ITEMS, ITEMS.update_sql(values), {**values, "key": item_id})

    def _show_budget(self, c: SqlCursor, item_id: UUID) -> None:
        budgets = self.dialect.qualified(BUDGETS.name)
        self._execute(c, ITEMS, (
            f"UPDATE {{table}} SET budget_fen = (SELECT amount_fen FROM {budgets} "
            "WHERE item_id = :key AND fiscal_year = catalogue_year) WHERE id = :key"
        ), {"key": item_id})

    # --- reads -----------------------------------------------------------------

    def get_item(self, item_id: UUID) -> CatalogueItemRow | None:
        rows = self._select(ITEMS, self._read("WHERE i.id = :id"), {"id": item_id})
        return rows[0] if rows else None

    def list_items(
        self, filters: CatalogueFilter, *, cursor: str | None, limit: int
    ) -> Page[CatalogueItemRow]:
        """Items in code order after ``cursor``; drafts only as ``drafts_visible_to`` allows;
        with ``q``, only those whose name or description contains it."""
        if limit < 1:
            raise ValueError(f"limit must be at least 1, not {limit}")
        sql, params = self._list(filters, cursor=cursor, limit=limit)
        rows = self._select(ITEMS, sql, params)
        page = rows[:limit]
        next_cursor = encode_cursor(page[-1].code) if len(rows) > limit else None
        return Page(data=page, next_cursor=next_cursor)

    def list_plan(self, filters: CatalogueFilter) -> str:
        """How the database runs ``list_items(filters)``: shows which indexes a search uses."""
        return self._plan(ITEMS, *self._list(filters, cursor=None, limit=50))

    def _read(self, rest: str) -> str:
        departments = self.dialect.qualified(DEPARTMENTS.name)
        return (f"SELECT {_COLUMNS} FROM {{table}} i "
                f"LEFT JOIN {departments} d ON d.code = i.department {rest}")

    def _list(self, filters: CatalogueFilter, *, cursor: str | None, limit: int
              ) -> tuple[str, dict[str, Any]]:
        conditions, params = self._conditions(filters)
        if cursor is not None:
            conditions.append("i.code > :after")
            params["after"] = decode_cursor(cursor)
        where = f"WHERE {' AND '.join(conditions)} " if conditions else ""
        # One row more than asked tells whether there is a next page.
        params["limit"] = limit + 1
        return self._read(f"{where}ORDER BY i.code LIMIT :limit"), params

    def _conditions(self, filters: CatalogueFilter) -> tuple[list[str], dict[str, Any]]:
        conditions: list[str] = []
        params: dict[str, Any] = {}
        for column in _FILTERS:
            value = getattr(filters, column)
            if value is not None:
                conditions.append(f"i.{column} = :{column}")
                params[column] = value
        if filters.drafts_visible_to != ALL_DRAFTS:
            params["draft"] = ItemStatus.DRAFT.value
            if filters.drafts_visible_to is None:
                conditions.append("i.status <> :draft")
            else:
                conditions.append("(i.status <> :draft OR i.department = :drafts_of)")
                params["drafts_of"] = filters.drafts_visible_to
        if filters.q is not None and filters.q.strip():
            conditions.append(self._search(filters.q, params))
        return conditions, params

    def _search(self, q: str, params: dict[str, Any]) -> str:
        terms = search_terms(q)
        if not terms:
            return "1 = 0"  # punctuation alone: there is nothing to find
        params["search"] = self.dialect.text_query(terms)
        return (f"i.id IN (SELECT item_id FROM {self.dialect.qualified(SEARCH.name)} "
                f"WHERE {self.dialect.text_match(SEARCH, 'tokens')})")


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
        e = event_values(event)
        self.view.add_item(drafted_row(e, tracking), tokens=_tokens(e), tracking=tracking)

    @process_event.register(ITEM_REVISED)
    def revised(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self._change(e, tracking, _item_fields(e), tokens=_tokens(e))

    @process_event.register(ITEM_VERSION_PUBLISHED)
    def version_published(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self._change(e, tracking, {
            **_item_fields(e), **_status(ItemStatus.PUBLICITY), **_publicity(e),
            "catalogue_version": e["version_no"],
        }, tokens=_tokens(e))

    @process_event.register(ITEM_PUBLISHED)
    def published(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self._change(e, tracking, {**_status(ItemStatus.PUBLICITY), **_publicity(e)})

    @process_event.register(ITEM_PUBLICITY_CLOSED)
    def publicity_closed(self, event: Any, tracking: Tracking) -> None:
        self._change(event_values(event), tracking, _status(ItemStatus.PUBLICITY_CLOSED))

    @process_event.register(ITEM_WITHDRAWN)
    def withdrawn(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self._change(e, tracking, {**_status(ItemStatus.WITHDRAWN),
                                   "withdrawal_reason": e["reason"]})

    @process_event.register(ITEM_BUDGET_ALLOCATED)
    def budget_allocated(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        item_id, year = e["originator_id"], e["fiscal_year"]
        self.view.allocate_budget(ItemBudget(f"{item_id}/{year}", item_id, year, e["amount_fen"]),
                                  _stamp(e, tracking), tracking)

    @process_event.register(ITEM_REFERRED)
    def referred(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self._change(e, tracking, {
            **_status(ItemStatus.REFERRED), "agency_id": e["agency_id"],
            "agency_name": e["agency_name"], "referral_due_on": e["due_on"],
            "referral_remind_on": e["remind_on"], "referral_escalated": False,
        })

    @process_event.register(ITEM_REFERRAL_REMINDED)
    def referral_reminded(self, event: Any, tracking: Tracking) -> None:
        # The agency was reminded: the row shows nothing new but the item's version.
        self._change(event_values(event), tracking, {})

    @process_event.register(ITEM_REFERRAL_ESCALATED)
    def referral_escalated(self, event: Any, tracking: Tracking) -> None:
        self._change(event_values(event), tracking, {"referral_escalated": True})

    @process_event.register(ITEM_REFERRAL_EXTENDED)
    def referral_extended(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self._change(e, tracking, {"referral_due_on": e["due_on"],
                                   "referral_remind_on": e["remind_on"],
                                   "referral_escalated": False})

    @process_event.register(ITEM_OPINION_GIVEN)
    def opinion_given(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self._change(e, tracking, {
            **_status(ItemStatus.OPINION_GIVEN), "opinion_recommendation": e["recommendation"],
            "opinion_reasons": e["reasons"],
            "opinion_experts": [expert["name"] for expert in e["experts"]],
        })

    @process_event.register(ITEM_DECIDED)
    def decided(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        decision = {
            "decision_mode": e["mode"], "decision_reason": e["reason"] or None,
            "decision_departs_from_opinion": e["departs_from_opinion"],
            "retention_justification": e["justification"] or None, **_stamp(e, tracking),
        }
        self.view.change_item_by(e["originator_id"], tracking, lambda row: {
            **decision,
            **_status(status_after_decision(e["mode"], provincial_listed=row.provincial_listed,
                                            statutory=row.must_be_retained)),
        })

    @process_event.register(ITEM_RETENTION_REVIEWED)
    def retention_reviewed(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        comment = {"retention_review_comment": e["comment"] or None}
        if e["approved"]:
            self._change(e, tracking, {**_status(ItemStatus.RETAINED), **comment})
        else:  # back to the department's decision, which starts afresh
            self._change(e, tracking, {**_status(ItemStatus.OPINION_GIVEN), **comment,
                                       **_NO_DECISION})

    @process_event.register(DEPARTMENT_REGISTERED)
    def department_registered(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self.view.register_department(RegisteredName(e["code"], e["name"]), tracking)

    def _change(self, e: dict[str, Any], tracking: Tracking, values: dict[str, Any], *,
                tokens: str | None = None) -> None:
        self.view.change_item(e["originator_id"], {**values, **_stamp(e, tracking)}, tracking,
                              tokens=tokens)


def status_after_decision(mode: str, *, provincial_listed: bool, statutory: bool) -> ItemStatus:
    """An item's status after the department's decision, as ``CatalogueItem`` sets it:
    retaining an item the provincial decision lists for transfer (and that is not a
    statutory function) waits for the committee's approval."""
    if DecisionMode(mode).hands_over:
        return ItemStatus.DECIDED
    if provincial_listed and not statutory:
        return ItemStatus.RETENTION_PENDING
    return ItemStatus.RETAINED


def drafted_row(e: dict[str, Any], tracking: Tracking) -> dict[str, Any]:
    """The whole row of a newly drafted item."""
    department = JIANGMEN_DEPARTMENTS.get(e["department"])
    return {
        **_BEFORE_LATER_STEPS,
        "id": e["originator_id"],
        "code": e["code"],
        "department": e["department"],
        # Until the committee registers the department (then its name is read instead).
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


_BEFORE_LATER_STEPS: dict[str, Any] = {
    f.name: f.default_factory() if f.default_factory is not MISSING else f.default
    for f in fields(CatalogueItemRow)
    if f.default is not MISSING or f.default_factory is not MISSING
}
"""The columns that later steps fill, as they are before (the row's defaults)."""

_NO_DECISION: dict[str, Any] = {
    "decision_mode": None, "decision_reason": None, "decision_departs_from_opinion": False,
    "retention_justification": None,
}


def _item_fields(e: dict[str, Any]) -> dict[str, Any]:
    return {**{name: e[name] for name in _FIELDS},
            "must_be_retained": Nature(e["nature"]).is_statutory,
            "negative_list": e.get("negative_list") or None}


def _tokens(e: dict[str, Any]) -> str:
    return search_tokens(e["name"], e["description"])


def _publicity(e: dict[str, Any]) -> dict[str, Any]:
    return {"published_at": e["published_at"], "publicity_starts_on": e["publicity_starts_on"],
            "publicity_ends_on": e["publicity_ends_on"]}


def _status(status: ItemStatus) -> dict[str, Any]:
    return {"status": status.value, "status_label": STATUS_LABELS[status]}


def _stamp(e: dict[str, Any], tracking: Tracking) -> dict[str, Any]:
    """What every event changes: the version, the time and the log position."""
    return {"version": e["originator_version"], "updated_at": e["timestamp"],
            "last_notification_id": tracking.notification_id}
