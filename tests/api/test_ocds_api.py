"""/ocds: the release package (paged by ``links.next``, filtered) and the record package
of a contract, both valid against the official OCDS 1.1.5 schema; an unknown ocid is a
404 problem, and without the view the routes answer 503.

The domain runs in memory (as behind the fake gateways); the OCDS view is the real one
on a SQLite file, brought up to the log before every read.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from eventsourcing.persistence import Tracking
from fastapi import FastAPI
from pydantic import ValidationError

from api.app import create_app
from api.auth import AuthConfig
from domain.application import GovflowApplication
from domain.purchase.commands import ApprovePayment, ReportDelivery, ReviewDelivery
from govflow.settings import Settings
from projections.ocds import OcdsProjection, OcdsView
from projections.ocds_rows import OcdsRecord
from projections.registry import open_view
from projections.rows import Page
from projections.views import APPLICATION_NAME
from tests.api.fakes import FakeCatalogueCommands, FakeClock, FakeInbox, FakeViews
from tests.api.helpers import PROBLEM_JSON, READ_WAIT_SECONDS
from tests.api.registry_fakes import FakeRegistryCommands, FollowingRegisters
from tests.cases import FINANCE, VOLUNTEERS_CODE, Cases, officer, provider
from tests.ocds_schema import ocds_schema

PREFIX = "ocds-jm0001"
BASE = "http://govflow.test"


class FollowingOcds:
    """The OCDS view, brought up to the application's log before every read."""

    def __init__(self, application: GovflowApplication, path: Path) -> None:
        env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}
        self.application = application
        self.projection = OcdsProjection(
            view=open_view(OcdsProjection, env=env, uses_postgres=False))

    @property
    def view(self) -> OcdsView:
        return self.projection.view

    def _follow(self) -> None:
        position = self.view.max_tracking_id(APPLICATION_NAME) or 0
        for notification in self.application.recorder.select_notifications(
                start=position, limit=10_000, inclusive_of_start=False):
            self.projection.process_event(self.application.mapper.to_domain_event(notification),
                                          Tracking(APPLICATION_NAME, notification.id))

    def caught_up(self, notification_id: int, timeout: float) -> bool:
        self._follow()
        return self.view.caught_up(notification_id, timeout)

    def list_releases(self, *, ocid_prefix: str, ocid: str | None, department: str | None,
                      cursor: str | None, limit: int) -> Page[dict[str, Any]]:
        self._follow()
        return self.view.list_releases(ocid_prefix=ocid_prefix, ocid=ocid,
                                       department=department, cursor=cursor, limit=limit)

    def get_record(self, ocid: str, *, ocid_prefix: str) -> OcdsRecord | None:
        self._follow()
        return self.view.get_record(ocid, ocid_prefix=ocid_prefix)


@pytest.fixture
def ocds_views(gateway: FakeCatalogueCommands, tmp_path: Path) -> Iterator[FollowingOcds]:
    following = FollowingOcds(gateway.application, tmp_path / "ocds.sqlite3")
    yield following
    following.view.close()


@pytest.fixture
def ocds_app(
    gateway: FakeCatalogueCommands, views: FakeViews, inbox: FakeInbox, clock: FakeClock,
    auth_config: AuthConfig, registry: FakeRegistryCommands, registers: FollowingRegisters,
    ocds_views: FollowingOcds,
) -> FastAPI:
    return create_app(
        commands=gateway, catalogue=views, history=views, inbox=inbox, auth=auth_config,
        read_wait_seconds=READ_WAIT_SECONDS, clock=clock, registry=registry,
        departments=registers.departments, agencies=registers.agencies,
        ocds_views=ocds_views, ocid_prefix=PREFIX)


