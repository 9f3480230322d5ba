"""What crosses the Temporal boundary for a catalogue item (目录事项).

One dataclass per workflow, update and activity input ("fields can be added
backwards-compatibly"), and the item's state as the workflow holds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from domain.actors import Actor
from domain.calendar import Period
from domain.catalogue.commands import ItemFields
from domain.catalogue.item import CatalogueItem, ItemFacts, ItemStatus
from domain.errors import CatalogueItemNotFoundError


@dataclass(frozen=True)
class CatalogueItemInput:
    """Starts an item's workflow.  Settings travel in the input so that replay is exact."""

    item_id: UUID
    publicity_days: int
    level1_classes: tuple[str, ...]


@dataclass(frozen=True)
class DraftInput:
    command_id: str
    actor: Actor
    department: str
    fields: ItemFields


@dataclass(frozen=True)
class ReviseInput:
    command_id: str
    actor: Actor
    fields: ItemFields


@dataclass(frozen=True)
class PublishInput:
    command_id: str
    actor: Actor


@dataclass(frozen=True)
class WithdrawInput:
    command_id: str
    actor: Actor
    reason: str


@dataclass(frozen=True)
class DescribeCatalogueItem:
    item_id: UUID


@dataclass(frozen=True)
class CatalogueItemState:
    """An item as its workflow knows it; ``status`` is None until it is drafted."""

    item_id: UUID
    code: str = ""
    department: str = ""
    status: ItemStatus | None = None
    publicity_starts_on: date | None = None
    publicity_ends_on: date | None = None
    version: int = 0

    @classmethod
    def of(cls, item: CatalogueItem) -> CatalogueItemState:
        return cls(
            item_id=item.id, code=item.code, department=item.department, status=item.status,
            publicity_starts_on=item.publicity_starts_on,
            publicity_ends_on=item.publicity_ends_on, version=item.version,
        )

    def facts(self) -> ItemFacts:
        """What the domain's guards need; refuses with not-found before the item is drafted."""
        if self.status is None:
            raise item_not_found(self.item_id)
        return ItemFacts(
            code=self.code, department=self.department, status=self.status,
            published=self.publicity_ends_on is not None,
        )

    @property
    def publicity_closes_at(self) -> datetime | None:
        """The moment the publicity period (公示期) is over, once the item is published."""
        if self.publicity_starts_on is None or self.publicity_ends_on is None:
            return None
        return Period(self.publicity_starts_on, self.publicity_ends_on).closes_at


def item_not_found(item_id: UUID) -> CatalogueItemNotFoundError:
    return CatalogueItemNotFoundError(f"目录事项 {item_id} 不存在", field="item_id")
