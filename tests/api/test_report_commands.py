"""/quarterly-reports/{id}/narrative and /submit, /acceptance-reviews/{id}/score and
/reporting-runs: who may write, what is sent, and how refusals read (DESIGN.md §3.6).

Over a fake of the reporting port that runs the real domain in memory.  The app's clock
says 23 March 2027 in Jiangmen: the quarter that ended last is 2026Q4, whose reports were
due on 16 January.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from fastapi import FastAPI

from api.app import create_app
from api.auth import AuthConfig
from domain.actors import SYSTEM_ACTOR, Role
from domain.application import GovflowApplication
from domain.reporting.acceptance import Conclusion, acceptance_review_id
from domain.reporting.commands import (
    OpenAcceptanceReview,
    OpenQuarterlyReport,
    SaveReportNarrative,
    ScoreAcceptanceReview,
    SubmitQuarterlyReport,
)
from domain.reporting.periods import Quarter
from domain.reporting.report import ReportStatus, quarterly_report_id
from tests.api.fakes import FakeCatalogueCommands, FakeClock, FakeInbox, FakeViews
from tests.api.helpers import CZJ, MZJ, PROBLEM_JSON, READ_WAIT_SECONDS, Tokens, field_errors
from tests.api.registry_fakes import FakeRegistryCommands, FollowingRegisters
from tests.api.report_fakes import FakeReportingCommands

Q4 = Quarter(2026, 4)
TODAY = date(2027, 3, 23)
"""The app's clock in China (it is still 22 March in UTC)."""


@pytest.fixture
def reporting(gateway: FakeCatalogueCommands, clock: FakeClock) -> FakeReportingCommands:
    return FakeReportingCommands(gateway.application, clock)


@pytest.fixture
def app(
    gateway: FakeCatalogueCommands, views: FakeViews, inbox: FakeInbox, clock: FakeClock,
    auth_config: AuthConfig, registry: FakeRegistryCommands, registers: FollowingRegisters,
    reporting: FakeReportingCommands,
) -> FastAPI:
    return create_app(
        commands=gateway, catalogue=views, history=views, inbox=inbox, auth=auth_config,
        read_wait_seconds=READ_WAIT_SECONDS, clock=clock, registry=registry,
        departments=registers.departments, agencies=registers.agencies, reporting=reporting,
    )


@pytest.fixture
def application(gateway: FakeCatalogueCommands) -> GovflowApplication:
    return gateway.application


@pytest.fixture
def report(application: GovflowApplication) -> UUID:
    """民政局's 2026Q4 report, opened on 1 January by the schedule (due 16 January)."""
    report_id = quarterly_report_id(MZJ, Q4)
    application.open_quarterly_report(OpenQuarterlyReport(
        command_id="schedule:open", actor=SYSTEM_ACTOR, department=MZJ, quarter=Q4,
        opened_on=date(2027, 1, 1), due_days=15))
    return report_id


@pytest.fixture
def review(application: GovflowApplication) -> UUID:
    """民政局's acceptance review of 2026, opened on 1 January."""
    return application.open_acceptance_review(OpenAcceptanceReview(
        command_id="schedule:review", actor=SYSTEM_ACTOR, department=MZJ, year=2026,
        opened_on=date(2027, 1, 1))).aggregate_id


@pytest.fixture
def evaluator(tokens: Tokens) -> dict[str, str]:
    return tokens.headers(Role.EVALUATOR, str(uuid4()), user="wu.evaluator")


