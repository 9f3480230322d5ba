"""The change feed (信息公开变更): every public change, in log order, for integrators.

One entry per public event: its position (the notification id), what changed (entity
type and id), the event with its Chinese label, when, the acting role, and a payload of
the event's public fields.  What is public is an explicit allow-list per event
(:data:`PUBLIC_EVENTS`, DESIGN.md §3.6): an event not listed never makes an entry
(staffing requests, catalogue numbering, reports, reminders, escalations, appeals …),
and a field not listed is never written (who complained, a board member's public office
and retirement, an evaluation's scores, a retention's justification).  Who acted is
shown by role only; a complaint always by the public's.

A catalogue item is public from its publication on: its draft content (and a budget
recorded with an existing item before its publication) is held back in a table of its
own and shown in the ``Published`` entry; a draft's own events, and those of a draft
that is withdrawn, make no entry.

Order and completeness.  The event store commits notifications in id order (one writer
at a time on SQLite; a table lock per insert on PostgreSQL), the runner applies them in
that order, and each batch commits whole with its tracking records.  So once a reader
sees the entry at position p, every public change below p is already visible, and no
entry below p appears later: a consumer that stores the position of the last entry it
read and asks for what follows (``GET /feed?after=<position>``) misses nothing and sees
nothing twice.  A rebuild writes the same positions again; widening the allow-list and
rebuilding, though, adds entries below cursors consumers already hold.

With SQLite the view lives in its own file (``FEED_SQLITE_DBNAME``); with PostgreSQL it
is tracked in ``feed_tracking``.  No topic filter, for the reason given in
``projections.catalogue``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any
from uuid import UUID

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from domain.actors import Role
from domain.aggregate import GovAggregate
from projections.events import (
    AFFILIATIONS_DECLARED,
    AGENCY_ESTABLISHED,
    APPEAL_ANSWERED,
    BOARD_MEMBER_ELECTED,
    COMPLAINT_FILED,
    COMPLAINT_RESOLVED,
    COMPLIANCE_DECLARED,
    COMPLIANCE_VERIFIED,
    CONTRACT_AMENDED,
    CONTRACT_ANNOUNCED,
    CONTRACT_AWARDED,
    CONTRACT_CLOSED,
    CONTRACT_REVIEWED,
    CONTRACT_TERMINATED,
    CREDIT_FLAG_CLEARED,
    CREDIT_FLAG_RAISED,
    DEPARTMENT_REGISTERED,
    EVALUATION_APPLIED,
    EVALUATION_CONFIRMED,
    EVALUATION_OPENED,
    EVALUATION_PUBLICITY_CLOSED,
    EVALUATION_SCORED,
    EVALUATOR_AFFILIATIONS_DECLARED,
    EVALUATOR_ASSIGNED,
    EVALUATOR_REGISTERED,
    EXPERT_APPOINTED,
    EXPERT_REMOVED,
    GRADE_AWARDED,
    GRADE_CERTIFICATE_RECORDED,
    GRADE_DOWNGRADED,
    GRADE_LAPSED,
    GRADE_REVOKED,
    INSPECTION_RECORDED,
    ITEM_BUDGET_ALLOCATED,
    ITEM_DECIDED,
    ITEM_DRAFTED,
    ITEM_OPINION_GIVEN,
    ITEM_PUBLICITY_CLOSED,
    ITEM_PUBLISHED,
    ITEM_REFERRAL_EXTENDED,
    ITEM_REFERRED,
    ITEM_REVISED,
    ITEM_UNDERTAKEN,
    ITEM_UNDERTAKING_ENDED,
    ITEM_VERSION_PUBLISHED,
    ITEM_WITHDRAWN,
    MILESTONE_ACCEPTED,
    MILESTONE_DELIVERED,
    MILESTONE_OVERDUE,
    MILESTONE_REJECTED,
    ORGANIZATION_REGISTERED,
    PAYMENT_APPROVED,
    PENALTY_RECORDED,
    PERFORMANCE_BARRED,
    PROVIDER_CONFIRMED,
    PROVIDER_GRADE_CHANGED,
    REVIEW_OPENED,
    TRANSFER_APPROVED,
    TRANSFER_EXPIRED,
    TRANSFER_PROPOSED,
    TRANSFER_REJECTED,
    TRANSFER_RESUMED,
    TRANSFER_REVOKED,
    TRANSFER_SUSPENDED,
    TRANSFER_TOOK_EFFECT,
    UNDERTAKING_ENDED,
    UNDERTAKING_STARTED,
    event_values,
)
from projections.feed_rows import FeedEntry, FeedItem
from projections.history import EVENT_LABELS
from projections.sql import SqlCursor, Table, json_ready
from projections.views import PostgresTrackedView, SQLiteTrackedView, TrackedView

CATALOGUE_ITEM = "catalogue_item"
ORGANIZATION = "organization"
GRADE_EVALUATION = "grade_evaluation"
EVALUATOR = "evaluator"
DEPARTMENT = "department"
AGENCY = "agency"
TRANSFER = "transfer"
PURCHASE_CONTRACT = "purchase_contract"


def _always(_: Mapping[str, Any]) -> bool:
    return True


@dataclass(frozen=True)
class Disclosed:
    """What the feed shows of one kind of event."""

    entity_type: str
    fields: tuple[str, ...]
    """The event's fields the payload may hold; no other field is ever written."""
    shown_if: Callable[[Mapping[str, Any]], bool] = _always
    """Whether this event (its values) makes an entry at all."""


