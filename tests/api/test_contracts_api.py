"""/purchase-contracts, /performance-reviews and an organization's performance: a contract
from award through delivery, acceptance, payments, amendment and review; what is refused
(with how much over); what the public reads; and eligibility reporting a bar."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from fastapi import FastAPI

from domain.actors import Role
from domain.aggregate import aggregate_id_for
from domain.organizations.bars import PerformanceBar
from domain.purchase.commands import (
    AmendContract,
    ApprovePayment,
    AwardContract,
    ConfirmProvider,
    RecordReview,
    ReportDelivery,
    ReviewDelivery,
    TerminateContract,
)
from domain.purchase.contract import MilestonePlan
from tests.api.case_fakes import FakeContractViews, FakePurchaseCommands
from tests.api.case_helpers import (
    CONTRACT_FEN,
    FIRST_FEN,
    GOOD_SCORES,
    POOR_SCORES,
    SECOND_FEN,
    CaseWorld,
    barred,
    contract_body,
    contract_row,
    review_row,
)
from tests.api.helpers import MZJ, PROBLEM_JSON, Tokens, field_errors
from tests.api.organization_fakes import FakeOrganizationViews
from tests.api.organization_helpers import TODAY, grade_row, organization_row


@pytest.fixture
def app(case_app: FastAPI) -> FastAPI:
    return case_app


def problem(response: httpx.Response, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    found: dict[str, Any] = response.json()
    assert found["type"] == error
    return found


async def award(client: httpx.AsyncClient, world: CaseWorld, officer: dict[str, str],
                **overrides: Any) -> UUID:
    response = await client.post("/purchase-contracts", json=contract_body(world, **overrides),
                                 headers=officer)
    assert response.status_code == 201, response.text
    return UUID(response.json()["id"])


async def accepted(client: httpx.AsyncClient, contract_id: UUID, milestone_id: str, *,
                   provider: dict[str, str], officer: dict[str, str]) -> None:
    """The provider delivers the milestone and the department accepts it."""
    base = f"/purchase-contracts/{contract_id}/milestones/{milestone_id}"
    delivered = await client.post(f"{base}/delivery", json={"report": "已完成"},
                                  headers=provider)
    assert delivered.status_code == 200, delivered.text
    passed = await client.post(f"{base}/acceptance", json={"accepted": True,
                                                           "findings": "合格"}, headers=officer)
    assert passed.status_code == 200, passed.text


# --- award ------------------------------------------------------------------------------------


async def test_award_returns_201_with_location_and_sends_the_command(
    client: httpx.AsyncClient, officer: dict[str, str], world: CaseWorld,
    purchase_commands: FakePurchaseCommands,
) -> None:
    response = await client.post("/purchase-contracts", json=contract_body(world),
                                 headers=officer)

    assert response.status_code == 201, response.text
    answer = response.json()
    assert set(answer) == {"id", "code", "version", "notification_id"}
    assert response.headers["location"].endswith(f"/purchase-contracts/{answer['id']}")
    (command,) = purchase_commands.commands
    assert isinstance(command, AwardContract)
    assert (command.actor.scope, command.item_id, command.organization_id, command.method,
            command.fiscal_year, command.amount_fen, command.awarded_on) == (
        MZJ, world.purchase_item, world.centre, "公开招标", 2027, CONTRACT_FEN, TODAY)
    assert command.milestones == (
        MilestonePlan("第一阶段服务", date(2027, 9, 30), FIRST_FEN),
        MilestonePlan("全年服务", date(2028, 3, 31), SECOND_FEN))
    assert (command.term_start, command.term_end, command.secured_and_stable) == (
        date(2027, 4, 1), date(2028, 3, 31), False)
    assert answer["id"] == str(aggregate_id_for(command.command_id))
    contract = purchase_commands.application.get_contract(UUID(answer["id"]))
    assert contract.status.value == "履行中"  # announced right after the award
    assert answer["code"] == contract.item_code


async def test_award_over_the_budget_returns_409_saying_by_how_much(
    client: httpx.AsyncClient, officer: dict[str, str], world: CaseWorld,
) -> None:
    body = contract_body(world, amount_fen=60_000_000, milestones=[
        {"name": "全年服务", "due_on": "2028-03-31", "amount_fen": 60_000_000}])

    response = await client.post("/purchase-contracts", json=body, headers=officer)

    found = problem(response, 409, "BudgetExceededError")
    assert "超出 100,000.00 元" in found["detail"]


async def test_award_longer_than_a_year_returns_422(
    client: httpx.AsyncClient, officer: dict[str, str], world: CaseWorld,
) -> None:
    response = await client.post("/purchase-contracts", json=contract_body(
        world, term_end="2028-06-30"), headers=officer)

    found = problem(response, 422, "ContractTermError")
    assert found["errors"] == [{"field": "term_end", "message": found["detail"]}]
    assert "2028-03-31" in found["detail"]


async def test_award_whose_milestones_do_not_add_up_returns_422(
    client: httpx.AsyncClient, officer: dict[str, str], world: CaseWorld,
) -> None:
    response = await client.post("/purchase-contracts", json=contract_body(
        world, milestones=[{"name": "全年服务", "due_on": "2028-03-31",
                            "amount_fen": SECOND_FEN}]), headers=officer)

    found = problem(response, 422, "MilestonePlanError")
    assert "相差 100,000.00 元" in found["detail"]


@pytest.mark.parametrize("amount", [300000.5, 300000.0, "30000000", True])
async def test_award_amount_not_a_whole_number_of_fen_returns_422(
    client: httpx.AsyncClient, officer: dict[str, str], world: CaseWorld, amount: Any,
    purchase_commands: FakePurchaseCommands,
) -> None:
    response = await client.post("/purchase-contracts", json=contract_body(
        world, amount_fen=amount), headers=officer)

    assert field_errors(response) == {"amount_fen": "金额以分为单位，须为整数"}
    assert purchase_commands.commands == []


async def test_award_with_malformed_milestones_returns_422_per_field(
    client: httpx.AsyncClient, officer: dict[str, str], world: CaseWorld,
) -> None:
    body = contract_body(world, milestones=[
        {"name": "第一阶段服务", "due_on": "九月底", "amount_fen": 100.5}])
    missing = contract_body(world)
    del missing["milestones"]

    response = await client.post("/purchase-contracts", json=body, headers=officer)
    without = await client.post("/purchase-contracts", json=missing, headers=officer)

    assert field_errors(response) == {
        "milestones.0.due_on": "必须是日期（YYYY-MM-DD）",
        "milestones.0.amount_fen": "金额以分为单位，须为整数"}
    assert field_errors(without) == {"milestones": "必填"}


async def test_award_without_milestones_is_refused_by_the_domain(
    client: httpx.AsyncClient, officer: dict[str, str], world: CaseWorld,
) -> None:
    response = await client.post("/purchase-contracts", json=contract_body(
        world, milestones=[]), headers=officer)

    assert field_errors(response) == {"milestones": "至少须约定一个履约节点"}


async def test_award_for_another_departments_item_returns_403(
    client: httpx.AsyncClient, other_officer: dict[str, str], world: CaseWorld,
) -> None:
    problem(await client.post("/purchase-contracts", json=contract_body(world),
                              headers=other_officer), 403, "OtherDepartmentError")


@pytest.mark.parametrize("who", ["finance", "committee", "provider_staff"])
async def test_award_by_other_roles_returns_403(
    client: httpx.AsyncClient, world: CaseWorld, request: pytest.FixtureRequest, who: str,
) -> None:
    found = problem(await client.post("/purchase-contracts", json=contract_body(world),
                                      headers=request.getfixturevalue(who)),
                    403, "RoleNotAllowedError")
    assert "签订购买服务合同" in found["detail"]


async def test_award_to_an_ineligible_provider_returns_409(
    client: httpx.AsyncClient, officer: dict[str, str], world: CaseWorld,
) -> None:
    two_a = world.cases.organization("52440781MJL000027M", name="台山市助老服务中心", level=2)

    found = problem(await client.post("/purchase-contracts", json=contract_body(
        world, organization_id=str(two_a)), headers=officer), 409, "NotEligibleError")
    assert "低于 3A" in found["detail"]


async def test_award_repeated_with_idempotency_key_answers_the_first(
    client: httpx.AsyncClient, officer: dict[str, str], world: CaseWorld,
    purchase_commands: FakePurchaseCommands,
) -> None:
    headers = {**officer, "Idempotency-Key": "award-2027-01"}
    first = await client.post("/purchase-contracts", json=contract_body(world), headers=headers)
    again = await client.post("/purchase-contracts", json=contract_body(world), headers=headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert len(set(purchase_commands.command_ids)) == 1
    item = purchase_commands.application.get_catalogue_item(world.purchase_item)
    assert item.committed_for(2027) == CONTRACT_FEN


# --- milestones -------------------------------------------------------------------------------


async def test_provider_delivers_and_department_accepts_dated_today(
    client: httpx.AsyncClient, officer: dict[str, str], provider_staff: dict[str, str],
    world: CaseWorld, purchase_commands: FakePurchaseCommands,
) -> None:
    contract_id = await award(client, world, officer)

    await accepted(client, contract_id, "M1", provider=provider_staff, officer=officer)

    _, delivery, review = purchase_commands.commands
    assert isinstance(delivery, ReportDelivery)
    assert (delivery.milestone_id, delivery.report, delivery.delivered_on,
            delivery.actor.scope) == ("M1", "已完成", TODAY, str(world.centre))
    assert isinstance(review, ReviewDelivery)
    assert (review.accepted, review.findings, review.reviewed_on) == (True, "合格", TODAY)


async def test_department_rejects_a_delivery_with_findings(
    client: httpx.AsyncClient, officer: dict[str, str], provider_staff: dict[str, str],
    world: CaseWorld, purchase_commands: FakePurchaseCommands,
) -> None:
    contract_id = await award(client, world, officer)
    base = f"/purchase-contracts/{contract_id}/milestones/M1"
    await client.post(f"{base}/delivery", json={"report": "已完成"}, headers=provider_staff)

    response = await client.post(f"{base}/acceptance", json={
        "accepted": False, "findings": "服务记录不全"}, headers=officer)

    assert response.status_code == 200, response.text
    contract = purchase_commands.application.get_contract(contract_id)
    assert contract.milestones["M1"].findings == "服务记录不全"


async def test_another_organization_may_not_report_delivery(
    client: httpx.AsyncClient, officer: dict[str, str], world: CaseWorld, tokens: Tokens,
) -> None:
    contract_id = await award(client, world, officer)
    stranger = tokens.headers(Role.ORGANIZATION, str(uuid4()), user="x.other")

    found = problem(await client.post(
        f"/purchase-contracts/{contract_id}/milestones/M1/delivery",
        json={"report": "已完成"}, headers=stranger), 403, "NotTheProviderError")
    assert "蓬江区长者服务中心" in found["detail"]


async def test_department_may_not_report_delivery_and_provider_may_not_accept(
    client: httpx.AsyncClient, officer: dict[str, str], provider_staff: dict[str, str],
    world: CaseWorld,
) -> None:
    contract_id = await award(client, world, officer)
    base = f"/purchase-contracts/{contract_id}/milestones/M1"

    by_officer = await client.post(f"{base}/delivery", json={"report": "已完成"},
                                   headers=officer)
    by_provider = await client.post(f"{base}/acceptance", json={
        "accepted": True, "findings": "合格"}, headers=provider_staff)

    problem(by_officer, 403, "RoleNotAllowedError")
    problem(by_provider, 403, "RoleNotAllowedError")


async def test_acceptance_by_another_department_returns_403(
    client: httpx.AsyncClient, officer: dict[str, str], other_officer: dict[str, str],
    provider_staff: dict[str, str], world: CaseWorld,
) -> None:
    contract_id = await award(client, world, officer)
    base = f"/purchase-contracts/{contract_id}/milestones/M1"
    await client.post(f"{base}/delivery", json={"report": "已完成"}, headers=provider_staff)

    problem(await client.post(f"{base}/acceptance", json={"accepted": True, "findings": "合格"},
                              headers=other_officer), 403, "OtherDepartmentError")


async def test_accepting_an_undelivered_or_unknown_milestone_is_refused(
    client: httpx.AsyncClient, officer: dict[str, str], world: CaseWorld,
) -> None:
    contract_id = await award(client, world, officer)
    body = {"accepted": True, "findings": "合格"}

    undelivered = await client.post(
        f"/purchase-contracts/{contract_id}/milestones/M1/acceptance", json=body,
        headers=officer)
    unknown = await client.post(
        f"/purchase-contracts/{contract_id}/milestones/M9/acceptance", json=body,
        headers=officer)

    problem(undelivered, 409, "MilestoneStageError")
    assert "M1、M2" in problem(unknown, 404, "MilestoneNotFoundError")["detail"]


async def test_acceptance_with_accepted_not_a_boolean_returns_422(
    client: httpx.AsyncClient, officer: dict[str, str],
) -> None:
    response = await client.post(f"/purchase-contracts/{uuid4()}/milestones/M1/acceptance",
                                 json={"accepted": "是", "findings": "合格"}, headers=officer)

    assert field_errors(response) == {"accepted": "必须是 true 或 false"}


# --- payments ---------------------------------------------------------------------------------


async def test_finance_pays_an_accepted_milestone(
    client: httpx.AsyncClient, officer: dict[str, str], provider_staff: dict[str, str],
    finance: dict[str, str], world: CaseWorld, purchase_commands: FakePurchaseCommands,
) -> None:
    contract_id = await award(client, world, officer)
    await accepted(client, contract_id, "M1", provider=provider_staff, officer=officer)

    response = await client.post(f"/purchase-contracts/{contract_id}/payments", json={
        "milestone_id": "M1", "amount_fen": FIRST_FEN}, headers=finance)

    assert response.status_code == 201, response.text
    assert response.headers["location"].endswith(f"/purchase-contracts/{contract_id}")
    command = purchase_commands.commands[-1]
    assert isinstance(command, ApprovePayment)
    assert (command.milestone_id, command.amount_fen, command.approved_on,
            command.actor.role) == ("M1", FIRST_FEN, TODAY, Role.FINANCE)
    assert purchase_commands.application.get_contract(contract_id).paid_fen == FIRST_FEN


async def test_payment_refusals_say_why_and_by_how_much(
    client: httpx.AsyncClient, officer: dict[str, str], provider_staff: dict[str, str],
    finance: dict[str, str], world: CaseWorld,
) -> None:
    contract_id = await award(client, world, officer)
    payments = f"/purchase-contracts/{contract_id}/payments"

    before_acceptance = await client.post(payments, json={
        "milestone_id": "M1", "amount_fen": FIRST_FEN}, headers=finance)
    await accepted(client, contract_id, "M1", provider=provider_staff, officer=officer)
    too_much = await client.post(payments, json={
        "milestone_id": "M1", "amount_fen": FIRST_FEN + 1}, headers=finance)
    await client.post(payments, json={"milestone_id": "M1", "amount_fen": FIRST_FEN},
                      headers=finance)
    await accepted(client, contract_id, "M2", provider=provider_staff, officer=officer)
    final = await client.post(payments, json={
        "milestone_id": "M2", "amount_fen": SECOND_FEN}, headers=finance)

    assert "已验收" in problem(before_acceptance, 409, "PaymentLimitError")["detail"]
    assert "超出 0.01 元" in problem(too_much, 409, "PaymentLimitError")["detail"]
    assert "尾款须待绩效评价" in problem(final, 409, "FinalPaymentHeldError")["detail"]


async def test_only_finance_approves_payments(
    client: httpx.AsyncClient, officer: dict[str, str], world: CaseWorld,
) -> None:
    contract_id = await award(client, world, officer)

    found = problem(await client.post(f"/purchase-contracts/{contract_id}/payments", json={
        "milestone_id": "M1", "amount_fen": FIRST_FEN}, headers=officer),
        403, "RoleNotAllowedError")
    assert "审批支付" in found["detail"]


async def test_payment_amount_as_float_returns_422(
    client: httpx.AsyncClient, finance: dict[str, str],
) -> None:
    response = await client.post(f"/purchase-contracts/{uuid4()}/payments", json={
        "milestone_id": "M1", "amount_fen": 100.0}, headers=finance)

    assert field_errors(response) == {"amount_fen": "金额以分为单位，须为整数"}


async def test_payment_on_unknown_contract_returns_404(
    client: httpx.AsyncClient, finance: dict[str, str],
) -> None:
    problem(await client.post(f"/purchase-contracts/{uuid4()}/payments", json={
        "milestone_id": "M1", "amount_fen": 1}, headers=finance), 404, "ContractNotFoundError")


# --- amendment and termination ----------------------------------------------------------------


async def test_amendment_within_ten_percent_adds_its_milestone(
    client: httpx.AsyncClient, officer: dict[str, str], world: CaseWorld,
    purchase_commands: FakePurchaseCommands,
) -> None:
    contract_id = await award(client, world, officer)

    response = await client.post(f"/purchase-contracts/{contract_id}/amendments", json={
        "reason": "服务对象增加", "added_fen": 3_000_000,
        "added_milestone": {"name": "补充服务", "due_on": "2028-03-31",
                            "amount_fen": 3_000_000}}, headers=officer)

    assert response.status_code == 201, response.text
    command = purchase_commands.commands[-1]
    assert isinstance(command, AmendContract)
    assert (command.added_fen, command.added_milestone, command.term_end,
            command.amended_on) == (
        3_000_000, MilestonePlan("补充服务", date(2028, 3, 31), 3_000_000), None, TODAY)
    assert purchase_commands.application.get_contract(contract_id).amount_fen == 33_000_000


async def test_amendment_over_ten_percent_returns_409_saying_by_how_much(
    client: httpx.AsyncClient, officer: dict[str, str], world: CaseWorld,
) -> None:
    contract_id = await award(client, world, officer)

    response = await client.post(f"/purchase-contracts/{contract_id}/amendments", json={
        "reason": "服务对象增加", "added_fen": 4_000_000,
        "added_milestone": {"name": "补充服务", "due_on": "2028-03-31",
                            "amount_fen": 4_000_000}}, headers=officer)

    found = problem(response, 409, "AmendmentLimitError")
    assert "10%" in found["detail"] and "超出 10,000.00 元" in found["detail"]


async def test_amendment_with_added_fen_as_string_returns_422(
    client: httpx.AsyncClient, officer: dict[str, str],
) -> None:
    response = await client.post(f"/purchase-contracts/{uuid4()}/amendments", json={
        "reason": "服务对象增加", "added_fen": "3000000"}, headers=officer)

    assert field_errors(response) == {"added_fen": "金额以分为单位，须为整数"}


async def test_department_terminates_with_reason(
    client: httpx.AsyncClient, officer: dict[str, str], world: CaseWorld,
    purchase_commands: FakePurchaseCommands,
) -> None:
    contract_id = await award(client, world, officer)

    response = await client.post(f"/purchase-contracts/{contract_id}/termination",
                                 json={"reason": "承接方评估等级被撤销"}, headers=officer)
    again = await client.post(f"/purchase-contracts/{contract_id}/termination",
                              json={"reason": "再次终止"}, headers=officer)

    assert response.status_code == 200, response.text
    command = purchase_commands.commands[-2]
    assert isinstance(command, TerminateContract)
    assert (command.reason, command.terminated_on) == ("承接方评估等级被撤销", TODAY)
    problem(again, 409, "ContractStageError")


# --- performance review and the provider review -----------------------------------------------


async def test_poor_review_bars_the_provider(
    client: httpx.AsyncClient, officer: dict[str, str], world: CaseWorld,
    purchase_commands: FakePurchaseCommands,
) -> None:
    contract_id = await award(client, world, officer)
    early = await client.post(f"/purchase-contracts/{contract_id}/review", json={
        "scores": POOR_SCORES, "comment": "服务记录缺失"}, headers=officer)
    purchase_commands.open_review(contract_id)

    response = await client.post(f"/purchase-contracts/{contract_id}/review", json={
        "scores": POOR_SCORES, "comment": "服务记录缺失"}, headers=officer)

    problem(early, 409, "ContractStageError")
    assert response.status_code == 200, response.text
    command = purchase_commands.commands[-1]
    assert isinstance(command, RecordReview)
    assert (dict(command.scores), command.reviewed_on) == (POOR_SCORES, TODAY)
    (bar,) = purchase_commands.application.get_organization(world.centre).bars
    assert bar.until == date(2028, 3, 22)


async def test_review_scores_out_of_range_or_not_integers_are_refused(
    client: httpx.AsyncClient, officer: dict[str, str], world: CaseWorld,
    purchase_commands: FakePurchaseCommands,
) -> None:
    contract_id = await award(client, world, officer)
    purchase_commands.open_review(contract_id)

    out_of_range = await client.post(f"/purchase-contracts/{contract_id}/review", json={
        "scores": {**GOOD_SCORES, "决策": 25}, "comment": "良"}, headers=officer)
    floats = await client.post(f"/purchase-contracts/{contract_id}/review", json={
        "scores": {**GOOD_SCORES, "决策": 18.5}, "comment": "良"}, headers=officer)

    assert "决策的得分应在 0 至 20 分之间" in problem(
        out_of_range, 422, "ReviewScoresError")["detail"]
    assert field_errors(floats) == {"scores.决策": "必须是整数"}


async def test_department_confirms_the_provider_after_a_grade_change(
    client: httpx.AsyncClient, officer: dict[str, str], world: CaseWorld,
    purchase_commands: FakePurchaseCommands,
) -> None:
    contract_id = await award(client, world, officer)
    nothing_pending = await client.post(f"/purchase-contracts/{contract_id}/provider-review",
                                        json={"note": "继续履行"}, headers=officer)
    purchase_commands.note_grade_change(contract_id)

    response = await client.post(f"/purchase-contracts/{contract_id}/provider-review",
                                 json={"note": "仍具备承接能力，继续履行"}, headers=officer)

    problem(nothing_pending, 409, "ContractStageError")
    assert response.status_code == 200, response.text
    command = purchase_commands.commands[-1]
    assert isinstance(command, ConfirmProvider)
    assert (command.note, command.confirmed_on) == ("仍具备承接能力，继续履行", TODAY)


# --- reading contracts ------------------------------------------------------------------------


async def test_contract_is_public_with_payments_and_findings(
    client: httpx.AsyncClient, contract_views: FakeContractViews,
) -> None:
    row = contract_views.add_contract(contract_row())

    response = await client.get(f"/purchase-contracts/{row.id}")

    assert response.status_code == 200, response.text
    shown = response.json()
    assert (shown["amount_fen"], shown["amount_yuan"], shown["paid_yuan"],
            shown["outstanding_fen"], shown["outstanding_yuan"]) == (
        CONTRACT_FEN, "300,000.00", "100,000.00", 20_000_000, "200,000.00")
    assert shown["payments"] == [{"milestone_id": "M1", "amount_fen": FIRST_FEN,
                                  "amount_yuan": "100,000.00", "approved_on": "2027-10-08"}]
    first, second = shown["milestones"]
    assert (first["findings"], first["status"], first["paid_yuan"]) == (
        "服务记录完整，满意度 96%", "已验收", "100,000.00")
    assert second["delivered_on"] is None
    assert shown["updated_at"].endswith("+08:00")


async def test_list_contracts_filters_and_pages(
    client: httpx.AsyncClient, contract_views: FakeContractViews,
) -> None:
    provider_id = uuid4()
    older = contract_views.add_contract(contract_row(provider_id=provider_id))
    newer = contract_views.add_contract(contract_row(provider_id=provider_id,
                                                     status="期满待绩效评价"))
    contract_views.add_contract(contract_row(fiscal_year=2026))

    first = await client.get("/purchase-contracts", params={
        "provider_id": str(provider_id), "fiscal_year": 2027, "limit": 1})
    rest = await client.get("/purchase-contracts", params={
        "provider_id": str(provider_id), "fiscal_year": 2027, "limit": 1,
        "cursor": first.json()["next_cursor"]})
    due = await client.get("/purchase-contracts", params={"status": "期满待绩效评价"})
    bad = await client.get("/purchase-contracts", params={"status": "进行中"})

    assert [c["id"] for c in first.json()["data"]] == [str(newer.id)]
    assert [c["id"] for c in rest.json()["data"]] == [str(older.id)]
    assert rest.json()["next_cursor"] is None
    assert [c["id"] for c in due.json()["data"]] == [str(newer.id)]
    assert contract_views.filters[0].provider_id == provider_id
    assert contract_views.filters[0].fiscal_year == 2027
    assert "status" in field_errors(bad)


async def test_get_unknown_contract_returns_404(client: httpx.AsyncClient) -> None:
    problem(await client.get(f"/purchase-contracts/{uuid4()}"), 404, "ContractNotFoundError")


# --- performance reviews ----------------------------------------------------------------------


async def test_performance_reviews_are_public_and_filtered(
    client: httpx.AsyncClient, contract_views: FakeContractViews,
) -> None:
    provider_id = uuid4()
    contract_views.add_review(review_row(provider_id=provider_id, position=1))
    newest = contract_views.add_review(review_row(provider_id=provider_id, position=2,
                                                  total=88, rating="良",
                                                  scores=dict(GOOD_SCORES)))
    contract_views.add_review(review_row(position=3))

    response = await client.get("/performance-reviews", params={
        "provider_id": str(provider_id), "department": MZJ})

    assert response.status_code == 200, response.text
    reviews = response.json()["data"]
    assert [(r["total"], r["rating"]) for r in reviews] == [(88, "良"), (49, "差")]
    assert reviews[0]["contract_id"] == str(newest.contract_id)
    assert contract_views.reviews_asked == [(provider_id, MZJ, None)]


async def test_organization_performance_shows_reviews_and_bars(
    client: httpx.AsyncClient, organization_views: FakeOrganizationViews,
    contract_views: FakeContractViews,
) -> None:
    row = organization_views.add(barred(
        organization_row(), PerformanceBar(date(2028, 3, 10), "合同 440700-2027-0001 49 分"),
        PerformanceBar(date(2026, 1, 5), "合同 440700-2024-0003 55 分")))
    contract_views.add_review(review_row(provider_id=row.id, position=1))
    contract_views.add_review(review_row(provider_id=row.id, position=2, total=91,
                                         rating="优"))

    response = await client.get(f"/organizations/{row.id}/performance")

    assert response.status_code == 200, response.text
    shown = response.json()
    assert (shown["on"], shown["barred"]) == ("2027-03-23", True)
    assert [(b["until"], b["active"]) for b in shown["bars"]] == [
        ("2026-01-05", False), ("2028-03-10", True)]
    assert [r["rating"] for r in shown["data"]] == ["优", "差"]


async def test_performance_of_unknown_organization_returns_404(
    client: httpx.AsyncClient,
) -> None:
    problem(await client.get(f"/organizations/{uuid4()}/performance"), 404,
            "OrganizationNotFoundError")


async def test_eligibility_reports_a_performance_bar(
    client: httpx.AsyncClient, organization_views: FakeOrganizationViews,
) -> None:
    plain = organization_row()
    row = organization_views.add(
        barred(plain, PerformanceBar(date(2028, 3, 10), "合同 440700-2027-0001 49 分")),
        grade_row(plain))

    answer = (await client.get(f"/organizations/{row.id}/eligibility")).json()

    assert answer["eligible"] is False
    assert answer["reasons"] == [
        "因绩效评价结果较差（合同 440700-2027-0001 49 分），2028-03-10 前（含当日）不得承接"]


async def test_eligibility_ignores_a_bar_that_has_run_out(
    client: httpx.AsyncClient, organization_views: FakeOrganizationViews,
) -> None:
    plain = organization_row()
    row = organization_views.add(
        barred(plain, PerformanceBar(date(2027, 3, 22), "合同 440700-2026-0001 50 分")),
        grade_row(plain))

    answer = (await client.get(f"/organizations/{row.id}/eligibility")).json()

    assert (answer["eligible"], answer["reasons"]) == (True, [])
