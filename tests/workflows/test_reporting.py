"""Quarterly reports (季度报告) and the reporting run, driven as the schedule and the HTTP API
drive them, on Temporal's time-skipping server and a real SQLite event store.

The module has a time-skipping server of its own, and each test starts on the first day
of a quarter of its own (01:00 China time, when the schedule runs): the report workflows'
ids follow from the department and the quarter.

The time-skipping server does not implement schedules (its ``CreateSchedule`` answers
"unimplemented"), so the schedule itself is tested on the dev server
(``test_reporting_schedule.py``); here the run is started as the schedule starts it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import Tracking
from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from domain.application import GovflowApplication
from domain.calendar import start_of_day
from domain.errors import OtherDepartmentError, RequiredFieldError, RoleNotAllowedError
from domain.reporting.acceptance import Conclusion, TaskScore, acceptance_review_id
from domain.reporting.commands import ScoreAcceptanceReview
from domain.reporting.errors import (
    AcceptanceReviewNotFoundError,
    AcceptanceScoreError,
    InvalidQuarterError,
    QuarterlyReportNotFoundError,
    ReportAlreadySubmittedError,
)
from domain.reporting.periods import Quarter
from domain.reporting.report import ReportStatus, quarterly_report_id
from projections.inbox import InboxProjection
from projections.registry import open_view
from projections.rows import InboxEntry
from tests.cases import COMMITTEE
from tests.seed import CZJ, MZJ
from tests.workflows.harness import notifications, start_time_skipping
from tests.workflows.record_reporting_history import (
    DUE_DAYS,
    REPORTERS,
    Reporting,
    officer,
    reporting_world,
)


@pytest.fixture(scope="module")
async def reporting_env() -> AsyncIterator[WorkflowEnvironment]:
    async with await start_time_skipping() as environment:
        yield environment


@pytest.fixture
async def reporting(reporting_env: WorkflowEnvironment,
                    app: GovflowApplication) -> AsyncIterator[Reporting]:
    async with reporting_world(reporting_env, app) as world:
        yield world


async def open_report(reporting: Reporting, department: str = MZJ) -> UUID:
    """A new quarter's report of ``department``, once its workflow has opened it (started
    alone: see ``Reporting.open_alone``)."""
    await reporting.next_quarter_starts()
    return await reporting.open_alone(department)


def committee_tasks(app: GovflowApplication, directory: Path, *, today: date
                    ) -> list[InboxEntry]:
    """The committee's inbox (待办), projected from everything recorded so far."""
    view = open_view(InboxProjection, uses_postgres=False, env={
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(directory / "inbox.sqlite3")})
    projection = InboxProjection(view=view)
    for notification in notifications(app):
        projection.process_event(app.mapper.to_domain_event(notification),
                                 Tracking(app.name, notification.id))
    return list(view.inbox(role="committee", scope=None, today=today, cursor=None,
                           limit=50).data)


# --- the run ---------------------------------------------------------------------------------


async def test_run_opens_a_report_per_department_due_after_the_due_days(
    reporting: Reporting,
) -> None:
    quarter = await reporting.next_quarter_starts()
    today = await reporting.today()

    run = await reporting.run()

    assert run.quarter == quarter
    assert [(r.department, r.report_id, r.opened) for r in run.reports] == [
        (department, quarterly_report_id(department, quarter), True) for department in REPORTERS]
    for department in REPORTERS:
        report_id = quarterly_report_id(department, quarter)
        report = reporting.app.get_quarterly_report(report_id)
        assert (report.opened_on, report.due_on) == (today, today + timedelta(days=DUE_DAYS))
        state = await reporting.until(report_id, lambda s: s.opened)
        assert (state.status, state.due_on) == (ReportStatus.OPEN, report.due_on)
        assert reporting.events(report_id) == ["Opened"]
    assert run.notification_id == reporting.position()


async def test_run_repeated_for_the_same_quarter_opens_nothing_new(
    reporting: Reporting,
) -> None:
    quarter = await reporting.next_quarter_starts()
    first = await reporting.run()
    runs = {r.report_id: (await reporting.handle(r.report_id).describe()).run_id
            for r in first.reports}
    position = reporting.position()

    again = await reporting.run(quarter.key)

    assert [r.report_id for r in again.reports] == [r.report_id for r in first.reports]
    assert [r.opened for r in again.reports] == [False, False]
    assert reporting.position() == position
    for report in again.reports:
        assert reporting.events(report.report_id) == ["Opened"]
        running = await reporting.handle(report.report_id).describe()
        assert (running.status, running.run_id) == (
            WorkflowExecutionStatus.RUNNING, runs[report.report_id])


