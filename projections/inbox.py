"""The task inbox (待办): for each role and scope, every case waiting on them.

A projection, not a scan of workflows: each catalogue item, grade evaluation, transfer,
staffing request and purchase contract event adds the tasks that now wait on someone
and removes those that no longer do.

| kind | who | waits from | until |
|---|---|---|---|
| publish | the item's department | Drafted | Published, Withdrawn |
| refer | the item's department | PublicityClosed | Referred, VersionPublished, Withdrawn |
| opinion | the agency referred to | Referred (due date, reminder date) | OpinionGiven, Withdrawn |
| escalation | the committee | ReferralEscalated | ReferralExtended, OpinionGiven, Withdrawn |
| decide | the item's department | OpinionGiven, a rejected retention | Decided, Withdrawn |
| retention | the committee | Decided to retain a listed item | RetentionReviewed |

Grade evaluations (等级评估):

| kind | who | waits from | until |
|---|---|---|---|
| assign_evaluator | the committee | Applied | EvaluatorAssigned |
| score | the assigned evaluator | EvaluatorAssigned | Scored |
| answer_appeal | the assigned evaluator | AppealFiled (due: answer_due_on) | AppealAnswered |
| appeal_escalation | the committee | AppealEscalated (due: answer_due_on) | AppealAnswered |
| confirm_grade | the committee | PublicityClosed (no open appeal), AppealAnswered | Confirmed |

Transfers (职能转移) and staffing requests (编制申请):

| kind | who | waits from | until |
|---|---|---|---|
| approve_transfer | the committee | Proposed | Approved, Rejected |
| review_suspended_transfer | the committee | Suspended | Resumed, Revoked, Expired |
| review_staffing | the committee | Flagged | Decided |

Purchase contracts (购买服务合同); the milestone tasks are one per milestone (their
``entry_id`` ends with ``:<milestone id>``), and Terminated or Closed ends them all:

| kind | who | waits from | until |
|---|---|---|---|
| deliver_milestone | the provider | Announced, Amended, MilestoneRejected (due) | Delivered |
| accept_milestone | the department | MilestoneDelivered | MilestoneAccepted, Rejected |
| milestone_overdue | the department | MilestoneOverdue (due) | MilestoneAccepted |
| approve_payment | finance | MilestoneAccepted | PaymentApproved (paid in full) |
| performance_review | the department | ReviewOpened | Reviewed |
| provider_review | the department | ProviderGradeChanged | ProviderConfirmed |

"The provider" is the scope of the contract's provider (its id); "due" is the
milestone's due date; "Amended" adds the amendment's new milestone.

Quarterly reports (季度报告) and acceptance reviews (验收考核):

| kind | who | waits from | until |
|---|---|---|---|
| submit_report | the report's department | Opened (due: due_on) | Submitted |
| report_escalation | the committee | Escalated (due: the report's due_on) | Submitted |
| acceptance_review | the committee | Opened | Scored |

The view also keeps a few facts of each item (code, name, department, whether a
retention needs the committee, the opinion's due date) and of each evaluation (the
organization, the evaluator, whether publicity closed and an appeal is open) so that
a later event can title and place its tasks.  Whether a task is due soon or overdue
depends on the day asked about, so the reader works that out, not the view.

With SQLite the view lives in its own file (``INBOX_SQLITE_DBNAME`` overrides
``SQLITE_DBNAME``); with PostgreSQL beside the events, tracked in ``inbox_tracking``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any, Generic, TypeVar
from uuid import UUID

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from domain.actors import Role
from domain.catalogue.classification import Nature
from domain.catalogue.item import ItemStatus
from domain.purchase.contract import yuan
from domain.reporting.periods import Quarter
from projections.catalogue import status_after_decision
from projections.events import (
    ACCEPTANCE_OPENED,
    ACCEPTANCE_SCORED,
    APPEAL_ANSWERED,
    APPEAL_ESCALATED,
    APPEAL_FILED,
    CONTRACT_AMENDED,
    CONTRACT_ANNOUNCED,
    CONTRACT_AWARDED,
    CONTRACT_CLOSED,
    CONTRACT_REVIEWED,
    CONTRACT_TERMINATED,
    EVALUATION_APPLIED,
    EVALUATION_CONFIRMED,
    EVALUATION_PUBLICITY_CLOSED,
    EVALUATION_SCORED,
    EVALUATOR_ASSIGNED,
    ITEM_DECIDED,
    ITEM_DRAFTED,
    ITEM_OPINION_GIVEN,
    ITEM_PUBLICITY_CLOSED,
    ITEM_PUBLISHED,
    ITEM_REFERRAL_ESCALATED,
    ITEM_REFERRAL_EXTENDED,
    ITEM_REFERRAL_REMINDED,
    ITEM_REFERRED,
    ITEM_RETENTION_REVIEWED,
    ITEM_REVISED,
    ITEM_VERSION_PUBLISHED,
    ITEM_WITHDRAWN,
    MILESTONE_ACCEPTED,
    MILESTONE_DELIVERED,
    MILESTONE_OVERDUE,
    MILESTONE_REJECTED,
    PAYMENT_APPROVED,
    PROVIDER_CONFIRMED,
    PROVIDER_GRADE_CHANGED,
    REPORT_ESCALATED,
    REPORT_OPENED,
    REPORT_SUBMITTED,
    REVIEW_OPENED,
    STAFFING_DECIDED,
    STAFFING_FLAGGED,
    STAFFING_REQUESTED,
    TRANSFER_APPROVED,
    TRANSFER_EXPIRED,
    TRANSFER_PROPOSED,
    TRANSFER_REJECTED,
    TRANSFER_RESUMED,
    TRANSFER_REVOKED,
    TRANSFER_SUSPENDED,
    event_values,
)
from projections.paging import InvalidCursorError, decode_cursor, encode_cursor
from projections.rows import InboxEntry, InboxTask, Page
from projections.sql import SqlCursor, Table
from projections.views import PostgresTrackedView, SQLiteTrackedView, TrackedView

ENTITY_TYPE = "catalogue_item"
EVALUATION_ENTITY_TYPE = "grade_evaluation"
TRANSFER_ENTITY_TYPE = "function_transfer"
STAFFING_ENTITY_TYPE = "staffing_request"
CONTRACT_ENTITY_TYPE = "purchase_contract"
REPORT_ENTITY_TYPE = "quarterly_report"
ACCEPTANCE_ENTITY_TYPE = "acceptance_review"
NO_DUE_DATE = date.max
"""Tasks without a due date sort after every dated one."""
APPEAL_DUE_SOON_DAYS = 3
"""An appeal's answer is due soon this many days before its due date."""
DELIVERY_DUE_SOON_DAYS = 7
"""A milestone's delivery is due soon this many days before its due date."""
REPORT_DUE_SOON_DAYS = 3
"""A quarterly report is due soon this many days before its due date."""


