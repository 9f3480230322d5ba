"""Commands on catalogue items.

Each carries a deterministic ``command_id`` (DESIGN.md §2 "Exactly-once effects") and
the actor.  They are plain dataclasses so that workflows and activities can pass them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from domain.actors import Actor


@dataclass(frozen=True)
class ItemFields:
    """The fields a department writes when drafting or revising an item."""

    name: str
    description: str
    catalogue_year: int
    level1: str
    level2: str
    level3: str
    nature: str
    provincial_listed: bool = False
    negative_list: str = ""
    """The purchase negative-list category (102号 Art 10), empty when the item is not on it."""


@dataclass(frozen=True)
class DraftCatalogueItem:
    command_id: str
    actor: Actor
    department: str
    fields: ItemFields


@dataclass(frozen=True)
class ReviseCatalogueItem:
    command_id: str
    actor: Actor
    item_id: UUID
    fields: ItemFields


@dataclass(frozen=True)
class PublishCatalogueItem:
    command_id: str
    actor: Actor
    item_id: UUID
    published_at: datetime
    publicity_starts_on: date
    publicity_ends_on: date


@dataclass(frozen=True)
class ClosePublicity:
    command_id: str
    actor: Actor
    item_id: UUID


@dataclass(frozen=True)
class WithdrawCatalogueItem:
    command_id: str
    actor: Actor
    item_id: UUID
    reason: str


@dataclass(frozen=True)
class CommandResult:
    """What an accepted command returns.

    ``notification_id`` is a position in the application's log at or after the
    command's last event: a read that waits for it sees the command's effect.
    """

    aggregate_id: UUID
    version: int
    notification_id: int
    code: str = ""
    replayed: bool = False
