"""Fakes of the committee's registers passed into ``create_app`` for the edge tests.

The commands go to the real domain application in memory, as the registry workflows'
activities call it (without Temporal).  The views are the real departments and agencies
views on a SQLite file, following the application's log each time they are read.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast
from uuid import UUID

from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from domain.agency.commands import AppointExpert, DeclareAffiliations, EstablishAgency, RemoveExpert
from domain.application import GovflowApplication
from domain.catalogue.commands import CommandResult
from domain.registry.commands import RegisterDepartment
from projections.agencies import AgenciesProjection
from projections.departments import DepartmentsProjection
from projections.register_rows import AgencyDetail, DepartmentFilter, DepartmentRow
from projections.registry import open_view
from projections.rows import Page
from projections.views import APPLICATION_NAME

CommandT = TypeVar("CommandT")


class FakeRegistryCommands:
    """The registry gateway without Temporal; remembers every command id it was given."""

    def __init__(self, application: GovflowApplication) -> None:
        self.application = application
        self.command_ids: list[str] = []

    def _run(self, handler: Callable[[CommandT], CommandResult], command: CommandT
             ) -> CommandResult:
        self.command_ids.append(command.command_id)  # type: ignore[attr-defined]
        return handler(command)

    async def register_department(self, command: RegisterDepartment) -> CommandResult:
        return self._run(self.application.register_department, command)

    async def establish_agency(self, command: EstablishAgency) -> CommandResult:
        return self._run(self.application.establish_agency, command)

    async def appoint_expert(self, command: AppointExpert) -> CommandResult:
        return self._run(self.application.appoint_expert, command)

    async def declare_affiliations(self, command: DeclareAffiliations) -> CommandResult:
        return self._run(self.application.declare_affiliations, command)

    async def remove_expert(self, command: RemoveExpert) -> CommandResult:
        return self._run(self.application.remove_expert, command)


class FollowingRegisters:
    """The departments and agencies views, brought up to the log before every read."""

    def __init__(self, application: GovflowApplication, path: Path) -> None:
        env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}
        self.application = application
        self.projections: list[Projection[Any]] = [
            cls(view=open_view(cls, env=env, uses_postgres=False))
            for cls in (DepartmentsProjection, AgenciesProjection)
        ]
        self.departments = FollowingDepartments(self, self.projections[0].view)
        self.agencies = FollowingAgencies(self, self.projections[1].view)
        self.following = True

    def follow(self) -> None:
        if not self.following:
            return
        for projection in self.projections:
            position = projection.view.max_tracking_id(APPLICATION_NAME) or 0
            for notification in self.application.recorder.select_notifications(
                start=position, limit=10_000, inclusive_of_start=False
            ):
                projection.process_event(self.application.mapper.to_domain_event(notification),
                                         Tracking(APPLICATION_NAME, notification.id))

    def close(self) -> None:
        for projection in self.projections:
            projection.view.close()


class _Following:
    """A view read through ``FollowingRegisters``: brought up to the log first."""

    def __init__(self, registers: FollowingRegisters, view: Any) -> None:
        self._registers = registers
        self._view = view

    def _read(self) -> Any:
        self._registers.follow()
        return self._view

    def caught_up(self, notification_id: int, timeout: float) -> bool:
        return bool(self._read().caught_up(notification_id, timeout))


class FollowingDepartments(_Following):
    """A ``DepartmentReader`` following the log."""

    def get_department(self, code: str) -> DepartmentRow | None:
        return cast(DepartmentRow | None, self._read().get_department(code))

    def list_departments(
        self, filters: DepartmentFilter, *, cursor: str | None, limit: int
    ) -> Page[DepartmentRow]:
        return cast(Page[DepartmentRow],
                    self._read().list_departments(filters, cursor=cursor, limit=limit))


class FollowingAgencies(_Following):
    """An ``AgencyReader`` following the log."""

    def get_agency(self, agency_id: UUID) -> AgencyDetail | None:
        return cast(AgencyDetail | None, self._read().get_agency(agency_id))

    def list_agencies(self, *, cursor: str | None, limit: int) -> Page[AgencyDetail]:
        return cast(Page[AgencyDetail], self._read().list_agencies(cursor=cursor, limit=limit))
