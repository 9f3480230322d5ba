"""Commands on purchase contracts (购买服务合同)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from domain.actors import Actor
from domain.organizations.eligibility import DEFAULT_GRADE_THRESHOLD
from domain.purchase.contract import ContractPolicy, MilestonePlan


@dataclass(frozen=True)
class AwardContract:
    """签订合同; the contract's id is ``aggregate_id_for(command_id)``."""

    command_id: str
    actor: Actor
    item_id: UUID
    organization_id: UUID
    method: str
    fiscal_year: int
    amount_fen: int
    term_start: date
    term_end: date
    milestones: tuple[MilestonePlan, ...]
    awarded_on: date
    secured_and_stable: bool = False
    threshold: int = DEFAULT_GRADE_THRESHOLD


@dataclass(frozen=True)
class ContractCommand:
    """What every command on one contract carries."""

    command_id: str
    actor: Actor
    contract_id: UUID


@dataclass(frozen=True)
class AnnounceContract(ContractCommand):
    """合同公告."""

    announced_on: date


@dataclass(frozen=True)
class ReportDelivery(ContractCommand):
    """交付 (the provider)."""

    milestone_id: str
    report: str
    delivered_on: date


@dataclass(frozen=True)
class ReviewDelivery(ContractCommand):
    """验收 (the department): accepted, or rejected with findings."""

    milestone_id: str
    accepted: bool
    findings: str
    reviewed_on: date


@dataclass(frozen=True)
class MarkMilestoneOverdue(ContractCommand):
    """履约节点逾期 (the workflow's timer)."""

    milestone_id: str


@dataclass(frozen=True)
class ApprovePayment(ContractCommand):
    """支付审批 (finance)."""

    milestone_id: str
    amount_fen: int
    approved_on: date
    policy: ContractPolicy = field(default_factory=ContractPolicy)


@dataclass(frozen=True)
class AmendContract(ContractCommand):
    """补充合同: more amount (with its milestone) and/or a new term end."""

    reason: str
    amended_on: date
    added_fen: int = 0
    added_milestone: MilestonePlan | None = None
    term_end: date | None = None


@dataclass(frozen=True)
class TerminateContract(ContractCommand):
    """终止合同."""

    reason: str
    terminated_on: date


@dataclass(frozen=True)
class OpenReview(ContractCommand):
    """期满，开始绩效评价 (the workflow's timer)."""

    opened_on: date


@dataclass(frozen=True)
class RecordReview(ContractCommand):
    """绩效评价."""

    scores: Mapping[str, int]
    comment: str
    reviewed_on: date
    policy: ContractPolicy = field(default_factory=ContractPolicy)


@dataclass(frozen=True)
class CloseContract(ContractCommand):
    """合同结束 (the workflow, once reviewed and fully paid)."""

    closed_on: date


@dataclass(frozen=True)
class NoteProviderGradeChange(ContractCommand):
    """承接方等级变动 (a grade-change signal)."""

    change: str
    reason: str
    on: date


@dataclass(frozen=True)
class ConfirmProvider(ContractCommand):
    """复查后继续履行 (the department)."""

    note: str
    confirmed_on: date
