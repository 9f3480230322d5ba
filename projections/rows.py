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
class Page(Generic[T]):
    data: list[T]
    next_cursor: str | None