class Kind(StrEnum):
    """What the case waits for."""

    PUBLISH = "publish"
    REFER = "refer"
    OPINION = "opinion"
    ESCALATION = "escalation"
    DECIDE = "decide"
    RETENTION = "retention"
    ASSIGN_EVALUATOR = "assign_evaluator"
    SCORE = "score"
    ANSWER_APPEAL = "answer_appeal"
    APPEAL_ESCALATION = "appeal_escalation"
    CONFIRM_GRADE = "confirm_grade"
    APPROVE_TRANSFER = "approve_transfer"
    REVIEW_SUSPENDED_TRANSFER = "review_suspended_transfer"
    REVIEW_STAFFING = "review_staffing"
    DELIVER_MILESTONE = "deliver_milestone"
    ACCEPT_MILESTONE = "accept_milestone"
    MILESTONE_OVERDUE = "milestone_overdue"
    APPROVE_PAYMENT = "approve_payment"
    PERFORMANCE_REVIEW = "performance_review"
    PROVIDER_REVIEW = "provider_review"
    SUBMIT_REPORT = "submit_report"
    REPORT_ESCALATION = "report_escalation"
    ACCEPTANCE_REVIEW = "acceptance_review"


CATALOGUE_KINDS = (Kind.PUBLISH, Kind.REFER, Kind.OPINION, Kind.ESCALATION, Kind.DECIDE,
                   Kind.RETENTION)
EVALUATION_KINDS = (Kind.ASSIGN_EVALUATOR, Kind.SCORE, Kind.ANSWER_APPEAL,
                    Kind.APPEAL_ESCALATION, Kind.CONFIRM_GRADE)
TRANSFER_KINDS = (Kind.APPROVE_TRANSFER, Kind.REVIEW_SUSPENDED_TRANSFER)
STAFFING_KINDS = (Kind.REVIEW_STAFFING,)
CONTRACT_KINDS = (Kind.DELIVER_MILESTONE, Kind.ACCEPT_MILESTONE, Kind.MILESTONE_OVERDUE,
                  Kind.APPROVE_PAYMENT, Kind.PERFORMANCE_REVIEW, Kind.PROVIDER_REVIEW)
MILESTONE_KINDS = frozenset({Kind.DELIVER_MILESTONE, Kind.ACCEPT_MILESTONE,
                             Kind.MILESTONE_OVERDUE, Kind.APPROVE_PAYMENT})
"""Kinds of which a contract has one task per milestone."""
REPORT_KINDS = (Kind.SUBMIT_REPORT, Kind.REPORT_ESCALATION)


KIND_LABELS: dict[Kind, str] = {
    Kind.PUBLISH: "草稿待发布",
    Kind.REFER: "公示结束，待提交咨询",
    Kind.OPINION: "待出具咨询意见",
    Kind.ESCALATION: "咨询意见逾期（已上报）",
    Kind.DECIDE: "待作出决定",
    Kind.RETENTION: "保留申请待审批",
    Kind.ASSIGN_EVALUATOR: "待指派评估机构",
    Kind.SCORE: "待评分",
    Kind.ANSWER_APPEAL: "复核申请待答复",
    Kind.APPEAL_ESCALATION: "复核答复逾期（已上报）",
    Kind.CONFIRM_GRADE: "待确认评估等级",
    Kind.APPROVE_TRANSFER: "职能转移待审批",
    Kind.REVIEW_SUSPENDED_TRANSFER: "暂停的职能转移待复查",
    Kind.REVIEW_STAFFING: "编制申请待审查",
    Kind.DELIVER_MILESTONE: "待交付履约节点",
    Kind.ACCEPT_MILESTONE: "待验收",
    Kind.MILESTONE_OVERDUE: "履约节点逾期",
    Kind.APPROVE_PAYMENT: "待审批支付",
    Kind.PERFORMANCE_REVIEW: "待绩效评价",
    Kind.PROVIDER_REVIEW: "承接方等级变动待复查",
    Kind.SUBMIT_REPORT: "提交季度报告",
    Kind.REPORT_ESCALATION: "督办逾期季度报告",
    Kind.ACCEPTANCE_REVIEW: "年度验收考核",
}
KIND_ROLES: dict[Kind, Role] = {
    Kind.PUBLISH: Role.DEPARTMENT,
    Kind.REFER: Role.DEPARTMENT,
    Kind.OPINION: Role.AGENCY,
    Kind.ESCALATION: Role.COMMITTEE,
    Kind.DECIDE: Role.DEPARTMENT,
    Kind.RETENTION: Role.COMMITTEE,
    Kind.ASSIGN_EVALUATOR: Role.COMMITTEE,
    Kind.SCORE: Role.EVALUATOR,
    Kind.ANSWER_APPEAL: Role.EVALUATOR,
    Kind.APPEAL_ESCALATION: Role.COMMITTEE,
    Kind.CONFIRM_GRADE: Role.COMMITTEE,
    Kind.APPROVE_TRANSFER: Role.COMMITTEE,
    Kind.REVIEW_SUSPENDED_TRANSFER: Role.COMMITTEE,
    Kind.REVIEW_STAFFING: Role.COMMITTEE,
    Kind.DELIVER_MILESTONE: Role.ORGANIZATION,
    Kind.ACCEPT_MILESTONE: Role.DEPARTMENT,
    Kind.MILESTONE_OVERDUE: Role.DEPARTMENT,
    Kind.APPROVE_PAYMENT: Role.FINANCE,
    Kind.PERFORMANCE_REVIEW: Role.DEPARTMENT,
    Kind.PROVIDER_REVIEW: Role.DEPARTMENT,
    Kind.SUBMIT_REPORT: Role.DEPARTMENT,
    Kind.REPORT_ESCALATION: Role.COMMITTEE,
    Kind.ACCEPTANCE_REVIEW: Role.COMMITTEE,
}


