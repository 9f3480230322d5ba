"""The API on the real stack: HTTP → Temporal workflow → event store → projections → HTTP.

Runs on the time-skipping server, so the 7-day publicity period ends without waiting.  The
API's clock is set to the server's time whenever a test skips days, so that its "today"
(due soon, overdue) is the workflows' today.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, timedelta
from typing import Any

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from domain.actors import Role
from domain.calendar import china_date
from tests.api.real_stack import Stack, officer
from tests.api.real_stack import headers as _headers

NEW_ITEM = {
    "name": "居家养老服务",
    "description": "为辖区老年人提供上门照料服务",
    "catalogue_year": 2027,
    "classification": {"level1": "公共服务", "level2": "养老服务", "level3": "居家养老"},
    "nature": "公共服务",
    "provincial_listed": True,
}


@pytest.fixture
def http(stack: Stack) -> httpx.AsyncClient:
    return stack.http


async def test_publish_through_http_item_closes_publicity_by_itself_after_seven_days(
    http: httpx.AsyncClient, env: WorkflowEnvironment
) -> None:
    created = await http.post("/catalogue-items", json=NEW_ITEM, headers=officer())
    assert created.status_code == 201, created.text
    item_id = created.json()["id"]
    published = await http.post(f"/catalogue-items/{item_id}/publish", headers=officer())
    assert published.status_code == 200, published.text
    after = published.json()["notification_id"]

    during = await http.get(f"/catalogue-items/{item_id}", params={"after": after})
    assert during.json()["status_label"] == "公示中"

    await env.sleep(timedelta(days=8))
    closed = await _eventually_status(http, item_id, "publicity_closed")

    assert closed["status_label"] == "公示结束"
    history = await _eventually(http, f"/catalogue-items/{item_id}/history",
                                lambda entries: len(entries) == 3)
    events = [(e["event"], e["actor"]["role"]) for e in history]
    assert events == [("Drafted", "department"), ("Published", "department"),
                      ("PublicityClosed", "system")]


async def test_draft_with_same_idempotency_key_twice_creates_one_item(
    http: httpx.AsyncClient,
) -> None:
    headers = {**officer(), "Idempotency-Key": "import-row-1"}
    first = await http.post("/catalogue-items", json=NEW_ITEM, headers=headers)
    again = await http.post("/catalogue-items", json=NEW_ITEM, headers=headers)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    listed = await http.get("/catalogue-items", headers=officer(),
                            params={"after": first.json()["notification_id"]})
    assert [i["id"] for i in listed.json()["data"]] == [first.json()["id"]]


async def test_publish_by_other_department_is_refused_through_the_workflow(
    http: httpx.AsyncClient,
) -> None:
    created = await http.post("/catalogue-items", json=NEW_ITEM, headers=officer())
    item_id = created.json()["id"]

    refused = await http.post(f"/catalogue-items/{item_id}/publish",
                              headers=officer("440700-CZJ"))

    assert refused.status_code == 403
    assert refused.json()["type"] == "OtherDepartmentError"
    assert "440700-CZJ" in refused.json()["detail"]


async def test_catalogue_pipeline_through_http_from_draft_to_purchase_decision(
    stack: Stack, env: WorkflowEnvironment
) -> None:
    http, agency = stack.http, stack.agency
    agency_staff = _headers(Role.AGENCY, agency.scope, "he.agency")
    created = await http.post("/catalogue-items", json=NEW_ITEM, headers=officer())
    assert created.status_code == 201, created.text
    item_id = created.json()["id"]
    await _done(http, f"/catalogue-items/{item_id}/publish", None, officer())
    await _skip(stack, env, days=8)
    await _eventually_status(http, item_id, "publicity_closed")

    referred_on = china_date(stack.clock.now)
    referred = await _done(http, f"/catalogue-items/{item_id}/referral",
                           {"agency_id": agency.scope}, officer())
    await _skip(stack, env, days=12)

    # 12 of the 15 days have passed by the end of today: due soon from tomorrow, 00:00.
    waiting = await http.get("/inbox", headers=agency_staff,
                             params={"after": referred["notification_id"]})
    [task] = waiting.json()["data"]
    assert (task["kind_label"], task["link"]) == ("待出具咨询意见", f"/catalogue-items/{item_id}")
    assert (task["due_on"], task["due_soon_on"]) == (
        str(referred_on + timedelta(days=15)), str(referred_on + timedelta(days=13)))
    assert (task["due_soon"], task["overdue"], task["reminded"]) == (False, False, False)
    await _skip(stack, env, days=1)
    reminded = await _eventually(
        http, "/inbox", lambda page: page["data"][0]["reminded"], agency_staff)
    assert [(t["due_soon"], t["overdue"]) for t in reminded["data"]] == [(True, False)]

    await _done(http, f"/catalogue-items/{item_id}/opinion", {
        "recommendation": "购买服务", "reasons": "辖区内已有多家社会组织具备承接能力",
        "expert_ids": ["expert-2"], "organizations": ["江门市养老服务协会"],
    }, agency_staff)
    finance = _headers(Role.FINANCE, None, "zhao.finance")
    await _done(http, f"/catalogue-items/{item_id}/budget",
                {"fiscal_year": 2027, "amount_fen": 50_000_000}, finance)
    decided = await _done(http, f"/catalogue-items/{item_id}/decision", {"mode": "购买服务"},
                          officer())

    item = (await http.get(f"/catalogue-items/{item_id}",
                           params={"after": decided["notification_id"]})).json()
    assert (item["status"], item["status_label"]) == ("decided", "已决定")
    assert (item["decision_mode"], item["opinion_experts"]) == ("购买服务", ["林芳"])
    assert (item["agency_name"], item["budget_yuan"]) == (agency.name, "500,000.00")
    after_opinion = await http.get("/inbox", headers=agency_staff,
                                   params={"after": decided["notification_id"]})
    assert after_opinion.json()["data"] == []


async def _done(
    http: httpx.AsyncClient, path: str, body: dict[str, Any] | None, headers: dict[str, str]
) -> Any:
    response = await http.post(path, json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def _skip(stack: Stack, env: WorkflowEnvironment, *, days: int) -> None:
    """Skip days on the server, and move the API's clock along."""
    await env.sleep(timedelta(days=days))
    stack.clock.now = (await env.get_current_time()).astimezone(UTC)


async def _eventually_status(http: httpx.AsyncClient, item_id: str, status: str) -> Any:
    return await _eventually(http, f"/catalogue-items/{item_id}",
                             lambda shown: shown["status"] == status)


async def _eventually(
    http: httpx.AsyncClient, path: str, done: Callable[[Any], bool],
    headers: dict[str, str] | None = None,
) -> Any:
    # The timer fires in the worker with no write of ours to wait for: poll the read.
    for _ in range(100):
        body = (await http.get(path, headers=headers)).json()
        if done(body):
            return body
        await asyncio.sleep(0.1)
    raise AssertionError(f"{path} never got there: {body}")
