"""/quarterly-reports, /city-reports, /acceptance-reviews: who may read them, what they show
(figures with Chinese labels, money in fen and in yuan), the ``.xlsx`` downloads opened back
(Chinese headers, the same figures as the JSON), and the problems of a bad request.

The reporting view is the real one, on SQLite, following the in-memory application the
test writes to (events are timestamped now: the quarter under test is today's in China).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast
from uuid import UUID, uuid4

import httpx
import pytest
from eventsourcing.persistence import Tracking
from fastapi import FastAPI
from openpyxl import load_workbook

from api.app import create_app
from api.auth import AuthConfig
from domain.actors import SYSTEM_ACTOR, Role
from domain.application import GovflowApplication
from domain.calendar import china_date
from domain.purchase.commands import ApprovePayment, ReportDelivery, ReviewDelivery
from domain.reporting.acceptance import TaskScore
from domain.reporting.commands import (
    OpenAcceptanceReview,
    OpenQuarterlyReport,
    ScoreAcceptanceReview,
    SubmitQuarterlyReport,
)
from domain.reporting.figures import FIGURES
from domain.reporting.periods import Quarter
from projections.registry import open_view
from projections.report_rows import (
    AcceptanceReviewRow,
    CityReport,
    QuarterlyReportRow,
    ReportFilter,
)
from projections.reporting import ReportingProjection, ReportingView
from projections.rows import InboxEntry, Page
from projections.views import APPLICATION_NAME
from tests.api.fakes import FakeCatalogueCommands, FakeClock, FakeInbox, FakeViews
from tests.api.helpers import CZJ, MZJ, PROBLEM_JSON, READ_WAIT_SECONDS, Tokens
from tests.api.registry_fakes import FakeRegistryCommands, FollowingRegisters
from tests.api.spreadsheets import XLSX
from tests.cases import COMMITTEE, FINANCE, Cases, officer, provider

PJQ = "440703-MZJ"


class FollowingReports:
    """The reporting view (a ``ReportReader``), brought up to the log before every read."""

    def __init__(self, application: GovflowApplication, path: Path) -> None:
        env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}
        self.application = application
        self.projection = ReportingProjection(
            view=open_view(ReportingProjection, env=env, uses_postgres=False))
        self.view: ReportingView = self.projection.view

    def _read(self) -> ReportingView:
        position = self.view.max_tracking_id(APPLICATION_NAME) or 0
        for notification in self.application.recorder.select_notifications(
            start=position, limit=10_000, inclusive_of_start=False
        ):
            self.projection.process_event(self.application.mapper.to_domain_event(notification),
                                          Tracking(APPLICATION_NAME, notification.id))
        return self.view

    def caught_up(self, notification_id: int, timeout: float) -> bool:
        return self._read().caught_up(notification_id, timeout)

    def figures(self, department: str, quarter: Quarter) -> dict[str, int]:
        return self._read().figures(department, quarter)

    def get_report(self, report_id: UUID) -> QuarterlyReportRow | None:
        return self._read().get_report(report_id)

    def list_reports(self, filters: ReportFilter, *, cursor: str | None, limit: int
                     ) -> Page[QuarterlyReportRow]:
        return self._read().list_reports(filters, cursor=cursor, limit=limit)

    def city_report(self, quarter: Quarter) -> CityReport:
        return self._read().city_report(quarter)

    def get_acceptance_review(self, review_id: UUID) -> AcceptanceReviewRow | None:
        return self._read().get_acceptance_review(review_id)

    def list_acceptance_reviews(
        self, *, year: int | None, department: str | None, cursor: str | None, limit: int,
    ) -> Page[AcceptanceReviewRow]:
        return self._read().list_acceptance_reviews(year=year, department=department,
                                                    cursor=cursor, limit=limit)


@pytest.fixture
def reports(gateway: FakeCatalogueCommands, tmp_path: Path) -> Iterator[FollowingReports]:
    following = FollowingReports(gateway.application, tmp_path / "reporting.sqlite3")
    yield following
    following.view.close()


@pytest.fixture
def app(
    gateway: FakeCatalogueCommands, views: FakeViews, inbox: FakeInbox, clock: FakeClock,
    auth_config: AuthConfig, registry: FakeRegistryCommands, registers: FollowingRegisters,
    reports: FollowingReports,
) -> FastAPI:
    return create_app(
        commands=gateway, catalogue=views, history=views, inbox=inbox, auth=auth_config,
        read_wait_seconds=READ_WAIT_SECONDS, clock=clock, registry=registry,
        departments=registers.departments, agencies=registers.agencies, report_views=reports,
    )


def this_quarter() -> Quarter:
    return Quarter.of(china_date(datetime.now(UTC)))


@dataclass
class World:
    """A quarter's work of 江门市民政局 and 蓬江区民政局, their reports and reviews."""

    quarter: Quarter
    mine: UUID
    """江门市民政局's report of this quarter, submitted."""
    other: UUID
    """江门市财政局's report of this quarter, open."""
    review: UUID
    """江门市民政局's 2025 acceptance review, scored."""
    other_review: UUID


