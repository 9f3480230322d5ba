"""The task inbox (待办) of transfers, staffing requests and purchase contracts: who must act
next, by when, on SQLite and PostgreSQL — the committee (approve a transfer, review a
suspended one, review a flagged staffing request), the buying department (accept, an
overdue milestone, the performance review, a provider whose grade changed), finance
(approve payments) and the provider (deliver milestones by their due dates)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.persistence import Tracking

from projections.inbox import InboxProjection, InboxView
from projections.rebuild import rebuild
from projections.rows import InboxEntry
from tests.projections.conftest import MZJ, Store
from tests.projections.test_contract_views import PJQ, POOR_SCORES, PurchaseDesk
from tests.projections.test_transfer_views import TransferDesk, write_transfers


class Inboxes:
    """The inbox view following one store, and what each party sees in it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.projection = InboxProjection(view=store.view(InboxProjection))
        self.view: InboxView = self.projection.view

    def entries(self, role: str, scope: str | None = None, *,
                today: date = date(2027, 1, 10)) -> list[InboxEntry]:
        self.store.apply_all(self.projection,
                             after=self.view.max_tracking_id(self.store.app.name) or 0)
        return self.view.inbox(role=role, scope=scope, today=today, cursor=None, limit=50).data

    def labels(self, role: str, scope: str | None = None) -> list[str]:
        return [e.kind_label for e in self.entries(role, scope)]

    def contract(self, department: str, provider: UUID) -> dict[str, list[str]]:
        """What a contract's parties see: the department, finance and the provider."""
        return {
            "department": self.labels("department", department),
            "finance": self.labels("finance"),
            "provider": [f"{e.kind_label} {e.entry_id.rsplit(':', 1)[-1]}"
                         for e in self.entries("organization", str(provider))],
        }


def test_contract_tasks_appear_and_disappear_for_each_party(store: Store) -> None:
    desk = PurchaseDesk(store)
    inboxes = Inboxes(store)
    centre = desk.centre()
    contract = desk.award(desk.item(), centre, announce=False)

    def waiting() -> dict[str, list[str]]:
        return inboxes.contract(MZJ, centre)

    assert waiting() == {"department": [], "finance": [], "provider": []}
    desk.announce(contract)
    assert waiting() == {"department": [], "finance": [],
                         "provider": ["待交付履约节点 M1", "待交付履约节点 M2"]}
    desk.deliver(contract, "M1", centre)
    assert waiting() == {"department": ["待验收"], "finance": [],
                         "provider": ["待交付履约节点 M2"]}
    desk.accept(contract, "M1", accepted=False)
    assert waiting() == {"department": [], "finance": [],
                         "provider": ["待交付履约节点 M1", "待交付履约节点 M2"]}
    desk.deliver(contract, "M1", centre)
    desk.accept(contract, "M1")
    assert waiting() == {"department": [], "finance": ["待审批支付"],
                         "provider": ["待交付履约节点 M2"]}
    desk.pay(contract, "M1", 4_000_000)
    (partly,) = inboxes.entries("finance")
    assert partly.title.endswith("M1「第一季度服务」 待付 60,000.00 元")
    desk.pay(contract, "M1", 6_000_000)
    assert waiting() == {"department": [], "finance": [], "provider": ["待交付履约节点 M2"]}
    desk.amend(contract, 3_000_000)
    assert waiting()["provider"] == ["待交付履约节点 M3", "待交付履约节点 M2"]
    desk.overdue(contract, "M2")
    assert waiting() == {"department": ["履约节点逾期"], "finance": [],
                         "provider": ["待交付履约节点 M3", "待交付履约节点 M2"]}
    desk.deliver(contract, "M2", centre)
    assert waiting() == {"department": ["履约节点逾期", "待验收"], "finance": [],
                         "provider": ["待交付履约节点 M3"]}
    desk.accept(contract, "M2")
    assert waiting() == {"department": [], "finance": ["待审批支付"],
                         "provider": ["待交付履约节点 M3"]}
    desk.grade_changed(contract)
    assert waiting()["department"] == ["承接方等级变动待复查"]
    desk.confirm_provider(contract)
    assert waiting()["department"] == []
    desk.delivered_and_accepted(contract, "M3", centre)
    desk.pay(contract, "M3", 3_000_000)
    desk.open_review(contract)
    assert waiting() == {"department": ["待绩效评价"], "finance": ["待审批支付"],
                         "provider": []}
    desk.review(contract)
    assert waiting() == {"department": [], "finance": ["待审批支付"], "provider": []}
    desk.pay(contract, "M2", 20_000_000, on=date(2028, 1, 11))
    desk.close(contract)
    assert waiting() == {"department": [], "finance": [], "provider": []}
    assert inboxes.entries("committee") == []


