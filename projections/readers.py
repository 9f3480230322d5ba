"""The read interfaces the API depends on; the views implement them."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from projections.rows import CatalogueFilter, CatalogueItemRow, HistoryEntry, Page


class CaughtUp(Protocol):
    def caught_up(self, notification_id: int, timeout: float) -> bool:
        """Wait (at most ``timeout`` seconds) until the view has processed
        ``notification_id``; True if it has."""
        ...


class CatalogueReader(CaughtUp, Protocol):
    def get_item(self, item_id: UUID) -> CatalogueItemRow | None: ...

    def list_items(
        self, filters: CatalogueFilter, *, cursor: str | None, limit: int
    ) -> Page[CatalogueItemRow]: ...


class HistoryReader(CaughtUp, Protocol):
    def history(self, entity_id: UUID) -> list[HistoryEntry]: ...
