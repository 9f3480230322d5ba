"""What the transfer, contract and review views return (职能转移、购买服务合同、绩效评价)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID


@dataclass(frozen=True)
class TransferRow:
    """A function transfer (职能转移 / 授权 / 委托) and where it stands."""

    id: UUID
    item_id: UUID
    item_code: str
    item_name: str
    department: str
    mode: str
    """转移, 授权 or 委托."""
    organization_id: UUID
    organization_name: str
    legal_basis: str
    conditions: str
    effective_from: date
    effective_until: date
    status: str
    """``domain.transfer.transfer.TransferStatus`` value, e.g. 生效中."""
    suspension_reason: str | None
    history: list[dict[str, Any]]
    """What happened, in order: event label, on (ISO date), reason."""
    created_at: datetime
    updated_at: datetime
    version: int
    position: int
    last_notification_id: int


@dataclass(frozen=True)
class TransferFilter:
    """Filters of ``GET /transfers``; each is optional."""

    department: str | None = None
    organization_id: UUID | None = None
    item_id: UUID | None = None
    status: str | None = None
    mode: str | None = None


@dataclass(frozen=True)
class StaffingRow:
    """A staffing request (编制申请) and the 倒逼 flag."""

    id: UUID
    item_id: UUID
    item_code: str
    item_name: str
    department: str
    kind: str
    description: str
    headcount: int
    requested_on: date
    flagged: bool
    eligible_providers: list[str]
    status: str
    justification: str | None
    decided_on: date | None
    version: int
    position: int
    last_notification_id: int


@dataclass(frozen=True)
class MilestoneRow:
    """履约节点 as the ledger shows it."""

    milestone_id: str
    name: str
    due_on: date
    amount_fen: int
    status: str
    delivered_on: date | None
    accepted_on: date | None
    findings: str | None
    paid_fen: int
    overdue: bool


@dataclass(frozen=True)
class ContractRow:
    """A purchase contract (购买服务合同) with its money: amount, accepted, paid,
    outstanding (amount − paid), and its milestones and payments."""

    id: UUID
    item_id: UUID
    item_code: str
    item_name: str
    department: str
    provider_id: UUID
    provider_name: str
    provider_credit_code: str
    method: str
    fiscal_year: int
    amount_fen: int
    original_amount_fen: int
    accepted_fen: int
    paid_fen: int
    outstanding_fen: int
    term_start: date
    term_end: date
    secured_and_stable: bool
    status: str
    """``domain.purchase.contract.ContractStatus`` value."""
    awarded_on: date
    announced_on: date | None
    milestones: list[MilestoneRow]
    payments: list[dict[str, Any]]
    """milestone_id, amount_fen, approved_on (ISO), in order."""
    amendments: list[dict[str, Any]]
    """reason, added_fen, term_end, amended_on."""
    overdue_milestones: int
    provider_review_pending: bool
    review_total: int | None
    review_rating: str | None
    created_at: datetime
    updated_at: datetime
    version: int
    position: int
    last_notification_id: int


@dataclass(frozen=True)
class ContractFilter:
    """Filters of ``GET /purchase-contracts``; each is optional."""

    department: str | None = None
    provider_id: UUID | None = None
    item_id: UUID | None = None
    fiscal_year: int | None = None
    status: str | None = None


@dataclass(frozen=True)
class LedgerTotals:
    """Sums over the contracts a ledger query selects (all in fen); they reconcile with the
    contract rows: outstanding = amount − paid."""

    contracts: int
    amount_fen: int
    accepted_fen: int
    paid_fen: int
    outstanding_fen: int
    overdue_milestones: int


@dataclass(frozen=True)
class LedgerLine:
    """One group of the ledger (a department, an organization or a fiscal year)."""

    key: str
    label: str
    totals: LedgerTotals


@dataclass(frozen=True)
class ReviewRow:
    """A performance review (绩效评价) of a contract."""

    contract_id: UUID
    item_code: str
    item_name: str
    department: str
    provider_id: UUID
    provider_name: str
    fiscal_year: int
    scores: dict[str, int]
    total: int
    rating: str
    """优, 良, 中 or 差."""
    comment: str
    reviewed_on: date
    position: int
    last_notification_id: int