ITEM_CONTENT = ("name", "description", "catalogue_year", "level1", "level2", "level3",
                "nature", "provincial_listed", "negative_list")
PUBLICATION = ("published_at", "publicity_starts_on", "publicity_ends_on")
HELD_BUDGET = ("budget_fiscal_year", "budget_fen")
"""A budget recorded before publication (an existing item's), shown with its publication."""


def _item(*fields: str) -> Disclosed:
    return Disclosed(CATALOGUE_ITEM, fields)


ITEM_EVENTS: dict[type[Any], Disclosed] = {
    ITEM_PUBLISHED: _item("code", "department", *ITEM_CONTENT, *PUBLICATION, *HELD_BUDGET),
    ITEM_PUBLICITY_CLOSED: _item(),
    ITEM_VERSION_PUBLISHED: _item("version_no", *ITEM_CONTENT, *PUBLICATION),
    ITEM_WITHDRAWN: _item("reason"),
    ITEM_BUDGET_ALLOCATED: _item("fiscal_year", "amount_fen"),
    ITEM_REFERRED: _item("agency_id", "agency_name", "due_on", "remind_on"),
    ITEM_REFERRAL_EXTENDED: _item("due_on", "remind_on"),
    ITEM_OPINION_GIVEN: _item("recommendation", "reasons", "experts", "given_at"),
    ITEM_DECIDED: _item("mode", "reason", "departs_from_opinion"),
    ITEM_UNDERTAKEN: _item("case_id", "kind", "organization_id", "organization_name",
                           "fiscal_year"),
    ITEM_UNDERTAKING_ENDED: _item("case_id"),
}
"""A published catalogue item's public events (DESIGN.md §3.1).  Not shown: the draft's
own events, referral reminders and escalations, the retention review, budget
commitments."""


def _organization(*fields: str) -> Disclosed:
    return Disclosed(ORGANIZATION, fields)


def _evaluation(*fields: str, shown_if: Callable[[Mapping[str, Any]], bool] = _always
                ) -> Disclosed:
    return Disclosed(GRADE_EVALUATION, fields, shown_if)


def _transfer(*fields: str) -> Disclosed:
    return Disclosed(TRANSFER, fields)


