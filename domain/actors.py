"""Who gives a command: recorded on every event so that history can say who acted."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """The roles of DESIGN.md §1 (token claim ``role``)."""

    DEPARTMENT = "department"
    AGENCY = "agency"
    EVALUATOR = "evaluator"
    FINANCE = "finance"
    COMMITTEE = "committee"
    ORGANIZATION = "organization"
    SYSTEM = "system"
    PUBLIC = "public"


ROLE_LABELS: dict[Role, str] = {
    Role.DEPARTMENT: "职能部门",
    Role.AGENCY: "咨询服务机构",
    Role.EVALUATOR: "第三方评估机构",
    Role.FINANCE: "财政部门",
    Role.COMMITTEE: "市社工委",
    Role.ORGANIZATION: "社会组织",
    Role.SYSTEM: "系统",
    Role.PUBLIC: "公众",
}


@dataclass(frozen=True)
class Actor:
    """A user acting in a role, inside a scope (a department code, an agency id, …)."""

    user: str
    role: Role
    scope: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"user": self.user, "role": self.role.value, "scope": self.scope}

    @classmethod
    def from_dict(cls, data: dict[str, str | None]) -> Actor:
        return cls(user=str(data["user"]), role=Role(str(data["role"])), scope=data.get("scope"))


SYSTEM_ACTOR = Actor(user="govflow", role=Role.SYSTEM)
PUBLIC_ACTOR = Actor(user="anonymous", role=Role.PUBLIC)
"""Anyone, without a token: may only file a complaint (投诉)."""
"""The actor of steps the system takes by itself (a timer ending a publicity period)."""
