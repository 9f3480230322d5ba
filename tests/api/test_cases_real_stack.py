"""Transfer and purchase on the real stack: HTTP → workflows → event store → views → HTTP.

The catalogue stage and the provider's grade are set up in the event store directly
(``tests.cases``); from the award on, everything goes through the API and the workflows,
and the months of a contract's term pass on the time-skipping server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import UTC, timedelta
from typing import Any

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from domain.actors import Role
from tests.api.real_stack import Stack, headers, officer
from tests.cases import Cases
from tests.ocds_schema import ocds_schema

COMMITTEE = headers(Role.COMMITTEE, None, "zhou.committee")
FINANCE = headers(Role.FINANCE, None, "qian.finance")


@pytest.fixture
def http(stack: Stack, env: WorkflowEnvironment) -> Iterator[httpx.AsyncClient]:
    # Days pass only when a test skips them (see test_grading_real_stack).
    with env.auto_time_skipping_disabled():
        yield stack.http


async def test_purchase_through_http_from_award_to_closed_contract(
    http: httpx.AsyncClient, stack: Stack, env: WorkflowEnvironment,
) -> None:
    cases = Cases(stack.application, prefix="purchase")
    item = cases.decided_item("购买服务", budget_fen=50_000_000)
    provider_id = cases.organization()
    provider = headers(Role.ORGANIZATION, str(provider_id), "hu.provider")

    awarded = await _accepted(http, "/purchase-contracts", {
        "item_id": str(item), "organization_id": str(provider_id), "method": "公开招标",
        "fiscal_year": 2027, "amount_fen": 30_000_000, "term_start": "2027-01-01",
        "term_end": "2027-12-31", "secured_and_stable": False,
        "milestones": [
            {"name": "上半年居家养老服务", "due_on": "2027-06-30", "amount_fen": 12_000_000},
            {"name": "下半年居家养老服务", "due_on": "2027-12-31", "amount_fen": 18_000_000}],
    }, officer())
    contract = awarded["id"]
    shown = await _read(http, f"/purchase-contracts/{contract}", awarded)
    assert (shown["status"], shown["amount_fen"], shown["outstanding_fen"]) == (
        "履行中", 30_000_000, 30_000_000)

    for milestone in ("M1", "M2"):
        await _accepted(http, f"/purchase-contracts/{contract}/milestones/{milestone}/delivery",
                        {"report": "已按约定完成服务并提交台账"}, provider)
        accepted = await _accepted(
            http, f"/purchase-contracts/{contract}/milestones/{milestone}/acceptance",
            {"accepted": True, "findings": "服务记录完整，抽查满意"}, officer())
    inbox = await http.get("/inbox", headers=FINANCE, params={"after": accepted["notification_id"]})
    assert sorted(t["kind_label"] for t in inbox.json()["data"]) == ["待审批支付", "待审批支付"]

    paid = await _accepted(http, f"/purchase-contracts/{contract}/payments",
                           {"milestone_id": "M1", "amount_fen": 12_000_000}, FINANCE)
    over = await http.post(f"/purchase-contracts/{contract}/payments",
                           json={"milestone_id": "M1", "amount_fen": 1}, headers=FINANCE)
    assert over.status_code == 409, over.text
    assert "超出 0.01 元" in over.json()["detail"]
    held = await http.post(f"/purchase-contracts/{contract}/payments",
                           json={"milestone_id": "M2", "amount_fen": 18_000_000},
                           headers=FINANCE)
    assert held.status_code == 409, held.text
    assert held.json()["type"] == "FinalPaymentHeldError"
    ledger = await http.get("/ledger", headers=FINANCE,
                            params={"group_by": "department", "after": paid["notification_id"]})
    assert ledger.json()["totals"]["paid_fen"] == 12_000_000
    assert ledger.json()["totals"]["outstanding_fen"] == 18_000_000

    # The term ends: the review falls due the next day, by itself.
    await _skip(stack, env, until_year=2028)
    await _eventually(http, f"/purchase-contracts/{contract}", officer(),
                      lambda c: c["status"] == "期满待绩效评价")
    reviewed = await _accepted(http, f"/purchase-contracts/{contract}/review", {
        "scores": {"决策": 19, "过程": 18, "产出": 27, "效益": 27},
        "comment": "服务覆盖面广，满意度高"}, officer())
    await _read(http, f"/purchase-contracts/{contract}", reviewed)
    await _accepted(http, f"/purchase-contracts/{contract}/payments",
                    {"milestone_id": "M2", "amount_fen": 18_000_000}, FINANCE)
    closed = await _eventually(http, f"/purchase-contracts/{contract}", officer(),
                               lambda c: c["status"] == "已结束")
    assert (closed["paid_fen"], closed["outstanding_fen"], closed["review_rating"]) == (
        30_000_000, 0, "优")

    # Published as OCDS: the closed contract's record validates against the official schema.
    record = await _eventually(
        http, f"/ocds/records/ocds-govflow-{contract}", {},
        lambda r: "records" in r and r["records"][0]["compiledRelease"]["contracts"][0][
            "status"] == "terminated")
    ocds_schema().check_record_package(record)


async def test_transfer_through_http_suspended_by_a_downgrade_then_revoked(
    http: httpx.AsyncClient, stack: Stack, env: WorkflowEnvironment,
) -> None:
    cases = Cases(stack.application, prefix="transfer")
    item = cases.decided_item("委托", name="养老机构服务质量评估辅助")
    organization = cases.association(verified=True)
    today = (stack.clock.now + timedelta(hours=8)).date()

    proposed = await _accepted(http, "/transfers", {
        "item_id": str(item), "organization_id": str(organization),
        "legal_basis": "《广东省养老服务条例》第二十条", "effective_from": today.isoformat(),
        "effective_until": f"{today.year + 1}-12-31", "conditions": "每季度报送服务台账"},
        officer())
    transfer = proposed["id"]
    approved = await _accepted(http, f"/transfers/{transfer}/approval", None, COMMITTEE)
    effective = await _eventually(http, f"/transfers/{transfer}", COMMITTEE,
                                  lambda t: t["status"] == "生效中")
    assert effective["organization_name"] == "江门市养老服务协会"
    assert approved["notification_id"] > proposed["notification_id"]

    await _accepted(http, f"/organizations/{organization}/annual-inspections", {
        "year": today.year - 1, "result": "不合格", "inspected_on": today.isoformat()}, COMMITTEE)
    await _accepted(http, f"/organizations/{organization}/grade-downgrades", {
        "basis": "年检不合格", "reference": str(today.year - 1),
        "reason": f"{today.year - 1} 年度年检不合格"}, COMMITTEE)
    suspended = await _eventually(http, f"/transfers/{transfer}", COMMITTEE,
                                  lambda t: t["status"] == "已暂停")
    assert "待市社工委审查" in suspended["suspension_reason"]
    tasks = await _eventually(http, "/inbox", COMMITTEE, lambda page: any(
        t["entity_id"] == transfer for t in page["data"]))
    assert [t["kind_label"] for t in tasks["data"] if t["entity_id"] == transfer]

    await _accepted(http, f"/transfers/{transfer}/revocation",
                    {"reason": "承接组织年检不合格，收回委托事项"}, COMMITTEE)
    revoked = await _eventually(http, f"/transfers/{transfer}", COMMITTEE,
                                lambda t: t["status"] == "已撤销")
    assert revoked["history"][-1]["event"] == "撤销职能转移"


async def _accepted(http: httpx.AsyncClient, path: str, body: dict[str, Any] | None,
                    caller: dict[str, str]) -> Any:
    response = await http.post(path, json=body, headers=caller)
    assert response.is_success, response.text
    return response.json()


async def _read(http: httpx.AsyncClient, path: str, written: dict[str, Any]) -> Any:
    response = await http.get(path, params={"after": written["notification_id"]})
    assert response.status_code == 200, response.text
    return response.json()


async def _skip(stack: Stack, env: WorkflowEnvironment, *, until_year: int) -> None:
    now = await env.get_current_time()
    await env.sleep(now.replace(year=until_year, month=1, day=1, hour=12) - now)
    stack.clock.now = (await env.get_current_time()).astimezone(UTC)


async def _eventually(http: httpx.AsyncClient, path: str, caller: dict[str, str],
                      done: Callable[[Any], bool]) -> Any:
    body: Any = None
    for _ in range(150):
        body = (await http.get(path, headers=caller)).json()
        if done(body):
            return body
        await asyncio.sleep(0.1)
    raise AssertionError(f"{path} never got there: {body}")
