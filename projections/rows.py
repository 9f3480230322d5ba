"""What the views return: plain rows, filters and pages (the read side's vocabulary)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

T = TypeVar("T")

ALL_DRAFTS = "*"
"""``drafts_visible_to`` value for callers who may see every department's drafts."""


@dataclass(frozen=True)
class CatalogueItemRow:
    """One catalogue item (目录事项) as the catalogue view holds it."""

    id: UUID
    code: str
    department: str
    department_name: str
    region_code: str
    catalogue_year: int
    name: str
    description: str
    level1: str
    level2: str
    level3: str
    nature: str
    must_be_retained: bool
    provincial_listed: bool
    status: str
    status_label: str
    publicity_starts_on: date | None
    publicity_ends_on: date | None
    published_at: datetime | None
    withdrawal_reason: str | None
    version: int
    created_at: datetime
    updated_at: datetime
    last_notification_id: int
    # What the later steps add; the defaults are an item's before those steps.
    negative_list: str | None = None
    """The purchase negative-list category (负面清单, 102号 Art 10), if the item is on it."""
    catalogue_version: int = 1
    """The published version: a revision after publication publishes the next one."""
    budget_fen: int | None = None
    """The budget (安排预算, in fen) for the item's catalogue year."""
    agency_id: str | None = None
    """The consulting agency the item was referred to (提交咨询)."""
    agency_name: str | None = None
    referral_due_on: date | None = None
    """When the advisory opinion is due, as extended (延长咨询期限)."""
    referral_remind_on: date | None = None
    referral_escalated: bool = False
    """The opinion is overdue and the committee was told (逾期上报), until an extension."""
    opinion_recommendation: str | None = None
    """The advisory opinion (咨询意见): 转移, 授权, 委托, 购买服务 or 保留."""
    opinion_reasons: str | None = None
    opinion_experts: list[str] = field(default_factory=list)
    """The names of the experts who signed the opinion."""
    decision_mode: str | None = None
    """The department's decision (决定); cleared when the committee rejects a retention."""
    decision_reason: str | None = None
    """Why the decision departs from the opinion, when it does."""
    decision_departs_from_opinion: bool = False
    retention_justification: str | None = None
    """The written justification of retaining a provincially listed item."""
    retention_review_comment: str | None = None
    """The committee's comment on the retention (保留审批)."""


@dataclass(frozen=True)
class CatalogueFilter:
    """Filters of ``GET /catalogue-items``; each is optional."""

    department: str | None = None
    catalogue_year: int | None = None
    status: str | None = None
    level1: str | None = None
    drafts_visible_to: str | None = None
    """None: no drafts; ``ALL_DRAFTS``: every draft; a department code: that department's."""
    q: str | None = None
    """Chinese substring search in the item's name and description (e.g. 养老)."""


@dataclass(frozen=True)
class HistoryEntry:
    """One event in an entity's history: what happened, who did it, when."""

    entity_id: UUID
    notification_id: int
    event: str
    event_label: str
    actor_user: str
    actor_role: str
    actor_scope: str | None
    occurred_at: datetime
    command_id: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class InboxTask:
    """A case waiting on someone (待办), as the inbox view keeps it."""

    entry_id: str
    """Stable: ``<entity id>:<kind>``."""
    role: str
    scope: str | None
    """The department code or agency id that must act; None: anyone in the role."""
    kind: str
    kind_label: str
    title: str
    """What: e.g. ``440700-2027-0001 居家养老服务``."""
    entity_type: str
    entity_id: UUID
    code: str
    since: datetime
    """When the case began waiting on the caller."""
    due_on: date | None
    due_soon_on: date | None
    """From this day on the task is due soon (the reminder date)."""
    reminded: bool
    """The system sent the reminder (到期提醒)."""


@dataclass(frozen=True)
class InboxEntry(InboxTask):
    """A task in the caller's inbox, flagged as of the day asked about."""

    due_soon: bool
    """The reminder date has come and the due date has not passed."""
    overdue: bool
    """The due date has passed."""


@dataclass(frozen=True)
class Page(Generic[T]):
    data: list[T]
    next_cursor: str | None
