"""The purchase-contract workflow must replay the history it recorded (DESIGN.md §4)."""

from __future__ import annotations

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from tests.workflows.record_purchase_history import PURCHASE_HISTORY_PATH, PURCHASE_WORKFLOW_ID
from workflows.converter import DATA_CONVERTER
from workflows.worker import WORKFLOWS


def _recorded() -> WorkflowHistory:
    return WorkflowHistory.from_json(
        PURCHASE_WORKFLOW_ID, PURCHASE_HISTORY_PATH.read_text(encoding="utf-8"))


def test_recorded_purchase_history_runs_timers_signal_and_closes() -> None:
    events = [event.event_type for event in _recorded().events]

    assert events.count(EventType.EVENT_TYPE_TIMER_FIRED) == 2  # M2 overdue, term end
    assert events.count(EventType.EVENT_TYPE_TIMER_CANCELED) == 2  # M1, M3 accepted in time
    assert EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED in events
    assert events[-1] == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED


async def test_replay_recorded_purchase_contract_no_nondeterminism() -> None:
    replayer = Replayer(workflows=list(WORKFLOWS),
                        data_converter=DATA_CONVERTER)

    result = await replayer.replay_workflow(_recorded())

    assert result.replay_failure is None
