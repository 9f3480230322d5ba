"""The API over fakes: the real domain in memory behind the gateway, views that follow it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from api.app import create_app
from api.auth import AuthConfig
from domain.actors import Role
from tests.api.fakes import FakeCatalogueCommands, FakeViews, in_memory_application
from tests.api.helpers import CZJ, MZJ, READ_WAIT_SECONDS, Tokens


@pytest.fixture
def auth_config() -> AuthConfig:
    return AuthConfig(
        secret="api-edge-tests-secret-0123456789abcdef", issuer="govflow-test",
        ttl=timedelta(hours=1),
    )


@pytest.fixture
def tokens(auth_config: AuthConfig) -> Tokens:
    return Tokens(auth_config)


@pytest.fixture
def gateway_and_views() -> tuple[FakeCatalogueCommands, FakeViews]:
    application = in_memory_application()
    return FakeCatalogueCommands(application), FakeViews(application)


@pytest.fixture
def gateway(gateway_and_views: tuple[FakeCatalogueCommands, FakeViews]) -> FakeCatalogueCommands:
    return gateway_and_views[0]


@pytest.fixture
def views(gateway_and_views: tuple[FakeCatalogueCommands, FakeViews]) -> FakeViews:
    return gateway_and_views[1]


@pytest.fixture
def app(gateway: FakeCatalogueCommands, views: FakeViews, auth_config: AuthConfig) -> FastAPI:
    return create_app(
        commands=gateway, catalogue=views, history=views, auth=auth_config,
        read_wait_seconds=READ_WAIT_SECONDS,
    )


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://govflow.test") as client:
        yield client


@pytest.fixture
def officer(tokens: Tokens) -> dict[str, str]:
    """A 江门市民政局 officer."""
    return tokens.headers(Role.DEPARTMENT, MZJ, user="chen.mzj")


@pytest.fixture
def other_officer(tokens: Tokens) -> dict[str, str]:
    """A 江门市财政局 officer."""
    return tokens.headers(Role.DEPARTMENT, CZJ, user="wang.czj")


@pytest.fixture
def finance(tokens: Tokens) -> dict[str, str]:
    return tokens.headers(Role.FINANCE, user="zhao.finance")


@pytest.fixture
def committee(tokens: Tokens) -> dict[str, str]:
    return tokens.headers(Role.COMMITTEE, user="liu.committee")
