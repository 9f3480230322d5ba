"""The app of the disclosure tests: real views over a world with restricted things in it.

``disclosure_app`` writes ``tests.restricted_world`` through the domain into a SQLite
event store, rebuilds every view the app reads from it, and builds the app over those
views (the command gateways are the fakes; the disclosure tests only read).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from eventsourcing.projection import Projection
from fastapi import FastAPI

from api.app import create_app
from api.auth import AuthConfig
from domain.application import GovflowApplication
from govflow.audit_chain import ChainedRecorder, RecorderAuditLog
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
from projections.rebuild import rebuild
from projections.registry import open_view
from projections.reporting import ReportingProjection
from projections.transfers import TransfersProjection
from tests.api.case_fakes import FakePurchaseCommands, FakeTransferCommands
from tests.api.fakes import FakeCatalogueCommands, FakeClock
from tests.api.organization_fakes import FakeGradingCommands, FakeOrganizationCommands
from tests.api.registry_fakes import FakeRegistryCommands
from tests.projections.conftest import DEPARTMENTS, Store, sqlite_env
from tests.restricted_world import RestrictedWorld, write_restricted_world
from tests.seed import register_departments

AUTH = AuthConfig(secret="disclosure-tests-secret-0123456789abcdef", issuer="govflow-test",
                  ttl=timedelta(hours=1))
NOW = datetime(2027, 3, 22, 2, 0, tzinfo=UTC)

VIEWS: tuple[type[Projection[Any]], ...] = (
    CatalogueProjection, HistoryProjection, InboxProjection, DepartmentsProjection,
    AgenciesProjection, OrganizationsProjection, EvaluationsProjection, TransfersProjection,
    ContractsProjection, FeedProjection, OcdsProjection, ReportingProjection,
)


@dataclass(frozen=True)
class Disclosure:
    app: FastAPI
    world: RestrictedWorld
    application: GovflowApplication
    views: dict[type[Projection[Any]], Any]


@contextmanager
def disclosure_app(directory: Path) -> Iterator[Disclosure]:
    env = sqlite_env(directory)
    application = GovflowApplication(env=env)
    register_departments(application, *DEPARTMENTS)
    world = write_restricted_world(Store(env=env, uses_postgres=False, app=application))
    views = {cls: open_view(cls, env=env, uses_postgres=False) for cls in VIEWS}
    try:
        for cls, view in views.items():
            rebuild(projection_class=cls, view=view, application=application)
        clock = FakeClock(NOW)
        app = create_app(
            commands=FakeCatalogueCommands(application),
            catalogue=views[CatalogueProjection], history=views[HistoryProjection],
            inbox=views[InboxProjection], registry=FakeRegistryCommands(application),
            departments=views[DepartmentsProjection], agencies=views[AgenciesProjection],
            auth=AUTH, read_wait_seconds=0.25, clock=clock,
            organizations=FakeOrganizationCommands(application),
            grading=FakeGradingCommands(application, clock),
            organization_views=views[OrganizationsProjection],
            evaluation_views=views[EvaluationsProjection],
            transfers=FakeTransferCommands(application, clock),
            purchases=FakePurchaseCommands(application, clock),
            transfer_views=views[TransfersProjection], contract_views=views[ContractsProjection],
            feed_views=views[FeedProjection], ocds_views=views[OcdsProjection],
            audit=RecorderAuditLog(cast(ChainedRecorder, application.recorder)),
            report_views=views[ReportingProjection],
        )
        yield Disclosure(app=app, world=world, application=application, views=views)
    finally:
        for view in views.values():
            view.close()
        application.close()


def field_paths(value: Any, prefix: str = "") -> set[str]:
    """Every field path of a JSON value: ``data[].grades[].level``; a list at the top is
    ``[]``."""
    paths: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            paths.add(path)
            paths |= field_paths(inner, path)
    elif isinstance(value, list):
        for inner in value:
            paths |= field_paths(inner, f"{prefix}[]")
    return paths


def under(prefix: str, names: str) -> set[str]:
    """``prefix.name`` for each space-separated name (just the names at the top: ``""``)."""
    return {f"{prefix}.{name}" if prefix else name for name in names.split()}
