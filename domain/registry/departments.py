"""Departments (职能部门) registered by the committee (市社工委)."""

from __future__ import annotations

import re
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.actors import Actor, Role
from domain.aggregate import GovAggregate
from domain.departments import PILOT_REGIONS, REGION_NAMES, Department
from domain.errors import InvalidDepartmentCodeError
from domain.text import required_text

_NAMESPACE = uuid5(NAMESPACE_URL, "govflow:department")
CODE_PATTERN = re.compile(r"^(?P<region>\d{6})-(?P<unit>[A-Z0-9]{2,12})$")
COMMITTEE_ROLES = frozenset({Role.COMMITTEE})
NAME_MAX = 50


def check_department_code(code: str) -> str:
    """A department code is ``<Jiangmen region code>-<unit letters>``, e.g. 440700-MZJ;
    returns the region code."""
    match = CODE_PATTERN.match(code)
    if match is None:
        raise InvalidDepartmentCodeError(
            f"部门代码 {code!r} 格式不正确；应为“6位行政区划代码-单位简称（大写字母或数字）”，"
            f"例如 440700-MZJ",
            field="code",
        )
    region = match.group("region")
    if region not in REGION_NAMES:
        regions = "、".join(f"{c}（{n}）" for c, n in REGION_NAMES.items())
        raise InvalidDepartmentCodeError(
            f"部门代码 {code} 的行政区划代码 {region} 不属于江门市；应为以下之一：{regions}",
            field="code",
        )
    return region


class RegisteredDepartment(GovAggregate):
    """A department in the committee's registry; its id follows from its code."""

    @staticmethod
    def create_id(code: str) -> UUID:
        return uuid5(_NAMESPACE, code)

    @classmethod
    def register(cls, *, command_id: str, actor: Actor, code: str,
                 name: str) -> RegisteredDepartment:
        """登记部门: the region, its name and whether it is a pilot follow from the code."""
        cls.check_role(actor, COMMITTEE_ROLES, action="登记部门")
        region = check_department_code(code)
        return cls(command_id=command_id, actor=cls.actor_record(actor), code=code,
                   name=required_text(name, field="name", label="部门名称", max_length=NAME_MAX),
                   region_code=region, region_name=REGION_NAMES[region],
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
