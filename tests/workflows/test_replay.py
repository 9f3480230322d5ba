"""Workflow code must replay the histories it recorded (DESIGN.md §4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from tests.workflows.record_grade_history import GRADE_HISTORY_PATH, GRADE_WORKFLOW_ID
from tests.workflows.record_history import (
    HISTORY_PATH,
    PIPELINE_HISTORY_PATH,
    PIPELINE_WORKFLOW_ID,
    WORKFLOW_ID,
)
from workflows.converter import DATA_CONVERTER
from workflows.worker import WORKFLOWS

HISTORIES = {
    "withdrawn": (WORKFLOW_ID, HISTORY_PATH),
    "pipeline": (PIPELINE_WORKFLOW_ID, PIPELINE_HISTORY_PATH),
    "grade evaluation": (GRADE_WORKFLOW_ID, GRADE_HISTORY_PATH),
}
# Until the main worker registers the grading workflows, the replayer adds them.
REPLAYED_WORKFLOWS = list(WORKFLOWS)


def _recorded(name: str) -> WorkflowHistory:
    workflow_id, path = HISTORIES[name]
    return WorkflowHistory.from_json(workflow_id, Path(path).read_text(encoding="utf-8"))


def _activities(history: WorkflowHistory) -> list[str]:
    return [
        event.activity_task_scheduled_event_attributes.activity_type.name
        for event in history.events
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    ]


def test_recorded_history_covers_full_run_to_completion() -> None:
    events = [event.event_type for event in _recorded("withdrawn").events]

    assert events.count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED) == 4
    assert EventType.EVENT_TYPE_TIMER_FIRED in events
    assert events.count(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) == 5
    assert events[-1] == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED


def test_recorded_pipeline_history_covers_every_timer_and_decision() -> None:
    history = _recorded("pipeline")
    events = [event.event_type for event in history.events]

    assert events.count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED) == 8
    assert events.count(EventType.EVENT_TYPE_TIMER_FIRED) == 3  # publicity, remind, escalate
    assert EventType.EVENT_TYPE_TIMER_CANCELED in events  # the extended period's reminder
    assert events[-1] == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED
    activities = _activities(history)
    assert activities.count("compute_deadline") == 2
    assert activities.count("decide_catalogue_item") == 2
    assert {"remind_catalogue_item_referral", "escalate_catalogue_item_referral",
            "extend_catalogue_item_referral", "review_catalogue_item_retention"} <= set(activities)


def test_recorded_grade_history_covers_every_timer_to_expiry() -> None:
    history = _recorded("grade evaluation")
    events = [event.event_type for event in history.events]

    assert events.count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED) == 6
    assert events.count(EventType.EVENT_TYPE_TIMER_FIRED) == 3  # publicity, appeal, expiry
    assert EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED in events  # a downgrade
    assert events[-1] == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED
    activities = _activities(history)
    assert activities.count("describe_grade_evaluation") == 2
    assert {"close_grade_evaluation_publicity", "escalate_grade_evaluation_appeal",
            "answer_grade_evaluation_appeal", "confirm_evaluated_grade",
            "lapse_evaluated_grade"} <= set(activities)


@pytest.mark.parametrize("name", list(HISTORIES))
async def test_replay_recorded_history_no_nondeterminism(name: str) -> None:
    replayer = Replayer(workflows=REPLAYED_WORKFLOWS, data_converter=DATA_CONVERTER)

    result = await replayer.replay_workflow(_recorded(name))

    assert result.replay_failure is None
