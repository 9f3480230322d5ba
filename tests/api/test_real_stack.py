"""The API on the real stack: HTTP → Temporal workflow → event store → projections → HTTP.

Runs on the time-skipping server, so the 7-day publicity period ends without waiting.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.auth import AuthConfig, issue_token
from domain.actors import Role
from domain.application import GovflowApplication
from projections.catalogue import CatalogueProjection
from projections.history import HistoryProjection
from projections.registry import open_view
from projections.runners import start_runners, stop_runners
from tests.workflows.harness import catalogue_worker, start_time_skipping

AUTH = AuthConfig(secret="real-stack-tests-secret-0123456789abcdef", issuer="govflow",
                  ttl=timedelta(hours=1))
NEW_ITEM = {
    "name": "居家养老服务",
    "description": "为辖区老年人提供上门照料服务",
    "catalogue_year": 2027,
    "classification": {"level1": "公共服务", "level2": "养老服务", "level3": "居家养老"},
    "nature": "公共服务",
    "provincial_listed": True,
}


def officer(department: str = "440700-MZJ") -> dict[str, str]:
    token = issue_token(AUTH, role=Role.DEPARTMENT, scope=department, user="li.wei")
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
async def env() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server of this module's own: skipping days must not wait on
    workflows other tests left behind without a worker."""
    async with await start_time_skipping() as environment:
        yield environment


@pytest.fixture
async def http(env: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    store = {
        "PERSISTENCE_MODULE": "govflow.sqlite_persistence",
        "SQLITE_DBNAME": str(tmp_path / "events.sqlite3"),
        "SQLITE_POLL_SECONDS": "0.05",
        "CATALOGUE_SQLITE_DBNAME": str(tmp_path / "views.sqlite3"),
        "HISTORY_SQLITE_DBNAME": str(tmp_path / "views.sqlite3"),
    }
    application = GovflowApplication(store)
    runners = start_runners(env=store, uses_postgres=False)
    views: list[Any] = [open_view(p, env=store, uses_postgres=False)
                        for p in (CatalogueProjection, HistoryProjection)]
    try:
        async with catalogue_worker(env, application) as gateway:
            app = create_app(commands=gateway, catalogue=views[0], history=views[1], auth=AUTH,
                             read_wait_seconds=10)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://govflow") as c:
                yield c
    finally:
        stop_runners(runners)
        application.close()


async def test_publish_through_http_item_closes_publicity_by_itself_after_seven_days(
    http: httpx.AsyncClient, env: WorkflowEnvironment
) -> None:
    created = await http.post("/catalogue-items", json=NEW_ITEM, headers=officer())
    assert created.status_code == 201, created.text
    item_id = created.json()["id"]
    published = await http.post(f"/catalogue-items/{item_id}/publish", headers=officer())
    assert published.status_code == 200, published.text
    after = published.json()["notification_id"]

    during = await http.get(f"/catalogue-items/{item_id}", params={"after": after})
    assert during.json()["status_label"] == "公示中"

    await env.sleep(timedelta(days=8))
    closed = await _eventually_status(http, item_id, "publicity_closed")

    assert closed["status_label"] == "公示结束"
    history = await _eventually(http, f"/catalogue-items/{item_id}/history",
                                lambda entries: len(entries) == 3)
    events = [(e["event"], e["actor"]["role"]) for e in history]
    assert events == [("Drafted", "department"), ("Published", "department"),
                      ("PublicityClosed", "system")]


async def test_draft_with_same_idempotency_key_twice_creates_one_item(
    http: httpx.AsyncClient,
) -> None:
    headers = {**officer(), "Idempotency-Key": "import-row-1"}
    first = await http.post("/catalogue-items", json=NEW_ITEM, headers=headers)
    again = await http.post("/catalogue-items", json=NEW_ITEM, headers=headers)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    listed = await http.get("/catalogue-items", headers=officer(),
                            params={"after": first.json()["notification_id"]})
    assert [i["id"] for i in listed.json()["data"]] == [first.json()["id"]]


async def test_publish_by_other_department_is_refused_through_the_workflow(
    http: httpx.AsyncClient,
) -> None:
    created = await http.post("/catalogue-items", json=NEW_ITEM, headers=officer())
    item_id = created.json()["id"]

    refused = await http.post(f"/catalogue-items/{item_id}/publish",
                              headers=officer("440700-CZJ"))

    assert refused.status_code == 403
    assert refused.json()["type"] == "OtherDepartmentError"
    assert "440700-CZJ" in refused.json()["detail"]


async def _eventually_status(http: httpx.AsyncClient, item_id: str, status: str) -> Any:
    return await _eventually(http, f"/catalogue-items/{item_id}",
                             lambda shown: shown["status"] == status)


async def _eventually(http: httpx.AsyncClient, path: str, done: Callable[[Any], bool]) -> Any:
    # The timer fires in the worker with no write of ours to wait for: poll the read.
    for _ in range(100):
        body = (await http.get(path)).json()
        if done(body):
            return body
        await asyncio.sleep(0.1)
    raise AssertionError(f"{path} never got there: {body}")
