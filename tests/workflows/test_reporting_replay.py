"""The reporting run and the quarterly-report workflow must replay the histories they
recorded (DESIGN.md §4)."""

from __future__ import annotations

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from tests.workflows.record_reporting_history import (
    RECORDED_RUN_ID,
    REPORT_HISTORY_PATH,
    RUN_HISTORY_PATH,
)
from workflows.converter import DATA_CONVERTER
from workflows.worker import WORKFLOWS


def _run() -> WorkflowHistory:
    return WorkflowHistory.from_json(RECORDED_RUN_ID,
                                     RUN_HISTORY_PATH.read_text(encoding="utf-8"))


def _children(run: WorkflowHistory) -> list[str]:
    """The ids of the report workflows the run started, in the order it started them."""
    return [
        event.start_child_workflow_execution_initiated_event_attributes.workflow_id
        for event in run.events
        if event.event_type == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED
    ]


def _report() -> WorkflowHistory:
    # 民政局's report: the first the run started.
    return WorkflowHistory.from_json(_children(_run())[0],
                                     REPORT_HISTORY_PATH.read_text(encoding="utf-8"))


def _activities(history: WorkflowHistory) -> list[str]:
    return [
        event.activity_task_scheduled_event_attributes.activity_type.name
        for event in history.events
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    ]


def test_recorded_run_opens_two_reports_and_the_years_acceptance_reviews() -> None:
    run = _run()

    assert sorted(_activities(run)) == sorted([
        "registered_department_codes", "open_quarterly_report", "open_quarterly_report",
        "open_acceptance_review", "open_acceptance_review"])
    assert len(_children(run)) == 2
    assert all(child.startswith("quarterly-report:") for child in _children(run))
    assert run.events[-1].event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED


def test_recorded_report_history_covers_narrative_escalation_and_late_submission() -> None:
    report = _report()
    events = [event.event_type for event in report.events]

    assert _activities(report) == [
        "open_quarterly_report", "describe_quarterly_report", "save_report_narrative",
        "escalate_quarterly_report", "submit_quarterly_report",
    ]
    assert events.count(EventType.EVENT_TYPE_TIMER_FIRED) == 1  # the due date passed
    assert events.count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) == 2
    assert events[-1] == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED


async def test_replay_recorded_reporting_histories_no_nondeterminism() -> None:
    replayer = Replayer(workflows=list(WORKFLOWS), data_converter=DATA_CONVERTER)

    for history in (_run(), _report()):
        result = await replayer.replay_workflow(history)
        assert result.replay_failure is None, history.workflow_id
