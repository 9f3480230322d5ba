"""Reports (建立机制, DESIGN.md §3.6): quarterly reports with their figures, the city report and
the year-end acceptance reviews — as JSON and as ``.xlsx``.

Reports are not public: the committee reads everything, a department officer its own
reports and acceptance reviews; other roles are refused (403), and a caller without a
token too (401).  The figures come from the reporting view for the report's department
and quarter (what the underlying views say for that period); the department's narrative
and submission go through ``api.routers.report_commands``.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response

from api.catalogue_files import XLSX_MEDIA_TYPE
from api.deps import (
    DEFAULT_LIMIT,
    Departments,
    PageCursor,
    PageLimit,
    ReportViews,
    acting_as,
)
from api.errors import problem_responses
from api.report_files import attachment, city_workbook, report_workbook
from api.schemas.report_reads import (
    AcceptanceReviewPublic,
    AcceptanceReviewsPublic,
    CityReportPublic,
    QuarterlyReportDetail,
    QuarterlyReportsPublic,
)
from domain.actors import Actor, Role
from domain.errors import DepartmentNotFoundError, OtherDepartmentError
from domain.reporting.errors import AcceptanceReviewNotFoundError, QuarterlyReportNotFoundError
from domain.reporting.periods import Quarter
from domain.reporting.report import ReportStatus
from projections.readers import ReportReader
from projections.report_rows import AcceptanceReviewRow, QuarterlyReportRow, ReportFilter

router = APIRouter(prefix="/quarterly-reports", tags=["reports"])
city_router = APIRouter(prefix="/city-reports", tags=["reports"])
acceptance_router = APIRouter(prefix="/acceptance-reviews", tags=["reports"])
departments_router = APIRouter(prefix="/departments", tags=["reports"])

_READ_REPORTS = "查看季度报告"
_READ_REVIEWS = "查看验收考核"
_OWN_OR_ALL = frozenset({Role.COMMITTEE, Role.DEPARTMENT})

ReportReaderActor = Annotated[Actor, Depends(acting_as(_OWN_OR_ALL, action=_READ_REPORTS))]
CityReaderActor = Annotated[Actor, Depends(acting_as(frozenset({Role.COMMITTEE}),
                                                     action="查看全市报告"))]
ReviewReaderActor = Annotated[Actor, Depends(acting_as(_OWN_OR_ALL, action=_READ_REVIEWS))]

READ = problem_responses(401, 403, 404, 422, 503)
LIST = problem_responses(401, 403, 422, 503)
XLSX_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"content": {XLSX_MEDIA_TYPE: {}},
                       "description": "Excel 工作簿（.xlsx，中文表头）"}}

Year = Annotated[int | None, Query(ge=2000, le=2100, description="年度，例如 2026")]
DepartmentQuery = Annotated[str | None, Query(
    description="部门代码（职能部门只能查看本部门，可不填）")]


def confined_to(actor: Actor, department: str | None, *, action: str, what: str) -> str | None:
    """The department whose reports ``actor`` reads: a department officer's own (asking
    for another's is refused), else ``department`` (None: all, for the committee)."""
    if actor.role is not Role.DEPARTMENT:
        return department
    own = actor.scope or ""
    if department is not None and department != own:
        raise OtherDepartmentError(
            f"您所在的部门为 {own}，不能{action}（部门 {department}）；"
            f"职能部门只能查看本部门的{what}",
            field="department")
    return own


# --- quarterly reports (季度报告) --------------------------------------------------------


@router.get("", responses=LIST)
async def list_quarterly_reports(
    actor: ReportReaderActor,
    views: ReportViews,
    department: DepartmentQuery = None,
    year: Year = None,
    quarter: Annotated[int | None, Query(ge=1, le=4, description="季度（1–4）")] = None,
    status: Annotated[Literal["待提交", "已提交"] | None, Query(
        description=f"状态：{ReportStatus.OPEN.value}、{ReportStatus.SUBMITTED.value}")] = None,
    cursor: PageCursor = None,
    limit: PageLimit = DEFAULT_LIMIT,
) -> QuarterlyReportsPublic:
    """季度报告列表 (newest first; the committee all, a department its own)."""
    filters = ReportFilter(
        department=confined_to(actor, department, action=_READ_REPORTS, what="季度报告"),
        year=year, quarter=quarter, status=status)
    page = await asyncio.to_thread(views.list_reports, filters, cursor=cursor, limit=limit)
    return QuarterlyReportsPublic.from_page(page)


async def _report(actor: Actor, views: ReportReader, report_id: UUID
                  ) -> tuple[QuarterlyReportRow, dict[str, int]]:
    row = await asyncio.to_thread(views.get_report, report_id)
    if row is None:
        raise QuarterlyReportNotFoundError(f"没有编号为 {report_id} 的季度报告",
                                           field="report_id")
    confined_to(actor, row.department, action=_READ_REPORTS, what="季度报告")
    figures = await asyncio.to_thread(views.figures, row.department, row.period)
    return row, figures


