"""The transfer service: transfers (职能转移) and staffing requests (编制申请).

An approval records the undertaking on the organization and on the catalogue item in
the same transaction; so does the end of a transfer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from uuid import UUID

from domain.actors import Actor
from domain.aggregate import GovAggregate
from domain.catalogue.commands import CommandResult
from domain.catalogue.service import CatalogueService
from domain.grading.service import GradingService
from domain.organizations.records import UndertakingKind
from domain.transfer.commands import (
    ApproveTransfer,
    DecideStaffing,
    ProposeTransfer,
    RejectTransfer,
    RequestStaffing,
    ResumeTransfer,
    RevokeTransfer,
    SuspendTransfer,
    TransferOnDate,
)
from domain.transfer.errors import StaffingRequestNotFoundError, TransferNotFoundError
from domain.transfer.staffing import StaffingRequest
from domain.transfer.transfer import FunctionTransfer


class TransferService(GradingService, CatalogueService):
    """职能转移与编制申请."""

    def propose_transfer(self, cmd: ProposeTransfer) -> CommandResult:
        """提出转移方案."""
        return self._create(
            FunctionTransfer, FunctionTransfer.create_id(cmd.command_id), cmd.command_id,
            lambda: FunctionTransfer.propose(
                command_id=cmd.command_id, actor=cmd.actor,
                item=self.get_catalogue_item(cmd.item_id),
                organization=self.get_organization(cmd.organization_id),
                legal_basis=cmd.legal_basis, effective_from=cmd.effective_from,
                effective_until=cmd.effective_until, conditions=cmd.conditions))

    def approve_transfer(self, cmd: ApproveTransfer) -> CommandResult:
        """审批通过: the organization starts undertaking the function."""
        def decide(transfer: FunctionTransfer) -> Sequence[GovAggregate]:
            organization = self.get_organization(UUID(transfer.organization_id))
            item = self.get_catalogue_item(UUID(transfer.item_id))
            transfer.approve(
                command_id=cmd.command_id, actor=cmd.actor,
                eligibility=self.organization_eligibility(
                    organization.id, on=cmd.approved_on, threshold=cmd.threshold),
                approved_on=cmd.approved_on)
            organization.start_undertaking(
                command_id=cmd.command_id, actor=cmd.actor, case_id=str(transfer.id),
                kind=UndertakingKind.TRANSFER.value, item_id=transfer.item_id,
                started_on=cmd.approved_on)
            item.record_undertaking(
                command_id=cmd.command_id, actor=cmd.actor, case_id=str(transfer.id),
                kind=transfer.mode.value, organization_id=transfer.organization_id,
                organization_name=transfer.organization_name, fiscal_year=None,
                committed_fen=0)
            return [organization, item]
        return self._on_transfer(cmd.transfer_id, cmd.command_id, decide)

    def reject_transfer(self, cmd: RejectTransfer) -> CommandResult:
        """不予批准."""
        return self._on_transfer(cmd.transfer_id, cmd.command_id, lambda t: (
            t.reject(command_id=cmd.command_id, actor=cmd.actor, reason=cmd.reason)))

    def transfer_takes_effect(self, cmd: TransferOnDate) -> CommandResult:
        """生效."""
        return self._on_transfer(cmd.transfer_id, cmd.command_id, lambda t: (
            t.take_effect(command_id=cmd.command_id, actor=cmd.actor, on=cmd.on)))

    def expire_transfer(self, cmd: TransferOnDate) -> CommandResult:
        """到期: the undertaking ends."""
        def decide(transfer: FunctionTransfer) -> Sequence[GovAggregate]:
            transfer.expire(command_id=cmd.command_id, actor=cmd.actor, on=cmd.on)
            return self._undertaking_ended(transfer, cmd.command_id, cmd.actor, cmd.on)
        return self._on_transfer(cmd.transfer_id, cmd.command_id, decide)

    def suspend_transfer(self, cmd: SuspendTransfer) -> CommandResult:
        """暂停."""
        return self._on_transfer(cmd.transfer_id, cmd.command_id, lambda t: (
            t.suspend(command_id=cmd.command_id, actor=cmd.actor, reason=cmd.reason,
                      on=cmd.on)))

    def resume_transfer(self, cmd: ResumeTransfer) -> CommandResult:
        """恢复: the organization must be eligible again."""
        return self._on_transfer(cmd.transfer_id, cmd.command_id, lambda t: (
            t.resume(command_id=cmd.command_id, actor=cmd.actor, reason=cmd.reason, on=cmd.on,
                     eligibility=self.organization_eligibility(
                         UUID(t.organization_id), on=cmd.on, threshold=cmd.threshold))))

    def revoke_transfer(self, cmd: RevokeTransfer) -> CommandResult:
        """撤销: the undertaking ends."""
        def decide(transfer: FunctionTransfer) -> Sequence[GovAggregate]:
            transfer.revoke(command_id=cmd.command_id, actor=cmd.actor, reason=cmd.reason,
                            on=cmd.on)
            return self._undertaking_ended(transfer, cmd.command_id, cmd.actor, cmd.on)
        return self._on_transfer(cmd.transfer_id, cmd.command_id, decide)

    def get_transfer(self, transfer_id: UUID) -> FunctionTransfer:
        return self._require(FunctionTransfer, transfer_id,
                             lambda: transfer_not_found(transfer_id))

    # --- staffing requests -----------------------------------------------------------

    def request_staffing(self, cmd: RequestStaffing) -> CommandResult:
        """编制申请, flagged where eligible organizations already provide the service."""
        def create() -> StaffingRequest:
            item = self.get_catalogue_item(cmd.item_id)
            providers = [self.get_organization(UUID(o)) for o in item.live_undertakers()]
            eligible = [p.name for p in providers if self.organization_eligibility(
                p.id, on=cmd.requested_on, threshold=cmd.threshold).eligible]
            return StaffingRequest.request(
                command_id=cmd.command_id, actor=cmd.actor, item=item, kind=cmd.kind,
                description=cmd.description, headcount=cmd.headcount,
                eligible_providers=eligible, requested_on=cmd.requested_on)
        return self._create(StaffingRequest, StaffingRequest.create_id(cmd.command_id),
                            cmd.command_id, create)

    def decide_staffing(self, cmd: DecideStaffing) -> CommandResult:
        """市社工委审查."""
        return self._command(
            StaffingRequest, cmd.request_id, cmd.command_id,
            lambda r: r.decide(command_id=cmd.command_id, actor=cmd.actor,
                               justified=cmd.justified, justification=cmd.justification,
                               decided_on=cmd.decided_on),
            lambda: StaffingRequestNotFoundError(f"找不到编制申请 {cmd.request_id}",
                                                 field="request_id"))

    def get_staffing_request(self, request_id: UUID) -> StaffingRequest:
        return self._require(StaffingRequest, request_id, lambda: StaffingRequestNotFoundError(
            f"找不到编制申请 {request_id}", field="request_id"))

    # --- mechanics ----------------------------------------------------------------------

    def _on_transfer(self, transfer_id: UUID, command_id: str,
                     decide: Callable[[FunctionTransfer], Sequence[GovAggregate] | None]
                     ) -> CommandResult:
        return self._command_together(FunctionTransfer, transfer_id, command_id, decide,
                                      lambda: transfer_not_found(transfer_id))

    def _undertaking_ended(self, transfer: FunctionTransfer, command_id: str, actor: Actor,
                           on: date) -> list[GovAggregate]:
        organization = self.get_organization(UUID(transfer.organization_id))
        item = self.get_catalogue_item(UUID(transfer.item_id))
        organization.end_undertaking(command_id=command_id, actor=actor,
                                     case_id=str(transfer.id), ended_on=on)
        item.end_undertaking(command_id=command_id, actor=actor, case_id=str(transfer.id))
        return [organization, item]


def transfer_not_found(transfer_id: UUID) -> TransferNotFoundError:
    return TransferNotFoundError(f"找不到职能转移 {transfer_id}", field="transfer_id")
