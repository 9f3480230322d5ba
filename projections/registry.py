"""Which view class each projection uses on each database."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventsourcing.persistence import InfrastructureFactory
from eventsourcing.projection import Projection
from eventsourcing.utils import Environment

from projections.agencies import AgenciesProjection, PostgresAgenciesView, SQLiteAgenciesView
from projections.catalogue import CatalogueProjection, PostgresCatalogueView, SQLiteCatalogueView
from projections.contracts import (
    ContractsProjection,
    PostgresContractsView,
    SQLiteContractsView,
)
from projections.departments import (
    DepartmentsProjection,
    PostgresDepartmentsView,
    SQLiteDepartmentsView,
)
from projections.evaluations import (
    EvaluationsProjection,
    PostgresEvaluationsView,
    SQLiteEvaluationsView,
)
from projections.feed import FeedProjection, PostgresFeedView, SQLiteFeedView
from projections.history import HistoryProjection, PostgresHistoryView, SQLiteHistoryView
from projections.inbox import InboxProjection, PostgresInboxView, SQLiteInboxView
from projections.ocds import OcdsProjection, PostgresOcdsView, SQLiteOcdsView
from projections.organizations import (
    OrganizationsProjection,
    PostgresOrganizationsView,
    SQLiteOrganizationsView,
)
from projections.reporting import (
    PostgresReportingView,
    ReportingProjection,
    SQLiteReportingView,
)
from projections.transfers import (
    PostgresTransfersView,
    SQLiteTransfersView,
    TransfersProjection,
)
from projections.views import TrackedView


@dataclass(frozen=True)
class Registration:
    projection_class: type[Projection[Any]]
    sqlite_view: type[TrackedView]
    postgres_view: type[TrackedView]


REGISTRATIONS: tuple[Registration, ...] = (
    Registration(CatalogueProjection, SQLiteCatalogueView, PostgresCatalogueView),
    Registration(HistoryProjection, SQLiteHistoryView, PostgresHistoryView),
    Registration(InboxProjection, SQLiteInboxView, PostgresInboxView),
    Registration(DepartmentsProjection, SQLiteDepartmentsView, PostgresDepartmentsView),
    Registration(AgenciesProjection, SQLiteAgenciesView, PostgresAgenciesView),
    Registration(OrganizationsProjection, SQLiteOrganizationsView, PostgresOrganizationsView),
    Registration(EvaluationsProjection, SQLiteEvaluationsView, PostgresEvaluationsView),
    Registration(TransfersProjection, SQLiteTransfersView, PostgresTransfersView),
    Registration(ContractsProjection, SQLiteContractsView, PostgresContractsView),
    Registration(OcdsProjection, SQLiteOcdsView, PostgresOcdsView),
    Registration(ReportingProjection, SQLiteReportingView, PostgresReportingView),
    Registration(FeedProjection, SQLiteFeedView, PostgresFeedView),
)

PROJECTIONS: tuple[type[Projection[Any]], ...] = tuple(
    r.projection_class for r in REGISTRATIONS
)


def view_class_for(projection_class: type[Projection[Any]], uses_postgres: bool) -> type[Any]:
    """The view class of ``projection_class`` on PostgreSQL or on SQLite."""
    for registration in REGISTRATIONS:
        if registration.projection_class is projection_class:
            return registration.postgres_view if uses_postgres else registration.sqlite_view
    raise LookupError(f"{projection_class.__name__} is not a registered projection")


def open_view(
    projection_class: type[Projection[Any]], *, env: dict[str, str], uses_postgres: bool
) -> Any:
    """The view of ``projection_class``, built as ``ProjectionRunner`` builds it: from an
    environment named after the projection (so ``<NAME>_SQLITE_DBNAME`` applies)."""
    factory = InfrastructureFactory.construct(Environment(projection_class.name, env))
    return factory.tracking_recorder(view_class_for(projection_class, uses_postgres))


def sqlite_view_files(directory: Path, *, prefix: str = "views") -> dict[str, str]:
    """``<NAME>_SQLITE_DBNAME`` for every projection: a file of its own in ``directory``
    (``views-catalogue.sqlite3``, …), so that one view's long batch (a bulk import's
    catch-up) never holds the write lock another view is waiting for."""
    return {f"{p.name.upper()}_SQLITE_DBNAME": str(directory / f"{prefix}-{p.name}.sqlite3")
            for p in PROJECTIONS}