async def test_run_on_new_years_day_reports_the_fourth_quarter_and_opens_the_reviews(
    reporting: Reporting,
) -> None:
    ended = await reporting.next_year_starts()

    run = await reporting.run()

    assert run.quarter == Quarter(ended.year, 4)
    assert [(r.department, r.review_id, r.opened) for r in run.acceptance_reviews] == [
        (department, acceptance_review_id(department, ended.year), True)
        for department in REPORTERS]
    review = reporting.app.get_acceptance_review(acceptance_review_id(MZJ, ended.year))
    assert (review.year, review.opened_on) == (ended.year, await reporting.today())

    position = reporting.position()
    again = await reporting.run()

    assert [r.opened for r in again.acceptance_reviews] == [False, False]
    assert reporting.position() == position


async def test_run_of_a_first_quarter_opens_no_acceptance_review(reporting: Reporting) -> None:
    await reporting.next_year_starts()
    first_quarter = await reporting.next_quarter_starts()

    run = await reporting.run()

    assert (run.quarter, run.acceptance_reviews) == (first_quarter, [])
    assert first_quarter.number == 1
    with pytest.raises(AcceptanceReviewNotFoundError):
        reporting.app.get_acceptance_review(acceptance_review_id(MZJ, first_quarter.year))


async def test_run_for_a_quarter_not_yet_over_is_refused(reporting: Reporting) -> None:
    await reporting.next_quarter_starts()
    current = Quarter.of(await reporting.today())
    position = reporting.position()

    with pytest.raises(InvalidQuarterError) as caught:
        await reporting.gateway.run_quarter(command_id=f"run-{uuid4()}", actor=COMMITTEE,
                                            quarter=current.key)

    assert f"{current.label}尚未结束（至 {current.last_day.isoformat()}）" in caught.value.detail
    assert reporting.position() == position


async def test_run_for_a_malformed_quarter_is_refused(reporting: Reporting) -> None:
    with pytest.raises(InvalidQuarterError, match="应写作 年份Q季度"):
        await reporting.gateway.run_quarter(command_id=f"run-{uuid4()}", actor=COMMITTEE,
                                            quarter="2026-4")


async def test_run_by_the_committee_is_recorded_as_its_and_a_repeat_is_answered(
    reporting: Reporting,
) -> None:
    ended = await reporting.next_quarter_starts()
    command_id = f"run-{uuid4()}"

    run = await reporting.gateway.run_quarter(command_id=command_id, actor=COMMITTEE)
    await reporting.settled(run)
    again = await reporting.gateway.run_quarter(command_id=command_id, actor=COMMITTEE)

    assert run.quarter == ended and all(r.opened for r in run.reports)
    assert not run.replayed and again.replayed and again.reports == run.reports
    report = reporting.app.get_quarterly_report(run.reports[0].report_id)
    assert report.opened_on == await reporting.today()


# --- a report's due date ---------------------------------------------------------------------


async def test_report_is_not_escalated_on_its_due_date_but_is_the_day_after(
    reporting: Reporting, tmp_path: Path,
) -> None:
    report_id = await open_report(reporting)
    due_on = reporting.app.get_quarterly_report(report_id).due_on
    day_after = start_of_day(due_on + timedelta(days=1))

    await reporting.sleep_until(day_after - timedelta(minutes=5))  # 23:55 on the due date

    assert reporting.events(report_id) == ["Opened"]
    assert (await reporting.state(report_id)).escalated_on is None

    await reporting.sleep_until(day_after + timedelta(minutes=1))

    escalated = await reporting.until(report_id, lambda s: s.escalated_on is not None)
    assert (escalated.escalated_on, escalated.status) == (
        due_on + timedelta(days=1), ReportStatus.OPEN)
    assert reporting.events(report_id) == ["Opened", "Escalated"]
    assert reporting.app.get_quarterly_report(report_id).late
    (task,) = committee_tasks(reporting.app, tmp_path, today=await reporting.today())
    assert (task.kind, task.entity_id, task.due_on, task.overdue) == (
        "report_escalation", report_id, due_on, True)


async def test_report_submitted_on_time_is_never_escalated(reporting: Reporting) -> None:
    report_id = await open_report(reporting)
    await reporting.save(report_id, "本季度完成目录编制 12 项")
    await reporting.sleep_until(await reporting.now() + timedelta(days=3))

    await reporting.submit(report_id)
    final = await reporting.handle(report_id).result()
    await reporting.sleep_until(await reporting.now() + timedelta(days=30))

    assert (final.status, final.narrative, final.escalated_on) == (
        ReportStatus.SUBMITTED, "本季度完成目录编制 12 项", None)
    assert final.submitted_on == await reporting.today() - timedelta(days=30)
    assert reporting.events(report_id) == ["Opened", "NarrativeSaved", "Submitted"]
    assert not reporting.app.get_quarterly_report(report_id).late


