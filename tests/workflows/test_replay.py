"""Workflow code must replay the histories it recorded (DESIGN.md §4)."""

from __future__ import annotations

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from tests.workflows.record_history import HISTORY_PATH, WORKFLOW_ID
from workflows.converter import DATA_CONVERTER
from workflows.worker import WORKFLOWS


def _recorded() -> WorkflowHistory:
    return WorkflowHistory.from_json(WORKFLOW_ID, HISTORY_PATH.read_text(encoding="utf-8"))


def test_recorded_history_covers_full_run_to_completion() -> None:
    events = [event.event_type for event in _recorded().events]

    assert events.count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED) == 4
    assert EventType.EVENT_TYPE_TIMER_FIRED in events
    assert events.count(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) == 5
    assert events[-1] == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED


async def test_replay_recorded_full_run_no_nondeterminism() -> None:
    replayer = Replayer(workflows=WORKFLOWS, data_converter=DATA_CONVERTER)

    result = await replayer.replay_workflow(_recorded())

    assert result.replay_failure is None
