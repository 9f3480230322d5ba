"""Fakes passed into ``create_app`` for the edge tests.

The command gateway is the real domain application in memory, called as the workflow's
activities call it (without Temporal), with the dates a workflow would decide fixed; the
views follow the application's log as the projections do, and can be paused to play a
projection that lags behind.  The inbox is told its entries by the test.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol, TypeVar
from uuid import UUID, uuid4

from domain.actors import SYSTEM_ACTOR, Actor, Role
from domain.agency.agency import ConsultingAgency
from domain.application import GovflowApplication
from domain.calendar import china_date, period_after
from domain.catalogue.commands import (
    AllocateBudget,
    ClosePublicity,
    CommandResult,
    DecideCatalogueItem,
    DraftCatalogueItem,
    ExtendReferral,
    GiveOpinion,
    ItemFields,
    PublishCatalogueItem,
    ReferCatalogueItem,
    ReferralStep,
    ReviewRetention,
    ReviseCatalogueItem,
    WithdrawCatalogueItem,
)
from domain.catalogue.item import PUBLISHED_STATUSES, CatalogueItem, DecisionMode
from domain.departments import BuiltinDepartments
from projections.paging import decode_cursor, encode_cursor
from projections.rows import (
    ALL_DRAFTS,
    CatalogueFilter,
    CatalogueItemRow,
    HistoryEntry,
    InboxEntry,
    Page,
)
from tests.seed import CZJ, MZJ, register_departments

PUBLISHED_AT = datetime(2027, 3, 3, 2, 0, tzinfo=UTC)
"""When the fake gateway publishes: 10:00 on 3 March 2027 in Jiangmen."""

PUBLICITY_DAYS = 7
REFERRED_AT = datetime(2027, 3, 11, 2, 0, tzinfo=UTC)
"""When the fake gateway refers and republishes: the day after the publicity period."""
REFERRAL_DAYS = 15
REMINDER_DAYS = 12  # 80 % of the opinion period
OPINION_AT = datetime(2027, 3, 20, 2, 0, tzinfo=UTC)

COMMITTEE = Actor(user="liu.committee", role=Role.COMMITTEE)


class _Command(Protocol):
    @property
    def command_id(self) -> str: ...


CommandT = TypeVar("CommandT", bound=_Command)

EVENT_LABELS = {
    "Drafted": "起草",
    "Revised": "修改",
    "Published": "发布",
    "PublicityClosed": "公示结束",
    "Withdrawn": "撤回",
}

_NOT_DETAILS = {"originator_id", "originator_version", "originator_topic", "timestamp",
                "command_id", "actor"}


def in_memory_application() -> GovflowApplication:
    """The application in memory, with 江门市民政局 and 江门市财政局 registered."""
    application = GovflowApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    register_departments(application, MZJ, CZJ)
    return application


@dataclass(frozen=True)
class Agency:
    """A consulting agency in the fake's store: its name, and its id as its staff's scope."""

    scope: str
    name: str


AFFILIATED_EXPERT = "expert-1"
"""陈明, affiliated with 江门市养老服务协会: may not sign an opinion naming it."""
FREE_EXPERT = "expert-2"
"""林芳, affiliated with nobody."""


def establish_agency(
    application: GovflowApplication, name: str = "江门市政府职能转移咨询委员会"
) -> Agency:
    """An agency established by the committee, with its two experts."""
    agency = ConsultingAgency.establish(
        command_id=f"agency-{uuid4()}", actor=COMMITTEE, name=name,
        mandate="对目录事项的转移、购买提出咨询意见",
    )
    agency.appoint_expert(command_id="e1", actor=COMMITTEE, expert_id=AFFILIATED_EXPERT,
                          name="陈明", affiliations=["江门市养老服务协会"])
    agency.appoint_expert(command_id="e2", actor=COMMITTEE, expert_id=FREE_EXPERT,
                          name="林芳", affiliations=[])
    application.save(agency)
    return Agency(scope=str(agency.id), name=agency.name)


class FakeCatalogueCommands:
    """The catalogue gateway without Temporal; remembers every command id it was given."""

    def __init__(self, application: GovflowApplication) -> None:
        self.application = application
        self.command_ids: list[str] = []

    def _run(
        self, handler: Callable[[CommandT], CommandResult], command: CommandT
    ) -> CommandResult:
        """Give ``command`` as the workflow's activity would, remembering its id."""
        self.command_ids.append(command.command_id)
        return handler(command)

    async def draft(
        self, *, command_id: str, actor: Actor, department: str, fields: ItemFields
    ) -> CommandResult:
        return self._run(self.application.draft_catalogue_item, DraftCatalogueItem(
            command_id=command_id, actor=actor, department=department, fields=fields,
        ))

    async def revise(
        self, *, item_id: UUID, command_id: str, actor: Actor, fields: ItemFields
    ) -> CommandResult:
        """A draft in place; a published item as a new version, publicised from tomorrow."""
        period = None
        if self.application.get_catalogue_item(item_id).status in PUBLISHED_STATUSES:
            period = period_after(REFERRED_AT, PUBLICITY_DAYS)
        return self._run(self.application.revise_catalogue_item, ReviseCatalogueItem(
            command_id=command_id, actor=actor, item_id=item_id, fields=fields,
            published_at=REFERRED_AT if period else None,
            publicity_starts_on=period.starts_on if period else None,
            publicity_ends_on=period.ends_on if period else None,
        ))

    async def publish(self, *, item_id: UUID, command_id: str, actor: Actor) -> CommandResult:
        period = period_after(PUBLISHED_AT, PUBLICITY_DAYS)
        return self._run(self.application.publish_catalogue_item, PublishCatalogueItem(
            command_id=command_id, actor=actor, item_id=item_id, published_at=PUBLISHED_AT,
            publicity_starts_on=period.starts_on, publicity_ends_on=period.ends_on,
        ))

    async def withdraw(
        self, *, item_id: UUID, command_id: str, actor: Actor, reason: str
    ) -> CommandResult:
        return self._run(self.application.withdraw_catalogue_item, WithdrawCatalogueItem(
            command_id=command_id, actor=actor, item_id=item_id, reason=reason,
        ))

    async def allocate_budget(
        self, *, item_id: UUID, command_id: str, actor: Actor, fiscal_year: int, amount_fen: int
    ) -> CommandResult:
        return self._run(self.application.allocate_catalogue_item_budget, AllocateBudget(
            command_id=command_id, actor=actor, item_id=item_id, fiscal_year=fiscal_year,
            amount_fen=amount_fen,
        ))

    async def refer(
        self, *, item_id: UUID, command_id: str, actor: Actor, agency_id: UUID
    ) -> CommandResult:
        """提交咨询 on ``REFERRED_AT``, due 15 days later, reminded after 12."""
        today = china_date(REFERRED_AT)
        return self._run(self.application.refer_catalogue_item, ReferCatalogueItem(
            command_id=command_id, actor=actor, item_id=item_id, agency_id=agency_id,
            referred_at=REFERRED_AT, due_on=today + timedelta(days=REFERRAL_DAYS),
            remind_on=today + timedelta(days=REMINDER_DAYS),
        ))

    async def give_opinion(
        self, *, item_id: UUID, command_id: str, actor: Actor, recommendation: str,
        reasons: str, expert_ids: tuple[str, ...], organizations: tuple[str, ...],
    ) -> CommandResult:
        return self._run(self.application.give_catalogue_item_opinion, GiveOpinion(
            command_id=command_id, actor=actor, item_id=item_id, recommendation=recommendation,
            reasons=reasons, expert_ids=expert_ids, organizations=organizations,
            given_at=OPINION_AT,
        ))

    async def extend_referral(
        self, *, item_id: UUID, command_id: str, actor: Actor, due_on: date, reason: str
    ) -> CommandResult:
        return self._run(self.application.extend_catalogue_item_referral, ExtendReferral(
            command_id=command_id, actor=actor, item_id=item_id, due_on=due_on,
            remind_on=due_on - timedelta(days=REFERRAL_DAYS - REMINDER_DAYS), reason=reason,
        ))

    async def decide(
        self, *, item_id: UUID, command_id: str, actor: Actor, mode: str, reason: str = "",
        justification: str = "",
    ) -> CommandResult:
        return self._run(self.application.decide_catalogue_item, DecideCatalogueItem(
            command_id=command_id, actor=actor, item_id=item_id, mode=mode, reason=reason,
            justification=justification,
        ))

    async def review_retention(
        self, *, item_id: UUID, command_id: str, actor: Actor, approved: bool, comment: str = ""
    ) -> CommandResult:
        return self._run(self.application.review_catalogue_item_retention, ReviewRetention(
            command_id=command_id, actor=actor, item_id=item_id, approved=approved,
            comment=comment,
        ))

    # --- what the workflow does by itself ------------------------------------------

    def close_publicity(self, item_id: UUID) -> None:
        """The publicity timer fires."""
        self.application.close_catalogue_item_publicity(
            ClosePublicity(f"close-publicity:{uuid4()}", SYSTEM_ACTOR, item_id)
        )

    def escalate_referral(self, item_id: UUID) -> None:
        """The opinion deadline passes: escalated to the committee."""
        self.application.escalate_catalogue_item_referral(
            ReferralStep(f"escalate:{uuid4()}", SYSTEM_ACTOR, item_id)
        )


