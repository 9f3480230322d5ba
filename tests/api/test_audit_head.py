"""GET /audit/head: the audit chain's head, public, for recording outside govflow."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from api.auth import AuthConfig
from domain.application import GovflowApplication
from govflow.audit_chain import RecorderAuditLog
from tests.api.fakes import FakeCatalogueCommands, FakeInbox, FakeViews
from tests.api.helpers import PROBLEM_JSON, READ_WAIT_SECONDS
from tests.api.registry_fakes import FakeRegistryCommands, FollowingRegisters
from tests.projections.audit_helpers import establish_agency
from tests.projections.conftest import sqlite_env


@pytest.fixture
def store_env(tmp_path: Path) -> dict[str, str]:
    return sqlite_env(tmp_path)


@pytest.fixture
def audit(store_env: dict[str, str]) -> Iterator[RecorderAuditLog]:
    log = RecorderAuditLog.open(application_name=GovflowApplication.name, env=store_env)
    yield log
    log.close()


@pytest.fixture
async def audited(
    audit: RecorderAuditLog, gateway: FakeCatalogueCommands, views: FakeViews,
    inbox: FakeInbox, auth_config: AuthConfig, registry: FakeRegistryCommands,
    registers: FollowingRegisters,
) -> AsyncIterator[httpx.AsyncClient]:
    """The API over the fakes, with the audit chain of a SQLite event store."""
    app = create_app(
        commands=gateway, catalogue=views, history=views, inbox=inbox, auth=auth_config,
        read_wait_seconds=READ_WAIT_SECONDS, registry=registry,
        departments=registers.departments, agencies=registers.agencies, audit=audit,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://govflow.test") as client:
        yield client


async def test_head_is_public_and_names_the_last_event_and_its_link(
    audited: httpx.AsyncClient, audit: RecorderAuditLog, store_env: dict[str, str],
) -> None:
    app = GovflowApplication(env=store_env)
    establish_agency(app, "a")
    establish_agency(app, "b")
    last = app.recorder.max_notification_id()
    app.close()

    response = await audited.get("/audit/head")

    verified = audit.verify()
    assert response.status_code == 200
    assert response.json() == {
        "position": last, "hash": verified.head.hash_hex, "algorithm": "sha256"}
    assert verified.ok and verified.head.position == last == 6


async def test_head_of_an_empty_log_is_the_genesis(audited: httpx.AsyncClient) -> None:
    response = await audited.get("/audit/head")

    assert response.json() == {"position": 0, "hash": "0" * 64, "algorithm": "sha256"}


async def test_head_without_an_audit_log_answers_503_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/audit/head")

    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM_JSON
    assert "审计链" in response.json()["detail"]
