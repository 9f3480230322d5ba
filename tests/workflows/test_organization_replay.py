"""The organization command workflows must replay the histories they recorded (DESIGN.md §4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from tests.workflows.record_organization_history import (
    DOWNGRADE_HISTORY_PATH,
    DOWNGRADE_WORKFLOW_ID,
    REGISTER_HISTORY_PATH,
    REGISTER_WORKFLOW_ID,
)
from workflows.converter import DATA_CONVERTER
from workflows.worker import WORKFLOWS

HISTORIES = {
    "register": (REGISTER_WORKFLOW_ID, REGISTER_HISTORY_PATH),
    "downgrade": (DOWNGRADE_WORKFLOW_ID, DOWNGRADE_HISTORY_PATH),
}


def _recorded(name: str) -> WorkflowHistory:
    workflow_id, path = HISTORIES[name]
    return WorkflowHistory.from_json(workflow_id, Path(path).read_text(encoding="utf-8"))


def test_recorded_downgrade_history_runs_command_fan_out_and_skips_missing_case() -> None:
    events = [event.event_type for event in _recorded("downgrade").events]

    assert events.count(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) == 2  # command, fan-out
    assert EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED in events
    assert events[-1] == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED


@pytest.mark.parametrize("name", list(HISTORIES))
async def test_replay_recorded_organization_command_no_nondeterminism(name: str) -> None:
    replayer = Replayer(workflows=WORKFLOWS,
                        data_converter=DATA_CONVERTER)

    result = await replayer.replay_workflow(_recorded(name))

    assert result.replay_failure is None
