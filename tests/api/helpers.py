"""Request bodies, tokens and short-hands shared by the API tests."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

import httpx

from api.auth import AuthConfig, issue_token
from domain.actors import Role

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


def field_errors(response: httpx.Response) -> dict[str, str]:
    """A 422 problem's ``errors`` as {field: message}."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    return {error["field"]: error["message"] for error in response.json()["errors"]}
