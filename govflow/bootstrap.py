"""bootstrap(): the one place that builds govflow's parts from settings.

Nothing here runs at import time; each builder is called by the CLI (or a test)
that needs the part.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from temporalio.client import Client
from temporalio.worker import Worker

from api.app import create_app
from api.auth import AuthConfig
from domain.application import CataloguePolicy, GovflowApplication
from domain.catalogue.classification import CLASSIFICATION_SETS
from domain.catalogue.item import DayBasis
from domain.grading.grades import GradeCutoffs
from domain.purchase.contract import ContractPolicy
from domain.purchase.review import ReviewWeights
from govflow.audit_chain import RecorderAuditLog
from govflow.settings import Settings
from projections.agencies import AgenciesProjection
from projections.catalogue import CatalogueProjection
from projections.contracts import ContractsProjection
from projections.departments import DepartmentsProjection
from projections.evaluations import EvaluationsProjection
from projections.feed import FeedProjection
from projections.history import HistoryProjection
from projections.inbox import InboxProjection
from projections.ocds import OcdsProjection
from projections.organizations import OrganizationsProjection
from projections.registry import open_view, sqlite_view_files
from projections.reporting import ReportingProjection
from projections.runners import start_runners
from projections.transfers import TransfersProjection
from workflows.converter import DATA_CONVERTER
from workflows.deadlines import DeadlinePolicy
from workflows.gateway import CatalogueGateway
from workflows.grading_gateway import GradingGateway
from workflows.grading_messages import GradingPolicy
from workflows.import_gateway import CatalogueImportGateway
from workflows.organization_gateway import OrganizationGateway
from workflows.purchase_gateway import PurchaseGateway
from workflows.purchase_messages import PurchasePolicy
from workflows.registry_gateway import RegistryGateway
from workflows.reporting_calendar import ReportingCalendar
from workflows.reporting_gateway import ReportingGateway
from workflows.reporting_schedule import ensure_reporting_schedule
from workflows.transfer_gateway import TransferGateway
from workflows.transfer_messages import TransferPolicy
from workflows.worker import build_worker


def deadline_policy(settings: Settings) -> DeadlinePolicy:
    """The deadline settings every catalogue item's workflow starts with."""
    return DeadlinePolicy(
        publicity_day_basis=DayBasis(settings.publicity_day_basis),
        referral_days=settings.referral_days,
        referral_day_basis=DayBasis(settings.referral_day_basis),
        reminder_fraction=settings.reminder_fraction,
    )


def grading_policy(settings: Settings) -> GradingPolicy:
    """The settings every grade evaluation's workflow starts with."""
    return GradingPolicy(
        publicity_days=settings.grade_publicity_days,
        appeal_answer_days=settings.appeal_answer_days,
        cutoffs=GradeCutoffs(
            five_a=settings.grade_cutoff_5a, four_a=settings.grade_cutoff_4a,
            three_a=settings.grade_cutoff_3a, two_a=settings.grade_cutoff_2a,
        ),
    )


def purchase_policy(settings: Settings) -> PurchasePolicy:
    """The settings every purchase contract's workflow starts with."""
    return PurchasePolicy(
        grade_threshold=settings.grade_threshold,
        contract=ContractPolicy(
            hold_final_payment=settings.hold_final_payment,
            bar_years=settings.poor_review_bar_years,
            weights=ReviewWeights(
                decision=settings.review_weight_decision,
                process=settings.review_weight_process,
                output=settings.review_weight_output, effect=settings.review_weight_effect,
            ),
        ),
    )


def catalogue_policy(settings: Settings) -> CataloguePolicy:
    return CataloguePolicy(level1_classes=CLASSIFICATION_SETS[settings.classification_set])


def store_env(settings: Settings) -> dict[str, str]:
    """The eventsourcing environment of the application and of every view.

    On SQLite each view keeps a file of its own (``<PROJECTION>_SQLITE_DBNAME``), so
    that reading and rebuilding them never contends with the event store's writers nor
    with each other.
    """
    env = settings.event_store_env()
    if not settings.uses_postgres:
        env.update(sqlite_view_files(settings.data_dir))
    return env


def build_application(settings: Settings) -> GovflowApplication:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return GovflowApplication(env=store_env(settings), catalogue_policy=catalogue_policy(settings))


