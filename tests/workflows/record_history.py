"""Record the history of one full catalogue item run, for the replay test.

    .venv/bin/python -m tests.workflows.record_history

draft → revise → publish → publicity closes by itself → withdraw, on the time-skipping
server and a throw-away SQLite store.  Re-record after an intended change of the
workflow's commands; a change that breaks replay of old histories needs versioning.
"""

from __future__ import annotations

import asyncio
import dataclasses
import tempfile
from datetime import timedelta
from pathlib import Path

from temporalio.client import WorkflowHandle

from domain.aggregate import aggregate_id_for
from domain.application import GovflowApplication
from domain.catalogue.item import ItemStatus
from tests.workflows.harness import (
    FIELDS,
    OFFICER,
    PUBLICITY_DAYS,
    catalogue_worker,
    sqlite_env,
    start_time_skipping,
)
from workflows.catalogue_item import (
    CatalogueItemState,
    CatalogueItemWorkflow,
    catalogue_item_workflow_id,
)

HISTORY_PATH = Path(__file__).parent / "histories" / "catalogue_item.json"
DRAFT_COMMAND_ID = "record-history:draft"
WORKFLOW_ID = catalogue_item_workflow_id(aggregate_id_for(DRAFT_COMMAND_ID))


async def record() -> str:
    """The JSON history of a full run."""
    async with await start_time_skipping() as env:
        with tempfile.TemporaryDirectory() as directory:
            app = GovflowApplication(sqlite_env(Path(directory) / "events.sqlite3"))
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


def main() -> None:
    HISTORY_PATH.parent.mkdir(parents=True, exist_ok=True)
    HISTORY_PATH.write_text(asyncio.run(record()) + "\n", encoding="utf-8")
    print(f"wrote {HISTORY_PATH}")


if __name__ == "__main__":
    main()