@dataclass(frozen=True)
class Subject:
    """What a case's tasks are about: where they link to and what they are titled."""

    entity_type: str
    entity_id: UUID
    code: str
    title: str
    department: str | None
    """The department whose staff act on it (department tasks), if any."""


@dataclass(frozen=True)
class ItemFacts:
    """What the inbox keeps of an item to title and place its tasks."""

    item_id: UUID
    code: str
    name: str
    department: str
    provincial_listed: bool
    statutory: bool
    referral_due_on: date | None

    @property
    def subject(self) -> Subject:
        return Subject(ENTITY_TYPE, self.item_id, self.code, _title(self.code, self.name),
                       self.department)


@dataclass(frozen=True)
class EvaluationFacts:
    """What the inbox keeps of a grade evaluation to title and place its tasks."""

    evaluation_id: UUID
    credit_code: str
    organization_name: str
    evaluator_id: str | None
    publicity_closed: bool
    appeal_open: bool
    """An appeal (复核) was filed and is not answered yet."""
    appeal_answer_due_on: date | None

    @property
    def subject(self) -> Subject:
        return Subject(EVALUATION_ENTITY_TYPE, self.evaluation_id, self.credit_code,
                       _title(self.credit_code, f"{self.organization_name}等级评估"), None)


@dataclass(frozen=True)
class TransferFacts:
    """What the inbox keeps of a function transfer to title and place its tasks."""

    transfer_id: UUID
    code: str
    item_name: str
    mode: str
    organization_name: str
    department: str

    @property
    def subject(self) -> Subject:
        return Subject(TRANSFER_ENTITY_TYPE, self.transfer_id, self.code,
                       _title(self.code, f"{self.item_name}（{self.mode}给"
                                         f"{self.organization_name}）"), self.department)


@dataclass(frozen=True)
class StaffingFacts:
    """What the inbox keeps of a staffing request to title and place its tasks."""

    request_id: UUID
    code: str
    item_name: str
    kind: str
    department: str

    @property
    def subject(self) -> Subject:
        return Subject(STAFFING_ENTITY_TYPE, self.request_id, self.code,
                       _title(self.code, f"{self.item_name}（{self.kind}申请）"), self.department)


@dataclass(frozen=True)
class ContractFacts:
    """What the inbox keeps of a purchase contract to title and place its tasks."""

    contract_id: UUID
    code: str
    item_name: str
    department: str
    provider_id: str
    provider_name: str
    milestones: dict[str, Any]
    """milestone id → name, due_on (ISO date), amount_fen, paid_fen."""

    @property
    def subject(self) -> Subject:
        return Subject(CONTRACT_ENTITY_TYPE, self.contract_id, self.code,
                       _title(self.code, f"{self.item_name}（{self.provider_name}）"),
                       self.department)

    def due_on(self, milestone_id: str) -> date:
        return date.fromisoformat(str(self.milestones[milestone_id]["due_on"]))

    def unpaid_fen(self, milestone_id: str) -> int:
        milestone = self.milestones[milestone_id]
        return int(milestone["amount_fen"]) - int(milestone["paid_fen"])

    def milestone(self, kind: Kind, milestone_id: str, since: datetime, *,
                  due: bool = False) -> Waiting:
        """A task about one milestone, titled with it, due on its due date if ``due``."""
        milestone = self.milestones[milestone_id]
        due_on = self.due_on(milestone_id) if due else None
        detail = f"{milestone_id}「{milestone['name']}」"
        if kind is Kind.APPROVE_PAYMENT:
            detail += f" 待付 {yuan(self.unpaid_fen(milestone_id))}"
        scope = self.provider_id if KIND_ROLES[kind] is Role.ORGANIZATION else None
        return Waiting(kind, since, scope=scope, due_on=due_on,
                       due_soon_on=due_on - timedelta(days=DELIVERY_DUE_SOON_DAYS)
                       if due_on is not None and kind is Kind.DELIVER_MILESTONE else None,
                       part=milestone_id, detail=detail)


@dataclass(frozen=True)
class ReportingFacts:
    """What the inbox keeps of a quarterly report or an acceptance review."""

    case_id: UUID
    entity_type: str
    """``REPORT_ENTITY_TYPE`` or ``ACCEPTANCE_ENTITY_TYPE``."""
    code: str
    """``440700-MZJ-2026Q3`` (a report), ``440700-MZJ-2026`` (a review)."""
    name: str
    department: str
    due_on: date | None

    @property
    def subject(self) -> Subject:
        return Subject(self.entity_type, self.case_id, self.code, _title(self.code, self.name),
                       self.department)


FactsT = TypeVar("FactsT", ItemFacts, EvaluationFacts, TransferFacts, StaffingFacts,
                 ContractFacts, ReportingFacts)


