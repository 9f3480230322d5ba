"""Grade evaluation on the real stack: HTTP → workflows → event store → views → HTTP.

The committee registers an organization and an evaluator; the organization applies;
the evaluator scores; the organization appeals; the evaluator lets the 15 days pass, so
the appeal goes to the committee, who answers it; the committee confirms; the grade
makes the organization eligible from 1 January; a downgrade and a revocation follow.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from domain.actors import Role
from tests.api.real_stack import Stack, headers
from workflows.grade_signals import grade_evaluation_workflow_id

COMMITTEE = headers(Role.COMMITTEE, None, "zhou.committee")
CENTRE = {
    "credit_code": "52440703MJL000016J", "name": "蓬江区长者服务中心",
    "category": "民办非企业单位", "kind": "社会服务类", "industry": "养老服务",
    "region_code": "440703", "registered_on": "2020-05-08", "full_time_staff": 4,
}
SCORES_720 = {"基础条件": 60, "内部治理": 260, "业务活动和诚信建设": 320, "社会评价": 80}
SCORES_810 = {**SCORES_720, "内部治理": 350}


@pytest.fixture
def http(stack: Stack, env: WorkflowEnvironment) -> Iterator[httpx.AsyncClient]:
    # Days pass only when a test skips them: a command's wait for its one-shot workflow
    # would otherwise let the test server run its clock on to the run's timeout.
    with env.auto_time_skipping_disabled():
        yield stack.http


async def test_grade_evaluation_through_http_from_application_to_revocation(
    http: httpx.AsyncClient, stack: Stack, env: WorkflowEnvironment,
) -> None:
    organization = (await _accepted(http, "/organizations", CENTRE, COMMITTEE))["id"]
    evaluator = (await _accepted(http, "/evaluators", {
        "name": "江门市社会组织评估服务中心", "contact": "0750-3200000"}, COMMITTEE))["id"]
    partner = (await _accepted(http, "/evaluators", {
        "name": "蓬江区社会服务评估所", "contact": "0750-3300000"}, COMMITTEE))["id"]
    await _accepted(http, f"/evaluators/{partner}/affiliations",
                    {"organization_ids": [organization]}, COMMITTEE, method="PUT")
    own = headers(Role.ORGANIZATION, organization, "hu.centre")
    scorer = headers(Role.EVALUATOR, evaluator, "wu.evaluator")

    evaluation = (await _accepted(http, "/grade-evaluations", {}, own))["id"]
    affiliated = await http.post(f"/grade-evaluations/{evaluation}/evaluator",
                                 json={"evaluator_id": partner}, headers=COMMITTEE)
    assert affiliated.status_code == 409, affiliated.text
    assert affiliated.json()["type"] == "EvaluatorAffiliatedError"
    assert "存在关联关系" in affiliated.json()["detail"]
    assigned = await _accepted(http, f"/grade-evaluations/{evaluation}/evaluator",
                               {"evaluator_id": evaluator}, COMMITTEE)
    inbox = await http.get("/inbox", headers=scorer,
                           params={"after": assigned["notification_id"]})
    assert [(t["kind_label"], t["entity_id"]) for t in inbox.json()["data"]] == [
        ("待评分", evaluation)]

    scored = await _accepted(http, f"/grade-evaluations/{evaluation}/scores",
                             {"scores": SCORES_720}, scorer)
    shown = (await http.get(f"/grade-evaluations/{evaluation}", headers=own,
                            params={"after": scored["notification_id"]})).json()
    today = _today(stack)
    assert (shown["status"], shown["total"], shown["level"]) == ("公示中", 720, 3)
    assert shown["publicity_ends_on"] == (today + timedelta(days=7)).isoformat()
    public = (await http.get(f"/grade-evaluations/{evaluation}")).json()
    assert "scores" not in public or not public["scores"]

    await _accepted(http, f"/grade-evaluations/{evaluation}/appeal",
                    {"reason": "内部治理得分未计入新修订的章程"}, own)
    early = await http.post(f"/grade-evaluations/{evaluation}/appeal-answer",
                            json={"upheld": True, "answer": "成立",
                                  "revised_scores": SCORES_810}, headers=COMMITTEE)
    assert early.status_code == 403, early.text
    assert early.json()["type"] == "AppealNotEscalatedError"

    # The evaluator lets the 15 days pass: the publicity closes, the appeal escalates.
    await _skip(stack, env, days=17)
    escalated = await _eventually(
        http, f"/grade-evaluations/{evaluation}", own,
        lambda e: e["appeal_escalated"] and e["publicity_closed"])
    assert escalated["status"] == "复核中"
    tasks = await _eventually(http, "/inbox", COMMITTEE, lambda page: any(
        t["kind_label"] == "复核答复逾期（已上报）" for t in page["data"]))
    assert [t["entity_id"] for t in tasks["data"]
            if t["kind_label"] == "复核答复逾期（已上报）"] == [evaluation]

    answered = await _accepted(http, f"/grade-evaluations/{evaluation}/appeal-answer", {
        "upheld": True, "answer": "复核成立，内部治理按新章程重新评分",
        "revised_scores": SCORES_810}, COMMITTEE)
    shown = (await http.get(f"/grade-evaluations/{evaluation}", headers=own,
                            params={"after": answered["notification_id"]})).json()
    assert (shown["status"], shown["total"], shown["level"]) == ("待确认", 810, 4)

    confirmed = await _accepted(http, f"/grade-evaluations/{evaluation}/confirm", None,
                                COMMITTEE)
    confirmed_on = _today(stack)
    grades = (await http.get(f"/organizations/{organization}/grades",
                             params={"after": confirmed["notification_id"]})).json()
    assert [(g["label"], g["valid_from"], g["valid_until"], g["status"]) for g in grades] == [
        ("4A", f"{confirmed_on.year + 1}-01-01", f"{confirmed_on.year + 5}-12-31", "有效")]
    not_yet = (await http.get(f"/organizations/{organization}/eligibility")).json()
    assert not_yet["eligible"] is False
    assert "不在有效期内" in not_yet["reasons"][0]
    stack.clock.now = datetime(confirmed_on.year + 1, 2, 1, 2, tzinfo=UTC)
    assert (await http.get(f"/organizations/{organization}/eligibility")).json() == {
        "eligible": True, "reasons": [], "on": f"{confirmed_on.year + 1}-02-01",
        "grade": {"level": 4, "label": "4A", "valid_from": f"{confirmed_on.year + 1}-01-01",
                  "valid_until": f"{confirmed_on.year + 5}-12-31"}}

    inspection_year = confirmed_on.year
    await _accepted(http, f"/organizations/{organization}/annual-inspections", {
        "year": inspection_year, "result": "不合格",
        "inspected_on": f"{inspection_year + 1}-01-20"}, COMMITTEE)
    downgraded = await _accepted(http, f"/organizations/{organization}/grade-downgrades", {
        "basis": "年检不合格", "reference": str(inspection_year),
        "reason": f"{inspection_year} 年度年检不合格"}, COMMITTEE)
    grades = (await http.get(f"/organizations/{organization}/grades",
                             params={"after": downgraded["notification_id"]})).json()
    assert (grades[0]["label"], grades[0]["awarded_level"]) == ("3A", 4)
    state = await env.client.get_workflow_handle(
        grade_evaluation_workflow_id(evaluation)).query("state")
    assert (state["level"], state["revoked"]) == (3, False)

    revoked = await _accepted(http, f"/organizations/{organization}/grade-revocation",
                              {"reason": "以虚假材料骗取评估等级"}, COMMITTEE)
    eligibility = (await http.get(f"/organizations/{organization}/eligibility",
                                  params={"after": revoked["notification_id"]})).json()
    assert eligibility["eligible"] is False
    assert eligibility["reasons"][0].startswith("未取得社会组织评估等级")
    # The revocation told the evaluation's workflow, which stops waiting for the expiry.
    await asyncio.wait_for(
        env.client.get_workflow_handle(grade_evaluation_workflow_id(evaluation)).result(),
        timeout=30)


async def test_anonymous_complaint_through_http_is_public_without_its_complainant(
    http: httpx.AsyncClient,
) -> None:
    organization = (await _accepted(http, "/organizations", {
        **CENTRE, "credit_code": "52440703MJL200025M", "name": "蓬江区社会工作服务中心"},
        COMMITTEE))["id"]

    filed = await _accepted(http, f"/organizations/{organization}/complaints", {
        "complainant_name": "张先生", "complainant_contact": "13800000000",
        "content": "未按约定提供上门助餐服务"}, {})
    resolved = await _accepted(
        http, f"/organizations/{organization}/complaints/{filed['complaint_id']}/resolve",
        {"outcome": "已约谈负责人并督促整改"}, COMMITTEE)

    shown = await http.get(f"/organizations/{organization}",
                           params={"after": resolved["notification_id"]})
    assert [(c["content"], c["outcome"]) for c in shown.json()["complaints"]] == [
        ("未按约定提供上门助餐服务", "已约谈负责人并督促整改")]
    history = await http.get(f"/organizations/{organization}/history")
    for text in (shown.text, history.text):
        assert "张先生" not in text
        assert "13800000000" not in text


async def _accepted(
    http: httpx.AsyncClient, path: str, body: dict[str, Any] | None,
    caller: dict[str, str], *, method: str = "POST",
) -> Any:
    response = await http.request(method, path, json=body, headers=caller)
    assert response.is_success, response.text
    return response.json()


def _today(stack: Stack) -> date:
    return (stack.clock.now + timedelta(hours=8)).date()


async def _skip(stack: Stack, env: WorkflowEnvironment, *, days: int) -> None:
    """Skip days on the server, and move the API's clock along."""
    await env.sleep(timedelta(days=days))
    stack.clock.now = (await env.get_current_time()).astimezone(UTC)


async def _eventually(
    http: httpx.AsyncClient, path: str, caller: dict[str, str], done: Callable[[Any], bool],
) -> Any:
    # A timer's step has no write of ours to wait for: poll the read.
    body: Any = None
    for _ in range(150):
        body = (await http.get(path, headers=caller)).json()
        if done(body):
            return body
        await asyncio.sleep(0.1)
    raise AssertionError(f"{path} never got there: {body}")
