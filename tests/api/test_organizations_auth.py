"""Who may call what: the auth matrix of /organizations, /grades, /evaluators and
/grade-evaluations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
import pytest
from fastapi import FastAPI

from domain.actors import Role
from tests.api.helpers import PROBLEM_JSON, Tokens
from tests.api.organization_fakes import (
    FakeEvaluationViews,
    FakeGradingCommands,
    FakeOrganizationCommands,
    FakeOrganizationViews,
)
from tests.api.organization_helpers import (
    ALL_COMPLIANT,
    CENTRE_BODY,
    SOCIAL_SERVICE_SCORES,
    Seeded,
    evaluation_row,
    evaluator_row,
    organization_row,
)

COMMITTEE = frozenset({Role.COMMITTEE})
ROLES = [Role.DEPARTMENT, Role.AGENCY, Role.EVALUATOR, Role.FINANCE, Role.COMMITTEE,
         Role.ORGANIZATION]
EVALUATION = uuid4()


@pytest.fixture
def app(organization_app: FastAPI) -> FastAPI:
    return organization_app


@dataclass(frozen=True)
class Write:
    name: str
    method: str
    path: str
    body: dict[str, Any] | None
    allowed: frozenset[Role]
    action: str

    async def send(self, client: httpx.AsyncClient, orgs: Seeded,
                   headers: dict[str, str] | None = None) -> httpx.Response:
        path = self.path.format(org=orgs.association, evaluator=orgs.evaluator,
                                evaluation=EVALUATION)
        return await client.request(self.method, path, json=self.body, headers=headers)


WRITES = [
    Write("register-organization", "POST", "/organizations", CENTRE_BODY, COMMITTEE,
          "登记社会组织"),
    Write("declare-compliance", "POST", "/organizations/{org}/compliance-declarations",
          {"declarations": ALL_COMPLIANT}, frozenset({Role.COMMITTEE, Role.ORGANIZATION}),
          "申报“五自四无”情况"),
    Write("verify-compliance", "POST", "/organizations/{org}/compliance-verification", None,
          COMMITTEE, "核验“五自四无”"),
    Write("elect-board-member", "POST", "/organizations/{org}/board-members",
          {"person_id": "p-1", "name": "李伟", "position": "会长", "public_office": "无"},
          frozenset({Role.COMMITTEE, Role.ORGANIZATION}), "登记理事会成员"),
    Write("annual-inspection", "POST", "/organizations/{org}/annual-inspections",
          {"year": 2026, "result": "合格", "inspected_on": "2027-03-01"}, COMMITTEE,
          "登记年检结论、行政处罚和信用记录"),
    Write("penalty", "POST", "/organizations/{org}/penalties",
          {"decision_number": "江民罚〔2027〕3号", "authority": "江门市民政局",
           "decided_on": "2027-02-10", "description": "警告"}, COMMITTEE,
          "登记年检结论、行政处罚和信用记录"),
    Write("raise-flag", "POST", "/organizations/{org}/credit-flags",
          {"flag": "失信名单", "reason": "虚假承诺"}, COMMITTEE,
          "登记年检结论、行政处罚和信用记录"),
    Write("clear-flag", "POST", "/organizations/{org}/credit-flags/clear",
          {"flag": "失信名单", "reason": "已整改"}, COMMITTEE,
          "登记年检结论、行政处罚和信用记录"),
    Write("resolve-complaint", "POST", "/organizations/{org}/complaints/c-1/resolve",
          {"outcome": "已处理"}, COMMITTEE, "办结投诉"),
    Write("downgrade", "POST", "/organizations/{org}/grade-downgrades",
          {"basis": "年检不合格", "reference": "2026", "reason": "年检不合格"}, COMMITTEE,
          "降低或撤销评估等级"),
    Write("revoke", "POST", "/organizations/{org}/grade-revocation", {"reason": "弄虚作假"},
          COMMITTEE, "降低或撤销评估等级"),
    Write("register-evaluator", "POST", "/evaluators",
          {"name": "台山市社会组织评估所", "contact": "0750-5550000"}, COMMITTEE,
          "登记第三方评估机构"),
    Write("evaluator-affiliations", "PUT", "/evaluators/{evaluator}/affiliations",
          {"organization_ids": []}, COMMITTEE, "登记评估机构的关联关系"),
    Write("apply", "POST", "/grade-evaluations", {},
          frozenset({Role.COMMITTEE, Role.ORGANIZATION}), "申请等级评估"),
    Write("assign", "POST", "/grade-evaluations/{evaluation}/evaluator",
          {"evaluator_id": str(uuid4())}, COMMITTEE, "指派第三方评估机构"),
    Write("score", "POST", "/grade-evaluations/{evaluation}/scores",
          {"scores": SOCIAL_SERVICE_SCORES}, frozenset({Role.EVALUATOR}), "评分"),
    Write("appeal", "POST", "/grade-evaluations/{evaluation}/appeal", {"reason": "不服"},
          frozenset({Role.ORGANIZATION}), "申请复核"),
    Write("answer-appeal", "POST", "/grade-evaluations/{evaluation}/appeal-answer",
          {"upheld": False, "answer": "维持"}, frozenset({Role.EVALUATOR, Role.COMMITTEE}),
          "答复复核申请"),
    Write("confirm", "POST", "/grade-evaluations/{evaluation}/confirm", None, COMMITTEE,
          "确认评估等级"),
]
WRITE_IDS = [w.name for w in WRITES]
REFUSED = [(w, r) for w in WRITES for r in ROLES if r not in w.allowed]

COMPLAINT = {"complainant_name": "张先生", "complainant_contact": "13800000000",
             "content": "未按约定提供服务"}


def expired(tokens: Tokens) -> dict[str, str]:
    return tokens.headers(Role.COMMITTEE, now=datetime.now(UTC) - timedelta(days=1))


def scope_for(role: Role, orgs: Seeded) -> str | None:
    return {Role.DEPARTMENT: "440700-MZJ", Role.AGENCY: str(uuid4()),
            Role.EVALUATOR: str(orgs.evaluator), Role.ORGANIZATION: str(orgs.centre)}.get(role)


def nothing_sent(organizations: FakeOrganizationCommands, grading: FakeGradingCommands
                 ) -> bool:
    return organizations.commands == [] and grading.commands == []


# --- writes ---------------------------------------------------------------------------


@pytest.mark.parametrize("write", WRITES, ids=WRITE_IDS)
async def test_write_without_token_returns_401_and_sends_nothing(
    client: httpx.AsyncClient, orgs: Seeded, organization_commands: FakeOrganizationCommands,
    grading_commands: FakeGradingCommands, write: Write,
) -> None:
    response = await write.send(client, orgs)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"] == PROBLEM_JSON
    assert nothing_sent(organization_commands, grading_commands)


@pytest.mark.parametrize("write", WRITES, ids=WRITE_IDS)
async def test_write_with_expired_token_returns_401(
    client: httpx.AsyncClient, tokens: Tokens, orgs: Seeded, write: Write,
) -> None:
    response = await write.send(client, orgs, expired(tokens))

    assert response.status_code == 401
    assert "过期" in response.json()["detail"]


@pytest.mark.parametrize(("write", "role"), REFUSED,
                         ids=[f"{w.name}-{r.value}" for w, r in REFUSED])
async def test_write_by_role_not_allowed_returns_403_and_sends_nothing(
    client: httpx.AsyncClient, tokens: Tokens, orgs: Seeded,
    organization_commands: FakeOrganizationCommands, grading_commands: FakeGradingCommands,
    write: Write, role: Role,
) -> None:
    response = await write.send(client, orgs, tokens.headers(role, scope_for(role, orgs)))

    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert (problem["type"], problem["title"]) == ("RoleNotAllowedError", "无权进行此操作")
    allowed = "、".join(sorted(r.value for r in write.allowed))
    assert problem["detail"] == (
        f"角色 {role.value} 不能{write.action}；可执行此操作的角色：{allowed}")
    assert nothing_sent(organization_commands, grading_commands)


@pytest.mark.parametrize("write", [w for w in WRITES if w.name in
                                   ("declare-compliance", "elect-board-member")],
                         ids=["declare-compliance", "elect-board-member"])
async def test_organization_writing_to_its_own_record_succeeds_and_to_another_returns_403(
    client: httpx.AsyncClient, tokens: Tokens, orgs: Seeded,
    organization_commands: FakeOrganizationCommands, write: Write,
) -> None:
    own = await write.send(client, orgs, tokens.headers(Role.ORGANIZATION,
                                                        str(orgs.association)))
    sent = len(organization_commands.commands)
    other = await write.send(client, orgs, tokens.headers(Role.ORGANIZATION, str(orgs.centre)))

    assert own.status_code == 201, own.text
    assert other.status_code == 403
    assert other.json()["type"] == "OtherOrganizationError"
    assert len(organization_commands.commands) == sent


# --- complaints -------------------------------------------------------------------------


@pytest.mark.parametrize("role", [None, *ROLES], ids=lambda r: r.value if r else "anonymous")
async def test_complaint_by_anyone_succeeds(
    client: httpx.AsyncClient, tokens: Tokens, orgs: Seeded, role: Role | None,
) -> None:
    headers = None if role is None else tokens.headers(role, scope_for(role, orgs))

    response = await client.post(f"/organizations/{orgs.centre}/complaints", json=COMPLAINT,
                                 headers=headers)

    assert response.status_code == 201, response.text
    assert "张先生" not in response.text


async def test_complaint_with_expired_token_returns_401_and_sends_nothing(
    client: httpx.AsyncClient, tokens: Tokens, orgs: Seeded,
    organization_commands: FakeOrganizationCommands,
) -> None:
    response = await client.post(f"/organizations/{orgs.centre}/complaints", json=COMPLAINT,
                                 headers=expired(tokens))

    assert response.status_code == 401
    assert organization_commands.commands == []


# --- reads ------------------------------------------------------------------------------

READS = ["/organizations", "/organizations/{org}", "/organizations/{org}/eligibility",
         "/organizations/{org}/grades", "/organizations/{org}/history", "/evaluators",
         "/evaluators/{evaluator}", "/grade-evaluations", "/grade-evaluations/{evaluation}"]


@dataclass(frozen=True)
class Rows:
    org: str
    evaluator: str
    evaluation: str

    def path(self, template: str) -> str:
        return template.format(org=self.org, evaluator=self.evaluator,
                               evaluation=self.evaluation)


@pytest.fixture
def rows(orgs: Seeded, organization_views: FakeOrganizationViews,
         evaluation_views: FakeEvaluationViews) -> Rows:
    organization = organization_views.add(organization_row(id=orgs.centre))
    evaluator = evaluation_views.add_evaluator(evaluator_row())
    evaluation = evaluation_views.add_evaluation(evaluation_row())
    return Rows(str(organization.id), str(evaluator.id), str(evaluation.id))


@pytest.mark.parametrize("path", READS)
async def test_read_without_token_succeeds(
    client: httpx.AsyncClient, rows: Rows, path: str,
) -> None:
    response = await client.get(rows.path(path))

    assert response.status_code == 200, response.text


@pytest.mark.parametrize("path", READS)
async def test_read_with_expired_token_returns_401(
    client: httpx.AsyncClient, tokens: Tokens, rows: Rows, path: str,
) -> None:
    response = await client.get(rows.path(path), headers=expired(tokens))

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_expiring_grades_without_token_returns_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/grades/expiring")

    assert response.status_code == 401


@pytest.mark.parametrize("role", [r for r in ROLES if r is not Role.COMMITTEE])
async def test_expiring_grades_by_other_role_returns_403(
    client: httpx.AsyncClient, tokens: Tokens, orgs: Seeded, role: Role,
) -> None:
    response = await client.get("/grades/expiring",
                                headers=tokens.headers(role, scope_for(role, orgs)))

    assert response.status_code == 403
    assert response.json()["type"] == "RoleNotAllowedError"
