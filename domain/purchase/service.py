"""The purchase service: contracts, milestones, payments and performance reviews.

The award records the undertaking and the budget commitment on the organization and
the catalogue item in the same transaction; an amendment, a termination, a closing and
a poor review do likewise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from uuid import UUID

from domain.actors import Actor
from domain.aggregate import GovAggregate
from domain.catalogue.commands import CommandResult
from domain.catalogue.item import CatalogueItem
from domain.organizations.organization import SocialOrganization, years_after
from domain.organizations.records import UndertakingKind
from domain.purchase.commands import (
    AmendContract,
    AnnounceContract,
    ApprovePayment,
    AwardContract,
    CloseContract,
    ConfirmProvider,
    MarkMilestoneOverdue,
    NoteProviderGradeChange,
    OpenReview,
    RecordReview,
    ReportDelivery,
    ReviewDelivery,
    TerminateContract,
)
from domain.purchase.contract import PurchaseContract
from domain.purchase.errors import ContractNotFoundError
from domain.purchase.review import Rating
from domain.transfer.service import TransferService


class PurchaseService(TransferService):
    """购买服务合同."""

    def award_contract(self, cmd: AwardContract) -> CommandResult:
        """签订合同: the provider starts undertaking, the item's budget is committed."""
        contract_id = PurchaseContract.create_id(cmd.command_id)
        existing = self._get_or_none(PurchaseContract, contract_id)
        if existing is not None and existing.has_applied(cmd.command_id):
            return self._replayed(existing, cmd.command_id)
        item = self.get_catalogue_item(cmd.item_id)
        provider = self.get_organization(cmd.organization_id)
        contract = PurchaseContract.award(
            command_id=cmd.command_id, actor=cmd.actor, item=item, provider=provider,
            eligibility=self.organization_eligibility(provider.id, on=cmd.awarded_on,
                                                      threshold=cmd.threshold),
            method=cmd.method, fiscal_year=cmd.fiscal_year, amount_fen=cmd.amount_fen,
            term_start=cmd.term_start, term_end=cmd.term_end,
            secured_and_stable=cmd.secured_and_stable, milestones=list(cmd.milestones),
            awarded_on=cmd.awarded_on)
        provider.start_undertaking(
            command_id=cmd.command_id, actor=cmd.actor, case_id=str(contract.id),
            kind=UndertakingKind.PURCHASE.value, item_id=str(item.id),
            started_on=cmd.awarded_on)
        item.record_undertaking(
            command_id=cmd.command_id, actor=cmd.actor, case_id=str(contract.id),
            kind=UndertakingKind.PURCHASE.value, organization_id=str(provider.id),
            organization_name=provider.name, fiscal_year=cmd.fiscal_year,
            committed_fen=cmd.amount_fen)
        return self._save_together(contract, [provider, item], cmd.command_id)

    def announce_contract(self, cmd: AnnounceContract) -> CommandResult:
        """合同公告."""
        return self._on_contract(cmd.contract_id, cmd.command_id, lambda c: (
            c.announce(command_id=cmd.command_id, actor=cmd.actor,
                       announced_on=cmd.announced_on)))

    def report_delivery(self, cmd: ReportDelivery) -> CommandResult:
        """交付."""
        return self._on_contract(cmd.contract_id, cmd.command_id, lambda c: (
            c.report_delivery(command_id=cmd.command_id, actor=cmd.actor,
                              milestone_id=cmd.milestone_id, report=cmd.report,
                              delivered_on=cmd.delivered_on)))

    def review_delivery(self, cmd: ReviewDelivery) -> CommandResult:
        """验收."""
        return self._on_contract(cmd.contract_id, cmd.command_id, lambda c: (
            c.review_delivery(command_id=cmd.command_id, actor=cmd.actor,
                              milestone_id=cmd.milestone_id, accepted=cmd.accepted,
                              findings=cmd.findings, reviewed_on=cmd.reviewed_on)))

    def mark_milestone_overdue(self, cmd: MarkMilestoneOverdue) -> CommandResult:
        """履约节点逾期."""
        return self._on_contract(cmd.contract_id, cmd.command_id, lambda c: (
            c.mark_overdue(command_id=cmd.command_id, actor=cmd.actor,
                           milestone_id=cmd.milestone_id)))

    def approve_payment(self, cmd: ApprovePayment) -> CommandResult:
        """支付审批."""
        return self._on_contract(cmd.contract_id, cmd.command_id, lambda c: (
            c.approve_payment(command_id=cmd.command_id, actor=cmd.actor,
                              milestone_id=cmd.milestone_id, amount_fen=cmd.amount_fen,
                              policy=cmd.policy, approved_on=cmd.approved_on)))

    def amend_contract(self, cmd: AmendContract) -> CommandResult:
        """补充合同: a higher amount is committed on the item."""
        def decide(contract: PurchaseContract) -> Sequence[GovAggregate]:
            item = self.get_catalogue_item(UUID(contract.item_id))
            remaining = (item.budget_for(contract.fiscal_year)
                         - item.committed_for(contract.fiscal_year))
            contract.amend(command_id=cmd.command_id, actor=cmd.actor, reason=cmd.reason,
                           added_fen=cmd.added_fen, added_milestone=cmd.added_milestone,
                           term_end=cmd.term_end, remaining_budget_fen=remaining,
                           amended_on=cmd.amended_on)
            if not cmd.added_fen:
                return ()
            item.change_commitment(command_id=cmd.command_id, actor=cmd.actor,
                                   case_id=str(contract.id), committed_fen=contract.amount_fen)
            return [item]
        return self._on_contract(cmd.contract_id, cmd.command_id, decide)

    def terminate_contract(self, cmd: TerminateContract) -> CommandResult:
        """终止合同: the commitment shrinks to what was paid; the undertaking ends."""
        def decide(contract: PurchaseContract) -> Sequence[GovAggregate]:
            contract.terminate(command_id=cmd.command_id, actor=cmd.actor, reason=cmd.reason,
                               terminated_on=cmd.terminated_on)
            provider, item = self._undertaking_over(contract, cmd.command_id, cmd.actor,
                                                    cmd.terminated_on)
            item.change_commitment(command_id=cmd.command_id, actor=cmd.actor,
                                   case_id=str(contract.id), committed_fen=contract.paid_fen)
            return [provider, item]
        return self._on_contract(cmd.contract_id, cmd.command_id, decide)

    def open_review(self, cmd: OpenReview) -> CommandResult:
        """期满，开始绩效评价."""
        return self._on_contract(cmd.contract_id, cmd.command_id, lambda c: (
            c.open_review(command_id=cmd.command_id, actor=cmd.actor, opened_on=cmd.opened_on)))

    def record_review(self, cmd: RecordReview) -> CommandResult:
        """绩效评价; a 差 bars the provider from new awards (a setting)."""
        def decide(contract: PurchaseContract) -> Sequence[GovAggregate]:
            rating = contract.record_review(
                command_id=cmd.command_id, actor=cmd.actor, scores=dict(cmd.scores),
                comment=cmd.comment, policy=cmd.policy, reviewed_on=cmd.reviewed_on)
            if rating is not Rating.POOR:
                return ()
            provider = self.get_organization(UUID(contract.provider_id))
            provider.bar(
                command_id=cmd.command_id, actor=cmd.actor,
                until=years_after(cmd.reviewed_on, cmd.policy.bar_years) - timedelta(days=1),
                reason=f"合同 {contract.item_code}「{contract.item_name}」"
                       f"{contract.review_total} 分，{cmd.reviewed_on.isoformat()} 评价",
                contract_id=str(contract.id))
            return [provider]
        return self._on_contract(cmd.contract_id, cmd.command_id, decide)

    def close_contract(self, cmd: CloseContract) -> CommandResult:
        """合同结束: the undertaking ends."""
        def decide(contract: PurchaseContract) -> Sequence[GovAggregate]:
            contract.close(command_id=cmd.command_id, actor=cmd.actor, closed_on=cmd.closed_on)
            return self._undertaking_over(contract, cmd.command_id, cmd.actor, cmd.closed_on)
        return self._on_contract(cmd.contract_id, cmd.command_id, decide)

    def note_provider_grade_change(self, cmd: NoteProviderGradeChange) -> CommandResult:
        """承接方等级变动."""
        return self._on_contract(cmd.contract_id, cmd.command_id, lambda c: (
            c.note_grade_change(command_id=cmd.command_id, actor=cmd.actor, change=cmd.change,
                                reason=cmd.reason, on=cmd.on)))

    def confirm_provider(self, cmd: ConfirmProvider) -> CommandResult:
        """复查后继续履行."""
        return self._on_contract(cmd.contract_id, cmd.command_id, lambda c: (
            c.confirm_provider(command_id=cmd.command_id, actor=cmd.actor, note=cmd.note,
                               confirmed_on=cmd.confirmed_on)))

    def get_contract(self, contract_id: UUID) -> PurchaseContract:
        return self._require(PurchaseContract, contract_id,
                             lambda: contract_not_found(contract_id))

    # --- mechanics --------------------------------------------------------------------

    def _on_contract(self, contract_id: UUID, command_id: str,
                     decide: Callable[[PurchaseContract], Sequence[GovAggregate] | None]
                     ) -> CommandResult:
        return self._command_together(PurchaseContract, contract_id, command_id, decide,
                                      lambda: contract_not_found(contract_id))

    def _undertaking_over(self, contract: PurchaseContract, command_id: str, actor: Actor,
                          on: date) -> tuple[SocialOrganization, CatalogueItem]:
        provider = self.get_organization(UUID(contract.provider_id))
        item = self.get_catalogue_item(UUID(contract.item_id))
        provider.end_undertaking(command_id=command_id, actor=actor, case_id=str(contract.id),
                                 ended_on=on)
        item.end_undertaking(command_id=command_id, actor=actor, case_id=str(contract.id))
        return provider, item


def contract_not_found(contract_id: UUID) -> ContractNotFoundError:
    return ContractNotFoundError(f"找不到购买服务合同 {contract_id}", field="contract_id")
