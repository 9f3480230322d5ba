"""The transfer aggregate (职能转移): one function moved to one organization.

proposed → approved → effective (from its start date) → suspended ↔ effective →
revoked | expired (after its end date).  A proposal may also be rejected.  Dates come in
with the commands; the workflow keeps the timers.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.actors import Actor, Role
from domain.aggregate import GovAggregate, aggregate_id_for
from domain.catalogue.classification import Nature
from domain.catalogue.item import CatalogueItem, DecisionMode, ItemStatus
from domain.errors import OtherDepartmentError
from domain.organizations.eligibility import Eligibility
from domain.organizations.organization import SocialOrganization
from domain.text import required_text
from domain.transfer.errors import (
    NotDecidedForTransferError,
    NotEligibleError,
    StatutoryToAssociationError,
    StatutoryTransferError,
    TransferPeriodError,
    TransferStageError,
)

TEXT_MAX = 2000
TRANSFER_MODES = frozenset({DecisionMode.TRANSFER, DecisionMode.AUTHORIZATION,
                            DecisionMode.ENTRUSTMENT})


class TransferStatus(StrEnum):
    """职能转移的状态."""

    PROPOSED = "待审批"
    APPROVED = "已批准，待生效"
    EFFECTIVE = "生效中"
    SUSPENDED = "已暂停"
    REVOKED = "已撤销"
    EXPIRED = "已到期"
    REJECTED = "未获批准"


ENDED = frozenset({TransferStatus.REVOKED, TransferStatus.EXPIRED, TransferStatus.REJECTED})
LIVE = frozenset({TransferStatus.APPROVED, TransferStatus.EFFECTIVE, TransferStatus.SUSPENDED})


def check_transferable(*, item_name: str, nature: Nature, mode: DecisionMode,
                       organization_name: str, industry_association: bool) -> None:
    """Seed 三(二)2(1) and DESIGN.md §3.4: statutory functions stay with the government, and
    never go to industry associations."""
    if nature.is_statutory and industry_association:
        raise StatutoryToAssociationError(
            f"「{item_name}」的职能性质为{nature.value}，属于法定职能，不能{mode.value}给行业协会商会"
            f"「{organization_name}」（法律另有规定的除外）", field="organization_id")
    if nature.is_statutory:
        raise StatutoryTransferError(
            f"「{item_name}」的职能性质为{nature.value}，属于法定职能，必须由政府保留，"
            f"不能{mode.value}", field="item_id")


class FunctionTransfer(GovAggregate):
    """职能转移 / 授权 / 委托 of a catalogue item's function to a social organization."""

    @staticmethod
    def create_id(command_id: str) -> UUID:
        return aggregate_id_for(command_id)

    @classmethod
    def propose(
        cls, *, command_id: str, actor: Actor, item: CatalogueItem,
        organization: SocialOrganization, legal_basis: str, effective_from: date,
        effective_until: date, conditions: str,
    ) -> FunctionTransfer:
        """提出转移方案 (the deciding department): the receiving organization, legal basis,
        effective period and conditions; the mode is the department's decision."""
        cls.check_role(actor, frozenset({Role.DEPARTMENT}), action="提出职能转移方案")
        if actor.scope != item.department:
            raise OtherDepartmentError(
                f"您所在的部门为 {actor.scope}，不能为 {item.department} 的目录事项「{item.name}」"
                f"提出转移方案")
        decision = item.decision
        if item.status is not ItemStatus.DECIDED or decision is None or \
                decision.mode not in TRANSFER_MODES:
            shown = decision.mode.value if decision else item.status.label
            raise NotDecidedForTransferError(
                f"目录事项 {item.code}「{item.name}」的决定为「{shown}」；"
                f"只有决定转移、授权或委托的事项才能提出转移方案", field="item_id")
        check_transferable(item_name=item.name, nature=item.nature, mode=decision.mode,
                           organization_name=organization.name,
                           industry_association=organization.is_industry_association)
        if effective_until <= effective_from:
            raise TransferPeriodError(
                f"有效期止（{effective_until.isoformat()}）须晚于有效期起"
                f"（{effective_from.isoformat()}）", field="effective_until")
        return cls(
            command_id=command_id, actor=cls.actor_record(actor), item_id=str(item.id),
            item_code=item.code, item_name=item.name, department=item.department,
            mode=decision.mode.value, organization_id=str(organization.id),
            organization_name=organization.name,
            legal_basis=required_text(legal_basis, field="legal_basis", label="法律依据",
                                      max_length=TEXT_MAX),
            effective_from=effective_from, effective_until=effective_until,
            conditions=required_text(conditions, field="conditions", label="承接条件",
                                     max_length=TEXT_MAX),
        )

    @event("Proposed")
    def __init__(self, *, command_id: str, actor: dict[str, Any], item_id: str, item_code: str,
                 item_name: str, department: str, mode: str, organization_id: str,
                 organization_name: str, legal_basis: str, effective_from: date,
                 effective_until: date, conditions: str) -> None:
        self._created_by(command_id)
        self.item_id = item_id
        self.item_code = item_code
        self.item_name = item_name
        self.department = department
        self.mode = DecisionMode(mode)
        self.organization_id = organization_id
        self.organization_name = organization_name
        self.legal_basis = legal_basis
        self.effective_from = effective_from
        self.effective_until = effective_until
        self.conditions = conditions
        self.status = TransferStatus.PROPOSED
        self.suspension_reason: str | None = None
        self.resumes_to = TransferStatus.EFFECTIVE
        """Where a resumption returns: a transfer suspended before its start stays approved."""

    @property
    def code(self) -> str:
        return self.item_code

    def check_status(self, allowed: frozenset[TransferStatus] | set[TransferStatus],
                     action: str) -> None:
        if self.status not in allowed:
            shown = "、".join(sorted(s.value for s in allowed))
            raise TransferStageError(
                f"职能转移（{self.item_code}「{self.item_name}」→「{self.organization_name}」）当前"
                f"状态为{self.status.value}，不能{action}；{action}须在以下状态：{shown}")

    # --- the committee's approval ------------------------------------------------------

    def approve(self, *, command_id: str, actor: Actor, eligibility: Eligibility,
                approved_on: date) -> None:
        """审批通过 (the committee): the organization must be eligible today."""
        self.check_role(actor, frozenset({Role.COMMITTEE}), action="审批职能转移")
        self.check_status({TransferStatus.PROPOSED}, "审批")
        if not eligibility.eligible:
            raise NotEligibleError(
                f"「{self.organization_name}」于 {approved_on.isoformat()} 不具备承接资格："
                f"{'；'.join(eligibility.reasons)}", field="organization_id")
        self._approved(command_id=command_id, actor=self.actor_record(actor),
                       approved_on=approved_on)

    @event("Approved")
    def _approved(self, *, command_id: str, actor: dict[str, Any], approved_on: date) -> None:
        self._applied(command_id)
        self.status = TransferStatus.APPROVED

    def reject(self, *, command_id: str, actor: Actor, reason: str) -> None:
        """不予批准 (the committee), with the reason."""
        self.check_role(actor, frozenset({Role.COMMITTEE}), action="审批职能转移")
        self.check_status({TransferStatus.PROPOSED}, "不予批准")
        self._rejected(command_id=command_id, actor=self.actor_record(actor),
                       reason=required_text(reason, field="reason", label="不予批准的理由",
                                            max_length=TEXT_MAX))

    @event("Rejected")
    def _rejected(self, *, command_id: str, actor: dict[str, Any], reason: str) -> None:
        self._applied(command_id)
        self.status = TransferStatus.REJECTED

    # --- the effective period (timers) ---------------------------------------------------

    def take_effect(self, *, command_id: str, actor: Actor, on: date) -> None:
        """生效 (a timer, on the start date)."""
        self.check_status({TransferStatus.APPROVED}, "生效")
        self._took_effect(command_id=command_id, actor=self.actor_record(actor), on=on)

    @event("TookEffect")
    def _took_effect(self, *, command_id: str, actor: dict[str, Any], on: date) -> None:
        self._applied(command_id)
        self.status = TransferStatus.EFFECTIVE

    def expire(self, *, command_id: str, actor: Actor, on: date) -> None:
        """到期 (a timer, the day after the end date)."""
        self.check_status(LIVE, "到期终止")
        self._expired(command_id=command_id, actor=self.actor_record(actor), on=on)

    @event("Expired")
    def _expired(self, *, command_id: str, actor: dict[str, Any], on: date) -> None:
        self._applied(command_id)
        self.status = TransferStatus.EXPIRED

    # --- suspension and revocation -----------------------------------------------------

    def suspend(self, *, command_id: str, actor: Actor, reason: str, on: date) -> None:
        """暂停 pending the committee's review (a grade change, or the committee itself)."""
        self.check_role(actor, frozenset({Role.COMMITTEE, Role.SYSTEM}), action="暂停职能转移")
        self.check_status({TransferStatus.EFFECTIVE, TransferStatus.APPROVED}, "暂停")
        self._suspended(command_id=command_id, actor=self.actor_record(actor),
                        reason=required_text(reason, field="reason", label="暂停理由",
                                             max_length=TEXT_MAX), on=on)

    @event("Suspended")
    def _suspended(self, *, command_id: str, actor: dict[str, Any], reason: str,
                   on: date) -> None:
        self._applied(command_id)
        self.resumes_to = self.status
        self.status = TransferStatus.SUSPENDED
        self.suspension_reason = reason

    def resume(self, *, command_id: str, actor: Actor, eligibility: Eligibility,
               reason: str, on: date) -> None:
        """恢复 (the committee, after review): the organization must be eligible again.  The
        transfer returns to where it was: effective, or approved if suspended before its
        start (the start then still comes with 生效)."""
        self.check_role(actor, frozenset({Role.COMMITTEE}), action="恢复职能转移")
        self.check_status({TransferStatus.SUSPENDED}, "恢复")
        if not eligibility.eligible:
            raise NotEligibleError(
                f"「{self.organization_name}」于 {on.isoformat()} 不具备承接资格，不能恢复："
                f"{'；'.join(eligibility.reasons)}；可撤销本次职能转移", field="organization_id")
        self._resumed(command_id=command_id, actor=self.actor_record(actor),
                      reason=required_text(reason, field="reason", label="恢复理由",
                                           max_length=TEXT_MAX), on=on)

    @event("Resumed")
    def _resumed(self, *, command_id: str, actor: dict[str, Any], reason: str, on: date) -> None:
        self._applied(command_id)
        self.status = self.resumes_to
        self.suspension_reason = None

    def revoke(self, *, command_id: str, actor: Actor, reason: str, on: date) -> None:
        """撤销 (the committee), with the reason."""
        self.check_role(actor, frozenset({Role.COMMITTEE}), action="撤销职能转移")
        self.check_status(LIVE, "撤销")
        self._revoked(command_id=command_id, actor=self.actor_record(actor),
                      reason=required_text(reason, field="reason", label="撤销理由",
                                           max_length=TEXT_MAX), on=on)

    @event("Revoked")
    def _revoked(self, *, command_id: str, actor: dict[str, Any], reason: str, on: date) -> None:
        self._applied(command_id)
        self.status = TransferStatus.REVOKED
