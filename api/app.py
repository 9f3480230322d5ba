"""The FastAPI application; the composition root builds it with real or fake services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from api.auth import AuthConfig
from api.deps import Services
from api.errors import exception_handlers, problem_media_types
from api.ports import (
    AuditLog,
    CatalogueCommands,
    CatalogueImporter,
    GradingCommands,
    OrganizationCommands,
    PurchaseCommands,
    RegistryCommands,
    ReportingCommands,
    TransferCommands,
)
from api.routers import agencies as agency_routes
from api.routers import audit as audit_routes
from api.routers import catalogue_import, catalogue_items, grade_evaluations, health
from api.routers import departments as department_routes
from api.routers import evaluators as evaluator_routes
from api.routers import feed as feed_routes
from api.routers import inbox as inbox_routes
from api.routers import ledger as ledger_routes
from api.routers import ocds as ocds_routes
from api.routers import organizations as organization_routes
from api.routers import purchase_contracts as contract_routes
from api.routers import report_commands as report_command_routes
from api.routers import reports as report_routes
from api.routers import staffing as staffing_routes
from api.routers import transfers as transfer_routes
from api.web import (
    pages_agency,
    pages_cases,
    pages_catalogue,
    pages_committee,
    pages_common,
    pages_evaluator,
    pages_finance,
    pages_organization,
    pages_public,
    pages_reports,
)
from api.web.templating import STATIC_DIRECTORY
from domain.catalogue.importing import CatalogueImportRejectedError
from domain.grading.grades import HIGHEST_LEVEL, LOWEST_LEVEL, GradeCutoffs
from projections.ocds_release import DEFAULT_OCID_PREFIX
from projections.readers import (
    AgencyReader,
    CatalogueReader,
    ContractReader,
    DepartmentReader,
    EvaluationReader,
    FeedReader,
    HistoryReader,
    InboxReader,
    OcdsReader,
    OrganizationReader,
    ReportReader,
    TransferReader,
)

DESCRIPTION = """\
政府职能转移与购买服务 — 目录、咨询、社会组织与等级评估、职能转移、购买服务的工作流与公开信息。

