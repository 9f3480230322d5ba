"""What crosses the Temporal boundary for a catalogue item (目录事项).

One dataclass per workflow, update and activity input ("fields can be added
backwards-compatibly"), and the item's state as the workflow holds it.  Each update
input knows the domain guard it must pass (``check``), so that the validator and the
handler ask the same question.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol
from uuid import UUID

from domain.actors import Actor
from domain.calendar import Period
from domain.catalogue.commands import ItemFields
from domain.catalogue.item import (
    COMMITTEE_ROLES,
    CatalogueItem,
    DecisionMode,
    ItemFacts,
    ItemStatus,
)
from domain.errors import CatalogueItemNotFoundError
from workflows.deadlines import DeadlinePolicy


@dataclass(frozen=True)
class CatalogueItemInput:
    """Starts an item's workflow.  Settings travel in the input so that replay is exact.

    ``existing``: the item was recorded before this run (imported in bulk, or its
    earlier run ended), so the run loads it instead of waiting for a draft.
    """

    item_id: UUID
    publicity_days: int
    level1_classes: tuple[str, ...]
    deadlines: DeadlinePolicy = field(default_factory=DeadlinePolicy)
    existing: bool = False


class ItemCommand(Protocol):
    """An update's input: who gives it, its command id, and the guard it must pass."""

    @property
    def command_id(self) -> str: ...

    @property
    def actor(self) -> Actor: ...

    def check(self, facts: ItemFacts) -> None: ...


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

    def check(self, facts: ItemFacts) -> None:
        facts.check_revise(self.actor)


@dataclass(frozen=True)
class PublishInput:
    command_id: str
    actor: Actor

    def check(self, facts: ItemFacts) -> None:
        facts.check_publish(self.actor)


@dataclass(frozen=True)
class WithdrawInput:
    command_id: str
    actor: Actor
    reason: str

    def check(self, facts: ItemFacts) -> None:
        facts.check_withdraw(self.actor, self.reason)


@dataclass(frozen=True)
class AllocateBudgetInput:
    """安排预算 (finance): ``amount_fen`` in fen, for ``fiscal_year``."""

    command_id: str
    actor: Actor
    fiscal_year: int
    amount_fen: int

    def check(self, facts: ItemFacts) -> None:
        facts.check_allocate_budget(self.actor)


@dataclass(frozen=True)
class ReferInput:
    """提交咨询 to a consulting agency; the workflow computes the opinion deadline."""

    command_id: str
    actor: Actor
    agency_id: UUID

    def check(self, facts: ItemFacts) -> None:
        facts.check_refer(self.actor)


@dataclass(frozen=True)
class ExtendInput:
    """延长咨询期限 (the committee) to ``due_on``; the workflow computes the reminder."""

    command_id: str
    actor: Actor
    due_on: date
    reason: str

    def check(self, facts: ItemFacts) -> None:
        facts.check_referral_step(self.actor, COMMITTEE_ROLES, "延长咨询期限")


@dataclass(frozen=True)
class OpinionInput:
    """出具咨询意见: the recommendation, its reasons, the signing experts and the social
    organizations (by credit code) it names."""

    command_id: str
    actor: Actor
    recommendation: str
    reasons: str
    expert_ids: tuple[str, ...]
    organizations: tuple[str, ...] = ()

    def check(self, facts: ItemFacts) -> None:
        facts.check_opinion(self.actor)


@dataclass(frozen=True)
class DecideInput:
    """作出决定: ``reason`` when departing from the opinion, ``justification`` for
    retaining an item the provincial decision lists for transfer."""

    command_id: str
    actor: Actor
    mode: str
    reason: str = ""
    justification: str = ""

    def check(self, facts: ItemFacts) -> None:
        facts.check_decide(self.actor)


@dataclass(frozen=True)
class ReviewRetentionInput:
    """保留审批 (the committee): approve the retention, or send the item back to decision."""

    command_id: str
    actor: Actor
    approved: bool
    comment: str = ""

    def check(self, facts: ItemFacts) -> None:
        facts.check_review_retention(self.actor)


@dataclass(frozen=True)
class DescribeCatalogueItem:
    item_id: UUID


class Handoff(StrEnum):
    """The stage a decided item is handed to (built in later issues)."""

    TRANSFER = "transfer"
    """职能转移: transfer, authorization or entrustment."""
    PURCHASE = "purchase"
    """购买服务."""


def handoff_for(status: ItemStatus | None, decision: DecisionMode | None) -> Handoff | None:
    if status is not ItemStatus.DECIDED or decision is None:
        return None
    return Handoff.PURCHASE if decision is DecisionMode.PURCHASE else Handoff.TRANSFER


@dataclass(frozen=True)
class ReferralState:
    """The referral to a consulting agency and where its deadline stands."""

    agency_id: str
    due_on: date
    remind_on: date
    reminded: bool = False
    escalated: bool = False
    schedule_known: bool = True
    """False when the due date was counted partly without the official holiday schedule
    (a year the calendar package does not know yet); unknown after a reload."""


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
    catalogue_version: int = 1
    referral: ReferralState | None = None
    decision: DecisionMode | None = None
    handoff: Handoff | None = None
    """Where a decided item goes next: the transfer or the purchase stage."""

    @classmethod
    def of(cls, item: CatalogueItem) -> CatalogueItemState:
        referral = item.referral
        decision = item.decision.mode if item.decision else None
        return cls(
            item_id=item.id, code=item.code, department=item.department, status=item.status,
            publicity_starts_on=item.publicity_starts_on,
            publicity_ends_on=item.publicity_ends_on, version=item.version,
            catalogue_version=item.catalogue_version,
            referral=None if referral is None else ReferralState(
                agency_id=referral.agency_id, due_on=referral.due_on,
                remind_on=referral.remind_on, reminded=referral.reminded,
                escalated=referral.escalated,
            ),
            decision=decision, handoff=handoff_for(item.status, decision),
        )

    def facts(self) -> ItemFacts:
        """What the domain's guards need; refuses with not-found before the item is drafted."""
        if self.status is None:
            raise item_not_found(self.item_id)
        return ItemFacts(
            code=self.code, department=self.department, status=self.status,
            published=self.publicity_ends_on is not None,
            agency_id=self.referral.agency_id if self.referral else None,
        )

    @property
    def publicity_closes_at(self) -> datetime | None:
        """The moment the publicity period (公示期) is over, once the item is published."""
        if self.publicity_starts_on is None or self.publicity_ends_on is None:
            return None
        return Period(self.publicity_starts_on, self.publicity_ends_on).closes_at


def item_not_found(item_id: UUID) -> CatalogueItemNotFoundError:
    return CatalogueItemNotFoundError(f"目录事项 {item_id} 不存在", field="item_id")
