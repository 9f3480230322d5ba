"""The catalogue view through the pipeline: budget, referral, opinion, decision, retention,
new versions, and the department names the committee registers."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest

from domain.actors import Actor
from domain.application import GovflowApplication
from domain.departments import BuiltinDepartments, Department
from domain.registry.commands import RegisterDepartment
from projections.catalogue import CatalogueProjection
from projections.rows import ALL_DRAFTS, CatalogueFilter, CatalogueItemRow
from tests.projections.conftest import COMMITTEE, CZJ, DUE_ON, MZJ, REMIND_ON, Store


@pytest.fixture
def catalogue(store: Store) -> Any:
    return store.view(CatalogueProjection)


@pytest.fixture
def agency(store: Store) -> Actor:
    return store.establish_agency()


def row_of(store: Store, catalogue: Any, item_id: UUID) -> CatalogueItemRow:
    store.apply_all(CatalogueProjection(view=catalogue))
    row: CatalogueItemRow = catalogue.get_item(item_id)
    return row


def opinion_given(store: Store, agency: Actor, recommendation: str, **fields: Any) -> UUID:
    item_id = store.published_item(**fields)
    store.refer(item_id, agency)
    store.give_opinion(item_id, agency, recommendation)
    return item_id


def test_get_item_of_draft_shows_no_later_step_yet(store: Store, catalogue: Any) -> None:
    row = row_of(store, catalogue, store.draft().aggregate_id)

    assert (row.catalogue_version, row.negative_list, row.budget_fen) == (1, None, None)
    assert (row.agency_id, row.referral_due_on, row.referral_escalated) == (None, None, False)
    assert (row.opinion_recommendation, row.opinion_experts, row.decision_mode) == (
        None, [], None)


def test_get_item_after_referral_shows_agency_and_deadlines(
    store: Store, catalogue: Any, agency: Actor
) -> None:
    item_id = store.published_item()
    referred = store.refer(item_id, agency)

    row = row_of(store, catalogue, item_id)

    assert (row.status, row.status_label) == ("referred", "咨询中")
    assert (row.agency_id, row.agency_name) == (agency.scope, "江门市政府职能转移咨询委员会")
    assert (row.referral_due_on, row.referral_remind_on) == (DUE_ON, REMIND_ON)
    assert row.referral_escalated is False
    assert row.version == referred.version


def test_get_item_after_reminder_shows_new_version_only(
    store: Store, catalogue: Any, agency: Actor
) -> None:
    item_id = store.published_item()
    store.refer(item_id, agency)
    before = row_of(store, catalogue, item_id)
    reminded = store.remind(item_id)

    row = row_of(store, catalogue, item_id)

    assert row.version == reminded.version == before.version + 1
    assert row.last_notification_id == reminded.notification_id
    assert (row.status, row.referral_due_on, row.referral_escalated) == (
        before.status, before.referral_due_on, False)


def test_get_item_after_escalation_then_extension_shows_flag_then_new_deadline(
    store: Store, catalogue: Any, agency: Actor
) -> None:
    item_id = store.published_item()
    store.refer(item_id, agency)
    store.escalate(item_id)
    escalated = row_of(store, catalogue, item_id)
    store.extend(item_id, due_on=date(2027, 4, 10), remind_on=date(2027, 4, 7))

    extended = row_of(store, catalogue, item_id)

    assert (escalated.referral_escalated, escalated.referral_due_on) == (True, DUE_ON)
    assert extended.referral_escalated is False
    assert (extended.referral_due_on, extended.referral_remind_on) == (
        date(2027, 4, 10), date(2027, 4, 7))
    assert extended.status == "referred"


def test_get_item_after_opinion_shows_recommendation_reasons_and_expert_names(
    store: Store, catalogue: Any, agency: Actor
) -> None:
    row = row_of(store, catalogue, opinion_given(store, agency, "购买服务"))

    assert (row.status, row.status_label) == ("opinion_given", "待决定")
    assert (row.opinion_recommendation, row.opinion_reasons) == ("购买服务", "社会组织具备承接能力")
    assert row.opinion_experts == ["陈明", "林芳"]


def test_get_item_after_budget_and_purchase_decision_shows_budget_and_decision(
    store: Store, catalogue: Any, agency: Actor
) -> None:
    item_id = opinion_given(store, agency, "购买服务")
    store.allocate_budget(item_id, amount_fen=12_345_600)
    budgeted = row_of(store, catalogue, item_id)
    store.decide(item_id, "购买服务")

    row = row_of(store, catalogue, item_id)

    assert budgeted.budget_fen == 12_345_600
    assert (row.status, row.status_label) == ("decided", "已决定")
    assert (row.decision_mode, row.decision_reason) == ("购买服务", None)
    assert row.decision_departs_from_opinion is False
    assert row.retention_justification is None


def test_get_item_after_decision_departing_from_opinion_shows_reason(
    store: Store, catalogue: Any, agency: Actor
) -> None:
    item_id = opinion_given(store, agency, "转移")
    store.decide(item_id, "委托", reason="承接组织尚需培育，先行委托")

    row = row_of(store, catalogue, item_id)

    assert (row.decision_mode, row.decision_reason) == ("委托", "承接组织尚需培育，先行委托")
    assert row.decision_departs_from_opinion is True


def test_get_item_after_retaining_listed_item_waits_then_is_retained_on_approval(
    store: Store, catalogue: Any, agency: Actor
) -> None:
    item_id = opinion_given(store, agency, "保留", provincial_listed=True)
    store.decide(item_id, "保留", justification="涉及公共安全，暂无合格承接主体")
    pending = row_of(store, catalogue, item_id)
    store.review_retention(item_id, approved=True, comment="同意保留")

    approved = row_of(store, catalogue, item_id)

    assert (pending.status, pending.status_label) == ("retention_pending", "保留待审批")
    assert pending.retention_justification == "涉及公共安全，暂无合格承接主体"
    assert (approved.status, approved.status_label) == ("retained", "保留")
    assert approved.retention_review_comment == "同意保留"
    assert approved.decision_mode == "保留"


def test_get_item_after_retention_rejected_clears_decision_and_shows_comment(
    store: Store, catalogue: Any, agency: Actor
) -> None:
    item_id = opinion_given(store, agency, "保留", provincial_listed=True)
    store.decide(item_id, "保留", justification="暂无承接主体")
    store.review_retention(item_id, approved=False, comment="已有3A以上社会组织可承接，应予转移")

    row = row_of(store, catalogue, item_id)

    assert (row.status, row.status_label) == ("opinion_given", "待决定")
    assert (row.decision_mode, row.retention_justification) == (None, None)
    assert row.retention_review_comment == "已有3A以上社会组织可承接，应予转移"
    assert row.opinion_recommendation == "保留"


@pytest.mark.parametrize(("nature", "listed"), [("行政许可", True), ("公共服务", False)])
def test_get_item_after_retaining_statutory_or_unlisted_item_is_retained_at_once(
    store: Store, catalogue: Any, agency: Actor, nature: str, listed: bool
) -> None:
    item_id = opinion_given(store, agency, "保留", nature=nature, provincial_listed=listed)
    store.decide(item_id, "保留")

    row = row_of(store, catalogue, item_id)

    assert (row.status, row.decision_mode) == ("retained", "保留")


def test_get_item_after_new_version_shows_its_fields_publicity_and_year_budget(
    store: Store, catalogue: Any
) -> None:
    item_id = store.published_item()
    store.allocate_budget(item_id, fiscal_year=2027, amount_fen=100_000)
    store.allocate_budget(item_id, fiscal_year=2028, amount_fen=280_000)
    before = row_of(store, catalogue, item_id)
    version = store.publish_new_version(item_id, name="居家养老上门服务", catalogue_year=2028)

    row = row_of(store, catalogue, item_id)

    assert (before.budget_fen, before.catalogue_version) == (100_000, 1)
    assert (row.name, row.catalogue_year, row.catalogue_version) == ("居家养老上门服务", 2028, 2)
    assert row.budget_fen == 280_000
    assert (row.status, row.publicity_starts_on) == ("publicity", date(2027, 3, 9))
    assert row.version == version.version


def test_get_item_after_reallocated_budget_shows_the_latest_amount(
    store: Store, catalogue: Any
) -> None:
    item_id = store.published_item()
    store.allocate_budget(item_id, amount_fen=100_000)
    store.allocate_budget(item_id, amount_fen=150_000)

    assert row_of(store, catalogue, item_id).budget_fen == 150_000


def test_get_item_on_negative_list_shows_category_until_revised_off(
    store: Store, catalogue: Any
) -> None:
    item_id = store.draft(negative_list="融资行为").aggregate_id
    listed = row_of(store, catalogue, item_id)
    store.revise(item_id, negative_list="")

    assert listed.negative_list == "融资行为"
    assert row_of(store, catalogue, item_id).negative_list is None


# --- department names ------------------------------------------------------------------


def test_list_items_shows_name_registered_by_committee_over_built_in_name_or_code(
    store: Store, catalogue: Any
) -> None:
    # Items drafted before the registry knew their departments (an older log).
    unregistered = GovflowApplication(env=store.env, departments=BuiltinDepartments({
        code: Department(code, "（草拟时的名称）", "440703", pilot=True)
        for code in ("440703-MZJ", "440703-XYZ")
    }))
    before_registry = Store(env=store.env, uses_postgres=store.uses_postgres, app=unregistered)
    built_in = before_registry.draft("440703-MZJ", name="区级事项").aggregate_id
    unknown = before_registry.draft("440703-XYZ", name="未知部门事项").aggregate_id
    unregistered.close()
    before = {row_of(store, catalogue, item).department_name for item in (built_in, unknown)}
    for code, name in (("440703-MZJ", "蓬江区民政局（社会工作部）"),
                       ("440703-XYZ", "蓬江区社会组织服务中心")):
        store.app.register_department(RegisterDepartment(
            command_id=f"register-{code}", actor=COMMITTEE, code=code, name=name))

    store.apply_all(CatalogueProjection(view=catalogue))

    listed = catalogue.list_items(CatalogueFilter(drafts_visible_to=ALL_DRAFTS), cursor=None,
                                  limit=10).data
    # The built-in Jiangmen name, else the code; then the registered name.
    assert before == {"蓬江区民政局", "440703-XYZ"}
    assert {r.department: r.department_name for r in listed} == {
        "440703-MZJ": "蓬江区民政局（社会工作部）", "440703-XYZ": "蓬江区社会组织服务中心"}
    assert catalogue.get_item(unknown).department_name == "蓬江区社会组织服务中心"


def test_list_items_filtered_by_department_still_joins_registered_names(
    store: Store, catalogue: Any
) -> None:
    store.draft(CZJ, name="财政事项")
    store.draft(MZJ, name="民政事项")
    store.apply_all(CatalogueProjection(view=catalogue))

    rows = catalogue.list_items(CatalogueFilter(department=CZJ, drafts_visible_to=ALL_DRAFTS),
                                cursor=None, limit=10).data

    assert [(r.name, r.department_name) for r in rows] == [("财政事项", "江门市财政局")]
