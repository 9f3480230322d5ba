"""The catalogue item aggregate (目录事项)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.actors import Actor, Role
from domain.aggregate import GovAggregate, aggregate_id_for
from domain.calendar import start_of_day
from domain.catalogue.classification import (
    Classification,
    Nature,
    NegativeListCategory,
    parse_nature,
    parse_negative_list,
)
from domain.errors import (
    BudgetAmountError,
    DeadlineNotLaterError,
    DepartureReasonRequiredError,
    ExistingDecisionDateError,
    FieldTooLongError,
    InvalidCatalogueYearError,
    ItemAlreadyPublishedError,
    ItemNotDraftError,
    ItemNotInPublicityError,
    ItemNotRevisableError,
    ItemStatusConflictError,
    ItemWithdrawnError,
    NegativeListPurchaseError,
    NoBudgetError,
    OtherAgencyError,
    OtherDepartmentError,
    RequiredFieldError,
    RetentionJustificationRequiredError,
    StatutoryFunctionError,
    UnknownDecisionModeError,
)
from domain.text import required_text

NAME_MAX = 100
DESCRIPTION_MAX = 2000
FIRST_CATALOGUE_YEAR = 2015
LAST_CATALOGUE_YEAR = 2100


class ItemStatus(StrEnum):
    DRAFT = "draft"
    PUBLICITY = "publicity"
    PUBLICITY_CLOSED = "publicity_closed"
    REFERRED = "referred"
    OPINION_GIVEN = "opinion_given"
    RETENTION_PENDING = "retention_pending"
    RETAINED = "retained"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS: dict[ItemStatus, str] = {
    ItemStatus.DRAFT: "草稿",
    ItemStatus.PUBLICITY: "公示中",
    ItemStatus.PUBLICITY_CLOSED: "公示结束",
    ItemStatus.REFERRED: "咨询中",
    ItemStatus.OPINION_GIVEN: "待决定",
    ItemStatus.RETENTION_PENDING: "保留待审批",
    ItemStatus.RETAINED: "保留",
    ItemStatus.DECIDED: "已决定",
    ItemStatus.WITHDRAWN: "已撤回",
}

PUBLISHED_STATUSES = frozenset({ItemStatus.PUBLICITY, ItemStatus.PUBLICITY_CLOSED})
"""A published item not yet referred: revising it publishes a new version."""

HANDED_OFF_STATUSES = frozenset({ItemStatus.DECIDED, ItemStatus.RETAINED})
"""The catalogue stage is over: the item went on to transfer or purchase, or is retained."""


class DecisionMode(StrEnum):
    """A recommendation (咨询意见) or decision (决定) on how the function is carried out."""

    TRANSFER = "转移"
    AUTHORIZATION = "授权"
    ENTRUSTMENT = "委托"
    PURCHASE = "购买服务"
    RETAIN = "保留"

    @property
    def hands_over(self) -> bool:
        """Transfer, authorization, entrustment and purchase move the function out."""
        return self is not DecisionMode.RETAIN


class DayBasis(StrEnum):
    """How a deadline counts days: calendar days or working days (工作日)."""

    CALENDAR = "calendar"
    WORKING = "working"


DEPARTMENT_ROLES = frozenset({Role.DEPARTMENT})
SYSTEM_ROLES = frozenset({Role.SYSTEM})
AGENCY_ROLES = frozenset({Role.AGENCY})
FINANCE_ROLES = frozenset({Role.FINANCE})
COMMITTEE_ROLES = frozenset({Role.COMMITTEE})
BUDGET_MAX_FEN = 10**14  # a trillion yuan: anything above is a typing error


def parse_mode(value: str, *, field: str) -> DecisionMode:
    try:
        return DecisionMode(value)
    except ValueError:
        allowed = "、".join(m.value for m in DecisionMode)
        raise UnknownDecisionModeError(
            f"{value!r} 不是有效的方式；应为以下之一：{allowed}", field=field
        ) from None


def check_item_fields(
    *, name: str, description: str, catalogue_year: int, classification: Classification,
    nature: str, level1_set: tuple[str, ...],
) -> Nature:
    """Validate the fields a department writes; returns the parsed nature."""
    if not name.strip():
        raise RequiredFieldError("事项名称不能为空；请填写事项名称", field="name")
    if len(name) > NAME_MAX:
        raise FieldTooLongError(
            f"事项名称不能超过 {NAME_MAX} 个字符（现为 {len(name)} 个）", field="name"
        )
    if len(description) > DESCRIPTION_MAX:
        raise FieldTooLongError(
            f"事项说明不能超过 {DESCRIPTION_MAX} 个字符（现为 {len(description)} 个）",
            field="description",
        )
    if not FIRST_CATALOGUE_YEAR <= catalogue_year <= LAST_CATALOGUE_YEAR:
        raise InvalidCatalogueYearError(
            f"目录年度 {catalogue_year} 不在 {FIRST_CATALOGUE_YEAR}–{LAST_CATALOGUE_YEAR} 之间",
            field="catalogue_year",
        )
    classification.check(level1_set)
    return parse_nature(nature)


def check_department_scope(actor: Actor, department: str) -> None:
    """A department officer acts only inside their own department."""
    if actor.role is Role.DEPARTMENT and actor.scope != department:
        raise OtherDepartmentError(
            f"您所在部门为 {actor.scope}，不能操作 {department} 的目录事项"
        )


def check_draft(
    *, actor: Actor, department: str, name: str, description: str, catalogue_year: int,
    classification: Classification, nature: str, level1_set: tuple[str, ...],
) -> Nature:
    """The guards of drafting an item, but for its department being registered."""
    GovAggregate.check_role(actor, DEPARTMENT_ROLES, action="起草目录事项")
    check_department_scope(actor, department)
    return check_item_fields(
        name=name, description=description, catalogue_year=catalogue_year,
        classification=classification, nature=nature, level1_set=level1_set,
    )


@dataclass(frozen=True)
class ItemFacts:
    """What the guards of an item's commands need to know about the item.

    Pure, so that a workflow holding these facts refuses a command with exactly the
    error the aggregate would raise, before anything reaches the workflow's history.
    """

    code: str
    department: str
    status: ItemStatus
    published: bool
    agency_id: str | None = None
    """The consulting agency the item is referred to, while it is."""

    def check_not_withdrawn(self) -> None:
        if self.status is ItemStatus.WITHDRAWN:
            raise ItemWithdrawnError(f"目录事项 {self.code} 已撤回，不能再操作")

    def check_is_draft(self, action: str) -> None:
        self.check_not_withdrawn()
        if self.status is not ItemStatus.DRAFT:
            error = ItemAlreadyPublishedError if self.published else ItemNotDraftError
            raise error(
                f"目录事项 {self.code} 当前状态为「{self.status.label}」，只有草稿可以{action}"
            )

    def check_department_actor(self, actor: Actor, action: str) -> None:
        GovAggregate.check_role(actor, DEPARTMENT_ROLES, action=action)
        check_department_scope(actor, self.department)

    def check_revise(self, actor: Actor) -> None:
        """修改: by the item's own department, while a draft (in place) or published and
        not yet referred (a new version with its own publicity period)."""
        self.check_department_actor(actor, "修改目录事项")
        self.check_not_withdrawn()
        if self.status is not ItemStatus.DRAFT and self.status not in PUBLISHED_STATUSES:
            raise ItemNotRevisableError(
                f"目录事项 {self.code} 当前状态为「{self.status.label}」，已进入咨询或决定阶段，"
                "不能再修订；只有草稿或已发布、尚未提交咨询的事项可以修订"
            )

    def check_status(self, expected: ItemStatus, action: str) -> None:
        self.check_not_withdrawn()
        if self.status is not expected:
            raise ItemStatusConflictError(
                f"目录事项 {self.code} 当前状态为「{self.status.label}」，"
                f"只有「{expected.label}」的事项可以{action}"
            )

    def check_refer(self, actor: Actor) -> None:
        """提交咨询: by the item's own department, after its publicity period closed."""
        self.check_department_actor(actor, "提交咨询")
        if self.status is ItemStatus.PUBLICITY:
            raise ItemStatusConflictError(
                f"目录事项 {self.code} 仍在公示期内；公示结束后方可提交咨询服务机构"
            )
        self.check_status(ItemStatus.PUBLICITY_CLOSED, "提交咨询")

    def check_opinion(self, actor: Actor) -> None:
        """咨询意见: by the agency the item is referred to."""
        GovAggregate.check_role(actor, AGENCY_ROLES, action="出具咨询意见")
        self.check_status(ItemStatus.REFERRED, "出具咨询意见")
        if actor.scope != self.agency_id:
            raise OtherAgencyError(
                f"目录事项 {self.code} 已提交给咨询服务机构 {self.agency_id}，"
                f"您所在的机构 {actor.scope} 不能出具意见"
            )

    def check_referral_step(self, actor: Actor, roles: frozenset[Role], action: str) -> None:
        """Reminder and escalation (by the system) and extension (by the committee)."""
        GovAggregate.check_role(actor, roles, action=action)
        self.check_status(ItemStatus.REFERRED, action)

    def check_decide(self, actor: Actor) -> None:
        """决定: by the item's own department, once the opinion is in."""
        self.check_department_actor(actor, "作出决定")
        self.check_status(ItemStatus.OPINION_GIVEN, "作出决定")

    def check_review_retention(self, actor: Actor) -> None:
        """保留审批: by the committee, while a retention waits for approval."""
        GovAggregate.check_role(actor, COMMITTEE_ROLES, action="审批保留申请")
        self.check_status(ItemStatus.RETENTION_PENDING, "审批保留申请")

    def check_allocate_budget(self, actor: Actor) -> None:
        """安排预算: by finance, for a published item still in the catalogue stage."""
        GovAggregate.check_role(actor, FINANCE_ROLES, action="安排预算")
        self.check_not_withdrawn()
        if self.status is ItemStatus.DRAFT:
            raise ItemStatusConflictError(
                f"目录事项 {self.code} 尚未发布；只能为已发布的目录事项安排预算"
            )

    def check_publish(self, actor: Actor) -> None:
        """发布: by the item's own department, while a draft."""
        self.check_department_actor(actor, "发布目录事项")
        self.check_is_draft("发布")

    def check_close_publicity(self, actor: Actor) -> None:
        """结束公示: by the system, while the item is in its publicity period."""
        GovAggregate.check_role(actor, SYSTEM_ROLES, action="结束公示")
        self.check_not_withdrawn()
        if self.status is not ItemStatus.PUBLICITY:
            raise ItemNotInPublicityError(
                f"目录事项 {self.code} 当前状态为「{self.status.label}」，不在公示期内"
            )

    def check_withdraw(self, actor: Actor, reason: str) -> None:
        """撤回: by the item's own department, with a reason, before it is decided."""
        self.check_department_actor(actor, "撤回目录事项")
        self.check_not_withdrawn()
        if self.status in HANDED_OFF_STATUSES or self.status is ItemStatus.RETENTION_PENDING:
            raise ItemStatusConflictError(
                f"目录事项 {self.code} 当前状态为「{self.status.label}」，已作出决定，不能撤回"
            )
        if not reason.strip():
            raise RequiredFieldError("撤回目录事项须说明理由", field="reason")


