"""The API on the real stack, for the tests that drive it end to end.

HTTP → Temporal workflows (a real worker) → SQLite event store → projection runners →
views → HTTP.  Each test module starts its own time-skipping server (a module-scoped
``env`` fixture): skipping days must not wait on workflows that other modules' tests
left behind without a worker.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.auth import AuthConfig, issue_token
from domain.actors import Role
from domain.application import GovflowApplication
from projections.agencies import AgenciesProjection
from projections.catalogue import CatalogueProjection
from projections.contracts import ContractsProjection
from projections.departments import DepartmentsProjection
from projections.evaluations import EvaluationsProjection
from projections.feed import FeedProjection
from projections.history import HistoryProjection
from projections.inbox import InboxProjection
from projections.ocds import OcdsProjection
from projections.organizations import OrganizationsProjection
from projections.registry import open_view, sqlite_view_files
from projections.reporting import ReportingProjection
from projections.runners import start_runners, stop_runners
from projections.transfers import TransfersProjection
from tests.api.fakes import Agency, FakeClock, establish_agency
from tests.seed import CZJ, MZJ, register_departments
from tests.workflows.harness import catalogue_gateway, running_worker
from workflows.grading_gateway import GradingGateway
from workflows.grading_messages import GradingPolicy
from workflows.import_gateway import CatalogueImportGateway
from workflows.organization_gateway import OrganizationGateway
from workflows.purchase_gateway import PurchaseGateway
from workflows.purchase_messages import PurchasePolicy
from workflows.registry_gateway import RegistryGateway
from workflows.reporting_gateway import ReportingGateway
from workflows.transfer_gateway import TransferGateway
from workflows.transfer_messages import TransferPolicy

AUTH = AuthConfig(secret="real-stack-tests-secret-0123456789abcdef", issuer="govflow",
                  ttl=timedelta(hours=1))


def headers(role: Role, scope: str | None, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(AUTH, role=role, scope=scope, user=user)}"}


def officer(department: str = MZJ) -> dict[str, str]:
    return headers(Role.DEPARTMENT, department, "li.wei")


@dataclass
class Stack:
    """The HTTP client, and what a test needs besides it."""

    http: httpx.AsyncClient
    application: GovflowApplication
    """The event store's application (to count what was recorded)."""
    agency: Agency
    """A consulting agency established before the test, with its experts."""
    clock: FakeClock
    """The API's clock: set it to the server's time after skipping days."""


@asynccontextmanager
async def real_stack(env: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[Stack]:
    """The whole stack on fresh SQLite files, with 江门市民政局 and 江门市财政局 registered."""
    store = {
        "PERSISTENCE_MODULE": "govflow.sqlite_persistence",
        "SQLITE_DBNAME": str(tmp_path / "events.sqlite3"),
        "SQLITE_POLL_SECONDS": "0.05",
    }
    store.update(sqlite_view_files(tmp_path))
    application = GovflowApplication(store)
    register_departments(application, MZJ, CZJ)
    agency = establish_agency(application)
    clock = FakeClock(await env.get_current_time())
    runners = start_runners(env=store, uses_postgres=False)
    views: list[Any] = [open_view(p, env=store, uses_postgres=False)
                        for p in (CatalogueProjection, HistoryProjection, InboxProjection,
                                  DepartmentsProjection, AgenciesProjection,
                                  OrganizationsProjection, EvaluationsProjection,
                                  TransfersProjection, ContractsProjection, OcdsProjection,
                                  FeedProjection, ReportingProjection)]
    try:
        async with running_worker(env, application) as task_queue:
            app = create_app(
                commands=catalogue_gateway(env, application, task_queue),
                importer=CatalogueImportGateway(env.client, task_queue=task_queue),
                catalogue=views[0], history=views[1], inbox=views[2], auth=AUTH,
                registry=RegistryGateway(env.client, task_queue=task_queue),
                departments=views[3], agencies=views[4],
                organizations=OrganizationGateway(env.client, task_queue=task_queue),
                grading=GradingGateway(env.client, task_queue=task_queue,
                                       policy=GradingPolicy()),
                organization_views=views[5], evaluation_views=views[6],
                transfers=TransferGateway(env.client, task_queue=task_queue,
                                          policy=TransferPolicy()),
                purchases=PurchaseGateway(env.client, task_queue=task_queue,
                                          policy=PurchasePolicy()),
                transfer_views=views[7], contract_views=views[8], ocds_views=views[9],
                feed_views=views[10], report_views=views[11],
                reporting=ReportingGateway(env.client, task_queue=task_queue),
                read_wait_seconds=10, clock=clock,
            )
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://govflow") as c:
                yield Stack(http=c, application=application, agency=agency, clock=clock)
    finally:
        stop_runners(runners)
        for view in views:
            view.close()
        application.close()