def open_audit_log(settings: Settings) -> RecorderAuditLog:
    """The audit chain of the application's event store (close it when done)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return RecorderAuditLog.open(application_name=GovflowApplication.name,
                                 env=store_env(settings))


def build_view(settings: Settings, projection: Any) -> Any:
    """The view (a tracking recorder) of one projection, for reading or rebuilding."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return open_view(projection, env=store_env(settings), uses_postgres=settings.uses_postgres)


def start_projection_runners(settings: Settings) -> list[Any]:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return start_runners(env=store_env(settings), uses_postgres=settings.uses_postgres)


async def connect_temporal(settings: Settings, address: str | None = None, *,
                           wait_seconds: float = 0.0) -> Client:
    """A client of the Temporal frontend.  ``wait_seconds``: how long to keep trying while
    the frontend is not healthy yet (a server just started answers on its port before it
    serves; the SDK raises ``RuntimeError`` then)."""
    target = address or settings.temporal_address or f"127.0.0.1:{settings.temporal_port}"
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_seconds
    while True:
        try:
            return await Client.connect(
                target, namespace=settings.temporal_namespace, data_converter=DATA_CONVERTER
            )
        except RuntimeError:
            if loop.time() >= deadline:
                raise
            await asyncio.sleep(0.5)


@dataclass
class WorkerParts:
    worker: Worker
    application: GovflowApplication
    executor: ThreadPoolExecutor = field(repr=False)

    def close(self) -> None:
        self.executor.shutdown(wait=True)
        self.application.close()


def build_worker_parts(settings: Settings, client: Client) -> WorkerParts:
    application = build_application(settings)
    executor = ThreadPoolExecutor(max_workers=16, thread_name_prefix="govflow-activity")
    worker = build_worker(
        client, application=application, task_queue=settings.task_queue,
        activity_executor=executor,
    )
    return WorkerParts(worker=worker, application=application, executor=executor)


async def ensure_schedules(settings: Settings, client: Client) -> None:
    """The ``quarterly-reporting`` schedule, created or brought to the settings (at start-up,
    once the worker runs)."""
    await ensure_reporting_schedule(
        client, task_queue=settings.task_queue,
        calendar=ReportingCalendar.parse(settings.reporting_calendar),
        due_days=settings.report_due_days)


def auth_config(settings: Settings) -> AuthConfig:
    return AuthConfig(
        secret=settings.jwt_secret, issuer=settings.jwt_issuer,
        ttl=timedelta(hours=settings.token_ttl_hours),
    )


def build_api(settings: Settings, client: Client) -> FastAPI:
    policy = catalogue_policy(settings)
    gateway = CatalogueGateway(
        client, task_queue=settings.task_queue, publicity_days=settings.publicity_days,
        level1_classes=policy.level1_classes, deadlines=deadline_policy(settings),
    )
    return create_app(
        development_sign_in=settings.env == "development",
        commands=gateway,
        catalogue=build_view(settings, CatalogueProjection),
        history=build_view(settings, HistoryProjection),
        inbox=build_view(settings, InboxProjection),
        registry=RegistryGateway(client, task_queue=settings.task_queue),
        departments=build_view(settings, DepartmentsProjection),
        agencies=build_view(settings, AgenciesProjection),
        auth=auth_config(settings),
        read_wait_seconds=settings.read_wait_seconds,
        importer=CatalogueImportGateway(client, task_queue=settings.task_queue),
        organizations=OrganizationGateway(client, task_queue=settings.task_queue),
        grading=GradingGateway(client, task_queue=settings.task_queue,
                               policy=grading_policy(settings)),
        organization_views=build_view(settings, OrganizationsProjection),
        evaluation_views=build_view(settings, EvaluationsProjection),
        grade_threshold=settings.grade_threshold,
        grade_cutoffs=grading_policy(settings).cutoffs,
        transfers=TransferGateway(client, task_queue=settings.task_queue,
                                  policy=TransferPolicy(grade_threshold=settings.grade_threshold)),
        purchases=PurchaseGateway(client, task_queue=settings.task_queue,
                                  policy=purchase_policy(settings)),
        transfer_views=build_view(settings, TransfersProjection),
        contract_views=build_view(settings, ContractsProjection),
        report_views=build_view(settings, ReportingProjection),
        ocds_views=build_view(settings, OcdsProjection), ocid_prefix=settings.ocid_prefix,
        feed_views=build_view(settings, FeedProjection),
        audit=open_audit_log(settings),
        reporting=ReportingGateway(client, task_queue=settings.task_queue,
                                   due_days=settings.report_due_days),
    )