@dataclass(frozen=True)
class Waiting:
    """A task that starts waiting; the case's facts say for whom, unless ``scope`` does."""

    kind: Kind
    since: datetime
    scope: str | None = None
    due_on: date | None = None
    due_soon_on: date | None = None
    part: str | None = None
    """What part of the case the task is about (a milestone id): one task per part."""
    detail: str | None = None
    """Added to the case's title (the milestone's id and name)."""

    def task(self, subject: Subject) -> InboxTask:
        role = KIND_ROLES[self.kind]
        title = subject.title if self.detail is None else f"{subject.title} {self.detail}"
        scope = subject.department if role is Role.DEPARTMENT else self.scope
        return InboxTask(
            entry_id=entry_id(subject.entity_id, self.kind, self.part), role=role.value,
            scope=scope, kind=self.kind.value, kind_label=KIND_LABELS[self.kind], title=title,
            entity_type=subject.entity_type, entity_id=subject.entity_id, code=subject.code,
            since=self.since.astimezone(UTC), due_on=self.due_on,
            due_soon_on=self.due_soon_on, reminded=False,
        )


def _nothing_waits(_: Any) -> Iterable[Waiting]:
    return ()


def _no_parts(_: Any) -> Iterable[tuple[Kind, str]]:
    return ()


@dataclass(frozen=True)
class InboxChange(Generic[FactsT]):
    """What one event changes in the inbox of one case (an item or an evaluation)."""

    facts: Mapping[str, Any] = field(default_factory=dict)
    """New values of the case's facts (applied first)."""
    done: tuple[Kind, ...] = ()
    """Tasks that no longer wait."""
    changed: Mapping[Kind, Mapping[str, Any]] = field(default_factory=dict)
    """New values of tasks that still wait."""
    waiting: Callable[[FactsT], Iterable[Waiting]] = _nothing_waits
    """Tasks that now wait, given the case's facts."""
    update: Callable[[FactsT], Mapping[str, Any]] | None = None
    """New values of the case's facts that follow from its facts (applied after
    ``facts``)."""
    done_parts: Callable[[FactsT], Iterable[tuple[Kind, str]]] = _no_parts
    """Tasks about one part (kind, part) that no longer wait, given the case's facts."""
    done_all: bool = False
    """Every task of the case no longer waits (the case ended)."""


def entry_id(entity_id: UUID, kind: Kind, part: str | None = None) -> str:
    """``<entity id>:<kind>``, or ``<entity id>:<kind>:<part>`` for a task about one part."""
    return f"{entity_id}:{kind.value}" if part is None else f"{entity_id}:{kind.value}:{part}"


def _title(code: str, name: str) -> str:
    return f"{code} {name}"


ITEMS = Table(name="inbox_items", row_class=ItemFacts, key="item_id")
EVALUATIONS = Table(name="inbox_evaluations", row_class=EvaluationFacts, key="evaluation_id")
TRANSFERS = Table(name="inbox_transfers", row_class=TransferFacts, key="transfer_id")
STAFFING = Table(name="inbox_staffing_requests", row_class=StaffingFacts, key="request_id")
CONTRACTS = Table(name="inbox_contracts", row_class=ContractFacts, key="contract_id")
REPORTING = Table(name="inbox_reporting", row_class=ReportingFacts, key="case_id")
TASKS = Table(name="inbox_tasks", row_class=InboxTask, key="entry_id",
              indexes=(("role", "scope", "due_on"), ("entity_id",)))

# Sorted by due date (none last), then since when, then id: the keyset of the pages.
_SORT_KEY = "COALESCE(due_on, :no_due_date), since, entry_id"


