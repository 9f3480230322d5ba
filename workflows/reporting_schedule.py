"""The ``quarterly-reporting`` schedule: a reporting run on each date of the reporting
calendar (``workflows.reporting_calendar``), China time.

:func:`ensure_reporting_schedule` runs at every start-up of the worker (and of
``govflow dev``): it creates the schedule, or brings an existing one to the current
settings (calendar, due days, task queue), keeping whether an operator paused it.
Running it twice leaves one schedule.

Policies: missed runs (the cluster was down on the day) are caught up within a year, and
runs never overlap but are never dropped either (``BUFFER_ALL``): each reports the
quarter it was scheduled for, and repeats record nothing.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleCalendarSpec,
    ScheduleHandle,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleRange,
    ScheduleSpec,
    ScheduleState,
    ScheduleUpdate,
    ScheduleUpdateInput,
)

from workflows.reporting_calendar import ReportingCalendar
from workflows.reporting_messages import ReportingRunInput
from workflows.reporting_run import ReportingRunWorkflow

REPORTING_SCHEDULE_ID = "quarterly-reporting"
REPORTING_RUN_WORKFLOW_ID = "quarterly-reporting-run"
"""Temporal appends each run's scheduled time to it."""
CATCHUP_WINDOW = timedelta(days=365)
TIME_ZONE = "Asia/Shanghai"
RUN_TIMEOUT = timedelta(hours=1)
"""A run takes seconds; one without a worker for this long ends, and the next date retries."""


def reporting_schedule(*, task_queue: str, calendar: ReportingCalendar, due_days: int,
                       state: ScheduleState | None = None) -> Schedule:
    """The schedule as the settings want it (``state``: an existing one's, kept)."""
    return Schedule(
        action=ScheduleActionStartWorkflow(
            ReportingRunWorkflow.run, ReportingRunInput(due_days=due_days),
            id=REPORTING_RUN_WORKFLOW_ID, task_queue=task_queue,
            execution_timeout=RUN_TIMEOUT,
        ),
        spec=ScheduleSpec(
            calendars=[
                ScheduleCalendarSpec(
                    month=[ScheduleRange(month)], day_of_month=[ScheduleRange(day)],
                    hour=[ScheduleRange(calendar.hour)], minute=[ScheduleRange(calendar.minute)],
                    comment=f"季度报告 {month:02d}-{day:02d}",
                )
                for month, day in calendar.dates
            ],
            time_zone_name=TIME_ZONE,
        ),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.BUFFER_ALL,
                              catchup_window=CATCHUP_WINDOW),
        state=state or ScheduleState(
            note=f"开启季度报告：{calendar}（北京时间），{due_days} 天内提交"),
    )


async def ensure_reporting_schedule(client: Client, *, task_queue: str,
                                    calendar: ReportingCalendar, due_days: int,
                                    ) -> ScheduleHandle:
    """Create the ``quarterly-reporting`` schedule, or update it to these settings."""
    wanted = reporting_schedule(task_queue=task_queue, calendar=calendar, due_days=due_days)
    try:
        return await client.create_schedule(REPORTING_SCHEDULE_ID, wanted)
    except ScheduleAlreadyRunningError:
        pass
    handle = client.get_schedule_handle(REPORTING_SCHEDULE_ID)

    def update(current: ScheduleUpdateInput) -> ScheduleUpdate:
        # A schedule an operator paused stays paused, with the operator's note.
        kept = current.description.schedule.state
        return ScheduleUpdate(schedule=reporting_schedule(
            task_queue=task_queue, calendar=calendar, due_days=due_days,
            state=ScheduleState(note=kept.note, paused=True) if kept.paused else None))

    await handle.update(update)
    return handle