@router.get("/{report_id}", responses=READ)
async def get_quarterly_report(
    report_id: UUID, actor: ReportReaderActor, views: ReportViews,
) -> QuarterlyReportDetail:
    """查看季度报告 (its figures for the quarter, its narrative and status)."""
    row, figures = await _report(actor, views, report_id)
    return QuarterlyReportDetail.of(row, figures)


@router.get("/{report_id}/report.xlsx", response_class=Response,
            responses={**XLSX_RESPONSE, **READ})
async def download_quarterly_report(
    report_id: UUID, actor: ReportReaderActor, views: ReportViews,
) -> Response:
    """下载季度报告 (.xlsx: 指标/数值, then the status and the narrative)."""
    row, figures = await _report(actor, views, report_id)
    content = await asyncio.to_thread(report_workbook, row, figures)
    return Response(content=content, media_type=XLSX_MEDIA_TYPE, headers={
        "Content-Disposition": attachment(f"{row.department}-{row.quarter_key}-季度报告")})


# --- the city report (全市报告) -----------------------------------------------------------


@city_router.get("/{quarter_key}", responses=LIST)
async def get_city_report(
    quarter_key: str, actor: CityReaderActor, views: ReportViews,
) -> CityReportPublic:
    """全市季度报告 (the committee): each department, each region — the pilot districts
    蓬江区 and 台山市 always their own rows — and the city total."""
    report = await asyncio.to_thread(views.city_report, Quarter.parse(quarter_key))
    return CityReportPublic.of(report)


@city_router.get("/{quarter_key}/report.xlsx", response_class=Response,
                 responses={**XLSX_RESPONSE, **LIST})
async def download_city_report(
    quarter_key: str, actor: CityReaderActor, views: ReportViews,
) -> Response:
    """下载全市季度报告 (.xlsx: 地区/部门/是否试点 and one column per figure, region
    subtotals, 全市合计)."""
    quarter = Quarter.parse(quarter_key)
    report = await asyncio.to_thread(views.city_report, quarter)
    content = await asyncio.to_thread(city_workbook, report)
    return Response(content=content, media_type=XLSX_MEDIA_TYPE, headers={
        "Content-Disposition": attachment(f"{quarter.key}-全市季度报告")})


# --- acceptance reviews (验收考核) --------------------------------------------------------


@acceptance_router.get("", responses=LIST)
async def list_acceptance_reviews(
    actor: ReviewReaderActor,
    views: ReportViews,
    year: Year = None,
    department: DepartmentQuery = None,
    cursor: PageCursor = None,
    limit: PageLimit = DEFAULT_LIMIT,
) -> AcceptanceReviewsPublic:
    """验收考核列表 (newest first; the committee all, a department its own)."""
    own = confined_to(actor, department, action=_READ_REVIEWS, what="验收考核")
    page = await asyncio.to_thread(views.list_acceptance_reviews, year=year, department=own,
                                   cursor=cursor, limit=limit)
    return AcceptanceReviewsPublic.from_page(page)


@acceptance_router.get("/{review_id}", responses=READ)
async def get_acceptance_review(
    review_id: UUID, actor: ReviewReaderActor, views: ReportViews,
) -> AcceptanceReviewPublic:
    """查看验收考核 (each task's score and findings, the total and the conclusion)."""
    row: AcceptanceReviewRow | None = await asyncio.to_thread(views.get_acceptance_review,
                                                              review_id)
    if row is None:
        raise AcceptanceReviewNotFoundError(f"没有编号为 {review_id} 的验收考核",
                                            field="review_id")
    confined_to(actor, row.department, action=_READ_REVIEWS, what="验收考核")
    return AcceptanceReviewPublic.from_row(row)


@departments_router.get("/{code}/acceptance-reviews", responses=READ)
async def list_department_acceptance_reviews(
    code: str, actor: ReviewReaderActor, departments: Departments, views: ReportViews,
    year: Year = None, cursor: PageCursor = None, limit: PageLimit = DEFAULT_LIMIT,
) -> AcceptanceReviewsPublic:
    """部门的验收考核记录 (the department's acceptance reviews, newest first)."""
    confined_to(actor, code, action=_READ_REVIEWS, what="验收考核")
    if await asyncio.to_thread(departments.get_department, code) is None:
        raise DepartmentNotFoundError(f"部门代码 {code} 未登记", field="code")
    page = await asyncio.to_thread(views.list_acceptance_reviews, year=year, department=code,
                                   cursor=cursor, limit=limit)
    return AcceptanceReviewsPublic.from_page(page)
