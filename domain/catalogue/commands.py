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
class RecordExistingItem:
    """登记既有目录事项: published (and, unless ``mode`` is empty, decided) before govflow,
    by its document; the item's id is ``aggregate_id_for(command_id)``, its code the next
    of its year."""

    command_id: str
    actor: Actor
    department: str
    fields: ItemFields
    published_on: date
    publicity_ends_on: date
    mode: str
    document: str
    recorded_on: date
    budget_fen: int = 0
    """For a purchase: the budget of the catalogue year it was decided on (fen)."""


@dataclass(frozen=True)
class ReviseCatalogueItem:
    """Revise a draft in place, or publish a new version of a published item: then the
    new publicity period (decided by the workflow) comes with the command."""

    command_id: str
    actor: Actor
    item_id: UUID
    fields: ItemFields
    published_at: datetime | None = None
    publicity_starts_on: date | None = None
    publicity_ends_on: date | None = None


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
class AllocateBudget:
    command_id: str
    actor: Actor
    item_id: UUID
    fiscal_year: int
    amount_fen: int


@dataclass(frozen=True)
class ReferCatalogueItem:
    """提交咨询; the deadline dates are computed outside (calendar or working days)."""

    command_id: str
    actor: Actor
    item_id: UUID
    agency_id: UUID
    referred_at: datetime
    due_on: date
    remind_on: date
    day_basis: str = "calendar"


@dataclass(frozen=True)
class ReferralStep:
    """Remind (系统提醒) or escalate (逾期上报) a referral."""

    command_id: str
    actor: Actor
    item_id: UUID


@dataclass(frozen=True)
class ExtendReferral:
    command_id: str
    actor: Actor
    item_id: UUID
    due_on: date
    remind_on: date
    reason: str


@dataclass(frozen=True)
class GiveOpinion:
    command_id: str
    actor: Actor
    item_id: UUID
    recommendation: str
    reasons: str
    expert_ids: tuple[str, ...]
    organizations: tuple[str, ...]
    given_at: datetime


@dataclass(frozen=True)
class DecideCatalogueItem:
    command_id: str
    actor: Actor
    item_id: UUID
    mode: str
    reason: str = ""
    justification: str = ""


@dataclass(frozen=True)
class ReviewRetention:
    command_id: str
    actor: Actor
    item_id: UUID
    approved: bool
    comment: str = ""


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
