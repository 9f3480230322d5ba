"""The registers on the real stack: HTTP → one-shot workflow → event store → views → HTTP."""

from __future__ import annotations

import httpx
import pytest

from domain.actors import Role
from tests.api.helpers import item_body
from tests.api.real_stack import Stack, headers, officer

NEW_ITEM = item_body()
COMMITTEE = headers(Role.COMMITTEE, None, "zhou.committee")


@pytest.fixture
def http(stack: Stack) -> httpx.AsyncClient:
    return stack.http


async def test_register_department_through_http_then_its_officer_drafts(
    http: httpx.AsyncClient,
) -> None:
    registered = await http.post("/departments", json={"code": "440705-RSJ",
                                                       "name": "新会区人力资源和社会保障局"},
                                 headers={**COMMITTEE, "Idempotency-Key": "xh-rsj"})
    assert registered.status_code == 201, registered.text

    drafted = await http.post("/catalogue-items", json=NEW_ITEM, headers=officer("440705-RSJ"))

    assert drafted.status_code == 201, drafted.text
    assert drafted.json()["code"] == "440705-2027-0001"
    after = {"after": drafted.json()["notification_id"]}
    shown = await http.get("/departments/440705-RSJ", params=after)
    assert (shown.json()["region_name"], shown.json()["pilot"]) == ("新会区", False)
    history = await http.get("/departments/440705-RSJ/history", params=after)
    assert [(e["event_label"], e["actor"]["role"]) for e in history.json()] == [
        ("登记部门", "committee")]


async def test_draft_for_unregistered_department_through_http_returns_422_unknown_department(
    http: httpx.AsyncClient, stack: Stack,
) -> None:
    before = stack.application.recorder.max_notification_id()

    refused = await http.post("/catalogue-items", json=NEW_ITEM, headers=officer("440784-RSJ"))

    assert refused.status_code == 422, refused.text
    assert refused.json()["type"] == "UnknownDepartmentError"
    assert refused.json()["errors"] == [{"field": "department",
                                         "message": refused.json()["detail"]}]
    assert "440784-RSJ" in refused.json()["detail"]
    assert stack.application.recorder.max_notification_id() == before


async def test_agency_commands_through_http_record_once_per_idempotency_key(
    http: httpx.AsyncClient, stack: Stack,
) -> None:
    established = await http.post(
        "/agencies", json={"name": "台山市购买服务咨询委员会", "mandate": "提出咨询意见"},
        headers={**COMMITTEE, "Idempotency-Key": "ts-agency"})
    agency_id = established.json()["id"]
    appoint = {"name": "黄伟", "affiliations": ["台山市义工联合会"]}
    appointed = [
        await http.post(f"/agencies/{agency_id}/experts", json=appoint,
                        headers={**COMMITTEE, "Idempotency-Key": "ts-huang"})
        for _ in range(2)
    ]
    expert_id = appointed[0].json()["expert_id"]
    declared = await http.put(
        f"/agencies/{agency_id}/experts/{expert_id}/affiliations",
        json={"affiliations": []}, headers=headers(Role.AGENCY, agency_id, "ts.secretary"))

    assert [r.status_code for r in appointed] == [201, 201]
    assert appointed[1].json() == appointed[0].json()
    assert declared.status_code == 200, declared.text
    after = {"after": declared.json()["notification_id"]}
    shown = (await http.get(f"/agencies/{agency_id}", params=after)).json()
    assert [(e["name"], e["affiliations"]) for e in shown["experts"]] == [("黄伟", [])]
    history = (await http.get(f"/agencies/{agency_id}/history", params=after)).json()
    assert [e["event_label"] for e in history] == ["设立咨询服务机构", "聘任专家", "申报关联关系"]