@pytest.fixture
async def http(ocds_app: FastAPI) -> Any:
    transport = httpx.ASGITransport(app=ocds_app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        yield client


def two_contracts(app: GovflowApplication) -> tuple[UUID, UUID]:
    """A contract with its first milestone accepted and paid, and a second, announced."""
    cases = Cases(app, prefix="ocds")
    centre = cases.organization()
    volunteers = cases.organization(VOLUNTEERS_CODE, name="台山市义工联合会",
                                    category="社会团体", kind="公益慈善类")
    first = cases.contract(cases.decided_item(name="居家养老服务"), centre)
    second = cases.contract(cases.decided_item(name="长者探访服务"), volunteers)
    app.report_delivery(ReportDelivery(cases.command_id(), provider(centre), first, "M1",
                                       "已完成", date(2027, 3, 30)))
    app.review_delivery(ReviewDelivery(cases.command_id(), officer(), first, "M1", True,
                                       "合格", date(2027, 4, 1)))
    app.approve_payment(ApprovePayment(cases.command_id(), FINANCE, first, "M1", 10_000_000,
                                       date(2027, 4, 2)))
    return first, second


async def test_release_package_pages_by_links_next_and_validates(
    http: httpx.AsyncClient, gateway: FakeCatalogueCommands,
) -> None:
    first, second = two_contracts(gateway.application)
    schema = ocds_schema()

    seen: list[dict[str, Any]] = []
    url: str | None = f"{BASE}/ocds/releases?limit=3"
    while url is not None:
        response = await http.get(url)  # public: no token
        assert response.status_code == 200, response.text
        package = response.json()
        schema.check_release_package(package)
        assert (package["version"], package["publisher"]["name"]) == ("1.1", "江门市社会工作委员会")
        assert package["uri"] == url
        assert package["publishedDate"] == max(r["date"] for r in package["releases"])
        seen += package["releases"]
        url = package.get("links", {}).get("next")
        assert url is None or url.startswith(f"{BASE}/ocds/releases?")

    assert [r["ocid"] for r in seen] == [f"{PREFIX}-{first}"] * 4 + [f"{PREFIX}-{second}"] * 4 \
        + [f"{PREFIX}-{first}"] * 3
    assert len(seen) == 11
    whole = (await http.get("/ocds/releases")).json()
    assert whole["releases"] == seen and "links" not in whole
    (payment,) = seen[-1]["contracts"][0]["implementation"]["transactions"]
    assert (payment["value"], payment["date"]) == (
        {"amount": 100000.0, "currency": "CNY"}, "2027-04-02T00:00:00+08:00")

    mine = (await http.get("/ocds/releases", params={"ocid": f"{PREFIX}-{second}"})).json()
    assert [r["id"] for r in mine["releases"]] == [r["id"] for r in seen[4:8]]
    assert (await http.get("/ocds/releases", params={"department": "440781-MZJ"})
            ).json()["releases"] == []


async def test_record_package_holds_every_release_and_the_compiled_one(
    http: httpx.AsyncClient, gateway: FakeCatalogueCommands,
) -> None:
    first, _ = two_contracts(gateway.application)
    ocid = f"{PREFIX}-{first}"

    response = await http.get(f"/ocds/records/{ocid}")

    assert response.status_code == 200, response.text
    package = response.json()
    ocds_schema().check_record_package(package)
    (record,) = package["records"]
    assert record["ocid"] == ocid
    assert [r["tag"] for r in record["releases"]] == [
        ["planning"], ["planningUpdate"], ["tender", "award", "contract"],
        ["awardUpdate", "contractUpdate"], ["implementation"], ["implementationUpdate"],
        ["implementationUpdate"]]
    compiled = record["compiledRelease"]
    assert compiled["tag"] == ["compiled"]
    assert compiled["contracts"] == record["releases"][-1]["contracts"]
    assert package["publishedDate"] == record["releases"][-1]["date"]
    assert package["uri"] == f"{BASE}/ocds/records/{ocid}"


@pytest.mark.parametrize("ocid", [f"{PREFIX}-{UUID(int=1)}", "ocds-other-1", "no-prefix"])
async def test_unknown_ocid_is_a_404_problem(
    http: httpx.AsyncClient, gateway: FakeCatalogueCommands, ocid: str,
) -> None:
    two_contracts(gateway.application)

    response = await http.get(f"/ocds/records/{ocid}")

    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["type"] == "OcdsRecordNotFoundError"
    assert ocid in problem["detail"] and f"{PREFIX}-<合同 ID>" in problem["detail"]


async def test_a_bad_cursor_is_refused(http: httpx.AsyncClient) -> None:
    response = await http.get("/ocds/releases", params={"cursor": "!!"})
    assert response.status_code == 422, response.text
    assert response.json()["type"] == "InvalidCursorError"


async def test_without_the_view_the_routes_answer_503(client: httpx.AsyncClient) -> None:
    for path in ("/ocds/releases", f"/ocds/records/ocds-govflow-{UUID(int=1)}"):
        response = await client.get(path)
        assert response.status_code == 503, response.text
        assert response.json()["type"] == "ServiceNotConfiguredError"
        assert "开放合同数据" in response.json()["detail"]


def test_ocid_prefix_setting_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("GOVFLOW_OCID_PREFIX", raising=False)
    assert Settings().ocid_prefix == "ocds-govflow"
    monkeypatch.setenv("GOVFLOW_OCID_PREFIX", PREFIX)
    assert Settings().ocid_prefix == PREFIX
    monkeypatch.setenv("GOVFLOW_OCID_PREFIX", "ocds jm/0001")
    with pytest.raises(ValidationError, match="ocid_prefix"):
        Settings()