class FakeViews:
    """The catalogue and history views in memory (a ``CatalogueReader`` and ``HistoryReader``).

    They remember what they were asked: filters, cursors and limits, and waiting times.
    """

    def __init__(self, application: GovflowApplication) -> None:
        self.application = application
        self.departments = BuiltinDepartments()
        self.following = True
        self.position = 0
        self.rows: dict[UUID, CatalogueItemRow] = {}
        self.retention_comments: dict[UUID, str] = {}
        self.entries: dict[UUID, list[HistoryEntry]] = defaultdict(list)
        self.filters_seen: list[CatalogueFilter] = []
        self.pages_asked: list[tuple[str | None, int]] = []
        self.timeouts_seen: list[float] = []

    def pause(self) -> None:
        """Stop following the log, as a projection that has fallen behind."""
        self.following = False

    def resume(self) -> None:
        self.following = True

    # --- the reader protocols ----------------------------------------------------

    def caught_up(self, notification_id: int, timeout: float) -> bool:
        self.timeouts_seen.append(timeout)
        self._follow()
        return self.position >= notification_id

    def get_item(self, item_id: UUID) -> CatalogueItemRow | None:
        self._follow()
        return self.rows.get(item_id)

    def list_items(
        self, filters: CatalogueFilter, *, cursor: str | None, limit: int
    ) -> Page[CatalogueItemRow]:
        self._follow()
        self.filters_seen.append(filters)
        self.pages_asked.append((cursor, limit))
        matching = sorted(
            (row for row in self.rows.values() if _matches(row, filters)),
            key=lambda row: row.code,
        )
        after = decode_cursor(cursor) if cursor is not None else ""
        rest = [row for row in matching if row.code > after]
        page = rest[:limit]
        return Page(data=page, next_cursor=encode_cursor(page[-1].code) if rest[limit:] else None)

    def history(self, entity_id: UUID) -> list[HistoryEntry]:
        self._follow()
        return list(self.entries.get(entity_id, []))

    # --- following the log -------------------------------------------------------

    def _follow(self) -> None:
        while self.following:
            notifications = self.application.recorder.select_notifications(
                self.position + 1, limit=100
            )
            if not notifications:
                return
            for notification in notifications:
                event = self.application.mapper.to_domain_event(notification)
                if isinstance(event, CatalogueItem.Event):
                    self._apply(notification.id, event)
                self.position = notification.id

    def _apply(self, notification_id: int, event: Any) -> None:
        item: CatalogueItem = self.application.repository.get(
            event.originator_id, version=event.originator_version
        )
        name = type(event).__name__
        if name == "RetentionReviewed":
            self.retention_comments[item.id] = event.comment
        self.rows[item.id] = self._row(item, notification_id)
        self.entries[item.id].append(HistoryEntry(
            entity_id=item.id, notification_id=notification_id, event=name,
            event_label=EVENT_LABELS.get(name, name), actor_user=event.actor["user"],
            actor_role=event.actor["role"], actor_scope=event.actor["scope"],
            occurred_at=event.timestamp, command_id=event.command_id,
            details={k: v for k, v in vars(event).items() if k not in _NOT_DETAILS},
        ))

    def _row(self, item: CatalogueItem, notification_id: int) -> CatalogueItemRow:
        department = self.departments.get(item.department)
        referral, opinion, decision = item.referral, item.opinion, item.decision
        return CatalogueItemRow(
            id=item.id, code=item.code, department=item.department,
            department_name=department.name if department else item.department,
            region_code=department.region_code if department else "",
            catalogue_year=item.catalogue_year, name=item.name, description=item.description,
            level1=item.classification.level1, level2=item.classification.level2,
            level3=item.classification.level3, nature=item.nature.value,
            must_be_retained=item.must_be_retained, provincial_listed=item.provincial_listed,
            status=item.status.value, status_label=item.status.label,
            publicity_starts_on=item.publicity_starts_on,
            publicity_ends_on=item.publicity_ends_on, published_at=item.published_at,
            withdrawal_reason=getattr(item, "withdrawal_reason", None), version=item.version,
            created_at=item.created_on, updated_at=item.modified_on,
            last_notification_id=notification_id,
            negative_list=item.negative_list.value if item.negative_list else None,
            catalogue_version=item.catalogue_version,
            budget_fen=item.budgets.get(item.catalogue_year),
            agency_id=referral.agency_id if referral else None,
            agency_name=referral.agency_name if referral else None,
            referral_due_on=referral.due_on if referral else None,
            referral_remind_on=referral.remind_on if referral else None,
            referral_escalated=referral.escalated if referral else False,
            opinion_recommendation=opinion.recommendation.value if opinion else None,
            opinion_reasons=opinion.reasons if opinion else None,
            opinion_experts=[name for _, name in opinion.experts] if opinion else [],
            decision_mode=decision.mode.value if decision else None,
            decision_reason=decision.reason if decision else None,
            decision_departs_from_opinion=decision.departs_from_opinion if decision else False,
            retention_justification=(
                decision.justification
                if decision and decision.mode is DecisionMode.RETAIN and decision.justification
                else None
            ),
            retention_review_comment=self.retention_comments.get(item.id),
        )


