"""The transfer workflow must replay the history it recorded (DESIGN.md §4)."""

from __future__ import annotations

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from tests.workflows.record_transfer_history import (
    TRANSFER_HISTORY_PATH,
    TRANSFER_WORKFLOW_ID,
)
from workflows.converter import DATA_CONVERTER
from workflows.worker import WORKFLOWS

# Until the main worker registers the transfer workflows, the replayer adds them.
REPLAYED_WORKFLOWS = list(WORKFLOWS)


def _recorded() -> WorkflowHistory:
    return WorkflowHistory.from_json(
        TRANSFER_WORKFLOW_ID, TRANSFER_HISTORY_PATH.read_text(encoding="utf-8"))


def _activities(history: WorkflowHistory) -> list[str]:
    return [
        event.activity_task_scheduled_event_attributes.activity_type.name
        for event in history.events
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    ]


def test_recorded_transfer_history_covers_both_timers_suspension_and_resumption() -> None:
    history = _recorded()
    events = [event.event_type for event in history.events]

    assert _activities(history) == [
        "propose_transfer", "describe_transfer", "approve_transfer", "transfer_takes_effect",
        "suspend_transfer", "resume_transfer", "expire_transfer",
    ]
    assert events.count(EventType.EVENT_TYPE_TIMER_FIRED) == 2  # takes effect, expires
    assert EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED in events  # the downgrade
    assert events[-1] == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED


async def test_replay_recorded_transfer_no_nondeterminism() -> None:
    replayer = Replayer(workflows=REPLAYED_WORKFLOWS, data_converter=DATA_CONVERTER)

    result = await replayer.replay_workflow(_recorded())

    assert result.replay_failure is None