def test_milestone_tasks_link_to_the_contract_and_fall_due_on_the_milestone_date(
    store: Store
) -> None:
    desk = PurchaseDesk(store)
    inboxes = Inboxes(store)
    centre = desk.centre()
    contract = desk.award(desk.item(), centre)
    code = store.app.get_contract(contract).item_code

    first, second = inboxes.entries("organization", str(centre))

    assert (first.entity_type, first.entity_id, first.code, first.kind, first.scope) == (
        "purchase_contract", contract, code, "deliver_milestone", str(centre))
    assert first.entry_id == f"{contract}:deliver_milestone:M1"
    assert first.title == f"{code} 居家养老服务（蓬江区长者服务中心） M1「第一季度服务」"
    assert (first.due_on, first.due_soon_on, second.due_on) == (
        date(2027, 3, 31), date(2027, 3, 24), date(2027, 12, 31))

    def flags(today: date) -> tuple[bool, bool]:
        (task, _) = inboxes.entries("organization", str(centre), today=today)
        return task.due_soon, task.overdue

    assert flags(date(2027, 3, 23)) == (False, False)
    assert flags(date(2027, 3, 24)) == (True, False)
    assert flags(date(2027, 3, 31)) == (True, False)
    assert flags(date(2027, 4, 1)) == (False, True)

    desk.overdue(contract, "M1")
    (overdue,) = inboxes.entries("department", MZJ, today=date(2027, 4, 1))
    assert (overdue.kind, overdue.entry_id, overdue.due_on, overdue.overdue, overdue.scope) == (
        "milestone_overdue", f"{contract}:milestone_overdue:M1", date(2027, 3, 31), True, MZJ)
    desk.deliver(contract, "M1", centre)
    desk.accept(contract, "M1")
    (payment,) = inboxes.entries("finance")
    assert (payment.kind, payment.scope, payment.due_on, payment.entity_id) == (
        "approve_payment", None, None, contract)
    assert payment.title.endswith("M1「第一季度服务」 待付 100,000.00 元")


def test_tasks_wait_on_their_own_department_and_provider_only(store: Store) -> None:
    desk = PurchaseDesk(store)
    inboxes = Inboxes(store)
    centre, volunteers = desk.centre(), desk.volunteers()
    city = desk.award(desk.item(), centre)
    district = desk.award(desk.item("长者探访服务", department=PJQ), volunteers,
                          department=PJQ)
    desk.deliver(city, "M1", centre)
    desk.deliver(district, "M1", volunteers)

    assert [e.entity_id for e in inboxes.entries("department", MZJ)] == [city]
    assert [e.entity_id for e in inboxes.entries("department", PJQ)] == [district]
    assert {e.entity_id for e in inboxes.entries("organization", str(centre))} == {city}
    assert {e.entity_id for e in inboxes.entries("organization", str(volunteers))} == {
        district}