def _contract(*fields: str) -> Disclosed:
    return Disclosed(PURCHASE_CONTRACT, fields)


def _revised_the_grade(values: Mapping[str, Any]) -> bool:
    return values.get("total") is not None


PUBLIC_EVENTS: dict[type[Any], Disclosed] = {
    **ITEM_EVENTS,
    # The committee's registers.
    DEPARTMENT_REGISTERED: Disclosed(DEPARTMENT, ("code", "name", "region_code",
                                                  "region_name", "pilot")),
    AGENCY_ESTABLISHED: Disclosed(AGENCY, ("name", "mandate")),
    EXPERT_APPOINTED: Disclosed(AGENCY, ("expert_id", "name", "affiliations")),
    AFFILIATIONS_DECLARED: Disclosed(AGENCY, ("expert_id", "affiliations")),
    EXPERT_REMOVED: Disclosed(AGENCY, ("expert_id", "reason")),
    EVALUATOR_REGISTERED: Disclosed(EVALUATOR, ("name", "contact")),
    EVALUATOR_AFFILIATIONS_DECLARED: Disclosed(EVALUATOR, ("organization_ids",)),
    # Social organizations: the public record, credit flags and complaint outcomes.
    ORGANIZATION_REGISTERED: _organization(
        "credit_code", "name", "category", "kind", "industry", "region_code",
        "registered_on", "full_time_staff"),
    COMPLIANCE_DECLARED: _organization("declarations", "declared_on"),
    COMPLIANCE_VERIFIED: _organization("verified_on"),
    BOARD_MEMBER_ELECTED: _organization("name", "position", "elected_on"),
    INSPECTION_RECORDED: _organization("year", "result", "inspected_on"),
    PENALTY_RECORDED: _organization("decision_number", "authority", "decided_on",
                                    "description"),
    CREDIT_FLAG_RAISED: _organization("flag", "reason", "raised_on"),
    CREDIT_FLAG_CLEARED: _organization("flag", "reason", "cleared_on"),
    COMPLAINT_FILED: _organization("complaint_id", "content", "filed_on"),
    COMPLAINT_RESOLVED: _organization("complaint_id", "outcome", "resolved_on"),
    EVALUATION_OPENED: _organization("evaluation_id", "applied_on"),
    GRADE_AWARDED: _organization("evaluation_id", "level", "confirmed_on", "valid_from",
                                 "valid_until"),
    GRADE_CERTIFICATE_RECORDED: _organization("evaluation_id", "certificate_number",
                                              "evaluator_name"),
    GRADE_DOWNGRADED: _organization("evaluation_id", "from_level", "to_level", "basis",
                                    "reference", "reason", "decided_on"),
    GRADE_REVOKED: _organization("evaluation_id", "level", "reason", "decided_on"),
    GRADE_LAPSED: _organization("evaluation_id", "level", "valid_until", "lapsed_on"),
    UNDERTAKING_STARTED: _organization("case_id", "kind", "item_id", "started_on"),
    UNDERTAKING_ENDED: _organization("case_id", "ended_on"),
    PERFORMANCE_BARRED: _organization("until", "reason", "contract_id"),
    # Grade evaluations: the stage, total and grade; never the scores nor the appeal
    # (an upheld appeal shows only the revised total and grade).
    EVALUATION_APPLIED: _evaluation("organization_id", "organization_name", "credit_code",
                                    "category", "applied_on"),
    EVALUATOR_ASSIGNED: _evaluation("evaluator_id", "evaluator_name"),
    EVALUATION_SCORED: _evaluation("total", "level", "publicity_starts_on",
                                   "publicity_ends_on"),
    EVALUATION_PUBLICITY_CLOSED: _evaluation(),
    APPEAL_ANSWERED: _evaluation("total", "level", shown_if=_revised_the_grade),
    EVALUATION_CONFIRMED: _evaluation("level", "confirmed_on"),
    # Function transfers.
    TRANSFER_PROPOSED: _transfer("item_id", "item_code", "item_name", "department", "mode",
                                 "organization_id", "organization_name", "legal_basis",
                                 "effective_from", "effective_until", "conditions"),
    TRANSFER_APPROVED: _transfer("approved_on"),
    TRANSFER_REJECTED: _transfer("reason"),
    TRANSFER_TOOK_EFFECT: _transfer("on"),
    TRANSFER_SUSPENDED: _transfer("reason", "on"),
    TRANSFER_RESUMED: _transfer("reason", "on"),
    TRANSFER_REVOKED: _transfer("reason", "on"),
    TRANSFER_EXPIRED: _transfer("on"),
    # Purchase contracts with their amounts, announcement, acceptance, payments, reviews.
    CONTRACT_AWARDED: _contract(
        "item_id", "item_code", "item_name", "department", "provider_id", "provider_name",
        "provider_credit_code", "method", "fiscal_year", "amount_fen", "term_start",
        "term_end", "secured_and_stable", "milestones", "awarded_on"),
    CONTRACT_ANNOUNCED: _contract("announced_on"),
    MILESTONE_DELIVERED: _contract("milestone_id", "delivered_on"),
    MILESTONE_ACCEPTED: _contract("milestone_id", "findings", "accepted_on"),
    MILESTONE_REJECTED: _contract("milestone_id", "findings", "rejected_on"),
    MILESTONE_OVERDUE: _contract("milestone_id", "due_on"),
    PAYMENT_APPROVED: _contract("milestone_id", "amount_fen", "approved_on"),
    CONTRACT_AMENDED: _contract("reason", "added_fen", "added_milestone", "term_end",
                                "amended_on"),
    CONTRACT_TERMINATED: _contract("reason", "terminated_on", "paid_fen"),
    REVIEW_OPENED: _contract("opened_on"),
    CONTRACT_REVIEWED: _contract("scores", "total", "rating", "comment", "reviewed_on"),
    CONTRACT_CLOSED: _contract("closed_on"),
    PROVIDER_GRADE_CHANGED: _contract("change", "reason", "on"),
    PROVIDER_CONFIRMED: _contract("note", "confirmed_on"),
}
"""Every public event and the fields it shows (DESIGN.md §3.6); nothing else is public."""

