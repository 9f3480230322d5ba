"""Staffing requests (新设事业单位或增加编制) and the 倒逼 rule (seed 三(二)2(4)).

Where eligible organizations already provide a service, no new public institution or
staffing quota is created for it: such a request is flagged, and goes on only with the
committee's justification.  The request, the flag and the decision are events.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.actors import SYSTEM_ACTOR, Actor, Role
from domain.aggregate import GovAggregate, aggregate_id_for
from domain.catalogue.item import CatalogueItem
from domain.errors import InvalidCommandError, OtherDepartmentError
from domain.organizations.records import parse_choice
from domain.text import required_text
from domain.transfer.errors import JustificationRequiredError, StaffingStageError

TEXT_MAX = 2000


class UnknownStaffingKindError(InvalidCommandError):
    """A staffing request is for a new public institution or more staffing quota."""


class InvalidHeadcountError(InvalidCommandError):
    """A staffing request asks for one post or more."""


class StaffingKind(StrEnum):
    """编制申请的类型."""

    NEW_INSTITUTION = "新设事业单位"
    MORE_QUOTA = "增加编制"


class StaffingStatus(StrEnum):
    """编制申请的状态."""

    NOT_FLAGGED = "未发现可承接的社会组织"
    FLAGGED = "已标记，待市社工委审查"
    JUSTIFIED = "市社工委认可理由"
    REFUSED = "市社工委不予认可"


class StaffingRequest(GovAggregate):
    """A department's request for a new public institution or more staffing for a service."""

    @staticmethod
    def create_id(command_id: str) -> UUID:
        return aggregate_id_for(command_id)

    @classmethod
    def request(cls, *, command_id: str, actor: Actor, item: CatalogueItem, kind: str,
                description: str, headcount: int, eligible_providers: list[str],
                requested_on: date) -> StaffingRequest:
        """编制申请 for the service of ``item``; ``eligible_providers`` are the names of the
        eligible organizations that undertake it today (the service finds them)."""
        cls.check_role(actor, frozenset({Role.DEPARTMENT}), action="提出编制申请")
        if actor.scope != item.department:
            raise OtherDepartmentError(
                f"您所在的部门为 {actor.scope}，不能为 {item.department} 的目录事项提出编制申请")
        parsed = parse_choice(StaffingKind, kind, error=UnknownStaffingKindError, field="kind",
                              label="申请类型")
        if isinstance(headcount, bool) or headcount < 1:
            raise InvalidHeadcountError(
                f"申请编制数须为正整数（现为 {headcount}）", field="headcount")
        request = cls(command_id=command_id, actor=cls.actor_record(actor),
                      item_id=str(item.id), item_code=item.code, item_name=item.name,
                      department=item.department, kind=parsed.value,
                      description=required_text(description, field="description",
                                                label="申请说明", max_length=TEXT_MAX),
                      headcount=headcount, requested_on=requested_on)
        if eligible_providers:
            request._flagged(command_id=command_id, actor=cls.actor_record(SYSTEM_ACTOR),
                             eligible_providers=sorted(eligible_providers))
        return request

    @event("Requested")
    def __init__(self, *, command_id: str, actor: dict[str, Any], item_id: str, item_code: str,
                 item_name: str, department: str, kind: str, description: str, headcount: int,
                 requested_on: date) -> None:
        self._created_by(command_id)
        self.item_id = item_id
        self.item_code = item_code
        self.item_name = item_name
        self.department = department
        self.kind = StaffingKind(kind)
        self.description = description
        self.headcount = headcount
        self.eligible_providers: list[str] = []
        self.status = StaffingStatus.NOT_FLAGGED
        self.justification: str | None = None

    @event("Flagged")
    def _flagged(self, *, command_id: str, actor: dict[str, Any],
                 eligible_providers: list[str]) -> None:
        self._applied(command_id)
        self.eligible_providers = list(eligible_providers)
        self.status = StaffingStatus.FLAGGED

    @property
    def code(self) -> str:
        return self.item_code

    @property
    def flag_reason(self) -> str:
        return (f"「{self.item_name}」已由具备承接资格的社会组织提供："
                f"{'、'.join(self.eligible_providers)}；按“倒逼”机制，原则上不再新设事业单位或"
                f"增加编制，须经市社工委审查理由（《江门市深化社会组织体制改革实施方案》三(二)2(4)）")

    def decide(self, *, command_id: str, actor: Actor, justified: bool, justification: str,
               decided_on: date) -> None:
        """市社工委审查: the reason is accepted (with the justification) or not."""
        self.check_role(actor, frozenset({Role.COMMITTEE}), action="审查编制申请")
        if self.status is not StaffingStatus.FLAGGED:
            raise StaffingStageError(
                f"编制申请当前为「{self.status.value}」，只有被标记的申请需要市社工委审查")
        text = justification.strip()
        if justified and not text:
            raise JustificationRequiredError(
                "认可新设事业单位或增加编制，须写明理由（为何已有社会组织提供仍需财政供养人员）",
                field="justification")
        self._decided(command_id=command_id, actor=self.actor_record(actor), justified=justified,
                      justification=required_text(text or "不予认可", field="justification",
                                                  label="审查意见", max_length=TEXT_MAX),
                      decided_on=decided_on)

    @event("Decided")
    def _decided(self, *, command_id: str, actor: dict[str, Any], justified: bool,
                 justification: str, decided_on: date) -> None:
        self._applied(command_id)
        self.status = StaffingStatus.JUSTIFIED if justified else StaffingStatus.REFUSED
        self.justification = justification