def test_termination_ends_every_task_of_the_contract(store: Store) -> None:
    desk = PurchaseDesk(store)
    inboxes = Inboxes(store)
    centre = desk.centre()
    contract = desk.award(desk.item(), centre)
    other = desk.award(desk.item("长者探访服务"), centre)
    desk.delivered_and_accepted(contract, "M1", centre)
    desk.deliver(contract, "M2", centre)
    desk.grade_changed(contract)
    assert inboxes.contract(MZJ, centre) == {
        "department": ["待验收", "承接方等级变动待复查"], "finance": ["待审批支付"],
        "provider": ["待交付履约节点 M1", "待交付履约节点 M2"]}  # M1, M2 of the other

    desk.terminate(contract)

    assert inboxes.contract(MZJ, centre) == {
        "department": [], "finance": [],
        "provider": ["待交付履约节点 M1", "待交付履约节点 M2"]}
    assert {e.entity_id for e in inboxes.entries("organization", str(centre))} == {other}


def test_transfer_and_staffing_tasks_wait_on_the_committee(store: Store) -> None:
    desk = PurchaseDesk(store)
    transfers = TransferDesk(desk.cases)
    inboxes = Inboxes(store)
    centre = desk.centre()

    transfer = transfers.propose(transfers.item("养老机构等级评定辅助"), centre)
    (task,) = inboxes.entries("committee")
    code = store.app.get_transfer(transfer).item_code
    assert (task.kind, task.kind_label, task.entity_type, task.entity_id, task.scope) == (
        "approve_transfer", "职能转移待审批", "function_transfer", transfer, None)
    assert task.title == f"{code} 养老机构等级评定辅助（委托给蓬江区长者服务中心）"
    assert task.entry_id == f"{transfer}:approve_transfer"
    transfers.approve(transfer)
    assert inboxes.labels("committee") == []
    transfers.take_effect(transfer)
    transfers.suspend(transfer)
    assert inboxes.labels("committee") == ["暂停的职能转移待复查"]
    transfers.resume(transfer)
    assert inboxes.labels("committee") == []
    transfers.suspend(transfer, on=date(2027, 4, 1))
    transfers.revoke(transfer)
    assert inboxes.labels("committee") == []

    rejected = transfers.propose(transfers.item("养老服务统计", mode="转移"), centre)
    assert inboxes.labels("committee") == ["职能转移待审批"]
    transfers.reject(rejected)
    assert inboxes.labels("committee") == []

    live = transfers.item("老年人能力评估")
    transfers.approve(transfers.propose(live, centre))
    request = transfers.request_staffing(live)
    (staffing,) = inboxes.entries("committee")
    assert (staffing.kind, staffing.kind_label, staffing.entity_type, staffing.entity_id) == (
        "review_staffing", "编制申请待审查", "staffing_request", request)
    assert staffing.title.endswith("老年人能力评估（增加编制申请）")
    transfers.decide_staffing(request, justified=False)
    assert inboxes.labels("committee") == []
    unflagged = transfers.request_staffing(transfers.item("长者探访"))
    assert store.app.get_staffing_request(unflagged).eligible_providers == []
    assert inboxes.labels("committee") == []
    assert inboxes.entries("department", MZJ) == []


def test_each_case_event_applied_twice_in_a_row_changes_the_inbox_once(store: Store) -> None:
    desk = PurchaseDesk(store)
    centre, volunteers = desk.centre(), desk.volunteers()
    contract = desk.award(desk.item(), centre)
    desk.delivered_and_accepted(contract, "M1", centre)
    desk.pay(contract, "M1", 4_000_000)
    desk.pay(contract, "M1", 1_000_000)
    desk.amend(contract, 3_000_000)
    desk.overdue(contract, "M2")
    desk.grade_changed(contract)
    write_transfers(desk.cases, volunteers)
    reviewed = desk.award(desk.item("长者探访服务"), volunteers)
    desk.completed(reviewed, volunteers, scores=POOR_SCORES)
    inboxes = Inboxes(store)
    app = store.app

    for notification in app.recorder.select_notifications(start=0, limit=10_000):
        event = app.mapper.to_domain_event(notification)
        for _ in range(2):
            inboxes.projection.process_event(event, Tracking(app.name, notification.id))
    twice = inboxes.view.dump()
    rebuild(projection_class=InboxProjection, view=inboxes.view, application=app)

    assert inboxes.view.dump() == twice
    assert len(twice["inbox_tasks"]) >= 5