class InboxView(TrackedView):
    """Implements ``projections.readers.InboxReader``."""

    projection_name = "inbox"
    tables = (ITEMS, EVALUATIONS, TRANSFERS, STAFFING, CONTRACTS, REPORTING, TASKS)

    # --- writes ----------------------------------------------------------------

    def add_item(self, item: ItemFacts, change: InboxChange[ItemFacts],
                 tracking: Tracking) -> None:
        self._add(ITEMS, item.item_id, item, change, tracking)

    def change(self, item_id: UUID, change: InboxChange[ItemFacts], tracking: Tracking) -> None:
        self._apply(tracking, lambda c: self._change(c, ITEMS, item_id, change))

    def add_evaluation(self, evaluation: EvaluationFacts,
                       change: InboxChange[EvaluationFacts], tracking: Tracking) -> None:
        self._add(EVALUATIONS, evaluation.evaluation_id, evaluation, change, tracking)

    def change_evaluation(self, evaluation_id: UUID, change: InboxChange[EvaluationFacts],
                          tracking: Tracking) -> None:
        self._apply(tracking, lambda c: self._change(c, EVALUATIONS, evaluation_id, change))

    def add_case(self, table: Table, key: UUID, facts: FactsT, change: InboxChange[FactsT],
                 tracking: Tracking) -> None:
        """Keep the facts of a new transfer, staffing request or contract (in ``table``)."""
        self._add(table, key, facts, change, tracking)

    def change_case(self, table: Table, key: UUID, change: InboxChange[FactsT],
                    tracking: Tracking) -> None:
        self._apply(tracking, lambda c: self._change(c, table, key, change))

    def _add(self, table: Table, key: UUID, facts: FactsT, change: InboxChange[FactsT],
             tracking: Tracking) -> None:
        values = asdict(facts)

        def write(c: SqlCursor) -> None:
            self._execute(c, table, table.insert_sql(values), values)
            self._change(c, table, key, change)

        self._apply(tracking, write)

    def _change(self, c: SqlCursor, table: Table, key: UUID,
                change: InboxChange[FactsT]) -> None:
        """Change the case's facts (in ``table``), then its tasks."""
        if change.facts:
            self._execute(c, table, table.update_sql(change.facts), {**change.facts, "key": key})
        (facts,) = self._fetch(c, table, f"SELECT * FROM {{table}} WHERE {table.key} = :key",
                               {"key": key})
        if change.update is not None:
            updated = dict(change.update(facts))
            self._execute(c, table, table.update_sql(updated), {**updated, "key": key})
            facts = replace(facts, **updated)
        subject = facts.subject
        if "name" in change.facts:
            self._execute(c, TASKS, "UPDATE {table} SET title = :title "
                          "WHERE entity_id = :entity_id",
                          {"title": subject.title, "entity_id": key})
        for kind in change.done:
            self._execute(c, TASKS, "DELETE FROM {table} WHERE entry_id = :key",
                          {"key": entry_id(key, kind)})
        for kind, part in change.done_parts(facts):
            self._execute(c, TASKS, "DELETE FROM {table} WHERE entry_id = :key",
                          {"key": entry_id(key, kind, part)})
        if change.done_all:
            self._execute(c, TASKS, "DELETE FROM {table} WHERE entity_id = :entity_id",
                          {"entity_id": key})
        for kind, values in change.changed.items():
            self._execute(c, TASKS, TASKS.update_sql(values),
                          {**values, "key": entry_id(key, kind)})
        for waiting in change.waiting(facts):
            task = asdict(waiting.task(subject))
            self._execute(c, TASKS, TASKS.upsert_sql(task), task)

    # --- reads -----------------------------------------------------------------

    def inbox(self, *, role: str, scope: str | None, today: date, cursor: str | None,
              limit: int) -> Page[InboxEntry]:
        """The tasks waiting on ``role`` in ``scope``, soonest due first, flagged as of
        ``today``.  A task without a scope waits on everyone in its role."""
        if limit < 1:
            raise ValueError(f"limit must be at least 1, not {limit}")
        params: dict[str, Any] = {
            "role": role, "scope": scope, "limit": limit + 1,
            "no_due_date": self.dialect.encode("date", NO_DUE_DATE),
        }
        after = ""
        if cursor is not None:
            after = f"AND ({_SORT_KEY}) > (:after_due, :after_since, :after_id) "
            params.update(self._after(cursor))
        tasks: list[InboxTask] = self._select(TASKS, (
            "SELECT * FROM {table} WHERE role = :role AND (scope IS NULL OR scope = :scope) "
            f"{after}ORDER BY {_SORT_KEY} LIMIT :limit"
        ), params)
        page = [flagged(task, today) for task in tasks[:limit]]
        next_cursor = _cursor(page[-1]) if len(tasks) > limit else None
        return Page(data=page, next_cursor=next_cursor)

    def _after(self, cursor: str) -> dict[str, Any]:
        try:
            due, since, entry = json.loads(decode_cursor(cursor))
            values = (date.fromisoformat(due), datetime.fromisoformat(since), str(entry))
        except (ValueError, TypeError):
            raise InvalidCursorError(
                f"分页游标 {cursor!r} 无效；请使用上一页返回的 next_cursor，或不带游标从第一页开始",
                field="cursor",
            ) from None
        return {"after_due": self.dialect.encode("date", values[0]),
                "after_since": self.dialect.encode("datetime", values[1]),
                "after_id": values[2]}


def flagged(task: InboxTask, today: date) -> InboxEntry:
    """The task as an inbox entry on ``today``: due soon from the reminder date to the due
    date, overdue after it."""
    due_soon = (task.due_on is not None and task.due_soon_on is not None
                and task.due_soon_on <= today <= task.due_on)
    overdue = task.due_on is not None and today > task.due_on
    return InboxEntry(**asdict(task), due_soon=due_soon, overdue=overdue)


def _cursor(entry: InboxEntry) -> str:
    due = entry.due_on or NO_DUE_DATE
    return encode_cursor(json.dumps([due.isoformat(), entry.since.isoformat(), entry.entry_id]))


class SQLiteInboxView(InboxView, SQLiteTrackedView):
    """The inbox view in SQLite."""


class PostgresInboxView(InboxView, PostgresTrackedView):
    """The inbox view in PostgreSQL."""


# --- events → tasks ----------------------------------------------------------


