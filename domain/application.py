"""The one application that owns every aggregate (DESIGN.md §2).

Service layer: get → decide (guards) → save.  Commands are idempotent by command id:
a command already applied returns its original result and records nothing.  Each
area's commands live in its own service; this class puts them on one log.
"""

from __future__ import annotations

from eventsourcing.persistence import JSONTranscoder

from domain.agency.service import AgencyService
from domain.catalogue.importing import ImportService
from domain.catalogue.service import CataloguePolicy
from domain.departments import DepartmentDirectory
from domain.purchase.service import PurchaseService
from domain.registry.service import RegistryDirectory, RegistryService
from domain.reporting.service import ReportingService
from domain.transcodings import DateAsISO

__all__ = ["CataloguePolicy", "GovflowApplication"]


class GovflowApplication(
    PurchaseService, ReportingService, ImportService, RegistryService, AgencyService
):
    """政府职能转移与购买服务 — every aggregate, one totally ordered log."""

    name = "govflow"

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        departments: DepartmentDirectory | None = None,
        catalogue_policy: CataloguePolicy | None = None,
    ) -> None:
        super().__init__(env)
        # The committee's registry, unless a test passes its own directory.
        self.departments: DepartmentDirectory = departments or RegistryDirectory(self)
        self.catalogue_policy = catalogue_policy or CataloguePolicy()

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
