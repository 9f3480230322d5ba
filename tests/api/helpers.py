"""Request bodies, tokens and short-hands shared by the API tests."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import httpx

from api.auth import AuthConfig, issue_token
from domain.actors import Role
from tests.api.fakes import Agency, FakeCatalogueCommands

MZJ = "440700-MZJ"
CZJ = "440700-CZJ"
PROBLEM_JSON = "application/problem+json"
READ_WAIT_SECONDS = 0.25
"""How long the test app lets a read wait for ``?after=``."""


class Tokens:
    """Bearer headers for the test's auth config."""

    def __init__(self, config: AuthConfig) -> None:
        self.config = config

    def headers(
        self, role: Role, scope: str | None = None, *, user: str = "test.user",
        now: datetime | None = None,
    ) -> dict[str, str]:
        token = issue_token(self.config, role=role, scope=scope, user=user, now=now)
        return bearer(token)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def token_of(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


def with_claims_changed(token: str, **changes: Any) -> str:
    """The token with its payload edited but its signature kept (a forgery)."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def item_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "社区居家养老服务",
        "description": "为辖区老年人提供上门助餐、助洁服务",
        "catalogue_year": 2027,
        "classification": {"level1": "公共服务", "level2": "养老服务", "level3": "居家养老服务"},
        "nature": "公共服务",
        "provincial_listed": True,
    }
    body.update(overrides)
    return body


async def draft_item(
    client: httpx.AsyncClient, headers: dict[str, str], **overrides: Any
) -> dict[str, Any]:
    response = await client.post("/catalogue-items", json=item_body(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    accepted: dict[str, Any] = response.json()
    return accepted


async def publish_item(
    client: httpx.AsyncClient, headers: dict[str, str], item_id: str
) -> dict[str, Any]:
    response = await client.post(f"/catalogue-items/{item_id}/publish", headers=headers)
    assert response.status_code == 200, response.text
    accepted: dict[str, Any] = response.json()
    return accepted


def opinion_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "recommendation": "委托",
        "reasons": "辖区内已有多家社会组织具备承接能力",
        "expert_ids": ["expert-2"],
        "organizations": ["江门市养老服务协会"],
    }
    body.update(overrides)
    return body


@dataclass
class Pipeline:
    """Takes 江门市民政局's items along the pipeline over HTTP, one stage at a time.

    The agency recommends 委托 (entrustment) unless told otherwise.
    """

    client: httpx.AsyncClient
    gateway: FakeCatalogueCommands
    agency: Agency
    officer: dict[str, str]
    agency_staff: dict[str, str]
    finance: dict[str, str]

    async def step(
        self, item_id: str, path: str, body: dict[str, Any], headers: dict[str, str]
    ) -> httpx.Response:
        return await self.client.post(f"/catalogue-items/{item_id}/{path}", json=body,
                                      headers=headers)

    async def done(
        self, item_id: str, path: str, body: dict[str, Any], headers: dict[str, str]
    ) -> dict[str, Any]:
        response = await self.step(item_id, path, body, headers)
        assert response.status_code == 200, response.text
        accepted: dict[str, Any] = response.json()
        return accepted

    async def drafted(self, **overrides: Any) -> str:
        return str((await draft_item(self.client, self.officer, **overrides))["id"])

    async def published(self, **overrides: Any) -> str:
        item_id = await self.drafted(**overrides)
        await publish_item(self.client, self.officer, item_id)
        return item_id

    async def publicity_closed(self, **overrides: Any) -> str:
        item_id = await self.published(**overrides)
        self.gateway.close_publicity(UUID(item_id))
        return item_id

    async def referred(self, **overrides: Any) -> str:
        item_id = await self.publicity_closed(**overrides)
        await self.done(item_id, "referral", {"agency_id": self.agency.scope}, self.officer)
        return item_id

    async def with_opinion(self, recommendation: str = "委托", **overrides: Any) -> str:
        item_id = await self.referred(**overrides)
        await self.done(item_id, "opinion", opinion_body(recommendation=recommendation),
                        self.agency_staff)
        return item_id

    async def budgeted(self, item_id: str, amount_fen: int = 50_000_000) -> None:
        await self.done(item_id, "budget", {"fiscal_year": 2027, "amount_fen": amount_fen},
                        self.finance)

    async def retention_pending(self) -> str:
        """Decided 保留 against a 委托 opinion, on an item the provincial decision lists."""
        item_id = await self.with_opinion(provincial_listed=True)
        await self.done(item_id, "decision", RETAIN_DECISION, self.officer)
        return item_id

    async def item(self, item_id: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
        response = await self.client.get(f"/catalogue-items/{item_id}", headers=headers)
        assert response.status_code == 200, response.text
        shown: dict[str, Any] = response.json()
        return shown


RETAIN_DECISION = {
    "mode": "保留", "reason": "本市尚无具备承接能力的社会组织",
    "justification": "该职能涉及特殊人群安全，须由民政部门直接承担",
}


def field_errors(response: httpx.Response) -> dict[str, str]:
    """A 422 problem's ``errors`` as {field: message}."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    return {error["field"]: error["message"] for error in response.json()["errors"]}