class InboxProjection(Projection[InboxView]):
    """Keeps the inbox up to date: one handler per catalogue item or grade evaluation event
    that moves a task."""

    name = "inbox"

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.skip(tracking)

    @process_event.register(ITEM_DRAFTED)
    def drafted(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        item = ItemFacts(item_id=e["originator_id"], code=e["code"],
                         department=e["department"], referral_due_on=None, **_facts(e))
        self.view.add_item(item, _waits(Waiting(Kind.PUBLISH, e["timestamp"])), tracking)

    @process_event.register(ITEM_REVISED)
    def revised(self, event: Any, tracking: Tracking) -> None:
        self._change(event, tracking, InboxChange(facts=_facts(event_values(event))))

    @process_event.register(ITEM_VERSION_PUBLISHED)
    def version_published(self, event: Any, tracking: Tracking) -> None:
        # A new version is publicized anew before it may be referred.
        self._change(event, tracking, InboxChange(facts=_facts(event_values(event)),
                                                  done=(Kind.REFER,)))

    @process_event.register(ITEM_PUBLISHED)
    def published(self, event: Any, tracking: Tracking) -> None:
        self._change(event, tracking, InboxChange(done=(Kind.PUBLISH,)))

    @process_event.register(ITEM_PUBLICITY_CLOSED)
    def publicity_closed(self, event: Any, tracking: Tracking) -> None:
        self._change(event, tracking, _waits(Waiting(Kind.REFER, event.timestamp)))

    @process_event.register(ITEM_REFERRED)
    def referred(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self._change(event, tracking, InboxChange(
            facts={"referral_due_on": e["due_on"]}, done=(Kind.REFER,),
            waiting=lambda _: [Waiting(Kind.OPINION, e["timestamp"], scope=e["agency_id"],
                                       due_on=e["due_on"], due_soon_on=e["remind_on"])],
        ))

    @process_event.register(ITEM_REFERRAL_REMINDED)
    def referral_reminded(self, event: Any, tracking: Tracking) -> None:
        self._change(event, tracking, InboxChange(changed={Kind.OPINION: {"reminded": True}}))

    @process_event.register(ITEM_REFERRAL_ESCALATED)
    def referral_escalated(self, event: Any, tracking: Tracking) -> None:
        self._change(event, tracking, InboxChange(waiting=lambda item: [
            Waiting(Kind.ESCALATION, event.timestamp, due_on=item.referral_due_on)]))

    @process_event.register(ITEM_REFERRAL_EXTENDED)
    def referral_extended(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self._change(event, tracking, InboxChange(
            facts={"referral_due_on": e["due_on"]}, done=(Kind.ESCALATION,),
            changed={Kind.OPINION: {"due_on": e["due_on"], "due_soon_on": e["remind_on"],
                                    "reminded": False}},
        ))

    @process_event.register(ITEM_OPINION_GIVEN)
    def opinion_given(self, event: Any, tracking: Tracking) -> None:
        self._change(event, tracking, InboxChange(
            done=(Kind.OPINION, Kind.ESCALATION),
            waiting=lambda _: [Waiting(Kind.DECIDE, event.timestamp)],
        ))

    @process_event.register(ITEM_DECIDED)
    def decided(self, event: Any, tracking: Tracking) -> None:
        def retention(item: ItemFacts) -> list[Waiting]:
            status = status_after_decision(event.mode, provincial_listed=item.provincial_listed,
                                           statutory=item.statutory)
            pending = status is ItemStatus.RETENTION_PENDING
            return [Waiting(Kind.RETENTION, event.timestamp)] if pending else []

        # An item decided without a referral (recorded as decided before govflow) has no
        # referral left to make either.
        self._change(event, tracking, InboxChange(done=(Kind.DECIDE, Kind.REFER),
                                                  waiting=retention))

    @process_event.register(ITEM_RETENTION_REVIEWED)
    def retention_reviewed(self, event: Any, tracking: Tracking) -> None:
        rejected = not event.approved  # back to the department's decision
        self._change(event, tracking, InboxChange(
            done=(Kind.RETENTION,),
            waiting=lambda _: [Waiting(Kind.DECIDE, event.timestamp)] if rejected else [],
        ))

    @process_event.register(ITEM_WITHDRAWN)
    def withdrawn(self, event: Any, tracking: Tracking) -> None:
        self._change(event, tracking, InboxChange(done=CATALOGUE_KINDS))

    def _change(self, event: Any, tracking: Tracking, change: InboxChange[ItemFacts]) -> None:
        self.view.change(event.originator_id, change, tracking)

    # --- grade evaluations (等级评估) ------------------------------------------------

    @process_event.register(EVALUATION_APPLIED)
    def evaluation_applied(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        evaluation = EvaluationFacts(
            evaluation_id=e["originator_id"], credit_code=e["credit_code"],
            organization_name=e["organization_name"], evaluator_id=None,
            publicity_closed=False, appeal_open=False, appeal_answer_due_on=None)
        self.view.add_evaluation(
            evaluation, _waits(Waiting(Kind.ASSIGN_EVALUATOR, e["timestamp"])), tracking)

    @process_event.register(EVALUATOR_ASSIGNED)
    def evaluator_assigned(self, event: Any, tracking: Tracking) -> None:
        evaluator = event.evaluator_id
        self._evaluation(event, tracking, InboxChange(
            facts={"evaluator_id": evaluator}, done=(Kind.ASSIGN_EVALUATOR,),
            waiting=lambda _: [Waiting(Kind.SCORE, event.timestamp, scope=evaluator)],
        ))

    @process_event.register(EVALUATION_SCORED)
    def evaluation_scored(self, event: Any, tracking: Tracking) -> None:
        self._evaluation(event, tracking, InboxChange(done=(Kind.SCORE,)))

    @process_event.register(EVALUATION_PUBLICITY_CLOSED)
    def evaluation_publicity_closed(self, event: Any, tracking: Tracking) -> None:
        # Under an open appeal, confirmation waits for the answer.
        self._evaluation(event, tracking, InboxChange(
            facts={"publicity_closed": True},
            waiting=lambda evaluation: [] if evaluation.appeal_open else [
                Waiting(Kind.CONFIRM_GRADE, event.timestamp)],
        ))

    @process_event.register(APPEAL_FILED)
    def appeal_filed(self, event: Any, tracking: Tracking) -> None:
        due: date = event.answer_due_on
        self._evaluation(event, tracking, InboxChange(
            facts={"appeal_open": True, "appeal_answer_due_on": due},
            waiting=lambda evaluation: [Waiting(
                Kind.ANSWER_APPEAL, event.timestamp, scope=evaluation.evaluator_id, due_on=due,
                due_soon_on=due - timedelta(days=APPEAL_DUE_SOON_DAYS))],
        ))

    @process_event.register(APPEAL_ESCALATED)
    def appeal_escalated(self, event: Any, tracking: Tracking) -> None:
        # The evaluator may still answer: its task stays, overdue.
        self._evaluation(event, tracking, InboxChange(waiting=lambda evaluation: [
            Waiting(Kind.APPEAL_ESCALATION, event.timestamp,
                    due_on=evaluation.appeal_answer_due_on)]))

    @process_event.register(APPEAL_ANSWERED)
    def appeal_answered(self, event: Any, tracking: Tracking) -> None:
        self._evaluation(event, tracking, InboxChange(
            facts={"appeal_open": False}, done=(Kind.ANSWER_APPEAL, Kind.APPEAL_ESCALATION),
            waiting=lambda evaluation: [Waiting(Kind.CONFIRM_GRADE, event.timestamp)]
            if evaluation.publicity_closed else [],
        ))

    @process_event.register(EVALUATION_CONFIRMED)
    def evaluation_confirmed(self, event: Any, tracking: Tracking) -> None:
        self._evaluation(event, tracking, InboxChange(done=EVALUATION_KINDS))

    def _evaluation(self, event: Any, tracking: Tracking,
                    change: InboxChange[EvaluationFacts]) -> None:
        self.view.change_evaluation(event.originator_id, change, tracking)

    # --- function transfers (职能转移) and staffing requests (编制申请) --------------------

    @process_event.register(TRANSFER_PROPOSED)
    def transfer_proposed(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        transfer = TransferFacts(
            transfer_id=e["originator_id"], code=e["item_code"], item_name=e["item_name"],
            mode=e["mode"], organization_name=e["organization_name"],
            department=e["department"])
        self.view.add_case(TRANSFERS, transfer.transfer_id, transfer,
                           _waits(Waiting(Kind.APPROVE_TRANSFER, e["timestamp"])), tracking)

    @process_event.register(TRANSFER_APPROVED)
    @process_event.register(TRANSFER_REJECTED)
    def transfer_decided(self, event: Any, tracking: Tracking) -> None:
        self._transfer(event, tracking, InboxChange(done=(Kind.APPROVE_TRANSFER,)))

    @process_event.register(TRANSFER_SUSPENDED)
    def transfer_suspended(self, event: Any, tracking: Tracking) -> None:
        self._transfer(event, tracking,
                       _waits(Waiting(Kind.REVIEW_SUSPENDED_TRANSFER, event.timestamp)))

    @process_event.register(TRANSFER_RESUMED)
    @process_event.register(TRANSFER_REVOKED)
    @process_event.register(TRANSFER_EXPIRED)
    def transfer_reviewed(self, event: Any, tracking: Tracking) -> None:
        self._transfer(event, tracking, InboxChange(done=TRANSFER_KINDS))

    def _transfer(self, event: Any, tracking: Tracking,
                  change: InboxChange[TransferFacts]) -> None:
        self.view.change_case(TRANSFERS, event.originator_id, change, tracking)

    @process_event.register(STAFFING_REQUESTED)
    def staffing_requested(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        request = StaffingFacts(
            request_id=e["originator_id"], code=e["item_code"], item_name=e["item_name"],
            kind=e["kind"], department=e["department"])
        self.view.add_case(STAFFING, request.request_id, request,
                           InboxChange[StaffingFacts](), tracking)

    @process_event.register(STAFFING_FLAGGED)
    def staffing_flagged(self, event: Any, tracking: Tracking) -> None:
        self.view.change_case(STAFFING, event.originator_id,
                              _waits(Waiting(Kind.REVIEW_STAFFING, event.timestamp)), tracking)

    @process_event.register(STAFFING_DECIDED)
    def staffing_decided(self, event: Any, tracking: Tracking) -> None:
        self.view.change_case(STAFFING, event.originator_id,
                              InboxChange(done=STAFFING_KINDS), tracking)

    # --- purchase contracts (购买服务合同) -------------------------------------------------

    @process_event.register(CONTRACT_AWARDED)
    def contract_awarded(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        contract = ContractFacts(
            contract_id=e["originator_id"], code=e["item_code"], item_name=e["item_name"],
            department=e["department"], provider_id=e["provider_id"],
            provider_name=e["provider_name"],
            milestones=_planned({}, list(e["milestones"])))
        self.view.add_case(CONTRACTS, contract.contract_id, contract,
                           InboxChange[ContractFacts](), tracking)

    @process_event.register(CONTRACT_ANNOUNCED)
    def contract_announced(self, event: Any, tracking: Tracking) -> None:
        # Every milestone now waits on the provider, by its due date.
        self._contract(event, tracking, InboxChange(waiting=lambda contract: [
            contract.milestone(Kind.DELIVER_MILESTONE, milestone, event.timestamp, due=True)
            for milestone in contract.milestones]))

    @process_event.register(CONTRACT_AMENDED)
    def contract_amended(self, event: Any, tracking: Tracking) -> None:
        added = event.added_milestone
        if added is None:
            self.view.skip(tracking)
            return
        self._contract(event, tracking, InboxChange(
            update=lambda contract: {"milestones": _planned(contract.milestones, [added])},
            waiting=lambda contract: [contract.milestone(  # the milestone just added
                Kind.DELIVER_MILESTONE, f"M{len(contract.milestones)}", event.timestamp,
                due=True)]))

    @process_event.register(MILESTONE_DELIVERED)
    def milestone_delivered(self, event: Any, tracking: Tracking) -> None:
        milestone = event.milestone_id
        self._contract(event, tracking, InboxChange(
            done_parts=lambda _: [(Kind.DELIVER_MILESTONE, milestone)],
            waiting=lambda contract: [
                contract.milestone(Kind.ACCEPT_MILESTONE, milestone, event.timestamp)]))

    @process_event.register(MILESTONE_REJECTED)
    def milestone_rejected(self, event: Any, tracking: Tracking) -> None:
        milestone = event.milestone_id
        self._contract(event, tracking, InboxChange(
            done_parts=lambda _: [(Kind.ACCEPT_MILESTONE, milestone)],
            waiting=lambda contract: [contract.milestone(
                Kind.DELIVER_MILESTONE, milestone, event.timestamp, due=True)]))

    @process_event.register(MILESTONE_ACCEPTED)
    def milestone_accepted(self, event: Any, tracking: Tracking) -> None:
        milestone = event.milestone_id
        self._contract(event, tracking, InboxChange(
            done_parts=lambda _: [(Kind.ACCEPT_MILESTONE, milestone),
                                  (Kind.MILESTONE_OVERDUE, milestone)],
            waiting=lambda contract: [
                contract.milestone(Kind.APPROVE_PAYMENT, milestone, event.timestamp)]
            if contract.unpaid_fen(milestone) > 0 else []))

    @process_event.register(MILESTONE_OVERDUE)
    def milestone_overdue(self, event: Any, tracking: Tracking) -> None:
        milestone = event.milestone_id
        self._contract(event, tracking, InboxChange(waiting=lambda contract: [
            contract.milestone(Kind.MILESTONE_OVERDUE, milestone, event.timestamp, due=True)]))

    @process_event.register(PAYMENT_APPROVED)
    def payment_approved(self, event: Any, tracking: Tracking) -> None:
        milestone, amount = event.milestone_id, int(event.amount_fen)

        def paid(contract: ContractFacts) -> dict[str, Any]:
            entry = contract.milestones[milestone]
            return {"milestones": {**contract.milestones, milestone: {
                **entry, "paid_fen": int(entry["paid_fen"]) + amount}}}

        def remaining(contract: ContractFacts) -> list[Waiting]:
            # Paid in part: the task stays, titled with what is left to pay.
            return [contract.milestone(Kind.APPROVE_PAYMENT, milestone, event.timestamp)] \
                if contract.unpaid_fen(milestone) > 0 else []

        self._contract(event, tracking, InboxChange(
            update=paid, done_parts=lambda _: [(Kind.APPROVE_PAYMENT, milestone)],
            waiting=remaining))

    @process_event.register(REVIEW_OPENED)
    def contract_review_opened(self, event: Any, tracking: Tracking) -> None:
        self._contract(event, tracking, _waits(Waiting(Kind.PERFORMANCE_REVIEW, event.timestamp)))

    @process_event.register(CONTRACT_REVIEWED)
    def contract_reviewed(self, event: Any, tracking: Tracking) -> None:
        self._contract(event, tracking, InboxChange(done=(Kind.PERFORMANCE_REVIEW,)))

    @process_event.register(PROVIDER_GRADE_CHANGED)
    def provider_grade_changed(self, event: Any, tracking: Tracking) -> None:
        self._contract(event, tracking, _waits(Waiting(Kind.PROVIDER_REVIEW, event.timestamp)))

    @process_event.register(PROVIDER_CONFIRMED)
    def provider_confirmed(self, event: Any, tracking: Tracking) -> None:
        self._contract(event, tracking, InboxChange(done=(Kind.PROVIDER_REVIEW,)))

    @process_event.register(CONTRACT_TERMINATED)
    @process_event.register(CONTRACT_CLOSED)
    def contract_ended(self, event: Any, tracking: Tracking) -> None:
        self._contract(event, tracking, InboxChange(done_all=True))

    def _contract(self, event: Any, tracking: Tracking,
                  change: InboxChange[ContractFacts]) -> None:
        self.view.change_case(CONTRACTS, event.originator_id, change, tracking)

    # --- quarterly reports (季度报告) and acceptance reviews (验收考核) -----------------------

    @process_event.register(REPORT_OPENED)
    def report_opened(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        quarter = Quarter(e["year"], e["quarter"])
        due: date = e["due_on"]
        report = ReportingFacts(
            case_id=e["originator_id"], entity_type=REPORT_ENTITY_TYPE,
            code=f"{e['department']}-{quarter.key}", name=f"{quarter.label}工作报告",
            department=e["department"], due_on=due)
        self.view.add_case(REPORTING, report.case_id, report, _waits(Waiting(
            Kind.SUBMIT_REPORT, e["timestamp"], due_on=due,
            due_soon_on=due - timedelta(days=REPORT_DUE_SOON_DAYS))), tracking)

    @process_event.register(REPORT_ESCALATED)
    def report_escalated(self, event: Any, tracking: Tracking) -> None:
        # The department may still submit: its task stays, overdue.
        self.view.change_case(REPORTING, event.originator_id, InboxChange[ReportingFacts](
            waiting=lambda report: [Waiting(Kind.REPORT_ESCALATION, event.timestamp,
                                            due_on=report.due_on)]), tracking)

    @process_event.register(REPORT_SUBMITTED)
    def report_submitted(self, event: Any, tracking: Tracking) -> None:
        self.view.change_case(REPORTING, event.originator_id,
                              InboxChange(done=REPORT_KINDS), tracking)

    @process_event.register(ACCEPTANCE_OPENED)
    def acceptance_opened(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        review = ReportingFacts(
            case_id=e["originator_id"], entity_type=ACCEPTANCE_ENTITY_TYPE,
            code=f"{e['department']}-{e['year']}", name=f"{e['year']}年度验收考核",
            department=e["department"], due_on=None)
        self.view.add_case(REPORTING, review.case_id, review,
                           _waits(Waiting(Kind.ACCEPTANCE_REVIEW, e["timestamp"])), tracking)

    @process_event.register(ACCEPTANCE_SCORED)
    def acceptance_scored(self, event: Any, tracking: Tracking) -> None:
        self.view.change_case(REPORTING, event.originator_id,
                              InboxChange(done=(Kind.ACCEPTANCE_REVIEW,)), tracking)


def _waits(waiting: Waiting) -> InboxChange[Any]:
    return InboxChange(waiting=lambda _: [waiting])


def _facts(e: dict[str, Any]) -> dict[str, Any]:
    """The facts a revision may change."""
    return {"name": e["name"], "provincial_listed": e["provincial_listed"],
            "statutory": Nature(e["nature"]).is_statutory}


def _planned(milestones: Mapping[str, Any], records: list[Mapping[str, Any]]
             ) -> dict[str, Any]:
    """``milestones`` and the planned ``records`` after them, numbered M1, M2, … in order
    (as the contract numbers them)."""
    planned = dict(milestones)
    for record in records:
        planned[f"M{len(planned) + 1}"] = {
            "name": str(record["name"]), "due_on": record["due_on"].isoformat(),
            "amount_fen": int(record["amount_fen"]), "paid_fen": 0}
    return planned
