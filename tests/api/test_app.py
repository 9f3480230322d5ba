"""The application as a whole: health, unknown paths, unexpected failures, OpenAPI."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from api.app import create_app
from api.auth import AuthConfig
from domain.actors import Actor
from domain.catalogue.commands import CommandResult, ItemFields
from tests.api.fakes import FakeCatalogueCommands, FakeInbox, FakeViews
from tests.api.helpers import PROBLEM_JSON, item_body
from tests.api.registry_fakes import FakeRegistryCommands, FollowingRegisters


class BrokenCommands(FakeCatalogueCommands):
    """A gateway whose infrastructure fails (not a business refusal)."""

    async def draft(
        self, *, command_id: str, actor: Actor, department: str, fields: ItemFields
    ) -> CommandResult:
        raise RuntimeError("connection to temporal at 10.0.0.7:7233 refused")


async def test_health_returns_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_unknown_path_returns_404_problem_in_chinese(client: httpx.AsyncClient) -> None:
    response = await client.get("/catalogue-itemz")

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["detail"] == "找不到指定的对象：GET /catalogue-itemz"


async def test_unexpected_failure_returns_500_problem_without_internals(
    gateway: FakeCatalogueCommands, views: FakeViews, auth_config: AuthConfig,
    officer: dict[str, str], registry: FakeRegistryCommands, registers: FollowingRegisters,
) -> None:
    app = create_app(commands=BrokenCommands(gateway.application), catalogue=views,
                     history=views, inbox=FakeInbox(), auth=auth_config, registry=registry,
                     departments=registers.departments, agencies=registers.agencies)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://govflow.test") as client:
        response = await client.post("/catalogue-items", json=item_body(), headers=officer)

    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM_JSON
    assert "10.0.0.7" not in response.text


async def test_openapi_documents_routes_problems_and_bearer_auth(app: FastAPI) -> None:
    spec = app.openapi()

    publish = spec["paths"]["/catalogue-items/{item_id}/publish"]["post"]
    assert publish["responses"]["409"]["content"] == {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
    }
    assert publish["security"] == [{"HTTPBearer": []}]
    listing = spec["paths"]["/catalogue-items"]["get"]
    assert {} in listing["security"]
    history = spec["paths"]["/catalogue-items/{item_id}/history"]["get"]
    assert [p["name"] for p in history["parameters"]].count("after") == 1
