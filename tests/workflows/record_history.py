"""Record the histories of full catalogue item runs, for the replay test.

    .venv/bin/python -m tests.workflows.record_history [withdrawn] [pipeline]

``withdrawn``: draft → revise → publish → publicity closes by itself → withdraw.
``pipeline``: draft (a provincially listed item) → publish → publicity closes → refer →
reminder → escalation → extension → opinion → decide retain → the committee rejects →
decide transfer.  On the time-skipping server and a throw-away SQLite store.

Each history stands for the workflow code that recorded it: keep old ones, and record a
new one for new paths.  A change that breaks replay of an old history needs versioning
(``workflow.patched``); re-record only a history whose path changed on purpose.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sys
import tempfile
from collections.abc import Callable, Coroutine
from datetime import timedelta
from pathlib import Path
from typing import Any

from temporalio.client import WorkflowHandle

from domain.aggregate import aggregate_id_for
from domain.application import GovflowApplication
from domain.calendar import start_of_day
from domain.catalogue.item import DecisionMode, ItemStatus
from tests.seed import register_departments
from tests.workflows.harness import (
    FIELDS,
    OFFICER,
    PUBLICITY_DAYS,
    catalogue_worker,
    running_worker,
    sqlite_env,
    start_time_skipping,
)
from tests.workflows.pipeline import COMMITTEE, pipeline
from workflows.catalogue_item import (
    CatalogueItemState,
    CatalogueItemWorkflow,
    catalogue_item_workflow_id,
)

HISTORIES = Path(__file__).parent / "histories"
HISTORY_PATH = HISTORIES / "catalogue_item.json"
DRAFT_COMMAND_ID = "record-history:draft"
WORKFLOW_ID = catalogue_item_workflow_id(aggregate_id_for(DRAFT_COMMAND_ID))
PIPELINE_HISTORY_PATH = HISTORIES / "catalogue_item_pipeline.json"
PIPELINE_DRAFT_COMMAND_ID = "record-pipeline:draft"
PIPELINE_WORKFLOW_ID = catalogue_item_workflow_id(aggregate_id_for(PIPELINE_DRAFT_COMMAND_ID))


async def record() -> str:
    """The JSON history of a full run."""
    async with await start_time_skipping() as env:
        with tempfile.TemporaryDirectory() as directory:
            app = GovflowApplication(sqlite_env(Path(directory) / "events.sqlite3"))
            register_departments(app, OFFICER.scope or "")
            async with catalogue_worker(env, app) as gateway:
                item_id = (await gateway.draft(
                    command_id=DRAFT_COMMAND_ID, actor=OFFICER, department="440700-MZJ",
                    fields=FIELDS,
                )).aggregate_id
                await gateway.revise(
                    item_id=item_id, command_id="record-history:revise", actor=OFFICER,
                    fields=dataclasses.replace(FIELDS, name="居家养老服务需求评估"),
                )
                await gateway.publish(
                    item_id=item_id, command_id="record-history:publish", actor=OFFICER
                )
                await env.sleep(timedelta(days=PUBLICITY_DAYS + 2))
                handle = env.client.get_workflow_handle_for(CatalogueItemWorkflow.run, WORKFLOW_ID)
                await _publicity_closed(handle)
                await gateway.withdraw(
                    item_id=item_id, command_id="record-history:withdraw", actor=OFFICER,
                    reason="职能调整，不再列入目录",
                )
                await handle.result()
                return (await handle.fetch_history()).to_json()


async def _publicity_closed(
    handle: WorkflowHandle[CatalogueItemWorkflow, CatalogueItemState],
) -> None:
    for _ in range(300):
        state = await handle.query(CatalogueItemWorkflow.state)
        if state.status is ItemStatus.PUBLICITY_CLOSED:
            return
        await asyncio.sleep(0.05)
    raise RuntimeError("the publicity period did not close")


async def record_pipeline() -> str:
    """The JSON history of an item's run from draft to decision, through every timer."""
    async with await start_time_skipping() as env:
        with tempfile.TemporaryDirectory() as directory:
            app = GovflowApplication(sqlite_env(Path(directory) / "events.sqlite3"))
            async with (
                running_worker(env, app) as task_queue,
                pipeline(env, app, task_queue=task_queue, agency_prefix="record-pipeline")
                as items,
            ):
                item_id = await items.draft(
                    command_id=PIPELINE_DRAFT_COMMAND_ID, provincial_listed=True
                )
                await items.publish(item_id, command_id="record-pipeline:publish")
                await items.close_publicity(item_id)
                await items.refer(item_id, command_id="record-pipeline:refer")
                referral = (await items.state(item_id)).referral
                assert referral is not None
                await items.sleep_until(start_of_day(referral.due_on + timedelta(days=1))
                                        + timedelta(minutes=1))
                await items.recorded(item_id, "ReferralReminded")
                await items.recorded(item_id, "ReferralEscalated")
                await items.gateway.extend_referral(
                    item_id=item_id, command_id="record-pipeline:extend", actor=COMMITTEE,
                    due_on=referral.due_on + timedelta(days=10), reason="专家需补充实地调研",
                )
                await items.give_opinion(item_id, DecisionMode.TRANSFER.value,
                                         command_id="record-pipeline:opinion")
                await items.decide(
                    item_id, DecisionMode.RETAIN.value, command_id="record-pipeline:retain",
                    reason="本市尚无可承接的社会组织",
                    justification="该职能涉及全市养老机构安全监管，暂不具备转移条件",
                )
                await items.gateway.review_retention(
                    item_id=item_id, command_id="record-pipeline:review", actor=COMMITTEE,
                    approved=False, comment="省决定明确转移，且已有社会组织可承接",
                )
                await items.decide(item_id, DecisionMode.TRANSFER.value,
                                   command_id="record-pipeline:transfer")
                handle = items.handle(item_id)
                await handle.result()
                return (await handle.fetch_history()).to_json()


RECORDERS: dict[str, tuple[Path, Callable[[], Coroutine[Any, Any, str]]]] = {
    "withdrawn": (HISTORY_PATH, record),
    "pipeline": (PIPELINE_HISTORY_PATH, record_pipeline),
}


def main() -> None:
    HISTORIES.mkdir(parents=True, exist_ok=True)
    for name in sys.argv[1:] or list(RECORDERS):
        path, recorder = RECORDERS[name]
        path.write_text(asyncio.run(recorder()) + "\n", encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