PRIVATE_ACTORS: frozenset[type[Any]] = frozenset({COMPLAINT_FILED})
"""Events shown as the public's whoever sent them (who complained is never shown)."""

_HELD_ON_DRAFT = {ITEM_DRAFTED: ("code", "department", *ITEM_CONTENT),
                  ITEM_REVISED: ITEM_CONTENT}
"""What a draft's events hold back for its publication."""

ENTRIES = Table(name="feed_entries", row_class=FeedEntry, key="position")
ITEMS = Table(name="feed_items", row_class=FeedItem, key="item_id")

ItemDecision = Callable[[FeedItem | None], tuple[FeedItem | None, FeedEntry | None]]
"""Given the item as the feed knows it (None if unknown), the item to keep (None: as it
was) and the entry to add (None: none)."""


class FeedView(TrackedView):
    """Implements ``projections.readers.FeedReader``."""

    projection_name = "feed"
    tables = (ENTRIES, ITEMS)

    # --- writes ----------------------------------------------------------------

    def add_entry(self, entry: FeedEntry, tracking: Tracking) -> None:
        values = asdict(entry)
        self._write(tracking, ENTRIES, ENTRIES.insert_sql(values), values)

    def change_item(self, item_id: UUID, decide: ItemDecision, tracking: Tracking) -> None:
        """Decide on a catalogue item's event from the item as the feed knows it, and
        keep the item and add the entry in one transaction with the tracking record."""

        def write(c: SqlCursor) -> None:
            known = self._fetch(c, ITEMS, "SELECT * FROM {table} WHERE item_id = :key",
                                {"key": item_id})
            item, entry = decide(known[0] if known else None)
            if item is not None:
                values = asdict(item)
                self._execute(c, ITEMS, ITEMS.upsert_sql(values), values)
            if entry is not None:
                values = asdict(entry)
                self._execute(c, ENTRIES, ENTRIES.insert_sql(values), values)

        self._apply(tracking, write)

    # --- reads -----------------------------------------------------------------

    def changes(self, *, after: int, limit: int) -> list[FeedEntry]:
        """The public changes after position ``after``, oldest first, at most ``limit``."""
        if limit < 1:
            raise ValueError(f"limit must be at least 1, not {limit}")
        return self._select(
            ENTRIES,
            "SELECT * FROM {table} WHERE position > :after ORDER BY position LIMIT :limit",
            {"after": after, "limit": limit},
        )


