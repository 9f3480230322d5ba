"""The ``quarterly-reporting`` schedule, on Temporal's dev server.

Temporal's time-skipping test server does not implement schedules (``CreateSchedule``
answers "unimplemented"), so the schedule cannot be skipped across a quarter there.
Here, on the real dev server (wall-clock time), the tests show what the schedule will do:
its next run times across the year end, that creating it twice leaves one schedule, that
new settings reach it, and — with a worker — that a run the schedule starts reports the
quarter it was scheduled for: one backfilled at 01:00 on 1 January reports the fourth
quarter of the year before and opens that year's acceptance reviews.  The runs themselves
(across a quarter and a year end, and the reports' due dates) are tested on the
time-skipping server in ``test_reporting.py``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import suppress
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from temporalio.client import (
    ScheduleActionExecutionStartWorkflow,
    ScheduleActionStartWorkflow,
    ScheduleBackfill,
    ScheduleHandle,
    ScheduleOverlapPolicy,
)
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from domain.application import GovflowApplication
from domain.calendar import CHINA_TZ, china_date
from domain.reporting.acceptance import acceptance_review_id
from domain.reporting.periods import Quarter
from domain.reporting.report import ReportStatus, quarterly_report_id
from govflow.temporal_server import DYNAMIC_CONFIG, temporal_binary
from tests.seed import CZJ, MZJ, register_departments
from tests.workflows.harness import running_worker
from tests.workflows.record_reporting_history import at_one_am, officer
from workflows.converter import DATA_CONVERTER
from workflows.quarterly_report import QuarterlyReportWorkflow
from workflows.reporting_calendar import DEFAULT_REPORTING_CALENDAR, ReportingCalendar
from workflows.reporting_gateway import ReportingGateway
from workflows.reporting_messages import (
    ReportingRun,
    ReportingRunInput,
    ReportState,
    quarterly_report_workflow_id,
)
from workflows.reporting_run import ReportingRunWorkflow
from workflows.reporting_schedule import REPORTING_SCHEDULE_ID, ensure_reporting_schedule

DEFAULT = ReportingCalendar.parse(DEFAULT_REPORTING_CALENDAR)


@pytest.fixture(scope="module")
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    extra: list[str] = []
    for value in DYNAMIC_CONFIG:
        extra += ["--dynamic-config-value", value]
    async with await WorkflowEnvironment.start_local(
        data_converter=DATA_CONVERTER, dev_server_existing_path=temporal_binary(),
        dev_server_extra_args=extra, dev_server_log_level="error",
    ) as environment:
        yield environment


@pytest.fixture
async def schedules(dev_env: WorkflowEnvironment) -> AsyncIterator[WorkflowEnvironment]:
    """The dev server, without the schedule after the test."""
    yield dev_env
    with suppress(RPCError):  # never created
        await dev_env.client.get_schedule_handle(REPORTING_SCHEDULE_ID).delete()


def quarter_starts_after(moment: datetime, *, count: int, day: int = 1, hour: int = 1,
                         minute: int = 0) -> list[datetime]:
    """The next ``count`` quarter days (``day`` of Jan/Apr/Jul/Oct, China time) after
    ``moment``, in UTC."""
    found: list[datetime] = []
    quarter = Quarter.of(china_date(moment))
    while len(found) < count:
        at = datetime(quarter.year, quarter.first_day.month, day, hour, minute,
                      tzinfo=CHINA_TZ).astimezone(UTC)
        if at > moment:
            found.append(at)
        quarter = quarter.next()
    return found


async def run_input(handle: ScheduleHandle) -> tuple[ScheduleActionStartWorkflow, Any]:
    description = await handle.describe()
    action = description.schedule.action
    assert isinstance(action, ScheduleActionStartWorkflow)
    (arg,) = DATA_CONVERTER.payload_converter.from_payloads(list(action.args),
                                                            [ReportingRunInput])
    return action, arg


async def test_ensure_schedule_twice_leaves_one_schedule_running_on_quarter_days(
    schedules: WorkflowEnvironment,
) -> None:
    client = schedules.client

    await ensure_reporting_schedule(client, task_queue="govflow", calendar=DEFAULT, due_days=15)
    handle = await ensure_reporting_schedule(client, task_queue="govflow", calendar=DEFAULT,
                                             due_days=15)

    description = await handle.describe()
    now = datetime.now(UTC)
    assert list(description.info.next_action_times[:5]) == quarter_starts_after(now, count=5)
    # Across the year end: 01:00 on 1 January in Jiangmen is 17:00 UTC on 31 December.
    new_year = next(t for t in description.info.next_action_times if t.month == 12)
    assert (new_year.day, new_year.hour) == (31, 17)
    assert description.schedule.spec.time_zone_name == "Asia/Shanghai"
    assert description.schedule.policy.overlap is ScheduleOverlapPolicy.BUFFER_ALL
    action, arg = await run_input(handle)
    assert (action.workflow, action.task_queue, arg) == (
        "ReportingRunWorkflow", "govflow", ReportingRunInput(due_days=15))
    assert await _schedule_ids(schedules) == [REPORTING_SCHEDULE_ID]


async def test_ensure_schedule_takes_new_settings_and_keeps_it_paused(
    schedules: WorkflowEnvironment,
) -> None:
    client = schedules.client
    handle = await ensure_reporting_schedule(client, task_queue="govflow", calendar=DEFAULT,
                                             due_days=15)
    await handle.pause(note="年底系统维护，暂停开启季度报告")

    await ensure_reporting_schedule(
        client, task_queue="govflow-2", due_days=20,
        calendar=ReportingCalendar.parse("01-02,04-02,07-02,10-02 08:30"))

    description = await handle.describe()
    assert description.schedule.state.paused
    assert description.schedule.state.note == "年底系统维护，暂停开启季度报告"
    assert list(description.info.next_action_times[:4]) == quarter_starts_after(
        datetime.now(UTC), count=4, day=2, hour=8, minute=30)
    action, arg = await run_input(handle)
    assert (action.task_queue, arg.due_days) == ("govflow-2", 20)


async def test_scheduled_run_on_new_years_day_reports_the_fourth_quarter(
    schedules: WorkflowEnvironment, tmp_path: Path,
) -> None:
    """Backfilled as if 01:00 on 1 January had just passed: the run reports the quarter
    before its scheduled time, not before now."""
    app = GovflowApplication({"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                              "SQLITE_DBNAME": str(tmp_path / "events.sqlite3")})
    register_departments(app, MZJ, CZJ)
    new_year = at_one_am(date(china_date(datetime.now(UTC)).year, 1, 1))
    q4 = Quarter(new_year.year - 1, 4)
    async with running_worker(schedules, app) as task_queue:
        handle = await ensure_reporting_schedule(schedules.client, task_queue=task_queue,
                                                 calendar=DEFAULT, due_days=15)

        await handle.backfill(ScheduleBackfill(start_at=new_year - timedelta(minutes=1),
                                               end_at=new_year + timedelta(minutes=1)))
        run = await _run_number(schedules, handle, 1)

        assert run.quarter == q4
        assert [(r.department, r.report_id, r.opened) for r in run.reports] == [
            (MZJ, quarterly_report_id(MZJ, q4), True), (CZJ, quarterly_report_id(CZJ, q4), True)]
        assert [r.review_id for r in run.acceptance_reviews] == [
            acceptance_review_id(MZJ, q4.year), acceptance_review_id(CZJ, q4.year)]
        report = app.get_quarterly_report(quarterly_report_id(MZJ, q4))
        assert report.opened_on == china_date(datetime.now(UTC))

        # The report's workflow lives on after the run, and ends when submitted.
        gateway = ReportingGateway(schedules.client, task_queue=task_queue)
        report_id = quarterly_report_id(MZJ, q4)
        await _until_opened(schedules, report_id)
        await gateway.submit(report_id=report_id, command_id="schedule-test:submit",
                             actor=officer(), narrative="第四季度工作情况")
        final = await schedules.client.get_workflow_handle_for(
            QuarterlyReportWorkflow.run, quarterly_report_workflow_id(report_id)).result()
        assert final.status is ReportStatus.SUBMITTED

        # Triggered now: the quarter that ended before today.
        await handle.trigger()
        now_run = await _run_number(schedules, handle, 2)
        assert now_run.quarter == Quarter.ended_before(china_date(datetime.now(UTC)))
        assert [r.opened for r in now_run.reports] == [True, True]
    app.close()


async def _schedule_ids(env: WorkflowEnvironment) -> list[str]:
    """The schedules the server lists (its visibility catches up within a few seconds)."""
    ids: list[str] = []
    for _ in range(100):
        ids = [s.id async for s in await env.client.list_schedules()]
        if ids:
            return ids
        await asyncio.sleep(0.1)
    return ids


async def _run_number(env: WorkflowEnvironment, handle: ScheduleHandle, n: int
                      ) -> ReportingRun:
    """The answer of the schedule's ``n``-th run (from 1), once it has started."""
    for _ in range(200):
        recent = (await handle.describe()).info.recent_actions
        if len(recent) >= n:
            started = recent[n - 1].action
            assert isinstance(started, ScheduleActionExecutionStartWorkflow)
            return await env.client.get_workflow_handle_for(
                ReportingRunWorkflow.run, started.workflow_id).result()
        await asyncio.sleep(0.1)
    raise AssertionError(f"the schedule started fewer than {n} runs")


async def _until_opened(env: WorkflowEnvironment, report_id: UUID) -> ReportState:
    handle = env.client.get_workflow_handle_for(QuarterlyReportWorkflow.run,
                                                quarterly_report_workflow_id(report_id))
    for _ in range(200):
        state = await handle.query(QuarterlyReportWorkflow.state)
        if state.opened:
            return state
        await asyncio.sleep(0.05)
    raise AssertionError("the report's workflow did not open it")
