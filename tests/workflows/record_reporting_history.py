"""Record the histories of a reporting run and of a quarterly report, for the replay test;
and the reporting world the workflow tests drive (shared, so that what is recorded is
what is tested).

    .venv/bin/python -m tests.workflows.record_reporting_history

The run: on 1 January (01:00 China time) the reporting run reports the fourth quarter of
the year before for 民政局 and 财政局 and opens their acceptance reviews of that year.
民政局's report: the department saves its narrative, the due date passes and the report
is escalated (a timer), then the department submits it late and the run ends.
On the time-skipping server and a throw-away SQLite store.

Keep these histories: a change that breaks their replay needs versioning
(``workflow.patched``); re-record only when the recorded path changed on purpose.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from uuid import UUID, uuid4

from temporalio.client import Client, WorkflowHandle
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from domain.actors import Actor, Role
from domain.application import GovflowApplication
from domain.calendar import CHINA_TZ, china_date, start_of_day
from domain.reporting.periods import Quarter
from domain.reporting.report import quarterly_report_id
from tests.seed import CZJ, MZJ, register_departments
from tests.workflows.harness import notifications, running_worker, sqlite_env, start_time_skipping
from workflows.converter import DATA_CONVERTER
from workflows.quarterly_report import QuarterlyReportWorkflow
from workflows.reporting_gateway import ReportingGateway
from workflows.reporting_messages import (
    ReportingRun,
    ReportingRunInput,
    ReportInput,
    ReportState,
    quarterly_report_workflow_id,
)
from workflows.reporting_run import ReportingRunWorkflow

HISTORIES = Path(__file__).parent / "histories"
REPORT_HISTORY_PATH = HISTORIES / "quarterly_report.json"
RUN_HISTORY_PATH = HISTORIES / "reporting_run.json"
RECORDED_RUN_ID = "record-reporting:run"
DUE_DAYS = 15

REPORTERS = (MZJ, CZJ)
"""The departments registered in the world (one report each per quarter)."""

ReportHandle = WorkflowHandle[QuarterlyReportWorkflow, ReportState]


def officer(department: str = MZJ) -> Actor:
    return Actor(user="chen.report", role=Role.DEPARTMENT, scope=department)


def at_one_am(day: date) -> datetime:
    """01:00 China time on ``day``: when the schedule runs by default."""
    return datetime.combine(day, time(1), CHINA_TZ)


@dataclass
class Reporting:
    """A worker, the reporting gateway, and the departments that report."""

    env: WorkflowEnvironment
    client: Client
    """A client that never skips time by itself (the environment's skips time while it
    waits for a result it started, and would let the reports' timers fire then)."""
    app: GovflowApplication
    gateway: ReportingGateway
    task_queue: str
    started: list[UUID] = field(default_factory=list)
    """The reports whose runs were started: they are ended with the world."""

    # --- time ---------------------------------------------------------------------------

    async def now(self) -> datetime:
        return await self.env.get_current_time()

    async def today(self) -> date:
        return china_date(await self.now())

    async def sleep_until(self, moment: datetime) -> None:
        await self.env.sleep(moment - await self.now())

    async def next_quarter_starts(self) -> Quarter:
        """Move to 01:00 China time on the first day of the next quarter; the quarter that
        just ended (the one a run now reports)."""
        ended = Quarter.of(await self.today())
        await self.sleep_until(at_one_am(ended.next().first_day))
        return ended

    async def next_year_starts(self) -> Quarter:
        """Move to 01:00 China time on the next 1 January; the quarter that just ended."""
        year = (await self.today()).year
        await self.sleep_until(at_one_am(date(year + 1, 1, 1)))
        return Quarter(year, 4)

    # --- runs ---------------------------------------------------------------------------

    async def run(self, quarter: str | None = None, *, workflow_id: str = "") -> ReportingRun:
        """A reporting run, as the schedule (no quarter) or the committee starts one."""
        result = await self.client.execute_workflow(
            ReportingRunWorkflow.run, ReportingRunInput(due_days=DUE_DAYS, quarter=quarter),
            id=workflow_id or f"reporting-run-{uuid4()}", task_queue=self.task_queue)
        await self.settled(result)
        return result

    async def settled(self, run: ReportingRun) -> None:
        """Wait until every report of ``run`` has been opened by its own workflow (which
        then waits on its timer)."""
        for report in run.reports:
            self.started.append(report.report_id)
            await self.until(report.report_id, lambda s: s.opened)

    async def open_alone(self, department: str = MZJ) -> UUID:
        """A report of the quarter that ended last, its workflow started as the run starts
        it but by itself, not as the run's child.  The time-skipping server keeps its clock
        locked for good once a child completes after its parent has closed (its bug, not
        the real server's), so the tests that submit a report start it alone."""
        quarter = Quarter.ended_before(await self.today())
        report_id = quarterly_report_id(department, quarter)
        await self.client.start_workflow(
            QuarterlyReportWorkflow.run,
            ReportInput(department=department, quarter=quarter, opened_on=await self.today(),
                        due_days=DUE_DAYS),
            id=quarterly_report_workflow_id(report_id), task_queue=self.task_queue)
        self.started.append(report_id)
        await self.until(report_id, lambda s: s.opened)
        return report_id

    def handle(self, report_id: UUID) -> ReportHandle:
        return self.client.get_workflow_handle_for(
            QuarterlyReportWorkflow.run, quarterly_report_workflow_id(report_id))

    async def state(self, report_id: UUID) -> ReportState:
        return await self.handle(report_id).query(QuarterlyReportWorkflow.state)

    async def until(self, report_id: UUID, check: Callable[[ReportState], bool], *,
                    seconds: float = 15.0) -> ReportState:
        """Wait (in real time) until the report's workflow state passes ``check``."""
        deadline = asyncio.get_running_loop().time() + seconds
        while not check(state := await self.state(report_id)):
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"the report's state is still {state}")
            await asyncio.sleep(0.05)
        return state

    async def save(self, report_id: UUID, narrative: str, *, department: str = MZJ) -> None:
        await self.gateway.save_narrative(report_id=report_id, command_id=f"save-{uuid4()}",
                                          actor=officer(department), narrative=narrative)

    async def submit(self, report_id: UUID, narrative: str | None = None, *,
                     command_id: str = "", department: str = MZJ) -> None:
        await self.gateway.submit(report_id=report_id, command_id=command_id or f"sub-{uuid4()}",
                                  actor=officer(department), narrative=narrative)

    # --- the record ---------------------------------------------------------------------

    def position(self) -> int:
        """The application's last notification id: unchanged when nothing was recorded."""
        return self.app.recorder.max_notification_id() or 0

    def events(self, originator_id: UUID) -> list[str]:
        return [n.topic.rsplit(".", 1)[-1] for n in notifications(self.app)
                if n.originator_id == originator_id]

    async def end_runs(self) -> None:
        """Terminate the report runs still open.  A run left waiting without its worker
        would stop the time-skipping server's clock once its timer fires (and so does one
        terminated while its activity runs: each test waits for the reports it opens to
        settle, ``settled``)."""
        for report_id in self.started:
            with suppress(RPCError):  # completed already
                await self.handle(report_id).terminate(reason="test over")


