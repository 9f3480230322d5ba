"""Commands on consulting agencies (咨询服务机构) and their experts."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.actors import Actor

_EXPERT_NAMESPACE = uuid5(NAMESPACE_URL, "govflow:expert")


def expert_id_for(command_id: str) -> str:
    """The id of the expert an ``AppointExpert`` command appoints (decided outside the event)."""
    return str(uuid5(_EXPERT_NAMESPACE, command_id))


@dataclass(frozen=True)
class EstablishAgency:
    """设立咨询服务机构; its id follows from the command id."""

    command_id: str
    actor: Actor
    name: str
    mandate: str


@dataclass(frozen=True)
class AppointExpert:
    """聘任专家, with the social organizations (credit codes) they are affiliated with."""

    command_id: str
    actor: Actor
    agency_id: UUID
    name: str
    affiliations: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeclareAffiliations:
    """申报关联关系: replaces the expert's previous declaration."""

    command_id: str
    actor: Actor
    agency_id: UUID
    expert_id: str
    affiliations: tuple[str, ...]


@dataclass(frozen=True)
class RemoveExpert:
    """解聘专家."""

    command_id: str
    actor: Actor
    agency_id: UUID
    expert_id: str
    reason: str
