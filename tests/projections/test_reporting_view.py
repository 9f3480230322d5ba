"""The reporting view (季度报告、全市报告、验收考核), on SQLite and PostgreSQL.

Driven by the real application, whose events are timestamped when recorded: the quarter
under test is the one the events fall in (today's, in China).  The figures are computed
a second time, independently, from what the catalogue, transfers, contracts and history
views say, and compared figure by figure; the city report's rows add up; the reports and
acceptance reviews follow their events; a rebuild from position 0 gives the same view.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID

from domain.actors import SYSTEM_ACTOR
from domain.calendar import china_date
from domain.catalogue.commands import RecordExistingItem
from domain.reporting.acceptance import TaskScore
from domain.reporting.commands import (
    EscalateQuarterlyReport,
    OpenAcceptanceReview,
    OpenQuarterlyReport,
    SaveReportNarrative,
    ScoreAcceptanceReview,
    SubmitQuarterlyReport,
)
from domain.reporting.figures import (
    DECISION_FIGURES,
    FIGURE_KEYS,
    REVIEW_FIGURES,
    empty_figures,
)
from domain.reporting.periods import Quarter
from projections.case_rows import ContractFilter, TransferFilter
from projections.catalogue import CatalogueProjection
from projections.contracts import ContractsProjection
from projections.history import HistoryProjection
from projections.rebuild import rebuild
from projections.report_rows import ReportFilter
from projections.reporting import ReportingProjection, ReportingView
from projections.rows import ALL_DRAFTS, CatalogueFilter, Page
from projections.transfers import TransfersProjection
from projections.views import APPLICATION_NAME
from tests.cases import COMMITTEE, Cases, officer
from tests.domain.conftest import item_fields
from tests.projections.conftest import CZJ, MZJ, Store
from tests.projections.test_contract_views import (
    GOOD_SCORES,
    POOR_SCORES,
    PurchaseDesk,
    write_book,
)
from tests.projections.test_transfer_views import write_transfers
from tests.seed import register_departments

PJQ = "440703-MZJ"
"""蓬江区民政局 (a pilot district)."""
TSS = "440781-MZJ"
"""台山市民政局 (a pilot district)."""
FAIR_SCORES = {"决策": 14, "过程": 14, "产出": 21, "效益": 21}  # 70: 中
GOOD_ENOUGH_SCORES = {"决策": 16, "过程": 16, "产出": 24, "效益": 24}  # 80: 良

RowT = TypeVar("RowT")


def reporting(store: Store) -> tuple[ReportingProjection, ReportingView]:
    projection = ReportingProjection(view=store.view(ReportingProjection))
    return projection, projection.view


def today() -> date:
    return china_date(datetime.now(UTC))


def all_rows(page_of: Callable[[str | None], Page[RowT]]) -> list[RowT]:
    rows: list[RowT] = []
    cursor: str | None = None
    while True:
        page = page_of(cursor)
        rows += page.data
        if page.next_cursor is None:
            return rows
        cursor = page.next_cursor


# --- a quarter's work across departments ------------------------------------------------------


def write_quarter(store: Store) -> None:
    """Contracts at every stage and reviews of every rating, transfers approved and not,
    items decided in every mode, referrals escalated, drafts in a second department, and an
    existing item recorded (its publication and decision are not this quarter's work)."""
    desk = PurchaseDesk(store)
    book = write_book(desk)
    centre = book.centre
    # 差 comes last: it bars the provider from new awards.
    for name, scores in (("社区助餐服务", GOOD_SCORES), ("长者探访服务", GOOD_ENOUGH_SCORES),
                         ("家庭照护培训", FAIR_SCORES), ("居家适老化改造", POOR_SCORES)):
        contract = desk.award(desk.item(name, department=PJQ), centre, department=PJQ)
        desk.completed(contract, centre, department=PJQ, scores=scores)
    write_transfers(desk.cases, book.volunteers_id)
    desk.cases.decided_item("保留", name="养老政策研究", provincial_listed=False, budget_fen=0)
    desk.cases.decided_item("转移", department=CZJ, name="政府采购代理辅助", budget_fen=0)
    agency = store.establish_agency()
    for name in ("养老服务质量监测", "养老机构消防检查辅助"):
        item = store.published_item(name=name)
        store.refer(item, agency)
        store.escalate(item)
    store.draft(CZJ, name="财政票据管理辅助")
    store.published_item(CZJ, name="预算绩效评价辅助")
    store.app.record_existing_catalogue_item(RecordExistingItem(
        command_id="reporting:existing", actor=officer(MZJ), department=MZJ,
        fields=item_fields(name="既有转移事项", catalogue_year=2026),
        published_on=date(2026, 3, 1), publicity_ends_on=date(2026, 3, 8), mode="转移",
        document="江民〔2026〕12号", recorded_on=today()))


@dataclass
class Underlying:
    """The catalogue, transfers, contracts and history views, caught up with the log."""

    store: Store

    def __post_init__(self) -> None:
        self.catalogue = self._follow(CatalogueProjection)
        self.transfers = self._follow(TransfersProjection)
        self.contracts = self._follow(ContractsProjection)
        self.history = self._follow(HistoryProjection)

    def _follow(self, projection_class: type[Any]) -> Any:
        projection = projection_class(view=self.store.view(projection_class))
        self.store.apply_all(projection)
        return projection.view

    def items(self) -> list[Any]:
        return all_rows(lambda cursor: self.catalogue.list_items(
            CatalogueFilter(drafts_visible_to=ALL_DRAFTS), cursor=cursor, limit=50))

    def transfer_rows(self) -> list[Any]:
        return all_rows(lambda cursor: self.transfers.list_transfers(
            TransferFilter(), cursor=cursor, limit=50))

    def contract_rows(self) -> list[Any]:
        return all_rows(lambda cursor: self.contracts.list_contracts(
            ContractFilter(), cursor=cursor, limit=50))

    def figures(self) -> dict[tuple[str, Quarter], dict[str, int]]:
        """Each department's figures per quarter, from the events each view's cases list in
        the history view (what happened to them, when)."""
        counted: dict[tuple[str, Quarter], dict[str, int]] = defaultdict(empty_figures)

        def add(department: str, entry: Any, figure: str, value: int = 1) -> None:
            counted[(department, Quarter.of(china_date(entry.occurred_at)))][figure] += value

        for item in self.items():
            entries = self.history.history(item.id)
            drafted_by = entries[0].command_id  # an existing item's steps share it
            for entry in entries:
                recorded_with_draft = entry.command_id == drafted_by
                if entry.event == "Drafted":
                    add(item.department, entry, "items_catalogued")
                elif entry.event == "Published" and not recorded_with_draft:
                    add(item.department, entry, "items_published")
                elif entry.event == "Referred":
                    add(item.department, entry, "items_referred")
                elif entry.event == "Decided" and not recorded_with_draft:
                    add(item.department, entry, DECISION_FIGURES[entry.details["mode"]])
                elif entry.event == "ReferralEscalated":
                    add(item.department, entry, "overdue_cases")
        for transfer in self.transfer_rows():
            for entry in self.history.history(transfer.id):
                if entry.event == "Approved":
                    add(transfer.department, entry, "transfers_approved")
        for contract in self.contract_rows():
            for entry in self.history.history(contract.id):
                details = entry.details
                if entry.event == "Awarded":
                    add(contract.department, entry, "contracts_awarded")
                    add(contract.department, entry, "amount_committed_fen", details["amount_fen"])
                elif entry.event == "Amended":
                    add(contract.department, entry, "amount_committed_fen", details["added_fen"])
                elif entry.event == "PaymentApproved":
                    add(contract.department, entry, "amount_paid_fen", details["amount_fen"])
                elif entry.event == "Reviewed":
                    add(contract.department, entry, REVIEW_FIGURES[details["rating"]])
                elif entry.event == "MilestoneOverdue":
                    add(contract.department, entry, "overdue_cases")
        return dict(counted)


def summed(figures: list[dict[str, int]]) -> dict[str, int]:
    return {key: sum(f[key] for f in figures) for key in FIGURE_KEYS}


def test_figures_equal_what_the_underlying_views_say_figure_by_figure(store: Store) -> None:
    projection, view = reporting(store)
    write_quarter(store)
    store.apply_all(projection)
    underlying = Underlying(store)

    expected = underlying.figures()

    assert {department for department, _ in expected} == {MZJ, CZJ, PJQ}
    for (department, quarter), figures in expected.items():
        assert view.figures(department, quarter) == figures, (department, quarter.key)
    every = summed(list(expected.values()))
    assert all(every[key] > 0 for key in FIGURE_KEYS), every  # every figure is exercised
    now = Quarter.of(today())
    assert view.figures(MZJ, now.next()) == empty_figures()
    assert view.figures("440700-SWJ", now) == empty_figures()

    # Summed over the quarters, they are what the views hold now.
    def total(department: str) -> dict[str, int]:
        return summed([f for (d, _), f in expected.items() if d == department])

    items = underlying.items()
    contracts = underlying.contract_rows()
    for department in (MZJ, CZJ, PJQ):
        figures = total(department)
        mine = [c for c in contracts if c.department == department]
        _, ledger = underlying.contracts.ledger(group_by="department", fiscal_year=None,
                                                department=department)
        reviews = underlying.contracts.reviews(provider_id=None, department=department,
                                               contract_id=None, cursor=None, limit=50).data
        ratings = Counter(REVIEW_FIGURES[r.rating] for r in reviews)
        approved = [t for t in underlying.transfer_rows() if t.department == department
                    and any(h["event"] == "Approved" for h in t.history)]
        overdue = sum(1 for c in mine for m in c.milestones if m.overdue) + sum(
            1 for i in items if i.department == department and i.referral_escalated)
        assert (figures["items_catalogued"], figures["contracts_awarded"],
                figures["amount_committed_fen"], figures["amount_paid_fen"],
                figures["transfers_approved"], figures["overdue_cases"]) == (
            sum(1 for i in items if i.department == department), len(mine),
            ledger.amount_fen, ledger.paid_fen, len(approved), overdue), department
        assert {key: figures[key] for key in REVIEW_FIGURES.values()} == {
            key: ratings[key] for key in REVIEW_FIGURES.values()}, department


def test_existing_item_counts_as_catalogued_but_not_as_published_or_decided(
    store: Store,
) -> None:
    projection, view = reporting(store)
    store.app.record_existing_catalogue_item(RecordExistingItem(
        command_id="reporting:existing", actor=officer(MZJ), department=MZJ,
        fields=item_fields(name="既有转移事项", catalogue_year=2026),
        published_on=date(2026, 3, 1), publicity_ends_on=date(2026, 3, 8), mode="转移",
        document="江民〔2026〕12号", recorded_on=today()))
    drafted = store.draft(name="新编事项").aggregate_id
    store.publish(drafted)
    store.apply_all(projection)

    figures = view.figures(MZJ, Quarter.of(today()))

    assert (figures["items_catalogued"], figures["items_published"],
            figures["decided_transfer"]) == (2, 1, 0)


def test_city_report_rows_add_up_with_the_pilot_districts_as_their_own_rows(
    store: Store,
) -> None:
    projection, view = reporting(store)
    write_quarter(store)
    store.apply_all(projection)
    quarter = Quarter.of(today())

    report = view.city_report(quarter)

    assert [(r.region_code, r.region_name, r.pilot, r.departments) for r in report.regions] == [
        ("440700", "江门市", False, 2), ("440703", "蓬江区", True, 1),
        ("440781", "台山市", True, 0)]
    assert [(d.department, d.department_name, d.region_name, d.pilot)
            for d in report.departments] == [
        (CZJ, "江门市财政局", "江门市", False), (MZJ, "江门市民政局", "江门市", False),
        (PJQ, "蓬江区民政局", "蓬江区", True)]
    for row in report.departments:
        assert row.figures == view.figures(row.department, quarter)
    for region in report.regions:
        members = [d.figures for d in report.departments if d.region_code == region.region_code]
        assert region.figures == summed(members), region.region_name
    assert report.total == summed([r.figures for r in report.regions]) == summed(
        [d.figures for d in report.departments])
    assert report.regions[2].figures == empty_figures()
    assert report.total["contracts_awarded"] > 0
    assert report.regions[1].figures["reviews_good"] == 1  # 蓬江区's contract rated 良


def test_city_report_shows_a_pilot_department_once_registered_and_zero_quarters(
    store: Store,
) -> None:
    projection, view = reporting(store)
    register_departments(store.app, TSS)
    store.draft(TSS, name="台山市养老服务")
    store.apply_all(projection)
    quarter = Quarter.of(today())

    report = view.city_report(quarter)
    empty = view.city_report(quarter.previous())

    taishan = next(r for r in report.regions if r.region_code == "440781")
    assert (taishan.region_name, taishan.pilot, taishan.departments,
            taishan.figures["items_catalogued"]) == ("台山市", True, 1, 1)
    assert [d.department_name for d in report.departments if d.region_code == "440781"] == [
        "台山市民政局"]
    assert {r.region_code for r in empty.regions} == {"440700", "440781", "440703"}
    assert empty.total == empty_figures()
    assert len(empty.departments) == 3


# --- quarterly reports and acceptance reviews ---------------------------------------------------


class ReportingDesk:
    """The schedule, departments and the committee at work on reports and reviews."""

    def __init__(self, store: Store, prefix: str = "reporting") -> None:
        self.app = store.app
        self.prefix = prefix
        self.count = 0

    def _id(self) -> str:
        self.count += 1
        return f"{self.prefix}:{self.count}"

    def open(self, department: str, quarter: Quarter, *, opened_on: date,
             due_days: int = 15) -> UUID:
        return self.app.open_quarterly_report(OpenQuarterlyReport(
            self._id(), SYSTEM_ACTOR, department, quarter, opened_on, due_days)).aggregate_id

    def save(self, report: UUID, department: str, narrative: str) -> None:
        self.app.save_report_narrative(SaveReportNarrative(
            self._id(), officer(department), report, narrative))

    def submit(self, report: UUID, department: str, *, on: date,
               narrative: str | None = None) -> None:
        self.app.submit_quarterly_report(SubmitQuarterlyReport(
            self._id(), officer(department), report, on, narrative))

    def escalate(self, report: UUID, *, on: date) -> None:
        self.app.escalate_quarterly_report(EscalateQuarterlyReport(
            self._id(), SYSTEM_ACTOR, report, on))

    def open_review(self, department: str, year: int) -> UUID:
        return self.app.open_acceptance_review(OpenAcceptanceReview(
            self._id(), SYSTEM_ACTOR, department, year, date(year + 1, 1, 1))).aggregate_id

    def score(self, review: UUID, *scores: tuple[str, int]) -> None:
        self.app.score_acceptance_review(ScoreAcceptanceReview(
            self._id(), COMMITTEE, review,
            tuple(TaskScore(task, score, f"{task}：已完成") for task, score in scores),
            date(2027, 1, 20)))


Q3 = Quarter(2026, 3)
OPENED_ON = date(2026, 10, 1)
DUE_ON = date(2026, 10, 16)


@dataclass
class Reports:
    on_time: UUID
    escalated: UUID
    open: UUID
    earlier: UUID


def write_reports(store: Store) -> Reports:
    register_departments(store.app, PJQ)
    desk = ReportingDesk(store)
    earlier = desk.open(MZJ, Quarter(2026, 2), opened_on=date(2026, 7, 1))
    desk.submit(earlier, MZJ, on=date(2026, 7, 10), narrative="第二季度工作有序推进")
    on_time = desk.open(MZJ, Q3, opened_on=OPENED_ON)
    escalated = desk.open(CZJ, Q3, opened_on=OPENED_ON)
    still_open = desk.open(PJQ, Q3, opened_on=OPENED_ON)
    desk.save(on_time, MZJ, "草稿：完成目录编制")
    desk.submit(on_time, MZJ, on=DUE_ON)
    desk.escalate(escalated, on=DUE_ON + timedelta(days=1))
    desk.submit(escalated, CZJ, on=DUE_ON + timedelta(days=3), narrative="逾期说明：人员调整")
    return Reports(on_time, escalated, still_open, earlier)


def test_reports_follow_narrative_submission_and_escalation(store: Store) -> None:
    projection, view = reporting(store)
    reports = write_reports(store)
    store.apply_all(projection)

    def shown(report_id: UUID) -> tuple[Any, ...]:
        row = view.get_report(report_id)
        assert row is not None
        return (row.department_name, row.quarter_key, row.status, row.due_on, row.narrative,
                row.submitted_on, row.escalated_on, row.late)

    assert shown(reports.on_time) == ("江门市民政局", "2026Q3", "已提交", DUE_ON,
                                      "草稿：完成目录编制", DUE_ON, None, False)
    assert shown(reports.escalated) == (
        "江门市财政局", "2026Q3", "已提交", DUE_ON, "逾期说明：人员调整",
        DUE_ON + timedelta(days=3), DUE_ON + timedelta(days=1), True)
    assert shown(reports.open) == ("蓬江区民政局", "2026Q3", "待提交", DUE_ON, "", None, None,
                                   False)
    row = view.get_report(reports.on_time)
    assert row is not None
    assert (row.title, row.version, row.opened_on) == (
        "江门市民政局 2026年第3季度工作报告", store.app.get_quarterly_report(row.id).version,
        OPENED_ON)
    assert view.get_report(UUID(int=7)) is None


def test_escalated_report_not_yet_submitted_is_late(store: Store) -> None:
    projection, view = reporting(store)
    desk = ReportingDesk(store)
    report = desk.open(MZJ, Q3, opened_on=OPENED_ON)
    desk.escalate(report, on=DUE_ON + timedelta(days=1))
    store.apply_all(projection)

    row = view.get_report(report)

    assert row is not None
    assert (row.status, row.escalated_on, row.late) == (
        "待提交", DUE_ON + timedelta(days=1), True)


def test_list_reports_filtered_and_paged_newest_first(store: Store) -> None:
    projection, view = reporting(store)
    reports = write_reports(store)
    store.apply_all(projection)

    def ids(limit: int = 10, **filters: Any) -> list[UUID]:
        return [r.id for r in view.list_reports(ReportFilter(**filters), cursor=None,
                                                limit=limit).data]

    newest_first = [reports.open, reports.escalated, reports.on_time, reports.earlier]
    assert ids() == newest_first
    assert ids(department=MZJ) == [reports.on_time, reports.earlier]
    assert ids(year=2026, quarter=3) == newest_first[:3]
    assert ids(quarter=2) == [reports.earlier]
    assert ids(status="待提交") == [reports.open]
    assert ids(status="已提交", department=CZJ) == [reports.escalated]
    assert ids(year=2025) == []
    first = view.list_reports(ReportFilter(), cursor=None, limit=3)
    rest = view.list_reports(ReportFilter(), cursor=first.next_cursor, limit=3)
    assert [r.id for r in first.data + rest.data] == newest_first
    assert rest.next_cursor is None


def test_acceptance_review_result_goes_into_the_department_record(store: Store) -> None:
    projection, view = reporting(store)
    desk = ReportingDesk(store)
    scored = desk.open_review(MZJ, 2026)
    desk.score(scored, ("目录编制", 95), ("职能转移", 84), ("购买服务", 80))
    waiting = desk.open_review(CZJ, 2026)
    earlier = desk.open_review(MZJ, 2025)
    store.apply_all(projection)

    row = view.get_acceptance_review(scored)

    assert row is not None
    assert (row.department_name, row.year, row.status, row.total, row.conclusion,
            row.scored_on, row.opened_on) == (
        "江门市民政局", 2026, "已评分", 86, "良好", date(2027, 1, 20), date(2027, 1, 1))
    assert row.tasks == [{"task": "目录编制", "score": 95, "findings": "目录编制：已完成"},
                         {"task": "职能转移", "score": 84, "findings": "职能转移：已完成"},
                         {"task": "购买服务", "score": 80, "findings": "购买服务：已完成"}]
    open_row = view.get_acceptance_review(waiting)
    assert open_row is not None
    assert (open_row.status, open_row.tasks, open_row.total, open_row.conclusion) == (
        "待评分", [], None, None)

    def ids(**filters: Any) -> list[UUID]:
        query: dict[str, Any] = {"year": None, "department": None, **filters}
        return [r.id for r in view.list_acceptance_reviews(**query, cursor=None,
                                                           limit=10).data]

    assert ids() == [earlier, waiting, scored]
    assert ids(department=MZJ) == [earlier, scored]
    assert ids(year=2026) == [waiting, scored]
    assert ids(year=2026, department=CZJ) == [waiting]
    page = view.list_acceptance_reviews(year=None, department=None, cursor=None, limit=2)
    rest = view.list_acceptance_reviews(year=None, department=None, cursor=page.next_cursor,
                                        limit=2)
    assert [r.id for r in page.data + rest.data] == [earlier, waiting, scored]


def test_history_labels_the_reporting_events_in_chinese(store: Store) -> None:
    history = HistoryProjection(view=store.view(HistoryProjection))
    reports = write_reports(store)
    desk = ReportingDesk(store, prefix="acceptance")
    review = desk.open_review(MZJ, 2026)
    desk.score(review, ("目录编制", 90))
    store.apply_all(history)

    assert [e.event_label for e in history.view.history(reports.on_time)] == [
        "开启季度报告", "保存情况说明", "提交季度报告"]
    assert [e.event_label for e in history.view.history(reports.escalated)] == [
        "开启季度报告", "逾期未报，提请督办", "提交季度报告"]
    assert [e.event_label for e in history.view.history(review)] == [
        "开启年度验收考核", "验收考核评分"]


# --- exactly once, and rebuilds -----------------------------------------------------------------


def write_everything(store: Store) -> int:
    write_quarter(store)
    write_reports(store)
    desk = ReportingDesk(store, prefix="acceptance")
    desk.score(desk.open_review(MZJ, 2026), ("目录编制", 58))
    desk.open_review(CZJ, 2026)
    return store.app.recorder.max_notification_id() or 0


def test_processing_every_notification_twice_changes_nothing(store: Store) -> None:
    projection, view = reporting(store)
    last = write_everything(store)
    store.apply_all(projection)
    before = view.dump()

    store.apply_all(projection)

    assert view.dump() == before
    assert view.max_tracking_id(APPLICATION_NAME) == last


def test_rebuild_from_zero_yields_exactly_the_live_view_and_figures(store: Store) -> None:
    view: ReportingView = store.view(ReportingProjection)
    quarter = Quarter.of(today())
    with store.running():
        last = write_everything(store)
        assert view.caught_up(last, timeout=30)
    live = view.dump()
    live_city = view.city_report(quarter)

    applied = rebuild(projection_class=ReportingProjection, view=view, application=store.app)

    assert applied == last
    assert view.dump() == live
    assert all(live.values())
    assert view.city_report(quarter) == live_city
    assert live_city.total["contracts_awarded"] > 0
    assert view.max_tracking_id(APPLICATION_NAME) == last


def test_quarters_before_and_after_the_events_have_zero_figures(store: Store) -> None:
    projection, view = reporting(store)
    Cases(store.app, prefix="empty").decided_item("转移", budget_fen=0)
    store.apply_all(projection)
    now = Quarter.of(today())

    assert view.figures(MZJ, now.previous()) == empty_figures()
    assert view.figures(MZJ, now.next()) == empty_figures()
    assert view.figures(MZJ, now) == {**empty_figures(), "items_catalogued": 1,
                                      "items_published": 1, "items_referred": 1,
                                      "decided_transfer": 1}
