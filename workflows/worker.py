"""The Temporal worker: every workflow and activity, built around one application.

``WORKFLOWS`` and :func:`activities_for` are the lists the worker, the tests and the
``Replayer`` share, so that what is replayed is what runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker

from domain.application import GovflowApplication
from workflows.acceptance_commands import ACCEPTANCE_WORKFLOWS
from workflows.activities import CatalogueActivities
from workflows.catalogue_import import CatalogueImportWorkflow
from workflows.catalogue_item import CatalogueItemWorkflow
from workflows.command import COMMAND_WORKFLOWS
from workflows.deadlines import compute_deadline
from workflows.existing_grade import EXISTING_GRADE_WORKFLOWS
from workflows.grade_evaluation import GRADING_WORKFLOWS
from workflows.grading_activities import grading_activities
from workflows.import_activities import CatalogueImportActivities
from workflows.organization_activities import organization_activities
from workflows.organization_commands import ORGANIZATION_COMMAND_WORKFLOWS
from workflows.purchase_activities import purchase_activities
from workflows.purchase_contract import PURCHASE_WORKFLOWS
from workflows.registry_activities import RegistryActivities
from workflows.reporting_activities import reporting_activities
from workflows.reporting_run import REPORTING_WORKFLOWS
from workflows.transfer import TRANSFER_WORKFLOWS
from workflows.transfer_activities import transfer_activities

WORKFLOWS: Sequence[type] = (
    CatalogueItemWorkflow, CatalogueImportWorkflow, *COMMAND_WORKFLOWS,
    *ORGANIZATION_COMMAND_WORKFLOWS, *EXISTING_GRADE_WORKFLOWS, *GRADING_WORKFLOWS,
    *PURCHASE_WORKFLOWS, *TRANSFER_WORKFLOWS, *REPORTING_WORKFLOWS, *ACCEPTANCE_WORKFLOWS,
)


def activities_for(application: GovflowApplication) -> list[Callable[..., Any]]:
    """Every activity, bound to ``application``."""
    catalogue = CatalogueActivities(application)
    registry = RegistryActivities(application)
    return [
        catalogue.draft_catalogue_item,
        catalogue.revise_catalogue_item,
        catalogue.publish_catalogue_item,
        catalogue.close_catalogue_item_publicity,
        catalogue.withdraw_catalogue_item,
        catalogue.describe_catalogue_item,
        catalogue.allocate_catalogue_item_budget,
        catalogue.refer_catalogue_item,
        catalogue.remind_catalogue_item_referral,
        catalogue.escalate_catalogue_item_referral,
        catalogue.extend_catalogue_item_referral,
        catalogue.give_catalogue_item_opinion,
        catalogue.decide_catalogue_item,
        catalogue.review_catalogue_item_retention,
        compute_deadline,
        CatalogueImportActivities(application).import_catalogue_items,
        CatalogueImportActivities(application).record_existing_catalogue_item,
        registry.register_department,
        registry.establish_agency,
        registry.appoint_expert,
        registry.declare_affiliations,
        registry.remove_expert,
        *organization_activities(application),
        *grading_activities(application),
        *purchase_activities(application),
        *transfer_activities(application),
        *reporting_activities(application),
    ]


def build_worker(
    client: Client, *, application: GovflowApplication, task_queue: str,
    activity_executor: Executor,
) -> Worker:
    """A worker for ``task_queue``; run it with ``async with`` or ``await worker.run()``.

    The activities are synchronous (eventsourcing is): ``activity_executor`` should be a
    ``ThreadPoolExecutor``, which the caller owns and shuts down after the worker.
    ``client`` must use :data:`workflows.converter.DATA_CONVERTER`.
    """
    return Worker(
        client, task_queue=task_queue, workflows=WORKFLOWS,
        activities=activities_for(application), activity_executor=activity_executor,
    )
