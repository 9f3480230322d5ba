"""The task inbox (待办) of quarterly reports and acceptance reviews, on SQLite and PostgreSQL:
the department submits its report by the due date (overdue after), the committee follows up
an escalated report until it is submitted, and scores the year's acceptance reviews."""

from __future__ import annotations

from datetime import date, timedelta

from projections.inbox import InboxProjection, InboxView
from projections.rows import InboxEntry
from tests.projections.conftest import CZJ, MZJ, Store
from tests.projections.test_reporting_view import DUE_ON, OPENED_ON, Q3, ReportingDesk


class Inboxes:
    """The inbox view following one store, and what each party sees in it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.projection = InboxProjection(view=store.view(InboxProjection))
        self.view: InboxView = self.projection.view

    def entries(self, role: str, scope: str | None = None, *,
                today: date = OPENED_ON) -> list[InboxEntry]:
        self.store.apply_all(self.projection,
                             after=self.view.max_tracking_id(self.store.app.name) or 0)
        return self.view.inbox(role=role, scope=scope, today=today, cursor=None, limit=50).data

    def waiting(self, *, today: date = OPENED_ON) -> dict[str, list[str]]:
        """The task labels each party sees: the committee, then each department."""
        return {
            "committee": [e.kind_label for e in self.entries("committee", today=today)],
            MZJ: [e.kind_label for e in self.entries("department", MZJ, today=today)],
            CZJ: [e.kind_label for e in self.entries("department", CZJ, today=today)],
        }


def test_report_waits_on_its_department_then_on_the_committee_once_escalated(
    store: Store,
) -> None:
    inboxes = Inboxes(store)
    desk = ReportingDesk(store)

    report = desk.open(MZJ, Q3, opened_on=OPENED_ON)
    assert inboxes.waiting() == {"committee": [], MZJ: ["提交季度报告"], CZJ: []}
    (task,) = inboxes.entries("department", MZJ, today=DUE_ON - timedelta(days=2))
    assert (task.entity_type, task.entity_id, task.code, task.title, task.due_on,
            task.due_soon, task.overdue) == (
        "quarterly_report", report, "440700-MZJ-2026Q3",
        "440700-MZJ-2026Q3 2026年第3季度工作报告", DUE_ON, True, False)
    (late,) = inboxes.entries("department", MZJ, today=DUE_ON + timedelta(days=1))
    assert (late.due_soon, late.overdue) == (False, True)

    desk.escalate(report, on=DUE_ON + timedelta(days=1))
    after = DUE_ON + timedelta(days=1)
    assert inboxes.waiting(today=after) == {
        "committee": ["督办逾期季度报告"], MZJ: ["提交季度报告"], CZJ: []}
    (followed,) = inboxes.entries("committee", today=after)
    assert (followed.kind, followed.entity_id, followed.due_on, followed.overdue) == (
        "report_escalation", report, DUE_ON, True)

    desk.submit(report, MZJ, on=DUE_ON + timedelta(days=2), narrative="逾期说明")
    assert inboxes.waiting(today=after) == {"committee": [], MZJ: [], CZJ: []}


def test_report_submitted_on_time_leaves_no_task(store: Store) -> None:
    inboxes = Inboxes(store)
    desk = ReportingDesk(store)
    mine = desk.open(MZJ, Q3, opened_on=OPENED_ON)
    desk.open(CZJ, Q3, opened_on=OPENED_ON)

    desk.submit(mine, MZJ, on=DUE_ON, narrative="按期完成")

    assert inboxes.waiting() == {"committee": [], MZJ: [], CZJ: ["提交季度报告"]}


def test_acceptance_review_waits_on_the_committee_until_scored(store: Store) -> None:
    inboxes = Inboxes(store)
    desk = ReportingDesk(store)

    review = desk.open_review(MZJ, 2026)
    (task,) = inboxes.entries("committee")
    assert (task.kind, task.kind_label, task.entity_type, task.entity_id, task.title,
            task.due_on) == ("acceptance_review", "年度验收考核", "acceptance_review", review,
                             "440700-MZJ-2026 2026年度验收考核", None)
    assert inboxes.entries("department", MZJ) == []

    desk.score(review, ("目录编制", 92))

    assert inboxes.entries("committee") == []