def feed_entry(event: Any, tracking: Tracking, disclosed: Disclosed,
               values: Mapping[str, Any]) -> FeedEntry:
    """The entry of ``event``: ``values`` (its own, or what was held back for it) cut to
    the allow-list."""
    actor: Mapping[str, Any] = event.actor
    role = Role.PUBLIC.value if type(event) in PRIVATE_ACTORS else str(actor["role"])
    return FeedEntry(
        position=tracking.notification_id,
        entity_type=disclosed.entity_type,
        entity_id=event.originator_id,
        event=type(event).__name__,
        event_label=EVENT_LABELS.get(type(event), type(event).__name__),
        actor_role=role,
        occurred_at=event.timestamp,
        payload=json_ready({k: values[k] for k in disclosed.fields if k in values}),
    )


class FeedProjection(Projection[FeedView]):
    """Writes an entry for every public event (:data:`PUBLIC_EVENTS`)."""

    name = "feed"

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.skip(tracking)

    @process_event.register(GovAggregate.Event)
    def gov_aggregate_event(self, event: Any, tracking: Tracking) -> None:
        if type(event) in _HELD_ON_DRAFT or type(event) in ITEM_EVENTS:
            self.view.change_item(event.originator_id, _item_decision(event, tracking),
                                  tracking)
            return
        disclosed = PUBLIC_EVENTS.get(type(event))
        values = event_values(event)
        if disclosed is None or not disclosed.shown_if(values):
            self.view.skip(tracking)
            return
        self.view.add_entry(feed_entry(event, tracking, disclosed, values), tracking)


def _item_decision(event: Any, tracking: Tracking) -> ItemDecision:
    """What a catalogue item's event does to the feed: a draft's content is held back;
    publication shows it; a published item's public events show their fields."""
    kind = type(event)
    values = event_values(event)

    def decide(item: FeedItem | None) -> tuple[FeedItem | None, FeedEntry | None]:
        published = item is not None and item.published
        held = item.held if item is not None else {}
        if kind in _HELD_ON_DRAFT:
            kept = {**held, **{k: values[k] for k in _HELD_ON_DRAFT[kind]}}
            return FeedItem(event.originator_id, published=False, held=kept), None
        if kind is ITEM_PUBLISHED and not published:
            shown = {**held, **values}
            entry = feed_entry(event, tracking, ITEM_EVENTS[kind], shown)
            return FeedItem(event.originator_id, published=True), entry
        if kind is ITEM_BUDGET_ALLOCATED and not published:
            kept = {**held, "budget_fiscal_year": values["fiscal_year"],
                    "budget_fen": values["amount_fen"]}
            return FeedItem(event.originator_id, published=False, held=kept), None
        if not published:
            return None, None
        return None, feed_entry(event, tracking, ITEM_EVENTS[kind], values)

    return decide


class SQLiteFeedView(FeedView, SQLiteTrackedView):
    """The feed in SQLite."""


class PostgresFeedView(FeedView, PostgresTrackedView):
    """The feed in PostgreSQL."""
