"""What the departments and agencies views return: the committee's registers as rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True)
class DepartmentRow:
    """A registered department (登记的职能部门)."""

    id: UUID
    code: str
    name: str
    region_code: str
    region_name: str
    pilot: bool
    """In a pilot district (试点: 蓬江区, 台山市)."""
    registered_at: datetime
    version: int
    last_notification_id: int


@dataclass(frozen=True)
class DepartmentFilter:
    """Filters of ``GET /departments``; each is optional."""

    region_code: str | None = None
    pilot: bool | None = None


@dataclass(frozen=True)
class AgencyRow:
    """A consulting agency (咨询服务机构), without its experts."""

    id: UUID
    name: str
    mandate: str
    active: bool
    established_at: datetime
    updated_at: datetime
    version: int
    position: int
    """The log position of its establishment: agencies are listed in that order."""
    last_notification_id: int


@dataclass(frozen=True)
class ExpertRow:
    """An expert (专家) of an agency, appointed or removed, with declared affiliations."""

    expert_id: str
    agency_id: UUID
    name: str
    affiliations: list[str]
    """The social organizations the expert declared being affiliated with (关联关系)."""
    active: bool
    appointed_at: datetime
    removed_at: datetime | None
    removal_reason: str | None
    updated_at: datetime
    position: int
    """The log position of the appointment: an agency's experts are listed in that order."""


@dataclass(frozen=True)
class AgencyDetail:
    """An agency with its experts, in order of appointment (the removed ones too)."""

    agency: AgencyRow
    experts: list[ExpertRow]
