"""The department's quarterly reports (季度报告): the list by quarter, and the report page
with its figures (as the reporting view counts them for the department and quarter), the
narrative and submission forms, and the .xlsx download.

A department reads and writes its own reports; the committee may open any report page
(read-only).  The forms post to ``/quarterly-reports/{id}/narrative`` and ``…/submit``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import ReportViews
from api.web.formats import yuan
from api.web.pages_catalogue import PAGE_SIZE, PAGE_SIZE_MAX, not_a_department, owns
from api.web.session import PageUser
from api.web.templating import forbidden, not_found, render
from domain.actors import ROLE_LABELS, Role
from domain.reporting.figures import FIGURES
from domain.reporting.report import ReportStatus
from projections.report_rows import ReportFilter

router = APIRouter(prefix="/web", include_in_schema=False)

REPORT_TONES: dict[str, str] = {ReportStatus.OPEN: "soon", ReportStatus.SUBMITTED: "ok"}


@dataclass(frozen=True)
class FigureLine:
    label: str
    value: str
    money: bool


@router.get("/reports", response_class=HTMLResponse)
async def reports_page(
    request: Request, actor: PageUser, views: ReportViews, year: str = "",
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_SIZE_MAX)] = PAGE_SIZE,
) -> Response:
    """季度报告: the department's reports by quarter, newest first, with their status."""
    refused = not_a_department(request, actor, "季度报告")
    if refused:
        return refused
    chosen = int(year) if year.strip().isdigit() else None
    page = await asyncio.to_thread(
        views.list_reports, ReportFilter(department=actor.scope, year=chosen),
        cursor=cursor, limit=limit)
    query = {"year": str(chosen)} if chosen else {}
    next_href = None if page.next_cursor is None else \
        "/web/reports?" + urlencode({**query, "cursor": page.next_cursor})
    return render(request, "reports/list.html", actor=actor, title="季度报告", page=page,
                  year=chosen or "", tones=REPORT_TONES, next_href=next_href)


@router.get("/reports/{report_id}", response_class=HTMLResponse)
async def report_page(
    request: Request, report_id: UUID, actor: PageUser, views: ReportViews,
) -> Response:
    """季度报告: its figures, the narrative and submission (its department), the .xlsx."""
    if actor.role not in (Role.DEPARTMENT, Role.COMMITTEE):
        return forbidden(request, actor, f"季度报告由职能部门填写、市社工委查阅；"
                                         f"您的角色为{ROLE_LABELS[actor.role]}")
    row = await asyncio.to_thread(views.get_report, report_id)
    if row is None:
        return not_found(request, actor, f"没有编号为 {report_id} 的季度报告")
    if actor.role is Role.DEPARTMENT and not owns(actor, row.department):
        return forbidden(request, actor, f"您所在的部门为 {actor.scope}，不能查看部门 "
                                         f"{row.department} 的季度报告")
    figures = await asyncio.to_thread(views.figures, row.department, row.period)
    lines = [FigureLine(f.label, yuan(figures[f.key]) if f.money else str(figures[f.key]),
                        f.money) for f in FIGURES]
    writable = owns(actor, row.department) and row.status == ReportStatus.OPEN
    return render(request, "reports/report.html", actor=actor, title=row.title, report=row,
                  lines=lines, writable=writable, tones=REPORT_TONES)