@dataclass(frozen=True)
class Referral:
    """The item's referral to a consulting agency (提交咨询) and its deadline."""

    agency_id: str
    agency_name: str
    referred_at: datetime
    due_on: date
    remind_on: date
    day_basis: DayBasis
    reminded: bool = False
    escalated: bool = False


@dataclass(frozen=True)
class Opinion:
    """The agency's advisory opinion (咨询意见)."""

    recommendation: DecisionMode
    reasons: str
    experts: tuple[tuple[str, str], ...]  # (expert id, name) of the signing experts
    organizations: tuple[str, ...]
    given_at: datetime


@dataclass(frozen=True)
class Decision:
    """The department's decision (决定) and, for a retention, the committee's review."""

    mode: DecisionMode
    reason: str
    justification: str
    departs_from_opinion: bool


@dataclass(frozen=True)
class ItemUndertaking:
    """A transfer or purchase contract through which an organization undertakes the item."""

    case_id: str
    kind: str
    organization_id: str
    organization_name: str
    fiscal_year: int | None
    committed_fen: int
    live: bool = True


class CatalogueItem(GovAggregate):
    """A function in a department's catalogue for one year (目录事项)."""

    @classmethod
    def draft(
        cls, *, code: str, command_id: str, actor: Actor, department: str,
        name: str, description: str, catalogue_year: int, classification: Classification,
        nature: str, provincial_listed: bool, level1_set: tuple[str, ...],
        negative_list: str = "",
    ) -> CatalogueItem:
        category = parse_negative_list(negative_list)
        parsed = check_draft(
            actor=actor, department=department, name=name, description=description,
            catalogue_year=catalogue_year, classification=classification, nature=nature,
            level1_set=level1_set,
        )
        return cls(
            command_id=command_id, actor=cls.actor_record(actor), code=code,
            department=department, name=name.strip(), description=description.strip(),
            catalogue_year=catalogue_year, level1=classification.level1,
            level2=classification.level2, level3=classification.level3,
            nature=parsed.value, provincial_listed=provincial_listed,
            negative_list=category.value if category else "",
        )

    @staticmethod
    def create_id(command_id: str) -> UUID:
        return aggregate_id_for(command_id)

    @event("Drafted")
    def __init__(
        self, *, command_id: str, actor: dict[str, Any], code: str, department: str,
        name: str, description: str, catalogue_year: int, level1: str, level2: str,
        level3: str, nature: str, provincial_listed: bool, negative_list: str = "",
    ) -> None:
        self._created_by(command_id)
        self.code = code
        self.department = department
        self.status = ItemStatus.DRAFT
        self.catalogue_version = 1
        self.publicity_starts_on: date | None = None
        self.publicity_ends_on: date | None = None
        self.published_at: datetime | None = None
        self.budgets: dict[int, int] = {}
        self.undertakings: dict[str, ItemUndertaking] = {}
        self.referral: Referral | None = None
        self.opinion: Opinion | None = None
        self.decision: Decision | None = None
        self._set_fields(name, description, catalogue_year, level1, level2, level3, nature,
                         provincial_listed, negative_list)

    def _set_fields(
        self, name: str, description: str, catalogue_year: int, level1: str, level2: str,
        level3: str, nature: str, provincial_listed: bool, negative_list: str,
    ) -> None:
        self.name = name
        self.description = description
        self.catalogue_year = catalogue_year
        self.classification = Classification(level1, level2, level3)
        self.nature = Nature(nature)
        self.provincial_listed = provincial_listed
        self.negative_list = NegativeListCategory(negative_list) if negative_list else None

    @property
    def must_be_retained(self) -> bool:
        """Statutory functions (行政许可/审批/执法/处罚/强制) must be retained."""
        return self.nature.is_statutory

    # --- guards ----------------------------------------------------------------

    @property
    def facts(self) -> ItemFacts:
        return ItemFacts(
            code=self.code, department=self.department, status=self.status,
            published=self.published_at is not None,
            agency_id=self.referral.agency_id if self.referral else None,
        )

    def check_not_withdrawn(self) -> None:
        self.facts.check_not_withdrawn()

    def check_is_draft(self, action: str) -> None:
        self.facts.check_is_draft(action)

    def check_department_actor(self, actor: Actor, action: str) -> None:
        self.facts.check_department_actor(actor, action)

    # --- commands --------------------------------------------------------------

    def revise(
        self, *, command_id: str, actor: Actor, name: str, description: str,
        catalogue_year: int, classification: Classification, nature: str,
        provincial_listed: bool, level1_set: tuple[str, ...], negative_list: str = "",
        published_at: datetime | None = None, publicity_starts_on: date | None = None,
        publicity_ends_on: date | None = None,
    ) -> None:
        """A draft is revised in place; a published item not yet referred gets a new
        version with its own publicity period (a published catalogue is never edited)."""
        self.facts.check_revise(actor)
        category = parse_negative_list(negative_list)
        parsed = check_item_fields(
            name=name, description=description, catalogue_year=catalogue_year,
            classification=classification, nature=nature, level1_set=level1_set,
        )
        fields: dict[str, Any] = dict(
            command_id=command_id, actor=self.actor_record(actor), name=name.strip(),
            description=description.strip(), catalogue_year=catalogue_year,
            level1=classification.level1, level2=classification.level2,
            level3=classification.level3, nature=parsed.value,
            provincial_listed=provincial_listed,
            negative_list=category.value if category else "",
        )
        if self.status is ItemStatus.DRAFT:
            self._revised(**fields)
            return
        if published_at is None or publicity_starts_on is None or publicity_ends_on is None:
            raise ItemNotRevisableError(
                f"目录事项 {self.code} 已发布，修订将生成新版本并重新公示，须提供新的公示期"
            )
        self._version_published(
            **fields, version_no=self.catalogue_version + 1, published_at=published_at,
            publicity_starts_on=publicity_starts_on, publicity_ends_on=publicity_ends_on,
        )

    @event("Revised")
    def _revised(
        self, *, command_id: str, actor: dict[str, Any], name: str, description: str,
        catalogue_year: int, level1: str, level2: str, level3: str, nature: str,
        provincial_listed: bool, negative_list: str = "",
    ) -> None:
        self._applied(command_id)
        self._set_fields(name, description, catalogue_year, level1, level2, level3, nature,
                         provincial_listed, negative_list)

    @event("VersionPublished")
    def _version_published(
        self, *, command_id: str, actor: dict[str, Any], version_no: int, name: str,
        description: str, catalogue_year: int, level1: str, level2: str, level3: str,
        nature: str, provincial_listed: bool, negative_list: str, published_at: datetime,
        publicity_starts_on: date, publicity_ends_on: date,
    ) -> None:
        self._applied(command_id)
        self._set_fields(name, description, catalogue_year, level1, level2, level3, nature,
                         provincial_listed, negative_list)
        self.catalogue_version = version_no
        self.status = ItemStatus.PUBLICITY
        self.published_at = published_at
        self.publicity_starts_on = publicity_starts_on
        self.publicity_ends_on = publicity_ends_on

    def publish(
        self, *, command_id: str, actor: Actor, published_at: datetime,
        publicity_starts_on: date, publicity_ends_on: date,
    ) -> None:
        self.facts.check_publish(actor)
        self._published(
            command_id=command_id, actor=self.actor_record(actor), published_at=published_at,
            publicity_starts_on=publicity_starts_on, publicity_ends_on=publicity_ends_on,
        )

    @event("Published")
    def _published(
        self, *, command_id: str, actor: dict[str, Any], published_at: datetime,
        publicity_starts_on: date, publicity_ends_on: date,
    ) -> None:
        self._applied(command_id)
        self.status = ItemStatus.PUBLICITY
        self.published_at = published_at
        self.publicity_starts_on = publicity_starts_on
        self.publicity_ends_on = publicity_ends_on

    def record_existing_decision(
        self, *, command_id: str, actor: Actor, published_on: date, publicity_ends_on: date,
        mode: str, document: str, recorded_on: date, budget_fen: int = 0,
    ) -> None:
        """登记既有目录事项: an item the department published and publicized before govflow,
        and decided (by the decision document, 决定文件) unless ``mode`` is empty — then it
        waits, its publicity over, to be referred for advice.  It is recorded through the
        same steps, dated as they were; there was no opinion of govflow's agencies to depart
        from.  A purchase comes with the budget it was decided on (its catalogue year)."""
        self.check_is_draft("登记既有决定")
        if not published_on <= publicity_ends_on < recorded_on:
            raise ExistingDecisionDateError(
                f"公示期 {published_on.isoformat()} 至 {publicity_ends_on.isoformat()} 无效；"
                f"既有事项的公示期须已在 {recorded_on.isoformat()} 前结束",
                field="publicity_ends_on")
        chosen = parse_mode(mode, field="mode") if mode.strip() else None
        text = required_text(document, field="document", label="文件文号", max_length=100)
        if budget_fen and not 0 < budget_fen <= BUDGET_MAX_FEN:
            raise BudgetAmountError(
                f"预算金额须为正数（以分计），且不超过 {BUDGET_MAX_FEN // 100:,} 元；"
                f"现为 {budget_fen} 分", field="budget_fen")
        recorder = self.actor_record(actor)
        if budget_fen:
            self._budget_allocated(command_id=command_id, actor=recorder,
                                   fiscal_year=self.catalogue_year, amount_fen=budget_fen)
        self._published(command_id=command_id, actor=recorder,
                        published_at=start_of_day(published_on), publicity_starts_on=published_on,
                        publicity_ends_on=publicity_ends_on)
        self._publicity_closed(command_id=command_id, actor=recorder)
        if chosen is None:
            return
        self.check_decision_allowed(chosen)
        self._decided(command_id=command_id, actor=recorder, mode=chosen.value,
                      reason=f"既有决定（{text}）", justification="",
                      departs_from_opinion=False)

    def close_publicity(self, *, command_id: str, actor: Actor) -> None:
        self.facts.check_close_publicity(actor)
        self._publicity_closed(command_id=command_id, actor=self.actor_record(actor))

    @event("PublicityClosed")
    def _publicity_closed(self, *, command_id: str, actor: dict[str, Any]) -> None:
        self._applied(command_id)
        self.status = ItemStatus.PUBLICITY_CLOSED

    def withdraw(self, *, command_id: str, actor: Actor, reason: str) -> None:
        self.facts.check_withdraw(actor, reason)
        self._withdrawn(command_id=command_id, actor=self.actor_record(actor),
                        reason=reason.strip())

    @event("Withdrawn")
    def _withdrawn(self, *, command_id: str, actor: dict[str, Any], reason: str) -> None:
        self._applied(command_id)
        self.status = ItemStatus.WITHDRAWN
        self.withdrawal_reason = reason

    # --- budget (安排预算) ----------------------------------------------------------

    def allocate_budget(self, *, command_id: str, actor: Actor, fiscal_year: int,
                        amount_fen: int) -> None:
        """Finance allocates the item's budget for a fiscal year (replacing an earlier one)."""
        self.facts.check_allocate_budget(actor)
        if not FIRST_CATALOGUE_YEAR <= fiscal_year <= LAST_CATALOGUE_YEAR:
            raise InvalidCatalogueYearError(
                f"预算年度 {fiscal_year} 不在 {FIRST_CATALOGUE_YEAR}–{LAST_CATALOGUE_YEAR} 之间",
                field="fiscal_year",
            )
        if not 0 < amount_fen <= BUDGET_MAX_FEN:
            raise BudgetAmountError(
                f"预算金额须为正数（以分计），且不超过 {BUDGET_MAX_FEN // 100:,} 元；"
                f"现为 {amount_fen} 分",
                field="amount_fen",
            )
        self._budget_allocated(command_id=command_id, actor=self.actor_record(actor),
                               fiscal_year=fiscal_year, amount_fen=amount_fen)

    @event("BudgetAllocated")
    def _budget_allocated(self, *, command_id: str, actor: dict[str, Any], fiscal_year: int,
                          amount_fen: int) -> None:
        self._applied(command_id)
        self.budgets[fiscal_year] = amount_fen

    def budget_for(self, fiscal_year: int) -> int:
        return self.budgets.get(fiscal_year, 0)

    def committed_for(self, fiscal_year: int) -> int:
        """What contracts of ``fiscal_year`` have committed of the budget (a terminated one
        keeps what it paid)."""
        return sum(u.committed_fen for u in self.undertakings.values()
                   if u.fiscal_year == fiscal_year)

    # --- who undertakes the function (承接) -------------------------------------------

    def record_undertaking(self, *, command_id: str, actor: Actor, case_id: str, kind: str,
                           organization_id: str, organization_name: str,
                           fiscal_year: int | None, committed_fen: int) -> None:
        """A transfer approved or a contract awarded for this item (saved with it)."""
        self._undertaken(command_id=command_id, actor=self.actor_record(actor), case_id=case_id,
                         kind=kind, organization_id=organization_id,
                         organization_name=organization_name, fiscal_year=fiscal_year,
                         committed_fen=committed_fen)

    @event("Undertaken")
    def _undertaken(self, *, command_id: str, actor: dict[str, Any], case_id: str, kind: str,
                    organization_id: str, organization_name: str, fiscal_year: int | None,
                    committed_fen: int) -> None:
        self._applied(command_id)
        self.undertakings[case_id] = ItemUndertaking(case_id, kind, organization_id,
                                                     organization_name, fiscal_year,
                                                     committed_fen)

    def change_commitment(self, *, command_id: str, actor: Actor, case_id: str,
                          committed_fen: int) -> None:
        """A contract's amended or (on termination) paid amount."""
        self._commitment_changed(command_id=command_id, actor=self.actor_record(actor),
                                 case_id=case_id, committed_fen=committed_fen)

    @event("CommitmentChanged")
    def _commitment_changed(self, *, command_id: str, actor: dict[str, Any], case_id: str,
                            committed_fen: int) -> None:
        self._applied(command_id)
        self.undertakings[case_id] = replace(self.undertakings[case_id],
                                             committed_fen=committed_fen)

    def end_undertaking(self, *, command_id: str, actor: Actor, case_id: str) -> None:
        """The transfer or contract ended; a contract's commitment stays counted."""
        if case_id in self.undertakings and self.undertakings[case_id].live:
            self._undertaking_ended(command_id=command_id, actor=self.actor_record(actor),
                                    case_id=case_id)

    @event("UndertakingEnded")
    def _undertaking_ended(self, *, command_id: str, actor: dict[str, Any],
                           case_id: str) -> None:
        self._applied(command_id)
        self.undertakings[case_id] = replace(self.undertakings[case_id], live=False)

    def live_undertakers(self) -> list[str]:
        """The organizations (ids) that undertake the function now."""
        return sorted({u.organization_id for u in self.undertakings.values() if u.live})

    # --- referral to a consulting agency (提交咨询) ------------------------------------

    def refer(self, *, command_id: str, actor: Actor, agency_id: str, agency_name: str,
              referred_at: datetime, due_on: date, remind_on: date, day_basis: DayBasis) -> None:
        self.facts.check_refer(actor)
        self._referred(command_id=command_id, actor=self.actor_record(actor),
                       agency_id=agency_id, agency_name=agency_name, referred_at=referred_at,
                       due_on=due_on, remind_on=remind_on, day_basis=day_basis.value)

    @event("Referred")
    def _referred(self, *, command_id: str, actor: dict[str, Any], agency_id: str,
                  agency_name: str, referred_at: datetime, due_on: date, remind_on: date,
                  day_basis: str) -> None:
        self._applied(command_id)
        self.status = ItemStatus.REFERRED
        self.referral = Referral(agency_id, agency_name, referred_at, due_on, remind_on,
                                 DayBasis(day_basis))

    def remind_referral(self, *, command_id: str, actor: Actor) -> None:
        """80 % of the opinion deadline has passed: the agency is reminded (即将到期)."""
        self.facts.check_referral_step(actor, SYSTEM_ROLES, "发送到期提醒")
        self._referral_reminded(command_id=command_id, actor=self.actor_record(actor))

    @event("ReferralReminded")
    def _referral_reminded(self, *, command_id: str, actor: dict[str, Any]) -> None:
        self._applied(command_id)
        assert self.referral is not None
        self.referral = replace(self.referral, reminded=True)

    def escalate_referral(self, *, command_id: str, actor: Actor) -> None:
        """The opinion deadline passed without an opinion: escalated to the committee."""
        self.facts.check_referral_step(actor, SYSTEM_ROLES, "逾期上报")
        self._referral_escalated(command_id=command_id, actor=self.actor_record(actor))

    @event("ReferralEscalated")
    def _referral_escalated(self, *, command_id: str, actor: dict[str, Any]) -> None:
        self._applied(command_id)
        assert self.referral is not None
        self.referral = replace(self.referral, escalated=True)

    def extend_referral(self, *, command_id: str, actor: Actor, due_on: date,
                        remind_on: date, reason: str) -> None:
        """The committee extends the opinion deadline (延期)."""
        self.facts.check_referral_step(actor, COMMITTEE_ROLES, "延长咨询期限")
        assert self.referral is not None
        if not reason.strip():
            raise RequiredFieldError("延长咨询期限须说明理由", field="reason")
        if due_on <= self.referral.due_on:
            raise DeadlineNotLaterError(
                f"新的期限 {due_on.isoformat()} 须晚于原期限 {self.referral.due_on.isoformat()}",
                field="due_on",
            )
        self._referral_extended(command_id=command_id, actor=self.actor_record(actor),
                                due_on=due_on, remind_on=remind_on, reason=reason.strip())

    @event("ReferralExtended")
    def _referral_extended(self, *, command_id: str, actor: dict[str, Any], due_on: date,
                           remind_on: date, reason: str) -> None:
        self._applied(command_id)
        assert self.referral is not None
        self.referral = replace(self.referral, due_on=due_on, remind_on=remind_on,
                                reminded=False, escalated=False)

    # --- advisory opinion (咨询意见) --------------------------------------------------

    def give_opinion(self, *, command_id: str, actor: Actor, recommendation: str,
                     reasons: str, experts: list[tuple[str, str]], organizations: list[str],
                     given_at: datetime) -> None:
        """The agency's opinion; ``experts`` were checked against the agency (回避) by the
        application, which holds both aggregates."""
        self.facts.check_opinion(actor)
        mode = parse_mode(recommendation, field="recommendation")
        if not reasons.strip():
            raise RequiredFieldError("咨询意见须写明理由", field="reasons")
        if not experts:
            raise RequiredFieldError("咨询意见须至少有一名专家签署", field="experts")
        self._opinion_given(
            command_id=command_id, actor=self.actor_record(actor), recommendation=mode.value,
            reasons=reasons.strip(), experts=[{"id": i, "name": n} for i, n in experts],
            organizations=sorted({o.strip() for o in organizations if o.strip()}),
            given_at=given_at,
        )

    @event("OpinionGiven")
    def _opinion_given(self, *, command_id: str, actor: dict[str, Any], recommendation: str,
                       reasons: str, experts: list[dict[str, str]], organizations: list[str],
                       given_at: datetime) -> None:
        self._applied(command_id)
        self.status = ItemStatus.OPINION_GIVEN
        self.opinion = Opinion(
            DecisionMode(recommendation), reasons,
            tuple((e["id"], e["name"]) for e in experts), tuple(organizations), given_at,
        )

    # --- decision (决定) --------------------------------------------------------------

    def decide(self, *, command_id: str, actor: Actor, mode: str, reason: str = "",
               justification: str = "") -> None:
        """The department decides on the opinion: transfer, authorize, entrust, purchase
        or retain.  Statutory functions are always retained; negative-list items are never
        purchased; a purchase needs budget; departing from the opinion needs a reason;
        retaining an item listed by the provincial decision needs the committee."""
        self.facts.check_decide(actor)
        chosen = parse_mode(mode, field="mode")
        self.check_decision_allowed(chosen)
        assert self.opinion is not None
        departs = chosen is not self.opinion.recommendation
        if departs and not reason.strip():
            raise DepartureReasonRequiredError(
                f"决定（{chosen.value}）与咨询意见（{self.opinion.recommendation.value}）不一致，"
                "须说明理由",
                field="reason",
            )
        needs_committee = (chosen is DecisionMode.RETAIN and self.provincial_listed
                           and not self.must_be_retained)
        if needs_committee and not justification.strip():
            raise RetentionJustificationRequiredError(
                f"「{self.name}」属于省《关于加强社会建设的决定》明确转移的事项，以转移为原则、"
                "不转移为例外；保留须提交书面理由，并经市社工委审批",
                field="justification",
            )
        self._decided(command_id=command_id, actor=self.actor_record(actor), mode=chosen.value,
                      reason=reason.strip(), justification=justification.strip(),
                      departs_from_opinion=departs)

    def check_decision_allowed(self, mode: DecisionMode) -> None:
        if mode.hands_over and self.must_be_retained:
            raise StatutoryFunctionError(
                f"「{self.name}」的职能性质为{self.nature.value}，属于法定职能，必须由政府保留，"
                f"不能{mode.value}（《江门市深化社会组织体制改革实施方案》三(二)2(1)）",
                field="mode",
            )
        if mode is DecisionMode.PURCHASE and self.negative_list is not None:
            raise NegativeListPurchaseError(
                f"「{self.name}」属于政府购买服务负面清单（{self.negative_list.value}），"
                "不能购买服务（财政部令第102号第十条）",
                field="mode",
            )
        if mode is DecisionMode.PURCHASE and self.budget_for(self.catalogue_year) <= 0:
            raise NoBudgetError(
                f"「{self.name}」{self.catalogue_year} 年度尚未安排预算，不能决定购买服务；"
                "请先由财政部门安排预算（财政部令第102号第十一条、第十四条）",
                field="mode",
            )

    @event("Decided")
    def _decided(self, *, command_id: str, actor: dict[str, Any], mode: str, reason: str,
                 justification: str, departs_from_opinion: bool) -> None:
        self._applied(command_id)
        decision = Decision(DecisionMode(mode), reason, justification, departs_from_opinion)
        self.decision = decision
        if decision.mode.hands_over:
            self.status = ItemStatus.DECIDED
        elif self.provincial_listed and not self.must_be_retained:
            self.status = ItemStatus.RETENTION_PENDING
        else:
            self.status = ItemStatus.RETAINED

    def review_retention(self, *, command_id: str, actor: Actor, approved: bool,
                         comment: str) -> None:
        """The committee approves a retention, or rejects it back to the decision."""
        self.facts.check_review_retention(actor)
        if not approved and not comment.strip():
            raise RequiredFieldError("不同意保留须说明理由", field="comment")
        self._retention_reviewed(command_id=command_id, actor=self.actor_record(actor),
                                 approved=approved, comment=comment.strip())

    @event("RetentionReviewed")
    def _retention_reviewed(self, *, command_id: str, actor: dict[str, Any], approved: bool,
                            comment: str) -> None:
        self._applied(command_id)
        if approved:
            self.status = ItemStatus.RETAINED
        else:
            self.status = ItemStatus.OPINION_GIVEN
            self.decision = None

