"""Who may call what: the auth matrix of every /catalogue-items endpoint."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from api.auth import TOKEN_ROLES
from domain.actors import Role
from tests.api.fakes import Agency, FakeCatalogueCommands
from tests.api.helpers import (
    MZJ,
    PROBLEM_JSON,
    Pipeline,
    Tokens,
    bearer,
    draft_item,
    item_body,
    opinion_body,
    publish_item,
    token_of,
    with_claims_changed,
)

SCOPES = {
    Role.DEPARTMENT: MZJ,
    Role.EVALUATOR: "evaluator-1",
    Role.ORGANIZATION: "51440700MJL000016A",
}


@dataclass(frozen=True)
class Write:
    """A write endpoint, who may send it, and where an item must be for it to succeed."""

    method: str
    path: str
    role: Role
    action: str
    """The step as the 403 names it (角色 finance 不能<action>)."""
    stage: str | None
    """The ``Pipeline`` method that brings an item there; None for drafting."""
    body: Callable[[Agency], dict[str, Any] | None]
    caller: str
    """The fixture of a caller who may send it."""
    success: int = 200

    @property
    def name(self) -> str:
        return self.path.removeprefix("{id}/") or self.method.lower()

    async def item_id(self, pipeline: Pipeline) -> str:
        if self.stage is None:
            return ""
        stage: Callable[[], Any] = getattr(pipeline, self.stage)
        item_id: str = await stage()
        return item_id

    async def send(
        self, pipeline: Pipeline, item_id: str, headers: dict[str, str] | None
    ) -> httpx.Response:
        path = f"/catalogue-items/{self.path.format(id=item_id)}".rstrip("/")
        return await pipeline.client.request(
            self.method, path, json=self.body(pipeline.agency), headers=headers
        )


WRITES = [
    Write("POST", "", Role.DEPARTMENT, "起草目录事项", None,
          lambda _: item_body(department=MZJ), "officer", success=201),
    Write("PUT", "{id}", Role.DEPARTMENT, "修改目录事项", "drafted",
          lambda _: item_body(name="社区养老助餐服务"), "officer"),
    Write("POST", "{id}/publish", Role.DEPARTMENT, "发布目录事项", "drafted",
          lambda _: None, "officer"),
    Write("POST", "{id}/withdraw", Role.DEPARTMENT, "撤回目录事项", "drafted",
          lambda _: {"reason": "职能已调整"}, "officer"),
    Write("POST", "{id}/budget", Role.FINANCE, "安排预算", "published",
          lambda _: {"fiscal_year": 2027, "amount_fen": 50_000_000}, "finance"),
    Write("POST", "{id}/referral", Role.DEPARTMENT, "提交咨询", "publicity_closed",
          lambda agency: {"agency_id": agency.scope}, "officer"),
    Write("POST", "{id}/opinion", Role.AGENCY, "出具咨询意见", "referred",
          lambda _: opinion_body(), "agency_staff"),
    Write("POST", "{id}/referral/extension", Role.COMMITTEE, "延长咨询期限", "referred",
          lambda _: {"due_on": "2027-04-20", "reason": "专家需补充实地调研"}, "committee"),
    Write("POST", "{id}/decision", Role.DEPARTMENT, "作出决定", "with_opinion",
          lambda _: {"mode": "委托"}, "officer"),
    Write("POST", "{id}/retention-review", Role.COMMITTEE, "审批保留申请", "retention_pending",
          lambda _: {"approved": True}, "committee"),
]
WRITE_IDS = [write.name for write in WRITES]

READS = ["/catalogue-items", "/catalogue-items/{id}", "/catalogue-items/{id}/history"]


@pytest.fixture
async def draft_id(client: httpx.AsyncClient, officer: dict[str, str]) -> str:
    """A draft of 江门市民政局."""
    accepted = await draft_item(client, officer)
    return str(accepted["id"])


@pytest.fixture
async def published_id(client: httpx.AsyncClient, officer: dict[str, str], draft_id: str) -> str:
    await publish_item(client, officer, draft_id)
    return draft_id


def expired(tokens: Tokens) -> dict[str, str]:
    return tokens.headers(Role.DEPARTMENT, MZJ, now=datetime.now(UTC) - timedelta(days=1))


def tampered(officer: dict[str, str]) -> dict[str, str]:
    # The officer's own token, edited to claim the committee's powers.
    return bearer(with_claims_changed(token_of(officer), role="committee", scope=None))


def _caller(tokens: Tokens, role: Role, agency: Agency) -> dict[str, str]:
    scope = agency.scope if role is Role.AGENCY else SCOPES.get(role)
    return tokens.headers(role, scope)


# --- writes ---------------------------------------------------------------------


@pytest.mark.parametrize("write", WRITES, ids=WRITE_IDS)
async def test_write_by_its_role_returns_accepted_command(
    pipeline: Pipeline, request: pytest.FixtureRequest, write: Write
) -> None:
    item_id = await write.item_id(pipeline)
    before = (await pipeline.item(item_id, pipeline.officer))["version"] if item_id else 0

    response = await write.send(pipeline, item_id, request.getfixturevalue(write.caller))

    assert response.status_code == write.success, response.text
    accepted = response.json()
    assert set(accepted) == {"id", "code", "version", "notification_id"}
    assert accepted["version"] == before + 1
    assert accepted["id"] == item_id or not item_id


@pytest.mark.parametrize("write", WRITES, ids=WRITE_IDS)
async def test_write_without_token_returns_401_with_bearer_challenge(
    pipeline: Pipeline, gateway: FakeCatalogueCommands, write: Write
) -> None:
    item_id = await write.item_id(pipeline)
    calls_before = len(gateway.command_ids)

    response = await write.send(pipeline, item_id, None)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"] == PROBLEM_JSON
    assert len(gateway.command_ids) == calls_before


@pytest.mark.parametrize("write", WRITES, ids=WRITE_IDS)
async def test_write_with_expired_token_returns_401(
    pipeline: Pipeline, tokens: Tokens, write: Write
) -> None:
    response = await write.send(pipeline, await write.item_id(pipeline), expired(tokens))

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "过期" in response.json()["detail"]


@pytest.mark.parametrize("write", WRITES, ids=WRITE_IDS)
async def test_write_with_tampered_token_returns_401(
    pipeline: Pipeline, officer: dict[str, str], write: Write
) -> None:
    response = await write.send(pipeline, await write.item_id(pipeline), tampered(officer))

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("write", "role"),
    [(write, role) for write in WRITES for role in sorted(TOKEN_ROLES) if role is not write.role],
    ids=lambda value: value.name if isinstance(value, Write) else str(value),
)
async def test_write_by_other_role_returns_403_naming_the_action_and_sends_nothing(
    pipeline: Pipeline, tokens: Tokens, gateway: FakeCatalogueCommands, write: Write,
    role: Role,
) -> None:
    item_id = await write.item_id(pipeline)
    calls_before = len(gateway.command_ids)

    response = await write.send(pipeline, item_id, _caller(tokens, role, pipeline.agency))

    assert response.status_code == 403
    problem = response.json()
    assert (problem["type"], problem["title"]) == ("RoleNotAllowedError", "无权进行此操作")
    assert problem["detail"] == (
        f"角色 {role.value} 不能{write.action}；可执行此操作的角色：{write.role.value}"
    )
    assert len(gateway.command_ids) == calls_before


@pytest.mark.parametrize("write", [w for w in WRITES if w.role is Role.DEPARTMENT],
                         ids=lambda write: write.name)
async def test_write_by_officer_of_other_department_returns_403(
    pipeline: Pipeline, other_officer: dict[str, str], write: Write
) -> None:
    response = await write.send(pipeline, await write.item_id(pipeline), other_officer)

    assert response.status_code == 403
    problem = response.json()
    assert problem["type"] == "OtherDepartmentError"
    assert problem["detail"] == "您所在部门为 440700-CZJ，不能操作 440700-MZJ 的目录事项"


async def test_opinion_by_staff_of_other_agency_returns_403_naming_both_agencies(
    pipeline: Pipeline, other_agency_staff: dict[str, str], other_agency: Agency
) -> None:
    item_id = await pipeline.referred()

    response = await pipeline.step(item_id, "opinion", opinion_body(), other_agency_staff)

    assert response.status_code == 403
    problem = response.json()
    assert problem["type"] == "OtherAgencyError"
    assert pipeline.agency.scope in problem["detail"]
    assert other_agency.scope in problem["detail"]


async def test_draft_by_other_department_records_nothing(
    client: httpx.AsyncClient, other_officer: dict[str, str], committee: dict[str, str]
) -> None:
    await client.post("/catalogue-items", json=item_body(department=MZJ), headers=other_officer)

    listed = await client.get("/catalogue-items", headers=committee)

    assert listed.json()["data"] == []


# --- reads ----------------------------------------------------------------------


@pytest.mark.parametrize("path", READS)
async def test_read_of_published_item_without_token_succeeds(
    client: httpx.AsyncClient, published_id: str, path: str
) -> None:
    response = await client.get(path.format(id=published_id))

    assert response.status_code == 200, response.text


@pytest.mark.parametrize("path", READS)
async def test_read_with_token_of_any_role_succeeds(
    client: httpx.AsyncClient, finance: dict[str, str], published_id: str, path: str
) -> None:
    response = await client.get(path.format(id=published_id), headers=finance)

    assert response.status_code == 200, response.text


@pytest.mark.parametrize("path", READS)
async def test_read_with_expired_token_returns_401(
    client: httpx.AsyncClient, tokens: Tokens, published_id: str, path: str
) -> None:
    response = await client.get(path.format(id=published_id), headers=expired(tokens))

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize("path", READS)
async def test_read_with_tampered_token_returns_401(
    client: httpx.AsyncClient, officer: dict[str, str], published_id: str, path: str
) -> None:
    response = await client.get(path.format(id=published_id), headers=tampered(officer))

    assert response.status_code == 401


@pytest.mark.parametrize("path", READS[1:])
@pytest.mark.parametrize("caller", ["anonymous", "finance", "other_officer"])
async def test_read_draft_by_caller_outside_its_department_returns_404(
    client: httpx.AsyncClient, request: pytest.FixtureRequest, draft_id: str, caller: str,
    path: str,
) -> None:
    headers = None if caller == "anonymous" else request.getfixturevalue(caller)

    response = await client.get(path.format(id=draft_id), headers=headers)

    assert response.status_code == 404
    assert response.json()["type"] == "CatalogueItemNotFoundError"


@pytest.mark.parametrize("path", READS[1:])
@pytest.mark.parametrize("caller", ["officer", "committee"])
async def test_read_draft_by_its_department_or_committee_succeeds(
    client: httpx.AsyncClient, request: pytest.FixtureRequest, draft_id: str, caller: str,
    path: str,
) -> None:
    response = await client.get(path.format(id=draft_id), headers=request.getfixturevalue(caller))

    assert response.status_code == 200, response.text
