"""Commands on the committee's registry of social organizations (社会组织登记)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.actors import Actor

_COMPLAINT_NAMESPACE = uuid5(NAMESPACE_URL, "govflow:complaint")


def complaint_id_for(command_id: str) -> str:
    """The id of the complaint a ``FileComplaint`` command files (decided outside the event)."""
    return str(uuid5(_COMPLAINT_NAMESPACE, command_id))


@dataclass(frozen=True)
class RegisterOrganization:
    """登记社会组织; its id follows from its credit code."""

    command_id: str
    actor: Actor
    credit_code: str
    name: str
    category: str
    kind: str
    industry: str
    region_code: str
    registered_on: date
    full_time_staff: int


@dataclass(frozen=True)
class DeclareCompliance:
    """申报“五自四无”: each of the nine items, compliant or not."""

    command_id: str
    actor: Actor
    organization_id: UUID
    declarations: Mapping[str, bool]
    declared_on: date


@dataclass(frozen=True)
class VerifyCompliance:
    """核验“五自四无”."""

    command_id: str
    actor: Actor
    organization_id: UUID
    verified_on: date


@dataclass(frozen=True)
class ElectBoardMember:
    """理事会成员当选; ``retired_on`` is needed when the status is 退（离）休."""

    command_id: str
    actor: Actor
    organization_id: UUID
    person_id: str
    name: str
    position: str
    public_office: str
    elected_on: date
    retired_on: date | None = None


@dataclass(frozen=True)
class RecordAnnualInspection:
    """登记年检结论."""

    command_id: str
    actor: Actor
    organization_id: UUID
    year: int
    result: str
    inspected_on: date


@dataclass(frozen=True)
class RecordPenalty:
    """登记行政处罚."""

    command_id: str
    actor: Actor
    organization_id: UUID
    decision_number: str
    authority: str
    decided_on: date
    description: str


@dataclass(frozen=True)
class RaiseCreditFlag:
    """列入失信名单或异常名录."""

    command_id: str
    actor: Actor
    organization_id: UUID
    flag: str
    reason: str
    raised_on: date


@dataclass(frozen=True)
class ClearCreditFlag:
    """移出失信名单或异常名录."""

    command_id: str
    actor: Actor
    organization_id: UUID
    flag: str
    reason: str
    cleared_on: date


@dataclass(frozen=True)
class FileComplaint:
    """投诉; the complaint's id is :func:`complaint_id_for` the command id."""

    command_id: str
    actor: Actor
    organization_id: UUID
    complainant_name: str
    complainant_contact: str
    content: str
    filed_on: date


@dataclass(frozen=True)
class ResolveComplaint:
    """办结投诉, with the outcome."""

    command_id: str
    actor: Actor
    organization_id: UUID
    complaint_id: str
    outcome: str
    resolved_on: date