def _matches(row: CatalogueItemRow, filters: CatalogueFilter) -> bool:
    if row.status == "draft" and filters.drafts_visible_to not in (ALL_DRAFTS, row.department):
        return False
    if filters.q is not None and filters.q not in row.name + row.description:
        return False
    wanted = (
        (filters.department, row.department),
        (filters.catalogue_year, row.catalogue_year),
        (filters.status, row.status),
        (filters.level1, row.level1),
    )
    return all(want is None or want == have for want, have in wanted)


@dataclass(frozen=True)
class InboxQuery:
    role: str
    scope: str | None
    today: date
    cursor: str | None
    limit: int


class FakeInbox:
    """The inbox view (an ``InboxReader``) holding the entries a test puts in.

    Like the view, it works out ``due_soon`` and ``overdue`` for the day it is asked about.
    """

    def __init__(self) -> None:
        self.entries: list[InboxEntry] = []
        self.queries: list[InboxQuery] = []
        self.position = 0
        self.timeouts_seen: list[float] = []

    def add(self, entry: InboxEntry) -> None:
        self.entries.append(entry)

    def caught_up(self, notification_id: int, timeout: float) -> bool:
        self.timeouts_seen.append(timeout)
        return self.position >= notification_id

    def inbox(
        self, *, role: str, scope: str | None, today: date, cursor: str | None, limit: int
    ) -> Page[InboxEntry]:
        self.queries.append(InboxQuery(role, scope, today, cursor, limit))
        mine = sorted(
            (e for e in self.entries if (e.role, e.scope) == (role, scope)),
            key=lambda e: e.entry_id,
        )
        after = decode_cursor(cursor) if cursor is not None else ""
        rest = [e for e in mine if e.entry_id > after]
        page = [_as_of(e, today) for e in rest[:limit]]
        more = rest[limit:]
        return Page(data=page, next_cursor=encode_cursor(page[-1].entry_id) if more else None)


def _as_of(entry: InboxEntry, today: date) -> InboxEntry:
    overdue = entry.due_on is not None and today > entry.due_on
    due_soon = (not overdue and entry.due_soon_on is not None and today >= entry.due_soon_on)
    return replace(entry, due_soon=due_soon, overdue=overdue)


class FakeClock:
    """The app's clock, set by the test (a callable returning an aware moment)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now