@asynccontextmanager
async def reporting_world(env: WorkflowEnvironment,
                          app: GovflowApplication) -> AsyncIterator[Reporting]:
    """A worker with every workflow and activity on a fresh task queue, the gateway that
    uses it, and 民政局 and 财政局 registered."""
    register_departments(app, *REPORTERS)
    client = Client(env.client.service_client, namespace=env.client.namespace,
                    data_converter=DATA_CONVERTER)
    async with running_worker(env, app) as task_queue:
        reporting = Reporting(
            env=env, client=client, app=app, task_queue=task_queue,
            gateway=ReportingGateway(client, task_queue=task_queue, due_days=DUE_DAYS))
        try:
            yield reporting
        finally:
            await reporting.end_runs()


async def record() -> tuple[str, str]:
    """The JSON histories of a Q4 run and of a report escalated, then submitted late."""
    async with await start_time_skipping() as env:
        with tempfile.TemporaryDirectory() as directory:
            app = GovflowApplication(sqlite_env(Path(directory) / "events.sqlite3"))
            async with reporting_world(env, app) as reporting:
                quarter = await reporting.next_year_starts()
                run = await reporting.run(workflow_id=RECORDED_RUN_ID)
                assert run.quarter == quarter and len(run.acceptance_reviews) == 2
                report_id = quarterly_report_id(MZJ, quarter)
                state = await reporting.until(report_id, lambda s: s.opened)
                await reporting.save(report_id, "本季度完成目录编制 12 项")
                assert state.due_on is not None
                await reporting.sleep_until(start_of_day(state.due_on + timedelta(days=2)))
                await reporting.until(report_id, lambda s: s.escalated_on is not None)
                await reporting.submit(report_id, "逾期说明：年底人员调整，现补报")
                final = await reporting.handle(report_id).result()
                assert final.submitted and final.escalated_on is not None
                run_history = await reporting.client.get_workflow_handle(
                    RECORDED_RUN_ID).fetch_history()
                report_history = await reporting.handle(report_id).fetch_history()
                return run_history.to_json(), report_history.to_json()


def main() -> None:
    HISTORIES.mkdir(parents=True, exist_ok=True)
    run_history, report_history = asyncio.run(record())
    RUN_HISTORY_PATH.write_text(run_history + "\n", encoding="utf-8")
    REPORT_HISTORY_PATH.write_text(report_history + "\n", encoding="utf-8")
    print(f"wrote {RUN_HISTORY_PATH} and {REPORT_HISTORY_PATH}")


if __name__ == "__main__":
    main()