写操作需要 Bearer 令牌（`govflow token`）；公开信息无需登录即可查询，投诉无需登录即可提交。
错误以 RFC 9457 问题详情（application/problem+json）返回。
"""


class GovflowAPI(FastAPI):
    def openapi(self) -> dict[str, Any]:
        return problem_media_types(super().openapi())


def create_app(
    *,
    commands: CatalogueCommands,
    catalogue: CatalogueReader,
    history: HistoryReader,
    inbox: InboxReader,
    registry: RegistryCommands,
    departments: DepartmentReader,
    agencies: AgencyReader,
    auth: AuthConfig,
    read_wait_seconds: float = 5.0,
    clock: Callable[[], datetime] | None = None,
    importer: CatalogueImporter | None = None,
    organizations: OrganizationCommands | None = None,
    grading: GradingCommands | None = None,
    organization_views: OrganizationReader | None = None,
    evaluation_views: EvaluationReader | None = None,
    grade_threshold: int = 3,
    grade_cutoffs: GradeCutoffs | None = None,
    transfers: TransferCommands | None = None,
    purchases: PurchaseCommands | None = None,
    transfer_views: TransferReader | None = None,
    contract_views: ContractReader | None = None,
    report_views: ReportReader | None = None,
    feed_views: FeedReader | None = None,
    audit: AuditLog | None = None,
    ocds_views: OcdsReader | None = None,
    ocid_prefix: str = DEFAULT_OCID_PREFIX,
    reporting: ReportingCommands | None = None,
    development_sign_in: bool = False,
) -> FastAPI:
    """The HTTP API over the given command gateways and read views.

    ``registry`` takes the committee's registry commands (departments, agencies and
    experts); ``departments`` and ``agencies`` are their views.

    ``clock`` gives the current moment (timezone-aware; the wall clock by default): it
    decides what "today" is for due dates.

    ``organizations`` takes the one-shot commands on social organizations and evaluators,
    ``grading`` the grade-evaluation workflow's updates; ``organization_views`` and
    ``evaluation_views`` are their views.  A route whose service is not given answers 503.
    ``grade_threshold`` is the lowest grade that may undertake (3 = 3A); ``grade_cutoffs``
    the grading policy's cut-offs (the score page previews the grade with them).

    ``transfers`` takes the transfer workflow's updates and the staffing requests,
    ``purchases`` the purchase-contract workflow's updates; ``transfer_views`` and
    ``contract_views`` (contracts, the payments ledger, performance reviews) are their
    views.  Without them those routes answer 503 too.

    ``report_views`` reads the quarterly reports with their figures, the city report and
    the acceptance reviews (committee and departments only); without it those routes
    answer 503.

    ``feed_views`` is the change feed (``GET /feed``, public); without it that route
    answers 503.

    ``audit`` reads the event log's audit chain (``GET /audit/head``, public); without it
    that route answers 503.

    ``ocds_views`` publishes the contracts as OCDS 1.1 releases and records (``/ocds``,
    public), their ocids made with ``ocid_prefix``; without it those routes answer 503.

    ``reporting`` takes the quarterly report workflow's updates (narrative, submission),
    the committee's acceptance review scoring and its reporting runs; without it those
    writes answer 503.
    """
    if read_wait_seconds <= 0:
        raise ValueError(f"read_wait_seconds must be positive, got {read_wait_seconds}")
    if not LOWEST_LEVEL <= grade_threshold <= HIGHEST_LEVEL:
        raise ValueError(
            f"grade_threshold must be within {LOWEST_LEVEL}..{HIGHEST_LEVEL}, "
            f"got {grade_threshold}")
    app = GovflowAPI(
        title="govflow",
        description=DESCRIPTION,
        version="0.1.0",
        exception_handlers={
            **exception_handlers(),
            CatalogueImportRejectedError: catalogue_import.import_rejected,
        },
    )
    app.state.services = Services(
        commands=commands, catalogue=catalogue, history=history, inbox=inbox,
        registry=registry, departments=departments, agencies=agencies, auth=auth,
        read_wait_seconds=read_wait_seconds, clock=clock or _wall_clock, importer=importer,
        organizations=organizations, grading=grading, organization_views=organization_views,
        evaluation_views=evaluation_views, grade_threshold=grade_threshold,
        grade_cutoffs=grade_cutoffs or GradeCutoffs(),
        transfers=transfers, purchases=purchases, transfer_views=transfer_views,
        feed_views=feed_views, report_views=report_views,
        contract_views=contract_views, audit=audit,
        ocds_views=ocds_views, ocid_prefix=ocid_prefix, reporting=reporting,
        development_sign_in=development_sign_in,
    )
    app.include_router(health.router)
    app.include_router(audit_routes.router)
    # Before catalogue_items: its /{item_id} would take "import" and "export.xlsx".
    app.include_router(catalogue_import.router)
    app.include_router(catalogue_items.router)
    app.include_router(inbox_routes.router)
    app.include_router(department_routes.router)
    app.include_router(agency_routes.router)
    app.include_router(organization_routes.router)
    app.include_router(organization_routes.grades_router)
    app.include_router(evaluator_routes.router)
    app.include_router(grade_evaluations.router)
    app.include_router(transfer_routes.router)
    app.include_router(staffing_routes.router)
    app.include_router(contract_routes.router)
    app.include_router(contract_routes.reviews_router)
    app.include_router(ocds_routes.router)
    app.include_router(ledger_routes.router)
    app.include_router(report_routes.router)
    app.include_router(report_routes.city_router)
    app.include_router(report_routes.acceptance_router)
    app.include_router(report_routes.departments_router)
    app.include_router(report_command_routes.router)
    app.include_router(report_command_routes.acceptance_router)
    app.include_router(report_command_routes.runs_router)
    app.include_router(feed_routes.router)
    # The web pages (网页端), on the same readers; their forms post to the routes above.
    app.include_router(pages_common.router)
    app.include_router(pages_catalogue.router)
    app.include_router(pages_cases.router)
    app.include_router(pages_reports.router)
    app.include_router(pages_agency.router)
    app.include_router(pages_evaluator.router)
    app.include_router(pages_finance.router)
    app.include_router(pages_organization.router)
    app.include_router(pages_committee.router)
    app.include_router(pages_public.router)
    app.mount("/web/static", StaticFiles(directory=STATIC_DIRECTORY), name="web-static")
    app.add_api_route("/", _to_pages, include_in_schema=False)
    return app


async def _to_pages() -> RedirectResponse:
    return RedirectResponse("/web/", status_code=303)


def _wall_clock() -> datetime:
    return datetime.now(UTC)