def problem(response: httpx.Response, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    found: dict[str, Any] = response.json()
    assert found["type"] == error
    return found


TASKS = [{"task": "目录编制", "score": 92, "findings": "目录完整、按期公示"},
         {"task": "职能转移", "score": 87, "findings": "转移事项均有承接评估"}]


# --- the department's narrative and submission -------------------------------------------


async def test_save_narrative_sends_the_command_and_answers_it(
    client: httpx.AsyncClient, officer: dict[str, str], report: UUID,
    reporting: FakeReportingCommands, application: GovflowApplication,
) -> None:
    response = await client.post(f"/quarterly-reports/{report}/narrative",
                                 json={"narrative": "本季度完成目录编制 12 项"}, headers=officer)

    assert response.status_code == 200, response.text
    accepted = response.json()
    assert set(accepted) == {"id", "code", "version", "notification_id"}
    assert (accepted["id"], accepted["version"]) == (str(report), 2)
    (command,) = reporting.commands
    assert isinstance(command, SaveReportNarrative)
    assert (command.report_id, command.actor.scope, command.narrative) == (
        report, MZJ, "本季度完成目录编制 12 项")
    assert application.get_quarterly_report(report).narrative == "本季度完成目录编制 12 项"


async def test_submit_with_the_saved_narrative_is_dated_today_in_china_and_late(
    client: httpx.AsyncClient, officer: dict[str, str], report: UUID,
    reporting: FakeReportingCommands, application: GovflowApplication,
) -> None:
    await client.post(f"/quarterly-reports/{report}/narrative",
                      json={"narrative": "逾期说明：人员调整"}, headers=officer)

    response = await client.post(f"/quarterly-reports/{report}/submit", json={},
                                 headers=officer)

    assert response.status_code == 200, response.text
    submitted = reporting.commands[-1]
    assert isinstance(submitted, SubmitQuarterlyReport)
    assert (submitted.narrative, submitted.submitted_on) == (None, TODAY)
    recorded = application.get_quarterly_report(report)
    assert (recorded.status, recorded.narrative, recorded.late) == (
        ReportStatus.SUBMITTED, "逾期说明：人员调整", True)


async def test_repeated_idempotency_key_returns_the_first_answer(
    client: httpx.AsyncClient, officer: dict[str, str], report: UUID,
    application: GovflowApplication,
) -> None:
    headers = {**officer, "Idempotency-Key": "narrative-1"}
    first = await client.post(f"/quarterly-reports/{report}/narrative",
                              json={"narrative": "初稿"}, headers=headers)
    position = application.recorder.max_notification_id()

    again = await client.post(f"/quarterly-reports/{report}/narrative",
                              json={"narrative": "初稿"}, headers=headers)

    assert again.status_code == 200
    assert (again.json()["id"], again.json()["version"]) == (
        first.json()["id"], first.json()["version"])
    assert application.recorder.max_notification_id() == position


async def test_another_departments_officer_is_refused_with_403(
    client: httpx.AsyncClient, other_officer: dict[str, str], report: UUID,
    application: GovflowApplication,
) -> None:
    position = application.recorder.max_notification_id()

    save = await client.post(f"/quarterly-reports/{report}/narrative",
                             json={"narrative": "越权填写"}, headers=other_officer)
    submit = await client.post(f"/quarterly-reports/{report}/submit",
                               json={"narrative": "越权提交"}, headers=other_officer)

    assert problem(save, 403, "OtherDepartmentError")["detail"] == (
        f"您所在的部门为 {CZJ}，不能填写季度报告：这是 {MZJ} 的2026年第4季度报告")
    assert problem(submit, 403, "OtherDepartmentError")["detail"].startswith(
        f"您所在的部门为 {CZJ}，不能提交季度报告")
    assert application.recorder.max_notification_id() == position


@pytest.mark.parametrize("path", ["narrative", "submit"])
async def test_evaluator_and_committee_may_not_write_a_report(
    client: httpx.AsyncClient, evaluator: dict[str, str], committee: dict[str, str],
    report: UUID, reporting: FakeReportingCommands, path: str,
) -> None:
    body = {"narrative": "代写"}

    by_evaluator = await client.post(f"/quarterly-reports/{report}/{path}", json=body,
                                     headers=evaluator)
    by_committee = await client.post(f"/quarterly-reports/{report}/{path}", json=body,
                                     headers=committee)

    assert "角色 evaluator 不能" in problem(by_evaluator, 403, "RoleNotAllowedError")["detail"]
    assert "角色 committee 不能" in problem(by_committee, 403, "RoleNotAllowedError")["detail"]
    assert reporting.commands == []


@pytest.mark.parametrize(("path", "body"), [
    ("/quarterly-reports/{report}/narrative", {"narrative": "匿名"}),
    ("/quarterly-reports/{report}/submit", {}),
    ("/acceptance-reviews/{report}/score", {"tasks": TASKS}),
    ("/reporting-runs", {}),
])
async def test_anonymous_writes_are_refused_with_401(
    client: httpx.AsyncClient, report: UUID, reporting: FakeReportingCommands, path: str,
    body: dict[str, Any],
) -> None:
    response = await client.post(path.format(report=report), json=body)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "此操作需要登录" in response.json()["detail"]
    assert reporting.commands == [] and reporting.runs == []


async def test_empty_narrative_is_refused_with_422_naming_the_field(
    client: httpx.AsyncClient, officer: dict[str, str], report: UUID,
) -> None:
    response = await client.post(f"/quarterly-reports/{report}/narrative",
                                 json={"narrative": "   "}, headers=officer)

    assert field_errors(response) == {"narrative": "情况说明不能为空；请填写情况说明"}
    assert response.json()["type"] == "RequiredFieldError"


async def test_submit_twice_is_refused_with_409(
    client: httpx.AsyncClient, officer: dict[str, str], report: UUID,
) -> None:
    await client.post(f"/quarterly-reports/{report}/submit", json={"narrative": "按期报送"},
                      headers=officer)

    again = await client.post(f"/quarterly-reports/{report}/submit",
                              json={"narrative": "再次提交"}, headers=officer)

    assert problem(again, 409, "ReportAlreadySubmittedError")["detail"] == (
        f"{MZJ} 的2026年第4季度报告已于 2027-03-23 提交，不能再提交")


async def test_unknown_report_is_refused_with_404(
    client: httpx.AsyncClient, officer: dict[str, str],
) -> None:
    missing = uuid4()

    response = await client.post(f"/quarterly-reports/{missing}/narrative",
                                 json={"narrative": "情况说明"}, headers=officer)

    assert problem(response, 404, "QuarterlyReportNotFoundError")["detail"] == (
        f"没有编号为 {missing} 的季度报告")


# --- the acceptance review -----------------------------------------------------------------


async def test_committee_scores_the_review_today(
    client: httpx.AsyncClient, committee: dict[str, str], review: UUID,
    reporting: FakeReportingCommands, application: GovflowApplication,
) -> None:
    response = await client.post(f"/acceptance-reviews/{review}/score", json={"tasks": TASKS},
                                 headers=committee)

    assert response.status_code == 200, response.text
    assert response.json()["id"] == str(review)
    (command,) = reporting.commands
    assert isinstance(command, ScoreAcceptanceReview)
    assert (command.scored_on, [t.task for t in command.tasks]) == (TODAY, ["目录编制", "职能转移"])
    scored = application.get_acceptance_review(review)
    assert (scored.total, scored.conclusion) == (90, Conclusion.EXCELLENT)


async def test_department_may_not_score_a_review(
    client: httpx.AsyncClient, officer: dict[str, str], review: UUID,
    reporting: FakeReportingCommands,
) -> None:
    response = await client.post(f"/acceptance-reviews/{review}/score", json={"tasks": TASKS},
                                 headers=officer)

    assert "角色 department 不能进行验收考核评分" in problem(
        response, 403, "RoleNotAllowedError")["detail"]
    assert reporting.commands == []


@pytest.mark.parametrize(("tasks", "field", "message"), [
    ([{"task": "目录编制", "score": 101, "findings": "超出满分"}], "tasks[0].score",
     "任务「目录编制」的得分应在 0 至 100 之间，收到 101"),
    ([], "tasks", "验收考核至少要对一项任务评分"),
    ([TASKS[0], {**TASKS[1], "task": "目录编制"}], "tasks[1].task",
     "任务「目录编制」重复评分；每项任务只评一次"),
    ([{"task": "职能转移", "score": 80, "findings": " "}], "tasks[0].findings",
     "任务「职能转移」的考核意见不能为空；请填写任务「职能转移」的考核意见"),
])
async def test_bad_scores_are_refused_with_422_in_chinese(
    client: httpx.AsyncClient, committee: dict[str, str], review: UUID,
    application: GovflowApplication, tasks: list[dict[str, Any]], field: str, message: str,
) -> None:
    response = await client.post(f"/acceptance-reviews/{review}/score", json={"tasks": tasks},
                                 headers=committee)

    assert field_errors(response) == {field: message}
    assert application.get_acceptance_review(review).total is None


async def test_scoring_a_review_twice_is_refused_with_409(
    client: httpx.AsyncClient, committee: dict[str, str], review: UUID,
) -> None:
    await client.post(f"/acceptance-reviews/{review}/score", json={"tasks": TASKS},
                      headers=committee)

    again = await client.post(f"/acceptance-reviews/{review}/score", json={"tasks": TASKS},
                              headers=committee)

    assert problem(again, 409, "AcceptanceAlreadyScoredError")["detail"] == (
        f"{MZJ} 的 2026 年度验收考核已于 2027-03-23 评分（90 分，优秀），不能重复评分")


# --- reporting runs ------------------------------------------------------------------------


async def test_reporting_run_opens_last_quarters_reports_and_the_years_reviews(
    client: httpx.AsyncClient, committee: dict[str, str], reporting: FakeReportingCommands,
    application: GovflowApplication,
) -> None:
    response = await client.post("/reporting-runs", json={}, headers=committee)

    assert response.status_code == 200, response.text
    run = response.json()
    assert (run["quarter"], run["quarter_label"]) == ("2026Q4", "2026年第4季度")
    assert run["reports"] == [
        {"department": d, "report_id": str(quarterly_report_id(d, Q4)), "opened": True}
        for d in (MZJ, CZJ)]
    assert run["acceptance_reviews"] == [
        {"department": d, "review_id": str(acceptance_review_id(d, 2026)), "opened": True}
        for d in (MZJ, CZJ)]
    assert run["notification_id"] == application.recorder.max_notification_id()
    (sent,) = reporting.runs
    assert (sent["quarter"], sent["actor"].role) == (None, Role.COMMITTEE)

    again = await client.post("/reporting-runs", json={"quarter": "2026Q4"}, headers=committee)

    assert [r["opened"] for r in again.json()["reports"]] == [False, False]


async def test_reporting_run_for_a_quarter_not_over_is_refused_with_422(
    client: httpx.AsyncClient, committee: dict[str, str],
) -> None:
    response = await client.post("/reporting-runs", json={"quarter": "2027Q1"},
                                 headers=committee)

    assert field_errors(response) == {"quarter": (
        "2027年第1季度尚未结束（至 2027-03-31）；季度报告在季度结束后开启，今天是 2027-03-23")}


async def test_reporting_run_for_a_malformed_quarter_is_refused_with_422(
    client: httpx.AsyncClient, committee: dict[str, str],
) -> None:
    response = await client.post("/reporting-runs", json={"quarter": "2026年4季度"},
                                 headers=committee)

    assert field_errors(response) == {
        "quarter": "季度「2026年4季度」的格式不对；应写作 年份Q季度，如 2026Q3"}


async def test_reporting_run_by_a_department_is_refused_with_403(
    client: httpx.AsyncClient, officer: dict[str, str], reporting: FakeReportingCommands,
) -> None:
    response = await client.post("/reporting-runs", json={}, headers=officer)

    assert "角色 department 不能开启季度报告" in problem(
        response, 403, "RoleNotAllowedError")["detail"]
    assert reporting.runs == []


# --- without the service ---------------------------------------------------------------------


async def test_without_the_reporting_service_the_writes_answer_503(
    gateway: FakeCatalogueCommands, views: FakeViews, inbox: FakeInbox, clock: FakeClock,
    auth_config: AuthConfig, registry: FakeRegistryCommands, registers: FollowingRegisters,
    officer: dict[str, str], committee: dict[str, str], report: UUID,
) -> None:
    bare = create_app(
        commands=gateway, catalogue=views, history=views, inbox=inbox, auth=auth_config,
        read_wait_seconds=READ_WAIT_SECONDS, clock=clock, registry=registry,
        departments=registers.departments, agencies=registers.agencies)
    transport = httpx.ASGITransport(app=bare)
    async with httpx.AsyncClient(transport=transport, base_url="http://govflow.test") as client:
        write = await client.post(f"/quarterly-reports/{report}/narrative",
                                  json={"narrative": "情况说明"}, headers=officer)
        run = await client.post("/reporting-runs", json={}, headers=committee)

    assert problem(write, 503, "ServiceNotConfiguredError")["detail"].startswith(
        "本系统尚未启用季度报告与验收考核服务")
    problem(run, 503, "ServiceNotConfiguredError")
