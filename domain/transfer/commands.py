"""Commands of function transfer (职能转移) and staffing requests (编制申请)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.actors import Actor
from domain.organizations.eligibility import DEFAULT_GRADE_THRESHOLD


@dataclass(frozen=True)
class ProposeTransfer:
    """提出转移方案; the transfer's id is ``aggregate_id_for(command_id)``."""

    command_id: str
    actor: Actor
    item_id: UUID
    organization_id: UUID
    legal_basis: str
    effective_from: date
    effective_until: date
    conditions: str


@dataclass(frozen=True)
class TransferCommand:
    """What every command on one transfer carries."""

    command_id: str
    actor: Actor
    transfer_id: UUID


@dataclass(frozen=True)
class ApproveTransfer(TransferCommand):
    """审批通过 (the committee): eligibility is checked on ``approved_on``."""

    approved_on: date
    threshold: int = DEFAULT_GRADE_THRESHOLD


@dataclass(frozen=True)
class RejectTransfer(TransferCommand):
    """不予批准 (the committee)."""

    reason: str


@dataclass(frozen=True)
class TransferOnDate(TransferCommand):
    """生效 or 到期 (the workflow's timers)."""

    on: date


@dataclass(frozen=True)
class SuspendTransfer(TransferCommand):
    """暂停 (a grade change, or the committee)."""

    reason: str
    on: date


@dataclass(frozen=True)
class ResumeTransfer(TransferCommand):
    """恢复 (the committee, the organization eligible again)."""

    reason: str
    on: date
    threshold: int = DEFAULT_GRADE_THRESHOLD


@dataclass(frozen=True)
class RevokeTransfer(TransferCommand):
    """撤销 (the committee)."""

    reason: str
    on: date


@dataclass(frozen=True)
class RequestStaffing:
    """编制申请; its id is ``aggregate_id_for(command_id)``."""

    command_id: str
    actor: Actor
    item_id: UUID
    kind: str
    description: str
    headcount: int
    requested_on: date
    threshold: int = DEFAULT_GRADE_THRESHOLD


@dataclass(frozen=True)
class DecideStaffing:
    """市社工委审查编制申请."""

    command_id: str
    actor: Actor
    request_id: UUID
    justified: bool
    justification: str
    decided_on: date
