"""Who may call what: the auth matrix of every /catalogue-items endpoint."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from domain.actors import Role
from tests.api.fakes import FakeCatalogueCommands
from tests.api.helpers import (
    MZJ,
    PROBLEM_JSON,
    Tokens,
    bearer,
    draft_item,
    item_body,
    publish_item,
    token_of,
    with_claims_changed,
)


@dataclass(frozen=True)
class Write:
    name: str
    method: str
    path: str
    body: dict[str, Any] | None
    success: int

    async def send(
        self, client: httpx.AsyncClient, item_id: str, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        return await client.request(
            self.method, self.path.format(id=item_id), json=self.body, headers=headers
        )


WRITES = [
    Write("draft", "POST", "/catalogue-items", item_body(department=MZJ), 201),
    Write("revise", "PUT", "/catalogue-items/{id}", item_body(name="社区养老助餐服务"), 200),
    Write("publish", "POST", "/catalogue-items/{id}/publish", None, 200),
    Write("withdraw", "POST", "/catalogue-items/{id}/withdraw", {"reason": "职能已调整"}, 200),
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


# --- writes ---------------------------------------------------------------------


@pytest.mark.parametrize("write", WRITES, ids=WRITE_IDS)
async def test_write_by_officer_of_the_department_succeeds(
    client: httpx.AsyncClient, officer: dict[str, str], draft_id: str, write: Write
) -> None:
    response = await write.send(client, draft_id, officer)

    assert response.status_code == write.success, response.text
    assert set(response.json()) == {"id", "code", "version", "notification_id"}


@pytest.mark.parametrize("write", WRITES, ids=WRITE_IDS)
async def test_write_without_token_returns_401_with_bearer_challenge(
    client: httpx.AsyncClient, draft_id: str, gateway: FakeCatalogueCommands, write: Write
) -> None:
    calls_before = len(gateway.command_ids)

    response = await write.send(client, draft_id)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"] == PROBLEM_JSON
    assert len(gateway.command_ids) == calls_before


@pytest.mark.parametrize("write", WRITES, ids=WRITE_IDS)
async def test_write_with_expired_token_returns_401(
    client: httpx.AsyncClient, tokens: Tokens, draft_id: str, write: Write
) -> None:
    response = await write.send(client, draft_id, expired(tokens))

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "过期" in response.json()["detail"]


@pytest.mark.parametrize("write", WRITES, ids=WRITE_IDS)
async def test_write_with_tampered_token_returns_401(
    client: httpx.AsyncClient, officer: dict[str, str], draft_id: str, write: Write
) -> None:
    response = await write.send(client, draft_id, tampered(officer))

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize("role", [Role.FINANCE, Role.COMMITTEE])
@pytest.mark.parametrize("write", WRITES, ids=WRITE_IDS)
async def test_write_by_role_other_than_department_returns_403(
    client: httpx.AsyncClient, tokens: Tokens, draft_id: str, gateway: FakeCatalogueCommands,
    write: Write, role: Role,
) -> None:
    calls_before = len(gateway.command_ids)

    response = await write.send(client, draft_id, tokens.headers(role))

    assert response.status_code == 403
    problem = response.json()
    assert problem["type"] == "RoleNotAllowedError"
    assert problem["title"] == "无权进行此操作"
    assert f"角色 {role.value} 不能" in problem["detail"]
    assert len(gateway.command_ids) == calls_before


@pytest.mark.parametrize("write", WRITES, ids=WRITE_IDS)
async def test_write_by_officer_of_other_department_returns_403(
    client: httpx.AsyncClient, other_officer: dict[str, str], draft_id: str, write: Write
) -> None:
    response = await write.send(client, draft_id, other_officer)

    assert response.status_code == 403
    problem = response.json()
    assert problem["type"] == "OtherDepartmentError"
    assert "440700-CZJ" in problem["detail"]


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