@pytest.fixture
def world(gateway: FakeCatalogueCommands) -> World:
    app = gateway.application
    cases = Cases(app, prefix="report-api")
    centre = cases.organization()
    contract = cases.contract(cases.decided_item("购买服务", name="居家养老服务"), centre)
    app.report_delivery(ReportDelivery("report-api:deliver", provider(centre), contract, "M1",
                                       "已完成", date(2027, 3, 30)))
    app.review_delivery(ReviewDelivery("report-api:accept", officer(MZJ), contract, "M1", True,
                                       "合格", date(2027, 4, 1)))
    app.approve_payment(ApprovePayment("report-api:pay", FINANCE, contract, "M1", 1_234_567,
                                       date(2027, 4, 2)))
    cases.decided_item("转移", department=PJQ, name="社区志愿服务", budget_fen=0)
    quarter = this_quarter()
    opened_on = china_date(datetime.now(UTC))

    def open_report(department: str) -> UUID:
        return app.open_quarterly_report(OpenQuarterlyReport(
            f"report-api:open:{department}", SYSTEM_ACTOR, department, quarter, opened_on,
            15)).aggregate_id

    mine, other = open_report(MZJ), open_report(CZJ)
    app.submit_quarterly_report(SubmitQuarterlyReport(
        "report-api:submit", officer(MZJ), mine, opened_on, "本季度完成目录编制和合同签订"))

    def review_of(department: str, *scores: int) -> UUID:
        review = app.open_acceptance_review(OpenAcceptanceReview(
            f"report-api:review:{department}", SYSTEM_ACTOR, department, 2025,
            date(2026, 1, 1))).aggregate_id
        if scores:
            app.score_acceptance_review(ScoreAcceptanceReview(
                f"report-api:score:{department}", COMMITTEE, review,
                tuple(TaskScore(f"任务{n}", score, "按期完成")
                      for n, score in enumerate(scores, start=1)), date(2026, 1, 15)))
        return review

    return World(quarter, mine, other, review_of(MZJ, 92, 88), review_of(CZJ))


@pytest.fixture
def pjq_officer(tokens: Tokens) -> dict[str, str]:
    return tokens.headers(Role.DEPARTMENT, PJQ, user="lin.pjq")


