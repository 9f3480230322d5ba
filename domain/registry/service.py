"""The registry service: the committee registers departments (登记部门).

The registry is also the application's department directory: a department may keep
a catalogue once it is registered.
"""

from __future__ import annotations

from domain.catalogue.commands import CommandResult
from domain.departments import Department
from domain.errors import DepartmentAlreadyRegisteredError
from domain.registry.commands import RegisterDepartment
from domain.registry.departments import RegisteredDepartment
from domain.services import ServiceBase


class RegistryService(ServiceBase):
    """市社工委的登记: departments (and later evaluators and social organizations)."""

    def register_department(self, cmd: RegisterDepartment) -> CommandResult:
        """登记部门; a code is registered once (its id follows from it)."""
        return self._create(
            RegisteredDepartment, RegisteredDepartment.create_id(cmd.code), cmd.command_id,
            lambda: RegisteredDepartment.register(
                command_id=cmd.command_id, actor=cmd.actor, code=cmd.code, name=cmd.name
            ),
            taken=_already_registered,
        )

    def registered_department(self, code: str) -> RegisteredDepartment | None:
        return self._get_or_none(RegisteredDepartment, RegisteredDepartment.create_id(code))


def _already_registered(department: RegisteredDepartment) -> DepartmentAlreadyRegisteredError:
    return DepartmentAlreadyRegisteredError(
        f"部门代码 {department.code} 已登记为「{department.name}」，不能重复登记", field="code"
    )


class RegistryDirectory:
    """The registered departments, as the ``DepartmentDirectory`` the catalogue asks."""

    def __init__(self, registry: RegistryService) -> None:
        self._registry = registry

    def get(self, code: str) -> Department | None:
        department = self._registry.registered_department(code)
        return None if department is None else department.as_department()
