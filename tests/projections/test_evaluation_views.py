"""The evaluations view (等级评估 and 第三方评估机构), on SQLite and PostgreSQL.

Where an evaluation stands at each step, how the list filters and pages, the
evaluators' workloads; and, for every grading view, that a repeated event changes
nothing and a rebuild from position 0 gives the live rows.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.projection import Projection

from projections.evaluations import EvaluationsProjection, EvaluationsView
from projections.history import HistoryProjection
from projections.inbox import InboxProjection
from projections.organization_rows import EvaluationFilter, EvaluationRow
from projections.organizations import OrganizationsProjection
from projections.paging import InvalidCursorError
from projections.rebuild import rebuild
from projections.views import APPLICATION_NAME
from tests.projections.conftest import Store
from tests.projections.test_organization_views import SCORES_780, GradingDesk

REVISED_810 = {**SCORES_780, "内部治理": 330}


def evaluations(store: Store) -> tuple[EvaluationsProjection, EvaluationsView]:
    projection = EvaluationsProjection(view=store.view(EvaluationsProjection))
    return projection, projection.view


class Follow:
    """Applies what was recorded since the last look, then reads the evaluation."""

    def __init__(self, store: Store, projection: EvaluationsProjection) -> None:
        self.store, self.projection = store, projection

    def __call__(self, evaluation: UUID) -> EvaluationRow:
        view = self.projection.view
        self.store.apply_all(self.projection, after=view.max_tracking_id(self.store.app.name)
                             or 0)
        row = view.get_evaluation(evaluation)
        assert row is not None
        return row


def test_evaluation_row_follows_each_step_through_an_escalated_appeal(store: Store) -> None:
    desk = GradingDesk(store)
    projection, _ = evaluations(store)
    seen = Follow(store, projection)
    evaluator = desk.register_evaluator("江门市社会组织评估中心")
    organization = desk.register("蓬江区长者服务中心")

    evaluation = desk.apply(organization)
    applied = seen(evaluation)
    assert (applied.status, applied.organization_id, applied.organization_name,
            applied.category, applied.applied_on, applied.applied_by_role) == (
        "待指派评估机构", organization, "蓬江区长者服务中心", "民办非企业单位",
        date(2026, 3, 1), "organization")
    assert applied.credit_code == store.app.get_organization(organization).credit_code
    assert (applied.evaluator_id, applied.scores, applied.total, applied.version) == (
        None, {}, None, 1)

    desk.assign(evaluation, evaluator)
    assigned = seen(evaluation)
    assert (assigned.status, assigned.evaluator_id, assigned.evaluator_name) == (
        "评估中", evaluator, "江门市社会组织评估中心")

    desk.score(evaluation)
    scored = seen(evaluation)
    assert (scored.status, scored.scores, scored.total, scored.level) == (
        "公示中", SCORES_780, 780, 3)
    assert (scored.publicity_starts_on, scored.publicity_ends_on) == (
        date(2026, 4, 1), date(2026, 4, 7))

    desk.appeal(evaluation)
    appealed = seen(evaluation)
    assert (appealed.status, appealed.appeal_reason, appealed.appeal_filed_on,
            appealed.appeal_answer_due_on) == (
        "复核中", "社会评价偏低", date(2026, 4, 3), date(2026, 4, 18))

    desk.close_publicity(evaluation)
    closed = seen(evaluation)
    assert (closed.status, closed.publicity_closed) == ("复核中", True)

    desk.escalate(evaluation)
    assert seen(evaluation).appeal_escalated is True

    desk.answer(evaluation, revised=REVISED_810, by_committee=True)
    answered = seen(evaluation)
    assert (answered.status, answered.scores, answered.total, answered.level) == (
        "待确认", REVISED_810, 810, 4)
    assert (answered.appeal_outcome, answered.appeal_answered_on) == (
        "复核成立", date(2026, 4, 10))

    desk.confirm(evaluation)
    confirmed = seen(evaluation)
    assert (confirmed.status, confirmed.level, confirmed.confirmed_on) == (
        "已确认", 4, date(2026, 4, 20))
    assert confirmed.version == store.app.get_evaluation(evaluation).version
    assert confirmed.created_at < confirmed.updated_at


def test_publicity_closing_without_appeal_awaits_confirmation(store: Store) -> None:
    desk = GradingDesk(store)
    projection, _ = evaluations(store)
    seen = Follow(store, projection)
    evaluator = desk.register_evaluator()
    evaluation = desk.apply(desk.register("蓬江区长者服务中心"))
    desk.assign(evaluation, evaluator)
    desk.score(evaluation)

    desk.close_publicity(evaluation)

    row = seen(evaluation)
    assert (row.status, row.publicity_closed, row.appeal_reason) == ("待确认", True, None)


def test_appeal_rejected_during_publicity_returns_to_publicity(store: Store) -> None:
    desk = GradingDesk(store)
    projection, _ = evaluations(store)
    seen = Follow(store, projection)
    evaluator = desk.register_evaluator()
    evaluation = desk.apply(desk.register("蓬江区长者服务中心"))
    desk.assign(evaluation, evaluator)
    desk.score(evaluation)
    desk.appeal(evaluation)

    desk.answer(evaluation)

    row = seen(evaluation)
    assert (row.status, row.appeal_outcome, row.scores, row.total) == (
        "公示中", "维持原评估结果", SCORES_780, 780)


def test_list_evaluations_newest_first_filtered_and_paged(store: Store) -> None:
    desk = GradingDesk(store)
    projection, view = evaluations(store)
    first_evaluator = desk.register_evaluator("江门市社会组织评估中心")
    second_evaluator = desk.register_evaluator("广东省社会组织评估院")
    elderly = desk.register("蓬江区长者服务中心")
    social = desk.register("台山市社会工作服务中心")
    children = desk.register("江门市儿童福利服务中心")
    confirmed = desk.graded(elderly, first_evaluator)
    assigned = desk.apply(social)
    desk.assign(assigned, second_evaluator)
    waiting = desk.apply(children)
    store.apply_all(projection)

    def ids(limit: int = 10, **filters: Any) -> list[UUID]:
        return [row.id for row in view.list_evaluations(EvaluationFilter(**filters),
                                                        cursor=None, limit=limit).data]

    assert ids() == [waiting, assigned, confirmed]
    assert ids(organization_id=social) == [assigned]
    assert ids(evaluator_id=first_evaluator) == [confirmed]
    assert ids(status="待指派评估机构") == [waiting]
    assert ids(status="已确认", organization_id=social) == []
    first = view.list_evaluations(EvaluationFilter(), cursor=None, limit=2)
    rest = view.list_evaluations(EvaluationFilter(), cursor=first.next_cursor, limit=2)
    assert [r.id for r in first.data + rest.data] == [waiting, assigned, confirmed]
    assert rest.next_cursor is None
    with pytest.raises(InvalidCursorError):
        view.list_evaluations(EvaluationFilter(), cursor="!!", limit=2)
    assert view.get_evaluation(UUID(int=7)) is None


def test_evaluator_workloads_count_open_and_confirmed_evaluations(store: Store) -> None:
    desk = GradingDesk(store)
    projection, view = evaluations(store)
    busy = desk.register_evaluator("江门市社会组织评估中心")
    idle = desk.register_evaluator("广东省社会组织评估院")
    elderly = desk.register("蓬江区长者服务中心")
    social = desk.register("台山市社会工作服务中心")
    children = desk.register("江门市儿童福利服务中心")
    desk.graded(elderly, busy)
    desk.assign(desk.apply(social), busy)
    desk.apply(children)  # not assigned: nobody's workload
    desk.declare_affiliations(idle, children, social)

    store.apply_all(projection)

    page = view.list_evaluators(cursor=None, limit=10)
    assert [(e.name, e.open_evaluations, e.confirmed_evaluations) for e in page.data] == [
        ("江门市社会组织评估中心", 1, 1), ("广东省社会组织评估院", 0, 0)]
    idle_row = view.get_evaluator(idle)
    assert idle_row is not None
    assert sorted(idle_row.affiliations) == sorted([children, social])
    assert all(isinstance(a, UUID) for a in idle_row.affiliations)
    assert (idle_row.contact, idle_row.version) == ("0750-1234567", 2)
    first = view.list_evaluators(cursor=None, limit=1)
    second = view.list_evaluators(cursor=first.next_cursor, limit=1)
    assert [e.id for e in first.data + second.data] == [busy, idle]
    assert view.get_evaluator(UUID(int=3)) is None


# --- exactly once, and rebuilds --------------------------------------------------

GRADING_PROJECTIONS = [OrganizationsProjection, EvaluationsProjection, InboxProjection,
                       HistoryProjection]


def write_grading_history(store: Store) -> int:
    """A little of everything: a record with complaints and flags, an escalated appeal,
    a downgrade, a second grade, a lapse, a revocation and evaluations left waiting."""
    desk = GradingDesk(store)
    evaluator = desk.register_evaluator("江门市社会组织评估中心")
    other = desk.register_evaluator("广东省社会组织评估院")
    elderly = desk.register("蓬江区长者服务中心")
    social = desk.register("台山市社会工作服务中心", region="440781")
    association = desk.register("江门市养老服务协会", category="社会团体", kind="行业协会商会",
                                region="440700")
    desk.declare_affiliations(other, association)
    desk.declare_compliance(association, on=date(2025, 1, 5))
    desk.verify_compliance(association, on=date(2025, 1, 20))
    desk.elect(association, "p-1", "陈志强")
    complaint = desk.complain(elderly, "服务态度差", on=date(2025, 3, 1))
    desk.resolve(elderly, complaint, "已约谈整改", on=date(2025, 3, 10))
    desk.flag(social, on=date(2025, 4, 1))
    desk.clear_flag(social, on=date(2025, 6, 1))
    desk.penalize(social, "台民罚〔2025〕1号", on=date(2025, 7, 1))
    first = desk.apply(elderly)
    desk.assign(first, evaluator)
    desk.score(first)
    desk.appeal(first)
    desk.close_publicity(first)
    desk.escalate(first)
    desk.answer(first, revised=REVISED_810, by_committee=True)
    desk.confirm(first)
    desk.inspect(elderly, 2026, "不合格")
    desk.downgrade(elderly, 2026, on=date(2027, 3, 2))
    desk.graded(elderly, evaluator, applied_on=date(2031, 3, 1), confirmed_on=date(2031, 5, 1))
    desk.lapse(elderly, first, on=date(2032, 1, 1))
    desk.revoke(elderly, on=date(2033, 1, 5))
    scoring = desk.apply(social)
    desk.assign(scoring, evaluator)
    desk.apply(association)
    return store.app.recorder.max_notification_id() or 0


@pytest.mark.parametrize("projection_class", GRADING_PROJECTIONS)
def test_process_every_grading_notification_twice_changes_nothing(
    store: Store, projection_class: type[Projection[Any]]
) -> None:
    projection = projection_class(view=store.view(projection_class))
    last = write_grading_history(store)
    store.apply_all(projection)
    before = projection.view.dump()

    store.apply_all(projection)

    assert projection.view.dump() == before
    assert projection.view.max_tracking_id(APPLICATION_NAME) == last


@pytest.mark.parametrize("projection_class", GRADING_PROJECTIONS)
def test_rebuild_of_grading_view_from_zero_yields_exactly_the_live_view(
    store: Store, projection_class: type[Projection[Any]]
) -> None:
    view = store.view(projection_class)
    with store.running():
        last = write_grading_history(store)
        assert view.caught_up(last, timeout=10)
    live = view.dump()

    applied = rebuild(projection_class=projection_class, view=view, application=store.app)

    assert applied == last
    assert view.dump() == live
    assert any(live.values())
    assert view.max_tracking_id(APPLICATION_NAME) == last
