"""The OCDS view (开放合同数据标准 1.1): every purchase contract as releases.

Each event of a contract's life writes one release, a complete snapshot of what was
true at that moment (``projections.ocds_release``), in one transaction with the
tracking record:

==========================================  =========================================
event                                       release tag
==========================================  =========================================
the item's budget / decision (backfilled)   planning, then planningUpdate
Awarded (签订合同)                          tender, award, contract
Announced (公告)                            awardUpdate, contractUpdate
milestone delivered / accepted / rejected   implementation (the first), then
/ overdue, payment, review opened,          implementationUpdate
reviewed, provider grade change / confirmed
Amended (补充合同)                          contractAmendment
Terminated (终止) / Closed (结束)           contractTermination
budget allocated / decided, after award     planningUpdate (each live contract of the
                                            item; a budget only for its fiscal year)
==========================================  =========================================

Planning comes before there is a contract: the view keeps each catalogue item's
planning events (安排预算 and 决定购买服务), and when a contract is awarded it first
publishes, under the new ocid, one release for each of them that concerns the contract
(decisions, and budgets of its fiscal year), dated when they happened and numbered by
their own positions; later planning events are published to the item's live
contracts.  So a record starts with the planning stage.

The releases are listed in the order the view wrote them (``seq``, the keyset of the
list: a release backfilled at an award comes after everything written before it, so
a consumer paging forward never misses one).  They are stored without ``ocid`` and
``id``; the reader makes both from the prefix it is given, so changing the prefix
setting needs no rebuild.  Every release being a snapshot, a record's compiled release
is its last release (``compiled``).

With SQLite, ``OCDS_SQLITE_DBNAME`` overrides ``SQLITE_DBNAME``; with PostgreSQL it is
tracked in ``ocds_tracking``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from domain.catalogue.item import DecisionMode
from domain.departments import JIANGMEN_DEPARTMENTS
from domain.errors import NotFoundError
from domain.purchase.contract import ContractStatus, MilestoneStatus
from projections.events import (
    CONTRACT_AMENDED,
    CONTRACT_ANNOUNCED,
    CONTRACT_AWARDED,
    CONTRACT_CLOSED,
    CONTRACT_REVIEWED,
    CONTRACT_TERMINATED,
    DEPARTMENT_REGISTERED,
    ITEM_BUDGET_ALLOCATED,
    ITEM_DECIDED,
    ITEM_DRAFTED,
    ITEM_REVISED,
    ITEM_VERSION_PUBLISHED,
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
from projections.keyset import select_page
from projections.ocds_release import (
    ENDED,
    Planning,
    compiled,
    contract_release,
    decision_rationale,
    ocid_for,
    planning_release,
    published,
)
from projections.ocds_rows import (
    OcdsContractRow,
    OcdsDepartmentRow,
    OcdsItemRow,
    OcdsRecord,
    OcdsReleaseRow,
)
from projections.rows import Page
from projections.sql import SqlCursor, Table, json_ready
from projections.views import PostgresTrackedView, SQLiteTrackedView, TrackedView

DEPARTMENTS = Table(name="ocds_departments", row_class=OcdsDepartmentRow, key="code")
ITEMS = Table(name="ocds_items", row_class=OcdsItemRow, key="id")
CONTRACTS = Table(name="ocds_contracts", row_class=OcdsContractRow, key="id",
                  indexes=(("item_id",),))
RELEASES = Table(name="ocds_releases", row_class=OcdsReleaseRow, key="seq",
                 indexes=(("contract_id", "seq"), ("department", "seq")))



@dataclass(frozen=True)
class _LastSeq:
    seq: int


_LAST_SEQ = Table(name=RELEASES.name, row_class=_LastSeq, key="seq")
"""The releases table read as the last ``seq`` written."""

Change = dict[str, Any]


class OcdsWrites:
    """What a handler reads and writes in the transaction of one event."""

    def __init__(self, view: OcdsView, cursor: SqlCursor, tracking: Tracking) -> None:
        self._view, self._c, self.position = view, cursor, tracking.notification_id

    def _rows(self, table: Table, sql: str, params: dict[str, Any]) -> list[Any]:
        return self._view._fetch(self._c, table, sql, params)

    def _run(self, table: Table, sql: str, params: dict[str, Any]) -> None:
        self._view._execute(self._c, table, sql, params)

    # --- departments and items ---------------------------------------------------

    def save_department(self, code: str, name: str) -> None:
        row = {"code": code, "name": name}
        self._run(DEPARTMENTS, DEPARTMENTS.upsert_sql(row), row)

    def department_name(self, code: str) -> str:
        rows = self._rows(DEPARTMENTS, "SELECT * FROM {table} WHERE code = :code",
                          {"code": code})
        if rows:
            return str(rows[0].name)
        known = JIANGMEN_DEPARTMENTS.get(code)
        return known.name if known is not None else code

    def add_item(self, row: Change) -> None:
        self._run(ITEMS, ITEMS.insert_sql(row), row)

    def item(self, item_id: UUID) -> OcdsItemRow | None:
        rows = self._rows(ITEMS, "SELECT * FROM {table} WHERE id = :key", {"key": item_id})
        return rows[0] if rows else None

    def change_item(self, item_id: UUID, values: Change) -> None:
        self._run(ITEMS, ITEMS.update_sql(values), {**values, "key": item_id})

    # --- contracts and their releases ----------------------------------------------

    def contract(self, contract_id: UUID) -> OcdsContractRow:
        (row,) = self._rows(CONTRACTS, "SELECT * FROM {table} WHERE id = :key",
                            {"key": contract_id})
        return row  # type: ignore[no-any-return]

    def live_contracts_of(self, item_id: UUID) -> list[OcdsContractRow]:
        rows: list[OcdsContractRow] = self._rows(
            CONTRACTS, "SELECT * FROM {table} WHERE item_id = :item_id ORDER BY id",
            {"item_id": item_id})
        return [row for row in rows if row.status not in ENDED]

    def add_contract(self, row: OcdsContractRow) -> None:
        values = asdict(row)
        self._run(CONTRACTS, CONTRACTS.insert_sql(values), values)

    def change_contract(self, contract: OcdsContractRow, values: Change) -> OcdsContractRow:
        """Store ``values`` of ``contract``; returns the contract as it is now."""
        self._run(CONTRACTS, CONTRACTS.update_sql(values), {**values, "key": contract.id})
        return replace(contract, **values)

    def publish(self, *, contract_id: UUID, department: str, position: int, at: datetime,
                release: dict[str, Any]) -> None:
        """Add a release (after every one written so far)."""
        (last,) = self._rows(_LAST_SEQ, "SELECT COALESCE(MAX(seq), 0) AS seq FROM {table}", {})
        row = {"seq": last.seq + 1, "contract_id": contract_id, "department": department,
               "position": position, "date": at, "tags": release["tag"], "release": release}
        self._run(RELEASES, RELEASES.insert_sql(row), row)


class OcdsView(TrackedView):
    """Implements ``projections.readers.OcdsReader``."""

    projection_name = "ocds"
    tables = (DEPARTMENTS, ITEMS, CONTRACTS, RELEASES)

    def write(self, tracking: Tracking, work: Callable[[OcdsWrites], None]) -> None:
        """Run ``work`` in the transaction that records ``tracking``."""
        self._apply(tracking, lambda c: work(OcdsWrites(self, c, tracking)))

    # --- reads -----------------------------------------------------------------

    def list_releases(
        self, *, ocid_prefix: str, ocid: str | None, department: str | None,
        cursor: str | None, limit: int,
    ) -> Page[dict[str, Any]]:
        """Releases in the order they were written, after ``cursor``, with ocids of
        ``ocid_prefix``; only those of ``ocid`` or of ``department`` if given."""
        conditions: list[str] = []
        params: dict[str, Any] = {}
        if ocid is not None:
            contract_id = contract_of(ocid, ocid_prefix=ocid_prefix)
            if contract_id is None:
                return Page(data=[], next_cursor=None)
            conditions.append("contract_id = :contract_id")
            params["contract_id"] = contract_id
        if department is not None:
            conditions.append("department = :department")
            params["department"] = department
        page: Page[OcdsReleaseRow] = select_page(
            lambda sql, values: self._select(RELEASES, sql, values), column="seq",
            key_of=lambda row: row.seq, conditions=conditions, params=params, cursor=cursor,
            limit=limit, parse=int)
        return Page(data=[_published(row, ocid_prefix) for row in page.data],
                    next_cursor=page.next_cursor)

    def get_record(self, ocid: str, *, ocid_prefix: str) -> OcdsRecord | None:
        """Every release of ``ocid`` in date order and the compiled release; None if no
        contract has that ocid under ``ocid_prefix``."""
        contract_id = contract_of(ocid, ocid_prefix=ocid_prefix)
        if contract_id is None:
            return None
        rows: list[OcdsReleaseRow] = self._select(
            RELEASES, "SELECT * FROM {table} WHERE contract_id = :contract_id "
                      "ORDER BY date, seq", {"contract_id": contract_id})
        if not rows:
            return None
        releases = [_published(row, ocid_prefix) for row in rows]
        return OcdsRecord(ocid=ocid, releases=releases,
                          compiled_release=compiled(releases, ocid=ocid))


class OcdsRecordNotFoundError(NotFoundError):
    """No contracting process has the ``ocid`` asked for."""


def record_not_found(ocid: str, *, ocid_prefix: str) -> OcdsRecordNotFoundError:
    return OcdsRecordNotFoundError(
        f"找不到开放合同编号（ocid）为 {ocid} 的记录；ocid 应为「{ocid_prefix}-<合同 ID>」，"
        f"已发布的 ocid 可从 GET /ocds/releases 查到", field="ocid")


def contract_of(ocid: str, *, ocid_prefix: str) -> UUID | None:
    """The contract id in ``ocid`` (``<prefix>-<contract id>``), or None."""
    head = f"{ocid_prefix}-"
    if not ocid.startswith(head):
        return None
    try:
        return UUID(ocid[len(head):])
    except ValueError:
        return None


def _published(row: OcdsReleaseRow, prefix: str) -> dict[str, Any]:
    return published(row.release, ocid=ocid_for(prefix, str(row.contract_id)),
                     position=row.position)


class SQLiteOcdsView(OcdsView, SQLiteTrackedView):
    """The OCDS view in SQLite."""


class PostgresOcdsView(OcdsView, PostgresTrackedView):
    """The OCDS view in PostgreSQL."""


# --- the projection ------------------------------------------------------------------

ContractChange = Callable[[OcdsContractRow], Change]


class OcdsProjection(Projection[OcdsView]):
    """Keeps the OCDS view up to date: the items' planning and each contract's releases."""

    name = "ocds"

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.skip(tracking)

    # --- departments and catalogue items ------------------------------------------

    @process_event.register(DEPARTMENT_REGISTERED)
    def department_registered(self, event: Any, tracking: Tracking) -> None:
        self.view.write(tracking, lambda w: w.save_department(event.code, event.name))

    @process_event.register(ITEM_DRAFTED)
    def item_drafted(self, event: Any, tracking: Tracking) -> None:
        self.view.write(tracking, lambda w: w.add_item({
            "id": event.originator_id, "code": event.code, "name": event.name,
            "description": event.description, "department": event.department,
            "planning": []}))

    @process_event.register(ITEM_REVISED)
    @process_event.register(ITEM_VERSION_PUBLISHED)
    def item_revised(self, event: Any, tracking: Tracking) -> None:
        self.view.write(tracking, lambda w: w.change_item(event.originator_id, {
            "name": event.name, "description": event.description}))

    @process_event.register(ITEM_BUDGET_ALLOCATED)
    def budget_allocated(self, event: Any, tracking: Tracking) -> None:
        self._planned(event, tracking, {"kind": "budget", "fiscal_year": event.fiscal_year,
                                        "amount_fen": event.amount_fen})

    @process_event.register(ITEM_DECIDED)
    def decided(self, event: Any, tracking: Tracking) -> None:
        if event.mode != DecisionMode.PURCHASE:
            self.view.skip(tracking)
            return
        self._planned(event, tracking, {"kind": "decision", "reason": event.reason})

    def _planned(self, event: Any, tracking: Tracking, entry: Change) -> None:
        """Keep the item's planning event; publish it to the item's live contracts."""
        step = {"position": tracking.notification_id,
                "at": event.timestamp.isoformat(), **entry}

        def write(w: OcdsWrites) -> None:
            item = w.item(event.originator_id)
            if item is None:
                return
            w.change_item(item.id, {"planning": [*item.planning, step]})
            for contract in w.live_contracts_of(item.id):
                planning = _fold([step], contract.fiscal_year,
                                 Planning(contract.budget_fen, contract.rationale))
                if planning == Planning(contract.budget_fen, contract.rationale):
                    continue  # a budget of another fiscal year
                now = w.change_contract(contract, {"budget_fen": planning.budget_fen,
                                                   "rationale": planning.rationale})
                self._publish(w, now, ["planningUpdate"], event.timestamp)

        self.view.write(tracking, write)

    # --- the contract's life ---------------------------------------------------------

    @process_event.register(CONTRACT_AWARDED)
    def awarded(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)

        def write(w: OcdsWrites) -> None:
            item = w.item(UUID(e["item_id"]))
            department_name = w.department_name(e["department"])
            planning = Planning()
            for number, step in enumerate(_concerning(item, e["fiscal_year"])):
                planning = _fold([step], e["fiscal_year"], planning)
                at = datetime.fromisoformat(step["at"])
                w.publish(contract_id=e["originator_id"], department=e["department"],
                          position=step["position"], at=at, release=planning_release(
                              contract_id=str(e["originator_id"]), item_code=e["item_code"],
                              item_name=e["item_name"],
                              item_description=item.description if item else "",
                              department=e["department"], department_name=department_name,
                              fiscal_year=e["fiscal_year"], planning=planning, at=at,
                              first=number == 0))
            contract = OcdsContractRow(
                id=e["originator_id"], item_id=UUID(e["item_id"]), item_code=e["item_code"],
                item_name=e["item_name"], item_description=item.description if item else "",
                department=e["department"], department_name=department_name,
                provider_name=e["provider_name"],
                provider_credit_code=e["provider_credit_code"], method=e["method"],
                fiscal_year=e["fiscal_year"], amount_fen=e["amount_fen"],
                original_amount_fen=e["amount_fen"], term_start=e["term_start"],
                term_end=e["term_end"], awarded_on=e["awarded_on"],
                status=ContractStatus.AWARDED.value,
                milestones=_planned_milestones(e["milestones"], first=1), payments=[],
                amendments=[], assessments=[], implementation_published=False,
                budget_fen=planning.budget_fen, rationale=planning.rationale)
            w.add_contract(contract)
            self._publish(w, contract, ["tender", "award", "contract"], e["timestamp"])

        self.view.write(tracking, write)

    @process_event.register(CONTRACT_ANNOUNCED)
    def announced(self, event: Any, tracking: Tracking) -> None:
        self._change(event, tracking, ["awardUpdate", "contractUpdate"],
                     lambda _: {"status": ContractStatus.PERFORMING.value})

    @process_event.register(MILESTONE_DELIVERED)
    def milestone_delivered(self, event: Any, tracking: Tracking) -> None:
        self._milestone(event, tracking, status=MilestoneStatus.DELIVERED.value,
                        modified_on=event.delivered_on.isoformat())

    @process_event.register(MILESTONE_ACCEPTED)
    def milestone_accepted(self, event: Any, tracking: Tracking) -> None:
        self._milestone(event, tracking, status=MilestoneStatus.ACCEPTED.value,
                        accepted_on=event.accepted_on.isoformat(),
                        modified_on=event.accepted_on.isoformat())

    @process_event.register(MILESTONE_REJECTED)
    def milestone_rejected(self, event: Any, tracking: Tracking) -> None:
        self._milestone(event, tracking, status=MilestoneStatus.REJECTED.value,
                        modified_on=event.rejected_on.isoformat())

    @process_event.register(MILESTONE_OVERDUE)
    def milestone_overdue(self, event: Any, tracking: Tracking) -> None:
        # The timer marks a milestone overdue the day after its due date.
        self._milestone(event, tracking, overdue=True,
                        modified_on=(event.due_on + timedelta(days=1)).isoformat())

    @process_event.register(PAYMENT_APPROVED)
    def payment_approved(self, event: Any, tracking: Tracking) -> None:
        def paid(c: OcdsContractRow) -> Change:
            payment = {"id": f"P{len(c.payments) + 1}", "milestone_id": event.milestone_id,
                       "amount_fen": event.amount_fen,
                       "approved_on": event.approved_on.isoformat()}
            return {"payments": [*c.payments, payment], "milestones": [
                {**m, "paid_fen": m["paid_fen"] + event.amount_fen}
                if m["id"] == event.milestone_id else m for m in c.milestones]}

        self._change(event, tracking, None, paid)

    @process_event.register(CONTRACT_AMENDED)
    def amended(self, event: Any, tracking: Tracking) -> None:
        def amended(c: OcdsContractRow) -> Change:
            added = [] if event.added_milestone is None else _planned_milestones(
                [event.added_milestone], first=len(c.milestones) + 1)
            amendment = json_ready({
                "id": f"A{len(c.amendments) + 1}", "reason": event.reason,
                "added_fen": event.added_fen, "term_end": event.term_end,
                "amended_on": event.amended_on,
                "milestone_id": added[0]["id"] if added else None})
            return {"amount_fen": c.amount_fen + event.added_fen, "term_end": event.term_end,
                    "milestones": [*c.milestones, *added],
                    "amendments": [*c.amendments, amendment]}

        self._change(event, tracking, ["contractAmendment"], amended)

    @process_event.register(CONTRACT_TERMINATED)
    def terminated(self, event: Any, tracking: Tracking) -> None:
        self._change(event, tracking, ["contractTermination"], lambda _: {
            "status": ContractStatus.TERMINATED.value, "ended_on": event.terminated_on,
            "termination_reason": event.reason})

    @process_event.register(CONTRACT_CLOSED)
    def closed(self, event: Any, tracking: Tracking) -> None:
        self._change(event, tracking, ["contractTermination"], lambda _: {
            "status": ContractStatus.CLOSED.value, "ended_on": event.closed_on})

    @process_event.register(REVIEW_OPENED)
    def review_opened(self, event: Any, tracking: Tracking) -> None:
        self._change(event, tracking, None, lambda c: {
            "status": ContractStatus.REVIEW_DUE.value,
            "assessments": [*c.assessments, {
                "id": "review", "title": "绩效评价",
                "description": f"合同期满，{event.opened_on.isoformat()} 起待绩效评价",
                "met_on": None}]})

    @process_event.register(CONTRACT_REVIEWED)
    def reviewed(self, event: Any, tracking: Tracking) -> None:
        scores = "、".join(f"{name} {points}" for name, points in event.scores.items())
        self._assessment(event, tracking, "review", met_on=event.reviewed_on, description=(
            f"绩效评价 {event.total} 分（{event.rating}；{scores}）：{event.comment}"))

    @process_event.register(PROVIDER_GRADE_CHANGED)
    def provider_grade_changed(self, event: Any, tracking: Tracking) -> None:
        self._change(event, tracking, None, lambda c: {"assessments": [*c.assessments, {
            "id": f"provider-review-{tracking.notification_id}",
            "title": "承接方复查（评估等级变动）",
            "description": f"{event.on.isoformat()} 承接方{event.change}：{event.reason}",
            "met_on": None}]})

    @process_event.register(PROVIDER_CONFIRMED)
    def provider_confirmed(self, event: Any, tracking: Tracking) -> None:
        # Every review still open: grade changes noted one after another are answered
        # by one confirmation.
        self._change(event, tracking, None, lambda c: {"assessments": [
            {**a, "met_on": event.confirmed_on.isoformat(),
             "description": f"{a['description']}；复查后继续履行：{event.note}"}
            if a["id"].startswith("provider-review-") and a["met_on"] is None else a
            for a in c.assessments]})

    # --- helpers ------------------------------------------------------------------------

    def _milestone(self, event: Any, tracking: Tracking, **values: Any) -> None:
        self._change(event, tracking, None, lambda c: {"milestones": [
            {**m, **values} if m["id"] == event.milestone_id else m for m in c.milestones]})

    def _assessment(self, event: Any, tracking: Tracking, assessment_id: str, *,
                    met_on: date, description: str) -> None:
        self._change(event, tracking, None, lambda c: _assessed(
            c, assessment_id, met_on=met_on, description=description))

    def _change(self, event: Any, tracking: Tracking, tags: list[str] | None,
                values: ContractChange) -> None:
        """Change the contract by ``values`` and publish it; ``tags`` None: an
        implementation release."""

        def write(w: OcdsWrites) -> None:
            contract = w.contract(event.originator_id)
            changed = values(contract)
            shown = tags
            if shown is None:
                shown = ["implementationUpdate" if contract.implementation_published
                         else "implementation"]
                changed["implementation_published"] = True
            self._publish(w, w.change_contract(contract, changed), shown, event.timestamp)

        self.view.write(tracking, write)

    @staticmethod
    def _publish(w: OcdsWrites, contract: OcdsContractRow, tags: list[str],
                 at: datetime) -> None:
        w.publish(contract_id=contract.id, department=contract.department,
                  position=w.position, at=at,
                  release=contract_release(contract, tags=tags, at=at))


def _concerning(item: OcdsItemRow | None, fiscal_year: int) -> list[Change]:
    """The item's planning events that concern a contract of ``fiscal_year``."""
    if item is None:
        return []
    return [step for step in item.planning
            if step["kind"] == "decision" or step["fiscal_year"] == fiscal_year]


def _fold(steps: list[Change], fiscal_year: int, planning: Planning) -> Planning:
    """``planning`` after ``steps`` (a budget of another fiscal year changes nothing)."""
    for step in steps:
        if step["kind"] == "decision":
            planning = replace(planning, rationale=decision_rationale(step["reason"]))
        elif step["fiscal_year"] == fiscal_year:
            planning = replace(planning, budget_fen=step["amount_fen"])
    return planning


def _planned_milestones(records: list[dict[str, Any]], *, first: int) -> list[Change]:
    """Milestones as planned, numbered M<first>, … (as the contract numbers them)."""
    return [json_ready({
        "id": f"M{number}", "name": record["name"], "due_on": record["due_on"],
        "amount_fen": record["amount_fen"], "status": MilestoneStatus.PENDING.value,
        "overdue": False, "modified_on": None, "accepted_on": None, "paid_fen": 0})
        for number, record in enumerate(records, start=first)]


def _assessed(contract: OcdsContractRow, assessment_id: str, *, met_on: date,
              description: str) -> Change:
    return {"assessments": [
        {**a, "met_on": met_on.isoformat(), "description": description}
        if a["id"] == assessment_id else a for a in contract.assessments]}
