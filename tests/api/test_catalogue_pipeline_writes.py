"""The catalogue pipeline over HTTP: budget, referral, opinion, extension, decision, retention.

The fake gateway drives the real domain, so its rules and Chinese messages come through
as problem details: 422 with the request's field named, 409 for the wrong stage.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.api.fakes import FakeCatalogueCommands
from tests.api.helpers import (
    PROBLEM_JSON,
    RETAIN_DECISION,
    Pipeline,
    field_errors,
    item_body,
    opinion_body,
)

UNKNOWN_ID = "5b0c1a58-8f0e-4a43-9d0b-0d6f2c5a9e11"
MODES = "'转移'、'授权'、'委托'、'购买服务'、'保留'"


def _problem(response: httpx.Response, status: int, type_: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    problem: dict[str, Any] = response.json()
    assert problem["type"] == type_
    return problem


# --- budget (安排预算) ------------------------------------------------------------


async def test_budget_in_fen_shows_on_item_in_fen_and_in_yuan(pipeline: Pipeline) -> None:
    item_id = await pipeline.published()

    await pipeline.budgeted(item_id, amount_fen=123_456)

    item = await pipeline.item(item_id)
    assert (item["budget_fen"], item["budget_yuan"]) == (123_456, "1,234.56")


async def test_item_without_budget_shows_no_amount(pipeline: Pipeline) -> None:
    item = await pipeline.item(await pipeline.published())

    assert (item["budget_fen"], item["budget_yuan"]) == (None, None)


@pytest.mark.parametrize("amount", [12.5, 1250.0, "1250", True, None])
async def test_budget_amount_not_an_integer_returns_422_saying_fen(
    pipeline: Pipeline, gateway: FakeCatalogueCommands, amount: Any
) -> None:
    item_id = await pipeline.published()
    calls_before = len(gateway.command_ids)

    response = await pipeline.step(item_id, "budget", {"fiscal_year": 2027, "amount_fen": amount},
                                   pipeline.finance)

    assert field_errors(response) == {"amount_fen": "金额以分为单位，须为整数"}
    assert len(gateway.command_ids) == calls_before


async def test_budget_without_fields_returns_422_listing_each(pipeline: Pipeline) -> None:
    item_id = await pipeline.published()

    response = await pipeline.step(item_id, "budget", {}, pipeline.finance)

    assert field_errors(response) == {"fiscal_year": "必填", "amount_fen": "必填"}


async def test_budget_of_zero_returns_422_from_the_domain(pipeline: Pipeline) -> None:
    item_id = await pipeline.published()

    response = await pipeline.step(item_id, "budget", {"fiscal_year": 2027, "amount_fen": 0},
                                   pipeline.finance)

    _problem(response, 422, "BudgetAmountError")
    assert "预算金额须为正数（以分计）" in field_errors(response)["amount_fen"]


async def test_budget_for_draft_returns_409(
    pipeline: Pipeline, client: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    drafted = await client.post("/catalogue-items", json=item_body(), headers=officer)

    response = await pipeline.step(drafted.json()["id"], "budget",
                                   {"fiscal_year": 2027, "amount_fen": 100}, pipeline.finance)

    problem = _problem(response, 409, "ItemStatusConflictError")
    assert problem["detail"].endswith("只能为已发布的目录事项安排预算")


# --- referral (提交咨询) -----------------------------------------------------------


async def test_refer_shows_agency_and_deadlines_on_item(pipeline: Pipeline) -> None:
    item_id = await pipeline.referred()

    item = await pipeline.item(item_id)

    assert (item["status"], item["status_label"]) == ("referred", "咨询中")
    assert (item["agency_id"], item["agency_name"]) == (
        pipeline.agency.scope, "江门市政府职能转移咨询委员会")
    assert (item["referral_due_on"], item["referral_remind_on"]) == ("2027-03-26", "2027-03-23")


async def test_refer_during_publicity_returns_409(pipeline: Pipeline) -> None:
    item_id = await pipeline.published()

    response = await pipeline.step(item_id, "referral", {"agency_id": pipeline.agency.scope},
                                   pipeline.officer)

    problem = _problem(response, 409, "ItemStatusConflictError")
    assert "仍在公示期内" in problem["detail"]


async def test_refer_to_unknown_agency_returns_404_naming_it(pipeline: Pipeline) -> None:
    item_id = await pipeline.publicity_closed()

    response = await pipeline.step(item_id, "referral", {"agency_id": UNKNOWN_ID},
                                   pipeline.officer)

    problem = _problem(response, 404, "AgencyNotFoundError")
    assert problem["detail"] == f"咨询服务机构 {UNKNOWN_ID} 不存在"


async def test_refer_malformed_agency_id_returns_422(pipeline: Pipeline) -> None:
    item_id = await pipeline.publicity_closed()

    response = await pipeline.step(item_id, "referral", {"agency_id": "咨询委员会"},
                                   pipeline.officer)

    assert field_errors(response) == {"agency_id": "必须是有效的 UUID"}


async def test_revise_referred_item_returns_409(
    pipeline: Pipeline, client: httpx.AsyncClient
) -> None:
    item_id = await pipeline.referred()

    response = await client.put(f"/catalogue-items/{item_id}", json=item_body(),
                                headers=pipeline.officer)

    problem = _problem(response, 409, "ItemNotRevisableError")
    assert "已进入咨询或决定阶段" in problem["detail"]


# --- advisory opinion (咨询意见) ----------------------------------------------------


async def test_opinion_shows_recommendation_and_signing_experts(pipeline: Pipeline) -> None:
    item_id = await pipeline.with_opinion("购买服务")

    item = await pipeline.item(item_id)

    assert (item["status"], item["status_label"]) == ("opinion_given", "待决定")
    assert item["opinion_recommendation"] == "购买服务"
    assert item["opinion_reasons"] == "辖区内已有多家社会组织具备承接能力"
    assert item["opinion_experts"] == ["林芳"]


async def test_opinion_signed_by_affiliated_expert_returns_422_naming_the_expert(
    pipeline: Pipeline,
) -> None:
    item_id = await pipeline.referred()

    response = await pipeline.step(
        item_id, "opinion", opinion_body(expert_ids=["expert-2", "expert-1"]),
        pipeline.agency_staff,
    )

    problem = _problem(response, 422, "ExpertAffiliatedError")
    assert problem["detail"] == (
        "专家陈明（expert-1）与意见所涉社会组织江门市养老服务协会存在关联关系，应当回避，不能签署本意见"
    )
    assert field_errors(response) == {"expert_ids": problem["detail"]}


async def test_opinion_without_experts_returns_422_naming_expert_ids(pipeline: Pipeline) -> None:
    item_id = await pipeline.referred()

    response = await pipeline.step(item_id, "opinion", opinion_body(expert_ids=[]),
                                   pipeline.agency_staff)

    assert field_errors(response) == {"expert_ids": "咨询意见须至少有一名专家签署"}


async def test_opinion_with_unknown_recommendation_returns_422_listing_the_modes(
    pipeline: Pipeline,
) -> None:
    item_id = await pipeline.referred()

    response = await pipeline.step(item_id, "opinion", opinion_body(recommendation="外包"),
                                   pipeline.agency_staff)

    assert field_errors(response) == {"recommendation": f"必须是以下之一：{MODES}"}


# --- extension (延长咨询期限) --------------------------------------------------------


async def test_extend_referral_moves_the_due_date(
    pipeline: Pipeline, committee: dict[str, str]
) -> None:
    item_id = await pipeline.referred()

    await pipeline.done(item_id, "referral/extension",
                        {"due_on": "2027-04-20", "reason": "专家需补充实地调研"}, committee)

    assert (await pipeline.item(item_id))["referral_due_on"] == "2027-04-20"


@pytest.mark.parametrize(("due_on", "refusal", "message"), [
    ("2027-03-20", "DeadlineNotLaterError", "新的期限 2027-03-20 须晚于原期限 2027-03-26"),
    ("4月20日", "RequestValidationError", "必须是日期（YYYY-MM-DD）"),
])
async def test_extend_referral_to_invalid_date_returns_422_naming_due_on(
    pipeline: Pipeline, committee: dict[str, str], due_on: str, refusal: str, message: str
) -> None:
    item_id = await pipeline.referred()

    response = await pipeline.step(item_id, "referral/extension",
                                   {"due_on": due_on, "reason": "调研"}, committee)

    _problem(response, 422, refusal)
    assert field_errors(response) == {"due_on": message}


# --- decision (决定) ----------------------------------------------------------------


async def test_decide_to_entrust_statutory_function_returns_422_statutory(
    pipeline: Pipeline,
) -> None:
    item_id = await pipeline.with_opinion(nature="行政许可")

    response = await pipeline.step(item_id, "decision", {"mode": "委托"}, pipeline.officer)

    problem = _problem(response, 422, "StatutoryFunctionError")
    assert "属于法定职能，必须由政府保留，不能委托" in problem["detail"]
    assert list(field_errors(response)) == ["mode"]


async def test_decide_purchase_without_budget_returns_409_no_budget(pipeline: Pipeline) -> None:
    item_id = await pipeline.with_opinion("购买服务")

    response = await pipeline.step(item_id, "decision", {"mode": "购买服务"}, pipeline.officer)

    problem = _problem(response, 409, "NoBudgetError")
    assert "2027 年度尚未安排预算，不能决定购买服务" in problem["detail"]


async def test_decide_purchase_with_budget_records_the_decision(pipeline: Pipeline) -> None:
    item_id = await pipeline.with_opinion("购买服务")
    await pipeline.budgeted(item_id)

    await pipeline.done(item_id, "decision", {"mode": "购买服务"}, pipeline.officer)

    item = await pipeline.item(item_id)
    assert (item["status"], item["decision_mode"]) == ("decided", "购买服务")
    assert item["decision_departs_from_opinion"] is False


async def test_decide_purchase_of_negative_list_item_returns_422(pipeline: Pipeline) -> None:
    item_id = await pipeline.with_opinion("购买服务", negative_list="融资行为")
    await pipeline.budgeted(item_id)

    response = await pipeline.step(item_id, "decision", {"mode": "购买服务"}, pipeline.officer)

    problem = _problem(response, 422, "NegativeListPurchaseError")
    assert "负面清单（融资行为）" in problem["detail"]


async def test_decide_against_the_opinion_without_reason_returns_422_naming_reason(
    pipeline: Pipeline,
) -> None:
    item_id = await pipeline.with_opinion("委托")

    response = await pipeline.step(item_id, "decision", {"mode": "授权"}, pipeline.officer)

    assert field_errors(response) == {"reason": "决定（授权）与咨询意见（委托）不一致，须说明理由"}


async def test_decide_against_the_opinion_with_reason_is_marked_as_departing(
    pipeline: Pipeline,
) -> None:
    item_id = await pipeline.with_opinion("委托")

    await pipeline.done(item_id, "decision", {"mode": "授权", "reason": "法规要求授权"},
                        pipeline.officer)

    item = await pipeline.item(item_id)
    assert (item["decision_mode"], item["decision_reason"]) == ("授权", "法规要求授权")
    assert item["decision_departs_from_opinion"] is True


async def test_decide_unknown_mode_returns_422_listing_the_modes(pipeline: Pipeline) -> None:
    item_id = await pipeline.with_opinion()

    response = await pipeline.step(item_id, "decision", {"mode": "transfer"}, pipeline.officer)

    assert field_errors(response) == {"mode": f"必须是以下之一：{MODES}"}


async def test_decide_with_unknown_field_returns_422_naming_it(pipeline: Pipeline) -> None:
    item_id = await pipeline.with_opinion()

    response = await pipeline.step(item_id, "decision", {"mode": "委托", "amount": 1},
                                   pipeline.officer)

    assert field_errors(response) == {"amount": "不允许此字段"}


async def test_decide_to_retain_listed_item_waits_for_the_committee(pipeline: Pipeline) -> None:
    item_id = await pipeline.retention_pending()

    item = await pipeline.item(item_id, pipeline.officer)

    assert (item["status"], item["status_label"]) == ("retention_pending", "保留待审批")
    assert item["retention_justification"] == RETAIN_DECISION["justification"]


async def test_decide_same_idempotency_key_twice_returns_first_answer(
    pipeline: Pipeline, gateway: FakeCatalogueCommands
) -> None:
    item_id = await pipeline.with_opinion()
    headers = {**pipeline.officer, "Idempotency-Key": "decide-once"}

    first = await pipeline.step(item_id, "decision", {"mode": "委托"}, headers)
    second = await pipeline.step(item_id, "decision", {"mode": "委托"}, headers)

    assert first.status_code == second.status_code == 200
    assert second.json()["version"] == first.json()["version"]
    assert gateway.command_ids[-1] == gateway.command_ids[-2]


# --- retention review (保留审批) -------------------------------------------------------


async def test_review_retention_approved_retains_the_item(
    pipeline: Pipeline, committee: dict[str, str]
) -> None:
    item_id = await pipeline.retention_pending()

    await pipeline.done(item_id, "retention-review", {"approved": True, "comment": "同意"},
                        committee)

    item = await pipeline.item(item_id, committee)
    assert (item["status"], item["retention_review_comment"]) == ("retained", "同意")


async def test_review_retention_rejected_sends_the_item_back_to_decision(
    pipeline: Pipeline, committee: dict[str, str]
) -> None:
    item_id = await pipeline.retention_pending()

    await pipeline.done(item_id, "retention-review",
                        {"approved": False, "comment": "已有社会组织具备承接能力，应当转移"},
                        committee)

    assert (await pipeline.item(item_id))["status"] == "opinion_given"


async def test_review_retention_rejected_without_comment_returns_422_naming_comment(
    pipeline: Pipeline, committee: dict[str, str]
) -> None:
    item_id = await pipeline.retention_pending()

    response = await pipeline.step(item_id, "retention-review", {"approved": False}, committee)

    assert field_errors(response) == {"comment": "不同意保留须说明理由"}


async def test_review_retention_approved_as_text_returns_422(
    pipeline: Pipeline, committee: dict[str, str]
) -> None:
    item_id = await pipeline.retention_pending()

    response = await pipeline.step(item_id, "retention-review", {"approved": "同意"}, committee)

    assert field_errors(response) == {"approved": "必须是 true 或 false"}


# --- OpenAPI ------------------------------------------------------------------------


async def test_openapi_documents_the_modes_as_a_chinese_enum(app: FastAPI) -> None:
    spec = app.openapi()

    schemas = spec["components"]["schemas"]
    assert schemas["DecisionMode"]["enum"] == ["转移", "授权", "委托", "购买服务", "保留"]
    for request in ("DecisionRequest", "OpinionRequest"):
        field = "mode" if request == "DecisionRequest" else "recommendation"
        assert schemas[request]["properties"][field]["$ref"] == "#/components/schemas/DecisionMode"


async def test_openapi_documents_each_step_with_its_body_and_problems(app: FastAPI) -> None:
    spec = app.openapi()

    decision = spec["paths"]["/catalogue-items/{item_id}/decision"]["post"]
    assert decision["summary"] == "作出决定"
    assert decision["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/DecisionRequest"
    }
    assert {"401", "403", "404", "409", "422"} <= set(decision["responses"])
    assert decision["security"] == [{"HTTPBearer": []}]
