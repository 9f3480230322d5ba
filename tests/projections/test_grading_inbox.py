"""The task inbox (待办) of grade evaluations: who must act next, by when, on SQLite and
PostgreSQL — the committee (assign, confirm, an escalated appeal) and the assigned
evaluator (score, answer the appeal)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from projections.inbox import InboxProjection, InboxView
from projections.rows import InboxEntry
from tests.projections.conftest import MZJ, Store
from tests.projections.test_organization_views import GradingDesk

ANSWER_DUE_ON = date(2026, 4, 18)


class Inboxes:
    """The inbox view following one store, and what each party sees in it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.projection = InboxProjection(view=store.view(InboxProjection))
        self.view: InboxView = self.projection.view

    def entries(self, role: str, scope: str | None = None, *,
                today: date = date(2026, 4, 5)) -> list[InboxEntry]:
        self.store.apply_all(self.projection,
                             after=self.view.max_tracking_id(self.store.app.name) or 0)
        return self.view.inbox(role=role, scope=scope, today=today, cursor=None, limit=50).data

    def waiting(self, *evaluators: UUID) -> dict[str, list[str]]:
        """The task labels each party sees: the committee, then each evaluator."""
        return {
            "committee": [e.kind_label for e in self.entries("committee")],
            **{str(evaluator): [e.kind_label for e in self.entries("evaluator", str(evaluator))]
               for evaluator in evaluators},
        }


@pytest.fixture
def desk(store: Store) -> GradingDesk:
    return GradingDesk(store)


def test_tasks_follow_evaluation_from_application_to_confirmation(
    store: Store, desk: GradingDesk
) -> None:
    inboxes = Inboxes(store)
    assigned = desk.register_evaluator("江门市社会组织评估中心")
    other = desk.register_evaluator("广东省社会组织评估院")
    organization = desk.register("蓬江区长者服务中心")

    def waiting() -> dict[str, list[str]]:
        return inboxes.waiting(assigned, other)

    evaluation = desk.apply(organization)
    assert waiting() == {"committee": ["待指派评估机构"], str(assigned): [], str(other): []}
    desk.assign(evaluation, assigned)
    assert waiting() == {"committee": [], str(assigned): ["待评分"], str(other): []}
    desk.score(evaluation)
    assert waiting() == {"committee": [], str(assigned): [], str(other): []}
    desk.close_publicity(evaluation)
    assert waiting() == {"committee": ["待确认评估等级"], str(assigned): [], str(other): []}
    desk.confirm(evaluation)
    assert waiting() == {"committee": [], str(assigned): [], str(other): []}
    assert inboxes.entries("organization", str(organization)) == []


def test_task_links_to_the_evaluation_and_names_the_organization(
    store: Store, desk: GradingDesk
) -> None:
    inboxes = Inboxes(store)
    organization = desk.register("蓬江区长者服务中心")
    evaluation = desk.apply(organization)
    code = store.app.get_organization(organization).credit_code

    (task,) = inboxes.entries("committee")

    assert (task.entity_type, task.entity_id, task.code, task.kind) == (
        "grade_evaluation", evaluation, code, "assign_evaluator")
    assert task.title == f"{code} 蓬江区长者服务中心等级评估"
    assert task.entry_id == f"{evaluation}:assign_evaluator"
    assert (task.scope, task.due_on, task.due_soon, task.overdue) == (None, None, False, False)


def test_appeal_waits_on_evaluator_by_its_due_date_then_on_committee_when_escalated(
    store: Store, desk: GradingDesk
) -> None:
    inboxes = Inboxes(store)
    evaluator = desk.register_evaluator()
    evaluation = desk.apply(desk.register("蓬江区长者服务中心"))
    desk.assign(evaluation, evaluator)
    desk.score(evaluation)

    desk.appeal(evaluation, answer_due_on=ANSWER_DUE_ON)
    desk.close_publicity(evaluation)  # the appeal is open: no confirmation yet

    assert inboxes.waiting(evaluator) == {"committee": [], str(evaluator): ["复核申请待答复"]}

    def flags(today: date) -> tuple[bool, bool]:
        (task,) = inboxes.entries("evaluator", str(evaluator), today=today)
        assert (task.kind, task.due_on, task.scope) == (
            "answer_appeal", ANSWER_DUE_ON, str(evaluator))
        return task.due_soon, task.overdue

    assert flags(date(2026, 4, 14)) == (False, False)
    assert flags(date(2026, 4, 15)) == (True, False)
    assert flags(ANSWER_DUE_ON) == (True, False)
    assert flags(date(2026, 4, 19)) == (False, True)

    desk.escalate(evaluation)
    assert inboxes.waiting(evaluator) == {"committee": ["复核答复逾期（已上报）"],
                                          str(evaluator): ["复核申请待答复"]}
    (escalated,) = inboxes.entries("committee", today=date(2026, 4, 19))
    assert (escalated.due_on, escalated.overdue) == (ANSWER_DUE_ON, True)

    desk.answer(evaluation, by_committee=True)
    assert inboxes.waiting(evaluator) == {"committee": ["待确认评估等级"], str(evaluator): []}


def test_appeal_answered_during_publicity_waits_for_its_end_before_confirmation(
    store: Store, desk: GradingDesk
) -> None:
    inboxes = Inboxes(store)
    evaluator = desk.register_evaluator()
    evaluation = desk.apply(desk.register("蓬江区长者服务中心"))
    desk.assign(evaluation, evaluator)
    desk.score(evaluation)
    desk.appeal(evaluation)

    desk.answer(evaluation)
    assert inboxes.waiting(evaluator) == {"committee": [], str(evaluator): []}

    desk.close_publicity(evaluation)
    assert inboxes.waiting(evaluator) == {"committee": ["待确认评估等级"], str(evaluator): []}


def test_withdrawing_an_item_leaves_evaluation_tasks_waiting(
    store: Store, desk: GradingDesk
) -> None:
    inboxes = Inboxes(store)
    item = store.draft(name="居家养老服务").aggregate_id
    evaluation = desk.apply(desk.register("蓬江区长者服务中心"))
    assert [t.kind for t in inboxes.entries("department", MZJ)] == ["publish"]

    store.withdraw(item)

    assert inboxes.entries("department", MZJ) == []
    assert [(t.entity_type, t.entity_id) for t in inboxes.entries("committee")] == [
        ("grade_evaluation", evaluation)]
