"""Catalogue activities: thin adapters from Temporal to the application's commands.

Synchronous, like eventsourcing: the worker runs them on a thread pool.  Retries are
safe because the application answers a repeated command id with the original result
and records nothing; a refusal is final (non-retryable).
"""

from __future__ import annotations

from temporalio import activity

from domain.application import GovflowApplication
from domain.catalogue.commands import (
    AllocateBudget,
    ClosePublicity,
    CommandResult,
    DecideCatalogueItem,
    DraftCatalogueItem,
    ExtendReferral,
    GiveOpinion,
    PublishCatalogueItem,
    ReferCatalogueItem,
    ReferralStep,
    ReviewRetention,
    ReviseCatalogueItem,
    WithdrawCatalogueItem,
)
from workflows.catalogue_messages import CatalogueItemState, DescribeCatalogueItem
from workflows.failures import refusals_as_failures


class CatalogueActivities:
    """目录事项的活动 — built once per worker with the application they drive."""

    def __init__(self, application: GovflowApplication) -> None:
        self._application = application

    @activity.defn
    def draft_catalogue_item(self, command: DraftCatalogueItem) -> CommandResult:
        with refusals_as_failures():
            return self._application.draft_catalogue_item(command)

    @activity.defn
    def revise_catalogue_item(self, command: ReviseCatalogueItem) -> CommandResult:
        with refusals_as_failures():
            return self._application.revise_catalogue_item(command)

    @activity.defn
    def publish_catalogue_item(self, command: PublishCatalogueItem) -> CommandResult:
        with refusals_as_failures():
            return self._application.publish_catalogue_item(command)

    @activity.defn
    def close_catalogue_item_publicity(self, command: ClosePublicity) -> CommandResult:
        with refusals_as_failures():
            return self._application.close_catalogue_item_publicity(command)

    @activity.defn
    def withdraw_catalogue_item(self, command: WithdrawCatalogueItem) -> CommandResult:
        with refusals_as_failures():
            return self._application.withdraw_catalogue_item(command)

    @activity.defn
    def allocate_catalogue_item_budget(self, command: AllocateBudget) -> CommandResult:
        with refusals_as_failures():
            return self._application.allocate_catalogue_item_budget(command)

    @activity.defn
    def refer_catalogue_item(self, command: ReferCatalogueItem) -> CommandResult:
        with refusals_as_failures():
            return self._application.refer_catalogue_item(command)

    @activity.defn
    def remind_catalogue_item_referral(self, command: ReferralStep) -> CommandResult:
        with refusals_as_failures():
            return self._application.remind_catalogue_item_referral(command)

    @activity.defn
    def escalate_catalogue_item_referral(self, command: ReferralStep) -> CommandResult:
        with refusals_as_failures():
            return self._application.escalate_catalogue_item_referral(command)

    @activity.defn
    def extend_catalogue_item_referral(self, command: ExtendReferral) -> CommandResult:
        with refusals_as_failures():
            return self._application.extend_catalogue_item_referral(command)

    @activity.defn
    def give_catalogue_item_opinion(self, command: GiveOpinion) -> CommandResult:
        with refusals_as_failures():
            return self._application.give_catalogue_item_opinion(command)

    @activity.defn
    def decide_catalogue_item(self, command: DecideCatalogueItem) -> CommandResult:
        with refusals_as_failures():
            return self._application.decide_catalogue_item(command)

    @activity.defn
    def review_catalogue_item_retention(self, command: ReviewRetention) -> CommandResult:
        with refusals_as_failures():
            return self._application.review_catalogue_item_retention(command)

    @activity.defn
    def describe_catalogue_item(self, request: DescribeCatalogueItem) -> CatalogueItemState:
        """The item as recorded, for a workflow run that finds it drafted already."""
        with refusals_as_failures():
            return CatalogueItemState.of(self._application.get_catalogue_item(request.item_id))