async def test_late_submission_after_escalation_ends_the_run(reporting: Reporting) -> None:
    report_id = await open_report(reporting)
    due_on = reporting.app.get_quarterly_report(report_id).due_on
    await reporting.sleep_until(start_of_day(due_on + timedelta(days=5)))
    await reporting.until(report_id, lambda s: s.escalated_on is not None)

    await reporting.submit(report_id, "逾期说明：人员调整，现补报")
    final = await reporting.handle(report_id).result()

    assert (final.status, final.submitted_on) == (ReportStatus.SUBMITTED, await reporting.today())
    assert (await reporting.handle(report_id).describe()).status == (
        WorkflowExecutionStatus.COMPLETED)
    assert reporting.events(report_id) == ["Opened", "Escalated", "Submitted"]
    assert reporting.app.get_quarterly_report(report_id).late


# --- the department's commands -----------------------------------------------------------------


async def test_commands_of_another_department_or_role_are_refused_before_history(
    reporting: Reporting,
) -> None:
    report_id = await open_report(reporting)
    position = reporting.position()

    with pytest.raises(OtherDepartmentError, match=f"您所在的部门为 {CZJ}，不能填写季度报告"):
        await reporting.save(report_id, "越权填写", department=CZJ)
    with pytest.raises(RoleNotAllowedError, match="角色 committee 不能提交季度报告"):
        await reporting.gateway.submit(report_id=report_id, command_id=f"s-{uuid4()}",
                                       actor=COMMITTEE, narrative="代为提交")
    with pytest.raises(RequiredFieldError, match="情况说明不能为空"):
        await reporting.submit(report_id)  # nothing saved, nothing given

    assert reporting.position() == position
    history = await reporting.handle(report_id).fetch_history()
    assert "越权填写" not in history.to_json()


async def test_submission_repeated_after_the_run_ended_is_answered_the_same(
    reporting: Reporting,
) -> None:
    report_id = await open_report(reporting)
    first = await reporting.gateway.submit(report_id=report_id, command_id="submit-once",
                                           actor=officer(), narrative="按期报送")
    await reporting.handle(report_id).result()

    again = await reporting.gateway.submit(report_id=report_id, command_id="submit-once",
                                           actor=officer(), narrative="按期报送")

    # The server may keep the update's outcome after the run ends; else the gateway answers
    # from the run's final state.  Either way: the first answer.
    assert replace(again, replayed=False) == first
    with pytest.raises(ReportAlreadySubmittedError, match="提交，不能再修改"):
        await reporting.save(report_id, "提交后修改")
    with pytest.raises(ReportAlreadySubmittedError, match="提交，不能再提交"):
        await reporting.submit(report_id, "再次提交")


async def test_command_on_a_report_never_opened_is_refused_as_not_found(
    reporting: Reporting,
) -> None:
    missing = uuid4()

    with pytest.raises(QuarterlyReportNotFoundError, match=f"没有编号为 {missing} 的季度报告"):
        await reporting.save(missing, "情况说明")


# --- the acceptance review ---------------------------------------------------------------------


async def test_score_acceptance_review_once_through_its_command_workflow(
    reporting: Reporting,
) -> None:
    ended = await reporting.next_year_starts()
    await reporting.run()
    review_id = acceptance_review_id(MZJ, ended.year)
    command = ScoreAcceptanceReview(
        command_id=f"score-{uuid4()}", actor=COMMITTEE, review_id=review_id,
        tasks=(TaskScore("目录编制", 92, "目录完整、按期公示"),
               TaskScore("职能转移", 87, "转移事项均有承接评估")),
        scored_on=await reporting.today())

    result = await reporting.gateway.score_acceptance(command)
    again = await reporting.gateway.score_acceptance(command)

    review = reporting.app.get_acceptance_review(review_id)
    assert (review.total, review.conclusion) == (90, Conclusion.EXCELLENT)
    assert again.replayed and again.version == result.version
    assert reporting.events(review_id) == ["Opened", "Scored"]


async def test_score_acceptance_review_out_of_range_is_refused(reporting: Reporting) -> None:
    ended = await reporting.next_year_starts()
    await reporting.run()
    position = reporting.position()

    with pytest.raises(AcceptanceScoreError, match="得分应在 0 至 100 之间，收到 101"):
        await reporting.gateway.score_acceptance(ScoreAcceptanceReview(
            command_id=f"score-{uuid4()}", actor=COMMITTEE,
            review_id=acceptance_review_id(MZJ, ended.year),
            tasks=(TaskScore("目录编制", 101, "超出满分"),), scored_on=await reporting.today()))

    assert reporting.position() == position
