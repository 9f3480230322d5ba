"""Function-transfer and staffing-request activities: thin adapters from Temporal to the
application's commands.

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
from workflows.failures import refusals_as_failures
from workflows.transfer_messages import DescribeTransfer, TransferState


class TransferActivities:
    """职能转移与编制申请的活动 — built once per worker with the application they drive."""

    def __init__(self, application: GovflowApplication) -> None:
        self._application = application

    @activity.defn
    def propose_transfer(self, command: ProposeTransfer) -> CommandResult:
        with refusals_as_failures():
            return self._application.propose_transfer(command)

    @activity.defn
    def approve_transfer(self, command: ApproveTransfer) -> CommandResult:
        with refusals_as_failures():
            return self._application.approve_transfer(command)

    @activity.defn
    def reject_transfer(self, command: RejectTransfer) -> CommandResult:
        with refusals_as_failures():
            return self._application.reject_transfer(command)

    @activity.defn
    def transfer_takes_effect(self, command: TransferOnDate) -> CommandResult:
        with refusals_as_failures():
            return self._application.transfer_takes_effect(command)

    @activity.defn
    def expire_transfer(self, command: TransferOnDate) -> CommandResult:
        with refusals_as_failures():
            return self._application.expire_transfer(command)

    @activity.defn
    def suspend_transfer(self, command: SuspendTransfer) -> CommandResult:
        with refusals_as_failures():
            return self._application.suspend_transfer(command)

    @activity.defn
    def resume_transfer(self, command: ResumeTransfer) -> CommandResult:
        with refusals_as_failures():
            return self._application.resume_transfer(command)

    @activity.defn
    def revoke_transfer(self, command: RevokeTransfer) -> CommandResult:
        with refusals_as_failures():
            return self._application.revoke_transfer(command)

    @activity.defn
    def describe_transfer(self, request: DescribeTransfer) -> TransferState:
        """The transfer as recorded: a run's start from the record, or its state after a
        refused step."""
        with refusals_as_failures():
            return TransferState.of(self._application.get_transfer(request.transfer_id))

    # --- staffing requests (one-shot commands) -------------------------------------------

    @activity.defn
    def request_staffing(self, command: RequestStaffing) -> CommandResult:
        with refusals_as_failures():
            return self._application.request_staffing(command)

    @activity.defn
    def decide_staffing_request(self, command: DecideStaffing) -> CommandResult:
        with refusals_as_failures():
            return self._application.decide_staffing(command)


def transfer_activities(application: GovflowApplication) -> list[Callable[..., Any]]:
    """Every transfer and staffing activity, bound to ``application``, for the worker."""
    transfers = TransferActivities(application)
    return [
        transfers.propose_transfer,
        transfers.approve_transfer,
        transfers.reject_transfer,
        transfers.transfer_takes_effect,
        transfers.expire_transfer,
        transfers.suspend_transfer,
        transfers.resume_transfer,
        transfers.revoke_transfer,
        transfers.describe_transfer,
        transfers.request_staffing,
        transfers.decide_staffing_request,
    ]
