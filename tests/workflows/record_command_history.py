"""Record the history of one one-shot command run (登记部门), for the replay test.

    .venv/bin/python -m tests.workflows.record_command_history

On the time-skipping server and a throw-away SQLite store.  Re-record after an intended
change of the command workflows; a change that breaks replay of old histories needs
versioning.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from domain.actors import Actor, Role
from domain.application import GovflowApplication
from domain.registry.commands import RegisterDepartment
from tests.workflows.harness import running_worker, sqlite_env, start_time_skipping
from workflows.command import command_workflow_id
from workflows.registry_gateway import RegistryGateway

COMMAND_HISTORY_PATH = Path(__file__).parent / "histories" / "register_department.json"
COMMAND_ID = "record-history:register-department"
COMMAND_WORKFLOW_ID = command_workflow_id(COMMAND_ID)


async def record() -> str:
    """The JSON history of one registration."""
    async with await start_time_skipping() as env:
        with tempfile.TemporaryDirectory() as directory:
            app = GovflowApplication(sqlite_env(Path(directory) / "events.sqlite3"))
            async with running_worker(env, app) as task_queue:
                await RegistryGateway(env.client, task_queue=task_queue).register_department(
                    RegisterDepartment(command_id=COMMAND_ID,
                                       actor=Actor("zhou", Role.COMMITTEE),
                                       code="440703-MZJ", name="蓬江区民政局")
                )
                handle = env.client.get_workflow_handle(COMMAND_WORKFLOW_ID)
                return (await handle.fetch_history()).to_json()


if __name__ == "__main__":
    COMMAND_HISTORY_PATH.write_text(asyncio.run(record()), encoding="utf-8")
    print(f"wrote {COMMAND_HISTORY_PATH}")
