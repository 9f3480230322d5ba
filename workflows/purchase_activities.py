"""Purchase-contract activities: thin adapters from Temporal to the application's commands.

Synchronous, like eventsourcing: the worker runs them on a thread pool.  Retries are
safe because the application answers a repeated command id with the original result
and records nothing; a refusal is final (non-retryable).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio import activity

from domain.application import GovflowApplication
from domain.catalogue.commands import CommandResult
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
from workflows.failures import refusals_as_failures
from workflows.purchase_messages import DescribePurchaseContract, PurchaseContractState


class PurchaseActivities:
    """购买服务合同的活动 — built once per worker with the application they drive."""

    def __init__(self, application: GovflowApplication) -> None:
        self._application = application

    @activity.defn
    def award_purchase_contract(self, command: AwardContract) -> CommandResult:
        with refusals_as_failures():
            return self._application.award_contract(command)

    @activity.defn
    def announce_purchase_contract(self, command: AnnounceContract) -> CommandResult:
        with refusals_as_failures():
            return self._application.announce_contract(command)

    @activity.defn
    def report_contract_delivery(self, command: ReportDelivery) -> CommandResult:
        with refusals_as_failures():
            return self._application.report_delivery(command)

    @activity.defn
    def review_contract_delivery(self, command: ReviewDelivery) -> CommandResult:
        with refusals_as_failures():
            return self._application.review_delivery(command)

    @activity.defn
    def mark_contract_milestone_overdue(self, command: MarkMilestoneOverdue) -> CommandResult:
        with refusals_as_failures():
            return self._application.mark_milestone_overdue(command)

    @activity.defn
    def approve_contract_payment(self, command: ApprovePayment) -> CommandResult:
        with refusals_as_failures():
            return self._application.approve_payment(command)

    @activity.defn
    def amend_purchase_contract(self, command: AmendContract) -> CommandResult:
        with refusals_as_failures():
            return self._application.amend_contract(command)

    @activity.defn
    def terminate_purchase_contract(self, command: TerminateContract) -> CommandResult:
        with refusals_as_failures():
            return self._application.terminate_contract(command)

    @activity.defn
    def open_contract_review(self, command: OpenReview) -> CommandResult:
        with refusals_as_failures():
            return self._application.open_review(command)

    @activity.defn
    def record_contract_review(self, command: RecordReview) -> CommandResult:
        with refusals_as_failures():
            return self._application.record_review(command)

    @activity.defn
    def close_purchase_contract(self, command: CloseContract) -> CommandResult:
        with refusals_as_failures():
            return self._application.close_contract(command)

    @activity.defn
    def note_contract_provider_grade_change(
        self, command: NoteProviderGradeChange
    ) -> CommandResult:
        with refusals_as_failures():
            return self._application.note_provider_grade_change(command)

    @activity.defn
    def confirm_contract_provider(self, command: ConfirmProvider) -> CommandResult:
        with refusals_as_failures():
            return self._application.confirm_provider(command)

    @activity.defn
    def describe_purchase_contract(
        self, request: DescribePurchaseContract
    ) -> PurchaseContractState:
        """The contract as recorded: the milestone ids, amounts paid and rating the domain
        worked out."""
        with refusals_as_failures():
            return PurchaseContractState.of(self._application.get_contract(request.contract_id))


def purchase_activities(application: GovflowApplication) -> list[Callable[..., Any]]:
    """Every purchase-contract activity, bound to ``application``, for the worker."""
    purchase = PurchaseActivities(application)
    return [
        purchase.award_purchase_contract,
        purchase.announce_purchase_contract,
        purchase.report_contract_delivery,
        purchase.review_contract_delivery,
        purchase.mark_contract_milestone_overdue,
        purchase.approve_contract_payment,
        purchase.amend_purchase_contract,
        purchase.terminate_purchase_contract,
        purchase.open_contract_review,
        purchase.record_contract_review,
        purchase.close_purchase_contract,
        purchase.note_contract_provider_grade_change,
        purchase.confirm_contract_provider,
        purchase.describe_purchase_contract,
    ]
