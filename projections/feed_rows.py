"""What the change feed (信息公开变更) holds: one entry per public change, and the catalogue
items it holds back until they are published."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID


@dataclass(frozen=True)
class FeedEntry:
    """One public change, at its place in the log."""

    position: int
    """The event's notification id: entries are in this order, and a consumer's cursor
    is the position of the last entry it has read."""
    entity_type: str
    """What changed: ``catalogue_item``, ``organization``, ``grade_evaluation``,
    ``evaluator``, ``department``, ``agency``, ``transfer`` or ``purchase_contract``."""
    entity_id: UUID
    event: str
    """The event's name, e.g. ``Published`` (with ``entity_type``, it names the change)."""
    event_label: str
    """The event's Chinese name, e.g. 发布."""
    actor_role: str
    """Who acted, by role only (``department``, ``committee``, ``public``, …)."""
    occurred_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)
    """The event's public fields (``projections.feed.PUBLIC_EVENTS``), ready for JSON."""


@dataclass(frozen=True)
class FeedItem:
    """A catalogue item as the feed knows it: its draft content, held back until its
    publication (then shown in the ``Published`` entry and forgotten)."""

    item_id: UUID
    published: bool
    held: dict[str, Any] = field(default_factory=dict)
