"""The contracts view (购买服务合同, the payments ledger and 绩效评价), on SQLite and
PostgreSQL.

Driven by the real application: what a contract's row shows after each event, how the
list filters and pages, that the ledger's groups add up to its totals and the totals to
the contract rows and to the events themselves, the reviews by contract, provider and
department, the organization row's performance bars; and, for every issue-5 view, that
a repeated event changes nothing and a rebuild from position 0 gives the live rows.
``PurchaseDesk`` gives the commands the inbox tests use too.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.projection import Projection

from domain.actors import SYSTEM_ACTOR
from domain.purchase.commands import (
    AmendContract,
    AnnounceContract,
    ApprovePayment,
    AwardContract,
    CloseContract,
    ConfirmProvider,
    MarkMilestoneOverdue,
    NoteProviderGradeChange,
    OpenReview,
    RecordReview,
    ReportDelivery,
    ReviewDelivery,
    TerminateContract,
)
from domain.purchase.contract import MilestonePlan
from projections.case_rows import ContractFilter, ContractRow, LedgerTotals
from projections.contracts import ContractsProjection, ContractsView, UnknownLedgerGroupError
from projections.events import (
    CONTRACT_AMENDED,
    CONTRACT_AWARDED,
    MILESTONE_ACCEPTED,
    MILESTONE_OVERDUE,
    PAYMENT_APPROVED,
)
from projections.inbox import InboxProjection
from projections.organizations import OrganizationsProjection
from projections.paging import InvalidCursorError
from projections.rebuild import rebuild
from projections.transfers import TransfersProjection
from projections.views import APPLICATION_NAME
from tests.cases import FINANCE, VOLUNTEERS_CODE, Cases, officer, provider
from tests.projections.conftest import MZJ, Store
from tests.projections.test_transfer_views import write_transfers

PJQ = "440703-MZJ"
"""蓬江区民政局: a second buying department."""
GOOD_SCORES = {"决策": 18, "过程": 18, "产出": 27, "效益": 27}  # 90: 优
POOR_SCORES = {"决策": 10, "过程": 10, "产出": 15, "效益": 14}  # 49: 差
PLAN = ((("第一季度服务", date(2027, 3, 31), 10_000_000),
         ("全年服务", date(2027, 12, 31), 20_000_000)))


class PurchaseDesk:
    """Departments, providers and finance at work on purchase contracts in one store."""

    def __init__(self, store: Store) -> None:
        self.app = store.app
        self.cases = Cases(store.app, prefix="purchase")

    def _id(self) -> str:
        return self.cases.command_id()

    def item(self, name: str = "居家养老服务", *, department: str = MZJ,
             fiscal_year: int = 2027) -> UUID:
        return self.cases.decided_item("购买服务", department=department, name=name,
                                       fiscal_year=fiscal_year, catalogue_year=fiscal_year)

    def centre(self) -> UUID:
        return self.cases.organization()

    def volunteers(self) -> UUID:
        return self.cases.organization(VOLUNTEERS_CODE, name="台山市义工联合会",
                                       category="社会团体", kind="公益慈善类")

    def award(self, item: UUID, organization: UUID, *, department: str = MZJ,
              fiscal_year: int = 2027,
              plan: tuple[tuple[str, date, int], ...] = PLAN, announce: bool = True) -> UUID:
        milestones = tuple(MilestonePlan(name, due.replace(year=fiscal_year), amount)
                           for name, due, amount in plan)
        contract = self.app.award_contract(AwardContract(
            self._id(), officer(department), item, organization, "公开招标", fiscal_year,
            sum(m.amount_fen for m in milestones), date(fiscal_year, 1, 1),
            date(fiscal_year, 12, 31), milestones, date(fiscal_year - 1, 12, 20),
        )).aggregate_id
        if announce:
            self.announce(contract, on=date(fiscal_year - 1, 12, 21))
        return contract

    def announce(self, contract: UUID, *, on: date = date(2026, 12, 21)) -> None:
        self.app.announce_contract(AnnounceContract(self._id(), SYSTEM_ACTOR, contract, on))

    def deliver(self, contract: UUID, milestone: str, organization: UUID, *,
                on: date = date(2027, 3, 30)) -> None:
        self.app.report_delivery(ReportDelivery(self._id(), provider(organization), contract,
                                                milestone, "已完成", on))

    def accept(self, contract: UUID, milestone: str, *, department: str = MZJ,
               accepted: bool = True, on: date = date(2027, 4, 1)) -> None:
        self.app.review_delivery(ReviewDelivery(
            self._id(), officer(department), contract, milestone, accepted,
            "合格" if accepted else "服务记录不全", on))

    def delivered_and_accepted(self, contract: UUID, milestone: str, organization: UUID, *,
                               department: str = MZJ) -> None:
        self.deliver(contract, milestone, organization)
        self.accept(contract, milestone, department=department)

    def overdue(self, contract: UUID, milestone: str) -> None:
        self.app.mark_milestone_overdue(MarkMilestoneOverdue(self._id(), SYSTEM_ACTOR,
                                                             contract, milestone))

    def pay(self, contract: UUID, milestone: str, amount_fen: int, *,
            on: date = date(2027, 4, 2)) -> None:
        self.app.approve_payment(ApprovePayment(self._id(), FINANCE, contract, milestone,
                                                amount_fen, on))

    def amend(self, contract: UUID, added_fen: int, *, department: str = MZJ) -> None:
        self.app.amend_contract(AmendContract(
            self._id(), officer(department), contract, "增加服务对象", date(2027, 5, 1),
            added_fen, MilestonePlan("补充服务", date(2027, 12, 1), added_fen)))

    def terminate(self, contract: UUID, *, department: str = MZJ) -> None:
        self.app.terminate_contract(TerminateContract(
            self._id(), officer(department), contract, "承接方严重违约", date(2027, 6, 1)))

    def open_review(self, contract: UUID) -> None:
        self.app.open_review(OpenReview(self._id(), SYSTEM_ACTOR, contract, date(2028, 1, 1)))

    def review(self, contract: UUID, scores: dict[str, int] | None = None, *,
               department: str = MZJ, on: date = date(2028, 1, 10)) -> None:
        self.app.record_review(RecordReview(
            self._id(), officer(department), contract, scores or GOOD_SCORES, "服务规范", on))

    def close(self, contract: UUID) -> None:
        self.app.close_contract(CloseContract(self._id(), SYSTEM_ACTOR, contract,
                                              date(2028, 1, 12)))

    def grade_changed(self, contract: UUID) -> None:
        self.app.note_provider_grade_change(NoteProviderGradeChange(
            self._id(), SYSTEM_ACTOR, contract, "降级", "年检不合格，4A 降为 2A",
            date(2027, 6, 1)))

    def confirm_provider(self, contract: UUID, *, department: str = MZJ) -> None:
        self.app.confirm_provider(ConfirmProvider(
            self._id(), officer(department), contract, "复查后继续履行", date(2027, 6, 5)))

    def completed(self, contract: UUID, organization: UUID, *, department: str = MZJ,
                  scores: dict[str, int] | None = None) -> None:
        """Both planned milestones delivered, accepted and paid, reviewed and closed."""
        self.delivered_and_accepted(contract, "M1", organization, department=department)
        self.pay(contract, "M1", 10_000_000)
        self.delivered_and_accepted(contract, "M2", organization, department=department)
        self.open_review(contract)
        self.review(contract, scores, department=department)
        self.pay(contract, "M2", 20_000_000, on=date(2028, 1, 11))
        self.close(contract)


def contracts(store: Store) -> tuple[ContractsProjection, ContractsView]:
    projection = ContractsProjection(view=store.view(ContractsProjection))
    return projection, projection.view


class Follow:
    """Applies what was recorded since the last look, then reads the contract."""

    def __init__(self, store: Store, projection: ContractsProjection) -> None:
        self.store, self.projection = store, projection

    def __call__(self, contract: UUID) -> ContractRow:
        view = self.projection.view
        self.store.apply_all(self.projection,
                             after=view.max_tracking_id(self.store.app.name) or 0)
        row = view.get_contract(contract)
        assert row is not None
        return row


def money(row: ContractRow) -> tuple[int, int, int, int, int]:
    return (row.amount_fen, row.accepted_fen, row.paid_fen, row.outstanding_fen,
            row.overdue_milestones)


def test_contract_row_follows_each_event_through_review_and_closing(store: Store) -> None:
    desk = PurchaseDesk(store)
    projection, _ = contracts(store)
    seen = Follow(store, projection)
    item, centre = desk.item(), desk.centre()

    contract = desk.award(item, centre, announce=False)
    awarded = seen(contract)
    assert (awarded.item_id, awarded.item_name, awarded.department, awarded.provider_id,
            awarded.provider_name, awarded.method, awarded.fiscal_year) == (
        item, "居家养老服务", MZJ, centre, "蓬江区长者服务中心", "公开招标", 2027)
    assert awarded.provider_credit_code == store.app.get_organization(centre).credit_code
    assert awarded.item_code == store.app.get_catalogue_item(item).code
    assert (awarded.status, awarded.awarded_on, awarded.announced_on) == (
        "已签订，待公告", date(2026, 12, 20), None)
    assert (awarded.term_start, awarded.term_end, awarded.secured_and_stable) == (
        date(2027, 1, 1), date(2027, 12, 31), False)
    assert money(awarded) == (30_000_000, 0, 0, 30_000_000, 0)
    assert awarded.original_amount_fen == 30_000_000
    assert [(m.milestone_id, m.name, m.due_on, m.amount_fen, m.status, m.paid_fen, m.overdue)
            for m in awarded.milestones] == [
        ("M1", "第一季度服务", date(2027, 3, 31), 10_000_000, "待交付", 0, False),
        ("M2", "全年服务", date(2027, 12, 31), 20_000_000, "待交付", 0, False)]
    assert (awarded.payments, awarded.amendments, awarded.version) == ([], [], 1)

    desk.announce(contract)
    announced = seen(contract)
    assert (announced.status, announced.announced_on) == ("履行中", date(2026, 12, 21))

    desk.deliver(contract, "M1", centre, on=date(2027, 3, 30))
    delivered = seen(contract).milestones[0]
    assert (delivered.status, delivered.delivered_on) == ("已交付，待验收", date(2027, 3, 30))

    desk.accept(contract, "M1", accepted=False)
    rejected = seen(contract).milestones[0]
    assert (rejected.status, rejected.findings, rejected.accepted_on) == (
        "验收未通过", "服务记录不全", None)

    desk.deliver(contract, "M1", centre, on=date(2027, 4, 5))
    desk.accept(contract, "M1", on=date(2027, 4, 8))
    accepted = seen(contract)
    assert (accepted.milestones[0].status, accepted.milestones[0].accepted_on,
            accepted.milestones[0].findings) == ("已验收", date(2027, 4, 8), "合格")
    assert money(accepted) == (30_000_000, 10_000_000, 0, 30_000_000, 0)

    desk.pay(contract, "M1", 4_000_000, on=date(2027, 4, 9))
    desk.pay(contract, "M1", 6_000_000, on=date(2027, 4, 20))
    paid = seen(contract)
    assert money(paid) == (30_000_000, 10_000_000, 10_000_000, 20_000_000, 0)
    assert paid.milestones[0].paid_fen == 10_000_000
    assert paid.payments == [
        {"milestone_id": "M1", "amount_fen": 4_000_000, "approved_on": "2027-04-09"},
        {"milestone_id": "M1", "amount_fen": 6_000_000, "approved_on": "2027-04-20"}]

    desk.amend(contract, 3_000_000)
    amended = seen(contract)
    assert money(amended) == (33_000_000, 10_000_000, 10_000_000, 23_000_000, 0)
    assert (amended.original_amount_fen, amended.term_end) == (30_000_000, date(2027, 12, 31))
    assert [(m.milestone_id, m.name, m.amount_fen) for m in amended.milestones][2:] == [
        ("M3", "补充服务", 3_000_000)]
    assert amended.amendments == [{"reason": "增加服务对象", "added_fen": 3_000_000,
                                   "term_end": "2027-12-31", "amended_on": "2027-05-01",
                                   "milestone_id": "M3"}]

    desk.overdue(contract, "M2")
    desk.overdue(contract, "M3")
    overdue = seen(contract)
    assert overdue.overdue_milestones == 2
    assert [m.overdue for m in overdue.milestones] == [False, True, True]

    desk.delivered_and_accepted(contract, "M2", centre)
    desk.grade_changed(contract)
    assert seen(contract).provider_review_pending is True
    desk.confirm_provider(contract)
    confirmed = seen(contract)
    assert confirmed.provider_review_pending is False
    assert money(confirmed) == (33_000_000, 30_000_000, 10_000_000, 23_000_000, 1)
    assert confirmed.milestones[1].overdue is True  # it was late, though accepted now

    desk.delivered_and_accepted(contract, "M3", centre)
    desk.pay(contract, "M3", 3_000_000)
    desk.open_review(contract)
    assert seen(contract).status == "期满待绩效评价"
    desk.review(contract)
    reviewed = seen(contract)
    assert (reviewed.review_total, reviewed.review_rating) == (90, "优")

    desk.pay(contract, "M2", 20_000_000, on=date(2028, 1, 11))
    desk.close(contract)
    closed = seen(contract)
    assert closed.status == "已结束"
    assert money(closed) == (33_000_000, 33_000_000, 33_000_000, 0, 0)
    assert closed.version == store.app.get_contract(contract).version
    assert closed.created_at < closed.updated_at
    assert closed.last_notification_id > closed.position


def test_terminated_contract_keeps_what_was_paid(store: Store) -> None:
    desk = PurchaseDesk(store)
    projection, _ = contracts(store)
    seen = Follow(store, projection)
    centre = desk.centre()
    contract = desk.award(desk.item(), centre)
    desk.delivered_and_accepted(contract, "M1", centre)
    desk.pay(contract, "M1", 10_000_000)
    desk.grade_changed(contract)

    desk.terminate(contract)

    row = seen(contract)
    assert (row.status, row.provider_review_pending) == ("已终止", False)
    assert money(row) == (30_000_000, 10_000_000, 10_000_000, 20_000_000, 0)


@dataclass
class Book:
    """Contracts in two departments, with two providers, over two fiscal years."""

    elderly_2027: UUID
    elderly_2028: UUID
    district: UUID
    volunteers: UUID
    centre: UUID
    volunteers_id: UUID


def write_book(desk: PurchaseDesk) -> Book:
    centre, volunteers = desk.centre(), desk.volunteers()
    elderly_2027 = desk.award(desk.item("居家养老服务"), centre)
    desk.delivered_and_accepted(elderly_2027, "M1", centre)
    desk.pay(elderly_2027, "M1", 7_000_000)
    desk.overdue(elderly_2027, "M2")
    elderly_2028 = desk.award(desk.item("社区助餐服务", fiscal_year=2028), centre,
                              fiscal_year=2028)
    district = desk.award(desk.item("长者探访服务", department=PJQ), volunteers,
                          department=PJQ)
    desk.delivered_and_accepted(district, "M1", volunteers, department=PJQ)
    desk.pay(district, "M1", 10_000_000)
    desk.amend(district, 2_000_000, department=PJQ)
    second = desk.award(desk.item("志愿服务", department=PJQ), volunteers,
                        department=PJQ, plan=(("全年服务", date(2027, 12, 31), 5_000_000),))
    desk.terminate(second, department=PJQ)
    return Book(elderly_2027, elderly_2028, district, second, centre, volunteers)


def added_up(lines: list[Any]) -> LedgerTotals:
    return LedgerTotals(*(sum(getattr(line.totals, name) for line in lines)
                          for name in LedgerTotals.__dataclass_fields__))


def from_rows(rows: list[ContractRow]) -> LedgerTotals:
    return LedgerTotals(
        contracts=len(rows), amount_fen=sum(r.amount_fen for r in rows),
        accepted_fen=sum(r.accepted_fen for r in rows), paid_fen=sum(r.paid_fen for r in rows),
        outstanding_fen=sum(r.outstanding_fen for r in rows),
        overdue_milestones=sum(r.overdue_milestones for r in rows))


def test_ledger_groups_add_up_to_totals_that_equal_the_contract_rows(store: Store) -> None:
    desk = PurchaseDesk(store)
    projection, view = contracts(store)
    book = write_book(desk)
    store.apply_all(projection)
    rows = view.list_contracts(ContractFilter(), cursor=None, limit=100).data
    assert len(rows) == 4
    assert all(r.outstanding_fen == r.amount_fen - r.paid_fen for r in rows)

    lines, totals = view.ledger(group_by="department", fiscal_year=None, department=None)
    assert totals == from_rows(rows) == added_up(lines)
    assert totals == LedgerTotals(contracts=4, amount_fen=97_000_000, accepted_fen=20_000_000,
                                  paid_fen=17_000_000, outstanding_fen=80_000_000,
                                  overdue_milestones=1)
    assert [(line.key, line.label, line.totals.contracts, line.totals.amount_fen)
            for line in lines] == [("440700-MZJ", "江门市民政局", 2, 60_000_000),
                                   (PJQ, "蓬江区民政局", 2, 37_000_000)]

    by_provider, provider_totals = view.ledger(group_by="organization", fiscal_year=None,
                                               department=None)
    assert provider_totals == totals == added_up(by_provider)
    assert {line.key: (line.label, line.totals.paid_fen) for line in by_provider} == {
        str(book.centre): ("蓬江区长者服务中心", 7_000_000),
        str(book.volunteers_id): ("台山市义工联合会", 10_000_000)}

    by_year, year_totals = view.ledger(group_by="fiscal_year", fiscal_year=None,
                                       department=None)
    assert year_totals == totals == added_up(by_year)
    assert [(line.key, line.label, line.totals.contracts) for line in by_year] == [
        ("2027", "2027年度", 3), ("2028", "2028年度", 1)]

    for fiscal_year, department in ((2027, None), (None, PJQ), (2027, MZJ), (2029, None)):
        for group_by in ("department", "organization", "fiscal_year"):
            lines, totals = view.ledger(group_by=group_by, fiscal_year=fiscal_year,
                                        department=department)
            selected = [r for r in rows if fiscal_year in (None, r.fiscal_year)
                        and department in (None, r.department)]
            assert totals == from_rows(selected) == added_up(lines), (group_by, fiscal_year,
                                                                      department)
    lines, totals = view.ledger(group_by="department", fiscal_year=2029, department=None)
    assert (lines, totals) == ([], LedgerTotals(0, 0, 0, 0, 0, 0))
    with pytest.raises(UnknownLedgerGroupError):
        view.ledger(group_by="item", fiscal_year=None, department=None)


def test_ledger_totals_equal_the_sums_recomputed_from_the_events(store: Store) -> None:
    desk = PurchaseDesk(store)
    projection, view = contracts(store)
    write_book(desk)
    store.apply_all(projection)

    amount: dict[UUID, int] = {}
    paid: dict[UUID, int] = defaultdict(int)
    milestones: dict[UUID, dict[str, int]] = defaultdict(dict)
    accepted: dict[UUID, set[str]] = defaultdict(set)
    overdue: dict[UUID, set[str]] = defaultdict(set)
    app = store.app
    for notification in app.recorder.select_notifications(start=0, limit=10_000):
        event = app.mapper.to_domain_event(notification)
        contract = event.originator_id
        if isinstance(event, CONTRACT_AWARDED):
            amount[contract] = event.amount_fen
            for number, m in enumerate(event.milestones, start=1):
                milestones[contract][f"M{number}"] = m["amount_fen"]
        elif isinstance(event, CONTRACT_AMENDED):
            amount[contract] += event.added_fen
            if event.added_milestone is not None:
                number = len(milestones[contract]) + 1
                milestones[contract][f"M{number}"] = event.added_milestone["amount_fen"]
        elif isinstance(event, PAYMENT_APPROVED):
            paid[contract] += event.amount_fen
        elif isinstance(event, MILESTONE_ACCEPTED):
            accepted[contract].add(event.milestone_id)
        elif isinstance(event, MILESTONE_OVERDUE):
            overdue[contract].add(event.milestone_id)

    _, totals = view.ledger(group_by="organization", fiscal_year=None, department=None)
    assert totals == LedgerTotals(
        contracts=len(amount), amount_fen=sum(amount.values()),
        accepted_fen=sum(milestones[k][m] for k in accepted for m in accepted[k]),
        paid_fen=sum(paid.values()),
        outstanding_fen=sum(amount.values()) - sum(paid.values()),
        overdue_milestones=sum(len(overdue[k] - accepted[k]) for k in overdue))


def test_list_contracts_newest_first_filtered_and_paged(store: Store) -> None:
    desk = PurchaseDesk(store)
    projection, view = contracts(store)
    book = write_book(desk)
    store.apply_all(projection)

    def ids(limit: int = 10, **filters: Any) -> list[UUID]:
        return [row.id for row in view.list_contracts(ContractFilter(**filters), cursor=None,
                                                      limit=limit).data]

    newest_first = [book.volunteers, book.district, book.elderly_2028, book.elderly_2027]
    assert ids() == newest_first
    assert ids(department=PJQ) == [book.volunteers, book.district]
    assert ids(provider_id=book.centre) == [book.elderly_2028, book.elderly_2027]
    assert ids(fiscal_year=2028) == [book.elderly_2028]
    assert ids(status="已终止") == [book.volunteers]
    item = store.app.get_contract(book.district).item_id
    assert ids(item_id=UUID(item)) == [book.district]
    assert ids(status="已结束", department=MZJ) == []
    first = view.list_contracts(ContractFilter(), cursor=None, limit=3)
    rest = view.list_contracts(ContractFilter(), cursor=first.next_cursor, limit=3)
    assert [r.id for r in first.data + rest.data] == newest_first
    assert rest.next_cursor is None
    assert all(isinstance(m.due_on, date) for r in first.data for m in r.milestones)
    with pytest.raises(InvalidCursorError):
        view.list_contracts(ContractFilter(), cursor="!!", limit=2)
    assert view.get_contract(UUID(int=5)) is None


def test_reviews_by_contract_provider_and_department(store: Store) -> None:
    desk = PurchaseDesk(store)
    projection, view = contracts(store)
    centre, volunteers = desk.centre(), desk.volunteers()
    city = desk.award(desk.item("居家养老服务"), centre)
    desk.completed(city, centre)
    district = desk.award(desk.item("长者探访服务", department=PJQ), volunteers,
                          department=PJQ)
    unreviewed = desk.award(desk.item("社区助餐服务"), volunteers)
    desk.completed(district, volunteers, department=PJQ, scores=POOR_SCORES)
    store.apply_all(projection)

    def reviewed(**filters: Any) -> list[tuple[UUID, int, str]]:
        query: dict[str, Any] = {"provider_id": None, "department": None, "contract_id": None,
                                 **filters}
        return [(r.contract_id, r.total, r.rating)
                for r in view.reviews(**query, cursor=None, limit=10).data]

    assert reviewed() == [(district, 49, "差"), (city, 90, "优")]
    assert reviewed(provider_id=volunteers) == [(district, 49, "差")]
    assert reviewed(department=MZJ) == [(city, 90, "优")]
    assert reviewed(contract_id=city) == [(city, 90, "优")]
    assert reviewed(contract_id=unreviewed) == []
    (review,) = view.reviews(provider_id=None, department=None, contract_id=district,
                             cursor=None, limit=10).data
    assert (review.item_name, review.department, review.provider_id, review.provider_name,
            review.fiscal_year, review.scores, review.comment, review.reviewed_on) == (
        "长者探访服务", PJQ, volunteers, "台山市义工联合会", 2027, POOR_SCORES, "服务规范",
        date(2028, 1, 10))
    first = view.reviews(provider_id=None, department=None, contract_id=None, cursor=None,
                         limit=1)
    second = view.reviews(provider_id=None, department=None, contract_id=None,
                          cursor=first.next_cursor, limit=1)
    assert [r.contract_id for r in first.data + second.data] == [district, city]
    assert second.next_cursor is None


def test_poor_review_bars_the_provider_in_the_organization_row(store: Store) -> None:
    desk = PurchaseDesk(store)
    organizations = OrganizationsProjection(view=store.view(OrganizationsProjection))
    centre, volunteers = desk.centre(), desk.volunteers()
    contract = desk.award(desk.item(), centre)
    desk.completed(contract, centre, scores=POOR_SCORES)
    desk.completed(desk.award(desk.item("长者探访服务"), volunteers), volunteers)

    store.apply_all(organizations)

    barred = organizations.view.get_organization(centre)
    assert barred is not None
    code = store.app.get_contract(contract).item_code
    reason = f"合同 {code}「居家养老服务」49 分，2028-01-10 评价"
    (bar,) = store.app.get_organization(centre).bars
    assert date(2029, 1, 9) <= bar.until <= date(2029, 1, 10)  # a year from the review
    assert barred.bars == [{"until": bar.until.isoformat(), "reason": reason,
                            "contract_id": str(contract)}]
    assert barred.performance_bars == [bar]
    assert [(b.until, b.reason) for b in barred.performance_bars] == [(bar.until, reason)]
    clean = organizations.view.get_organization(volunteers)
    assert clean is not None
    assert (clean.bars, clean.performance_bars) == ([], [])


# --- exactly once, and rebuilds --------------------------------------------------

CASE_PROJECTIONS = [ContractsProjection, TransfersProjection, InboxProjection,
                    OrganizationsProjection]


def write_case_history(store: Store) -> int:
    """Contracts at every stage (closed, terminated, amended, overdue, under provider review,
    awaiting review) and transfers and staffing requests at every stage."""
    desk = PurchaseDesk(store)
    book = write_book(desk)
    desk.grade_changed(book.elderly_2027)
    desk.completed(desk.award(desk.item("长者探访服务"), book.centre), book.centre,
                   scores=POOR_SCORES)
    reviewing = desk.award(desk.item("社区助餐服务"), book.volunteers_id)
    desk.delivered_and_accepted(reviewing, "M1", book.volunteers_id)
    desk.open_review(reviewing)
    write_transfers(desk.cases, book.volunteers_id)
    return store.app.recorder.max_notification_id() or 0


@pytest.mark.parametrize("projection_class", CASE_PROJECTIONS)
def test_process_every_case_notification_twice_changes_nothing(
    store: Store, projection_class: type[Projection[Any]]
) -> None:
    projection = projection_class(view=store.view(projection_class))
    last = write_case_history(store)
    store.apply_all(projection)
    before = projection.view.dump()

    store.apply_all(projection)

    assert projection.view.dump() == before
    assert projection.view.max_tracking_id(APPLICATION_NAME) == last


@pytest.mark.parametrize("projection_class", CASE_PROJECTIONS)
def test_rebuild_of_case_view_from_zero_yields_exactly_the_live_view(
    store: Store, projection_class: type[Projection[Any]]
) -> None:
    view = store.view(projection_class)
    with store.running():
        last = write_case_history(store)
        assert view.caught_up(last, timeout=20)
    live = view.dump()
    if projection_class is ContractsProjection:
        live_ledger = view.ledger(group_by="department", fiscal_year=None, department=None)

    applied = rebuild(projection_class=projection_class, view=view, application=store.app)

    assert applied == last
    assert view.dump() == live
    assert any(live.values())
    assert view.max_tracking_id(APPLICATION_NAME) == last
    if projection_class is ContractsProjection:
        assert view.ledger(group_by="department", fiscal_year=None,
                           department=None) == live_ledger
