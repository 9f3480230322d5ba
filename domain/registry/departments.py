"""Departments (职能部门) registered by the committee (市社工委)."""

from __future__ import annotations

import re
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.actors import Actor, Role
from domain.aggregate import GovAggregate
from domain.departments import PILOT_REGIONS, REGION_NAMES, Department
from domain.errors import InvalidDepartmentCodeError, RequiredFieldError

_NAMESPACE = uuid5(NAMESPACE_URL, "govflow:department")
CODE_PATTERN = re.compile(r"^(?P<region>\d{6})-(?P<unit>[A-Z0-9]{2,12})$")
COMMITTEE_ROLES = frozenset({Role.COMMITTEE})


def check_department_code(code: str) -> str:
    """A department code is ``<6-digit region code>-<unit letters>``, e.g. 440700-MZJ."""
    match = CODE_PATTERN.match(code)
    if match is None:
        raise InvalidDepartmentCodeError(
            f"部门代码 {code!r} 格式不正确；应为“6位行政区划代码-单位简称”，例如 440700-MZJ",
            field="code",
        )
    return match.group("region")


class RegisteredDepartment(GovAggregate):
    """A department in the committee's registry; its id follows from its code."""

    @staticmethod
    def create_id(code: str) -> UUID:
        return uuid5(_NAMESPACE, code)

    @classmethod
    def register(cls, *, command_id: str, actor: Actor, code: str, name: str,
                 region_name: str | None = None) -> RegisteredDepartment:
        cls.check_role(actor, COMMITTEE_ROLES, action="登记部门")
        region = check_department_code(code)
        if not name.strip():
            raise RequiredFieldError("部门名称不能为空", field="name")
        return cls(command_id=command_id, actor=cls.actor_record(actor), code=code,
                   name=name.strip(), region_code=region,
                   region_name=(region_name or REGION_NAMES.get(region, region)).strip(),
                   pilot=region in PILOT_REGIONS)

    @event("Registered")
    def __init__(self, *, command_id: str, actor: dict[str, Any], code: str, name: str,
                 region_code: str, region_name: str, pilot: bool) -> None:
        self._created_by(command_id)
        self.code = code
        self.name = name
        self.region_code = region_code
        self.region_name = region_name
        self.pilot = pilot

    def as_department(self) -> Department:
        return Department(code=self.code, name=self.name, region_code=self.region_code,
                          pilot=self.pilot)
