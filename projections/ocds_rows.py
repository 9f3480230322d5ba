"""What the OCDS view keeps and returns (开放合同数据标准 OCDS 1.1 的发布与记录)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID


@dataclass(frozen=True)
class OcdsDepartmentRow:
    """A registered department's name, for the buyer (采购人) of its contracts."""

    code: str
    name: str


@dataclass(frozen=True)
class OcdsItemRow:
    """A catalogue item (目录事项) as far as OCDS planning needs it."""

    id: UUID
    code: str
    name: str
    description: str
    department: str
    planning: list[dict[str, Any]]
    """The item's planning events in log order: ``position``, ``at`` (ISO date-time),
    ``kind`` (``budget``: 安排预算, with ``fiscal_year`` and ``amount_fen``; ``decision``:
    决定购买服务, with ``reason``)."""


@dataclass(frozen=True)
class OcdsContractRow:
    """A purchase contract (购买服务合同) as it stood after the view's last release of it."""

    id: UUID
    item_id: UUID
    item_code: str
    item_name: str
    item_description: str
    department: str
    department_name: str
    provider_name: str
    provider_credit_code: str
    method: str
    """``domain.purchase.contract.ProcurementMethod`` value, e.g. 公开招标."""
    fiscal_year: int
    amount_fen: int
    original_amount_fen: int
    term_start: date
    term_end: date
    awarded_on: date
    status: str
    """``domain.purchase.contract.ContractStatus`` value."""
    milestones: list[dict[str, Any]]
    """履约节点: id, name, due_on, amount_fen, status, overdue, modified_on, accepted_on,
    paid_fen (dates as ISO strings)."""
    payments: list[dict[str, Any]]
    """id, milestone_id, amount_fen, approved_on, in order."""
    amendments: list[dict[str, Any]]
    """id, reason, added_fen, term_end, amended_on, milestone_id (or None)."""
    assessments: list[dict[str, Any]]
    """The performance review (绩效评价) and the reviews of the provider after a grade
    change (承接方复查): id, title, description, met_on (None until done)."""
    implementation_published: bool
    """A release has shown the contract's implementation (履约) already."""
    budget_fen: int | None = None
    """The item's budget for the contract's fiscal year."""
    rationale: str | None = None
    """Why the item is purchased (决定购买服务)."""
    ended_on: date | None = None
    """When the contract was closed (结束) or terminated (终止)."""
    termination_reason: str | None = None


@dataclass(frozen=True)
class OcdsReleaseRow:
    """One OCDS release as stored: without its ``ocid`` and ``id``, which the reader
    makes from the configured prefix (so a new prefix needs no rebuild)."""

    seq: int
    """The release's place in the order the view wrote them (the keyset of the list)."""
    contract_id: UUID
    department: str
    position: int
    """The notification the release shows (part of its id)."""
    date: datetime
    tags: list[str]
    release: dict[str, Any]


@dataclass(frozen=True)
class OcdsRecord:
    """Every release of one contracting process, oldest first, and the compiled release."""

    ocid: str
    releases: list[dict[str, Any]]
    compiled_release: dict[str, Any]