def problem(response: httpx.Response, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    found: dict[str, Any] = response.json()
    assert found["type"] == error, found
    return found


def json_of(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    return cast(dict[str, Any], response.json())


def sheet_rows(response: httpx.Response) -> list[tuple[Any, ...]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    workbook = load_workbook(io.BytesIO(response.content))
    (sheet,) = workbook.worksheets
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def by_key(figures: list[dict[str, Any]]) -> dict[str, int]:
    return {f["key"]: f["value"] for f in figures}


# --- a quarterly report -------------------------------------------------------------------------


async def test_committee_reads_a_report_with_its_figures_labelled_and_money_in_yuan(
    client: httpx.AsyncClient, committee: dict[str, str], world: World,
    reports: FollowingReports,
) -> None:
    shown = json_of(await client.get(f"/quarterly-reports/{world.mine}", headers=committee))

    assert (shown["department"], shown["department_name"], shown["quarter_key"],
            shown["quarter_label"], shown["status"], shown["narrative"], shown["late"]) == (
        MZJ, "江门市民政局", world.quarter.key, world.quarter.label, "已提交",
        "本季度完成目录编制和合同签订", False)
    assert shown["title"] == f"江门市民政局 {world.quarter.label}工作报告"
    assert [(f["key"], f["label"], f["money"]) for f in shown["figures"]] == [
        (f.key, f.label, f.money) for f in FIGURES]
    assert by_key(shown["figures"]) == reports.view.figures(MZJ, world.quarter)
    figures = {f["key"]: f for f in shown["figures"]}
    assert (figures["contracts_awarded"]["value"], figures["decided_purchase"]["value"]) == (
        1, 1)
    assert (figures["amount_committed_fen"]["value"], figures["amount_committed_fen"]["yuan"],
            figures["amount_paid_fen"]["value"], figures["amount_paid_fen"]["yuan"]) == (
        30_000_000, "300,000.00", 1_234_567, "12,345.67")
    assert figures["items_catalogued"]["yuan"] is None


async def test_department_reads_its_own_report_and_no_other(
    client: httpx.AsyncClient, officer: dict[str, str], other_officer: dict[str, str],
    finance: dict[str, str], world: World,
) -> None:
    mine = await client.get(f"/quarterly-reports/{world.mine}", headers=officer)
    assert json_of(mine)["department"] == MZJ

    refused = problem(await client.get(f"/quarterly-reports/{world.mine}",
                                       headers=other_officer), 403, "OtherDepartmentError")
    assert "440700-CZJ" in refused["detail"] and MZJ in refused["detail"]
    problem(await client.get(f"/quarterly-reports/{world.mine}/report.xlsx",
                             headers=other_officer), 403, "OtherDepartmentError")
    problem(await client.get(f"/quarterly-reports/{world.mine}", headers=finance), 403,
            "RoleNotAllowedError")


async def test_reports_are_not_public(client: httpx.AsyncClient, world: World) -> None:
    for path in (f"/quarterly-reports/{world.mine}", f"/quarterly-reports/{world.mine}/report.xlsx",
                 "/quarterly-reports", f"/city-reports/{world.quarter.key}",
                 f"/city-reports/{world.quarter.key}/report.xlsx", "/acceptance-reviews",
                 f"/acceptance-reviews/{world.review}", f"/departments/{MZJ}/acceptance-reviews"):
        response = await client.get(path)
        assert response.status_code == 401, path
        assert response.headers["content-type"] == PROBLEM_JSON


async def test_unknown_report_is_a_404_problem(
    client: httpx.AsyncClient, committee: dict[str, str], world: World,
) -> None:
    unknown = uuid4()
    for path in (f"/quarterly-reports/{unknown}", f"/quarterly-reports/{unknown}/report.xlsx"):
        found = problem(await client.get(path, headers=committee), 404,
                        "QuarterlyReportNotFoundError")
        assert str(unknown) in found["detail"]


async def test_list_reports_committee_all_department_its_own(
    client: httpx.AsyncClient, committee: dict[str, str], officer: dict[str, str],
    world: World,
) -> None:
    every = json_of(await client.get("/quarterly-reports", headers=committee))
    assert [r["id"] for r in every["data"]] == [str(world.other), str(world.mine)]
    assert "figures" not in every["data"][0]

    own = json_of(await client.get("/quarterly-reports", headers=officer))
    assert [r["id"] for r in own["data"]] == [str(world.mine)]
    open_ones = json_of(await client.get("/quarterly-reports", headers=committee,
                                         params={"status": "待提交"}))
    assert [r["department"] for r in open_ones["data"]] == [CZJ]
    paged = json_of(await client.get("/quarterly-reports", headers=committee,
                                     params={"limit": 1}))
    rest = json_of(await client.get("/quarterly-reports", headers=committee,
                                    params={"limit": 1, "cursor": paged["next_cursor"]}))
    assert [r["id"] for r in paged["data"] + rest["data"]] == [str(world.other), str(world.mine)]
    assert rest["next_cursor"] is None
    problem(await client.get("/quarterly-reports", headers=officer,
                             params={"department": CZJ}), 403, "OtherDepartmentError")
    problem(await client.get("/quarterly-reports", headers=committee,
                             params={"quarter": 5}), 422, "RequestValidationError")


async def test_report_downloads_as_xlsx_with_the_figures_of_the_json(
    client: httpx.AsyncClient, officer: dict[str, str], world: World,
) -> None:
    shown = json_of(await client.get(f"/quarterly-reports/{world.mine}", headers=officer))

    response = await client.get(f"/quarterly-reports/{world.mine}/report.xlsx",
                                headers=officer)

    rows = sheet_rows(response)
    assert "attachment" in response.headers["content-disposition"]
    assert ".xlsx" in response.headers["content-disposition"]
    assert rows[0] == ("指标", "数值")
    figure_rows = rows[1:1 + len(FIGURES)]
    assert [label for label, _ in figure_rows] == [f.label for f in FIGURES]
    for figure, (_, value) in zip(shown["figures"], figure_rows, strict=True):
        written = round(value * 100) if figure["money"] else value
        assert written == figure["value"], figure["label"]
    particulars = {row[0]: row[1] for row in rows[1 + len(FIGURES):] if row[0]}
    assert particulars["部门"] == f"江门市民政局（{MZJ}）"
    assert particulars["报告期"] == world.quarter.label
    assert particulars["状态"] == "已提交"
    assert particulars["是否逾期"] == "否"
    assert particulars["情况说明"] == "本季度完成目录编制和合同签订"


# --- the city report ----------------------------------------------------------------------------


async def test_city_report_rows_add_up_with_pilot_districts_flagged(
    client: httpx.AsyncClient, committee: dict[str, str], world: World,
) -> None:
    shown = json_of(await client.get(f"/city-reports/{world.quarter.key}", headers=committee))

    assert (shown["quarter_key"], shown["quarter_label"]) == (world.quarter.key,
                                                              world.quarter.label)
    assert [c["label"] for c in shown["columns"]] == [f.label for f in FIGURES]
    assert [(r["region_name"], r["pilot"], r["pilot_label"], r["departments"])
            for r in shown["regions"]] == [("江门市", False, None, 2), ("蓬江区", True, "试点", 1),
                                           ("台山市", True, "试点", 0)]
    assert [d["department"] for d in shown["departments"]] == [CZJ, MZJ, PJQ]
    total = by_key(shown["total"])
    assert total == {key: sum(by_key(r["figures"])[key] for r in shown["regions"])
                     for key in total}
    assert total == {key: sum(by_key(d["figures"])[key] for d in shown["departments"])
                     for key in total}
    pjq = next(r for r in shown["regions"] if r["region_name"] == "蓬江区")
    assert by_key(pjq["figures"])["decided_transfer"] == 1
    assert (total["contracts_awarded"], total["amount_committed_fen"]) == (1, 30_000_000)
    money = {f["key"]: f["yuan"] for f in shown["total"] if f["money"]}
    assert money == {"amount_committed_fen": "300,000.00", "amount_paid_fen": "12,345.67"}


async def test_city_report_is_the_committees_only(
    client: httpx.AsyncClient, officer: dict[str, str], finance: dict[str, str], world: World,
) -> None:
    for headers in (officer, finance):
        problem(await client.get(f"/city-reports/{world.quarter.key}", headers=headers), 403,
                "RoleNotAllowedError")
        problem(await client.get(f"/city-reports/{world.quarter.key}/report.xlsx",
                                 headers=headers), 403, "RoleNotAllowedError")


@pytest.mark.parametrize("key", ["2026Q5", "2026-Q3", "Q3"])
async def test_bad_quarter_key_is_a_422_problem(
    client: httpx.AsyncClient, committee: dict[str, str], key: str,
) -> None:
    for path in (f"/city-reports/{key}", f"/city-reports/{key}/report.xlsx"):
        found = problem(await client.get(path, headers=committee), 422, "InvalidQuarterError")
        assert "2026Q3" in found["detail"] or "季度" in found["detail"]


async def test_city_report_downloads_as_xlsx_with_subtotals_and_the_city_total(
    client: httpx.AsyncClient, committee: dict[str, str], world: World,
) -> None:
    shown = json_of(await client.get(f"/city-reports/{world.quarter.key}", headers=committee))

    rows = sheet_rows(await client.get(f"/city-reports/{world.quarter.key}/report.xlsx",
                                       headers=committee))

    assert rows[0] == ("地区", "部门", "是否试点", *(f.label for f in FIGURES))
    assert [row[:3] for row in rows[1:]] == [
        ("江门市", "江门市财政局", "否"), ("江门市", "江门市民政局", "否"),
        ("江门市", "小计", "否"),
        ("蓬江区", "蓬江区民政局", "是"), ("蓬江区", "小计", "是"),
        ("台山市", "小计", "是"), ("全市合计", None, None)]

    def written(row: tuple[Any, ...]) -> dict[str, int]:
        return {f.key: round(value * 100) if f.money else value
                for f, value in zip(FIGURES, row[3:], strict=True)}

    assert written(rows[-1]) == by_key(shown["total"])
    assert written(rows[2]) == by_key(shown["departments"][1]["figures"])  # 江门市民政局
    assert written(rows[3]) == by_key(shown["regions"][0]["figures"])  # 江门市 小计
    assert written(rows[6]) == by_key(shown["regions"][2]["figures"])  # 台山市: zeros
    workbook = load_workbook(io.BytesIO((await client.get(
        f"/city-reports/{world.quarter.key}/report.xlsx", headers=committee)).content))
    money_column = 3 + [f.key for f in FIGURES].index("amount_committed_fen") + 1
    assert workbook.worksheets[0].cell(row=len(rows), column=money_column).number_format == (
        "#,##0.00")


# --- acceptance reviews -------------------------------------------------------------------------


async def test_acceptance_review_shows_its_tasks_total_and_conclusion(
    client: httpx.AsyncClient, officer: dict[str, str], world: World,
) -> None:
    shown = json_of(await client.get(f"/acceptance-reviews/{world.review}", headers=officer))

    assert (shown["department_name"], shown["year"], shown["status"], shown["total"],
            shown["conclusion"], shown["scored_on"]) == (
        "江门市民政局", 2025, "已评分", 90, "优秀", "2026-01-15")
    assert shown["tasks"] == [{"task": "任务1", "score": 92, "findings": "按期完成"},
                              {"task": "任务2", "score": 88, "findings": "按期完成"}]


async def test_acceptance_reviews_committee_all_department_its_own_record(
    client: httpx.AsyncClient, committee: dict[str, str], officer: dict[str, str],
    other_officer: dict[str, str], world: World,
) -> None:
    every = json_of(await client.get("/acceptance-reviews", headers=committee,
                                     params={"year": 2025}))
    assert [r["id"] for r in every["data"]] == [str(world.other_review), str(world.review)]
    own = json_of(await client.get("/acceptance-reviews", headers=officer))
    assert [r["id"] for r in own["data"]] == [str(world.review)]
    record = json_of(await client.get(f"/departments/{MZJ}/acceptance-reviews",
                                      headers=officer))
    assert [(r["year"], r["conclusion"]) for r in record["data"]] == [(2025, "优秀")]
    by_committee = json_of(await client.get(f"/departments/{CZJ}/acceptance-reviews",
                                            headers=committee))
    assert [(r["status"], r["total"]) for r in by_committee["data"]] == [("待评分", None)]

    problem(await client.get(f"/acceptance-reviews/{world.review}", headers=other_officer),
            403, "OtherDepartmentError")
    problem(await client.get(f"/departments/{MZJ}/acceptance-reviews", headers=other_officer),
            403, "OtherDepartmentError")
    problem(await client.get("/acceptance-reviews", headers=officer,
                             params={"department": CZJ}), 403, "OtherDepartmentError")
    problem(await client.get(f"/acceptance-reviews/{uuid4()}", headers=committee), 404,
            "AcceptanceReviewNotFoundError")
    problem(await client.get("/departments/440700-XXX/acceptance-reviews", headers=committee),
            404, "DepartmentNotFoundError")


# --- without the view, and from the inbox -------------------------------------------------------


async def test_reports_answer_503_when_the_view_is_not_configured(
    gateway: FakeCatalogueCommands, views: FakeViews, inbox: FakeInbox, clock: FakeClock,
    auth_config: AuthConfig, registry: FakeRegistryCommands, registers: FollowingRegisters,
    committee: dict[str, str],
) -> None:
    bare = create_app(
        commands=gateway, catalogue=views, history=views, inbox=inbox, auth=auth_config,
        read_wait_seconds=READ_WAIT_SECONDS, clock=clock, registry=registry,
        departments=registers.departments, agencies=registers.agencies)
    transport = httpx.ASGITransport(app=bare)
    async with httpx.AsyncClient(transport=transport, base_url="http://govflow.test") as client:
        assert (await client.get("/quarterly-reports", headers=committee)).status_code == 503
        assert (await client.get("/city-reports/2026Q3", headers=committee)).status_code == 503
        assert (await client.get("/acceptance-reviews")).status_code == 401


async def test_inbox_tasks_link_to_the_report_and_the_review(
    client: httpx.AsyncClient, inbox: FakeInbox, officer: dict[str, str],
    committee: dict[str, str], world: World,
) -> None:
    since = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
    common: dict[str, Any] = {"since": since, "due_soon_on": None, "reminded": False,
                              "due_soon": False, "overdue": False}
    inbox.add(InboxEntry(
        entry_id=f"{world.other}:submit_report", role="department", scope=MZJ,
        kind="submit_report", kind_label="提交季度报告", title="报告",
        entity_type="quarterly_report", entity_id=world.mine, code="440700-MZJ-2026Q4",
        due_on=date(2026, 10, 16), **common))
    inbox.add(InboxEntry(
        entry_id=f"{world.review}:acceptance_review", role="committee", scope=None,
        kind="acceptance_review", kind_label="年度验收考核", title="考核",
        entity_type="acceptance_review", entity_id=world.review, code="440700-MZJ-2025",
        due_on=None, **common))

    (task,) = json_of(await client.get("/inbox", headers=officer))["data"]
    (review,) = json_of(await client.get("/inbox", headers=committee))["data"]

    assert task["link"] == f"/quarterly-reports/{world.mine}"
    assert review["link"] == f"/acceptance-reviews/{world.review}"
    assert json_of(await client.get(task["link"], headers=officer))["id"] == str(world.mine)
    assert json_of(await client.get(review["link"], headers=committee))["total"] == 90
