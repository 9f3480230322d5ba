"""The catalogue item aggregate (目录事项)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.actors import Actor, Role
from domain.aggregate import GovAggregate, aggregate_id_for
from domain.catalogue.classification import Classification, Nature, parse_nature
from domain.errors import (
    FieldTooLongError,
    InvalidCatalogueYearError,
    ItemAlreadyPublishedError,
    ItemNotDraftError,
    ItemNotInPublicityError,
    ItemWithdrawnError,
    OtherDepartmentError,
    RequiredFieldError,
)

NAME_MAX = 100
DESCRIPTION_MAX = 2000
FIRST_CATALOGUE_YEAR = 2015
LAST_CATALOGUE_YEAR = 2100


class ItemStatus(StrEnum):
    DRAFT = "draft"
    PUBLICITY = "publicity"
    PUBLICITY_CLOSED = "publicity_closed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS: dict[ItemStatus, str] = {
    ItemStatus.DRAFT: "草稿",
    ItemStatus.PUBLICITY: "公示中",
    ItemStatus.PUBLICITY_CLOSED: "公示结束",
    ItemStatus.WITHDRAWN: "已撤回",
}

DEPARTMENT_ROLES = frozenset({Role.DEPARTMENT})
SYSTEM_ROLES = frozenset({Role.SYSTEM})


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
        """修改: by the item's own department, while a draft (the fields are checked apart)."""
        self.check_department_actor(actor, "修改目录事项")
        self.check_is_draft("修改")

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
        """撤回: by the item's own department, with a reason, unless withdrawn already."""
        self.check_department_actor(actor, "撤回目录事项")
        self.check_not_withdrawn()
        if not reason.strip():
            raise RequiredFieldError("撤回目录事项须说明理由", field="reason")


class CatalogueItem(GovAggregate):
    """A function in a department's catalogue for one year (目录事项)."""

    @classmethod
    def draft(
        cls, *, code: str, command_id: str, actor: Actor, department: str,
        name: str, description: str, catalogue_year: int, classification: Classification,
        nature: str, provincial_listed: bool, level1_set: tuple[str, ...],
    ) -> CatalogueItem:
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
        )

    @staticmethod
    def create_id(command_id: str) -> UUID:
        return aggregate_id_for(command_id)

    @event("Drafted")
    def __init__(
        self, *, command_id: str, actor: dict[str, Any], code: str, department: str,
        name: str, description: str, catalogue_year: int, level1: str, level2: str,
        level3: str, nature: str, provincial_listed: bool,
    ) -> None:
        self._created_by(command_id)
        self.code = code
        self.department = department
        self.status = ItemStatus.DRAFT
        self.publicity_starts_on: date | None = None
        self.publicity_ends_on: date | None = None
        self.published_at: datetime | None = None
        self._set_fields(name, description, catalogue_year, level1, level2, level3, nature,
                         provincial_listed)

    def _set_fields(
        self, name: str, description: str, catalogue_year: int, level1: str, level2: str,
        level3: str, nature: str, provincial_listed: bool,
    ) -> None:
        self.name = name
        self.description = description
        self.catalogue_year = catalogue_year
        self.classification = Classification(level1, level2, level3)
        self.nature = Nature(nature)
        self.provincial_listed = provincial_listed

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
        provincial_listed: bool, level1_set: tuple[str, ...],
    ) -> None:
        self.facts.check_revise(actor)
        parsed = check_item_fields(
            name=name, description=description, catalogue_year=catalogue_year,
            classification=classification, nature=nature, level1_set=level1_set,
        )
        self._revised(
            command_id=command_id, actor=self.actor_record(actor), name=name.strip(),
            description=description.strip(), catalogue_year=catalogue_year,
            level1=classification.level1, level2=classification.level2,
            level3=classification.level3, nature=parsed.value,
            provincial_listed=provincial_listed,
        )

    @event("Revised")
    def _revised(
        self, *, command_id: str, actor: dict[str, Any], name: str, description: str,
        catalogue_year: int, level1: str, level2: str, level3: str, nature: str,
        provincial_listed: bool,
    ) -> None:
        self._applied(command_id)
        self._set_fields(name, description, catalogue_year, level1, level2, level3, nature,
                         provincial_listed)

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
