"""The page of a social organization's own users (本组织): its record, its evaluations and
its contracts, with the steps it takes itself — applying for an evaluation (申请等级评估),
appealing during publicity (申请复核) and reporting a milestone delivered (报告交付).

An organization sees its own page only; each form posts to the API, which decides.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import ChinaToday, ContractViews, Evaluations, Organizations
from api.web.pages_evaluator import steps_for
from api.web.pages_finance import PAGE, every
from api.web.session import PageUser
from api.web.templating import forbidden, not_found, render
from domain.actors import Actor, Role
from domain.purchase.contract import ContractStatus, MilestoneStatus
from projections.case_rows import ContractFilter, ContractRow
from projections.organization_rows import EvaluationFilter, EvaluationRow, GradeRow
from projections.readers import ContractReader, EvaluationReader, OrganizationReader

router = APIRouter(prefix="/web", include_in_schema=False)

DELIVERABLE = frozenset({MilestoneStatus.PENDING.value, MilestoneStatus.REJECTED.value})
"""Milestones the provider reports delivered: not yet delivered, or delivered again after
an acceptance that failed."""
DELIVERING = frozenset({ContractStatus.PERFORMING.value, ContractStatus.REVIEW_DUE.value})


def _organization_of(actor: Actor) -> UUID | None:
    if actor.role is not Role.ORGANIZATION:
        return None
    try:
        return UUID(actor.scope or "")
    except ValueError:
        return None


@dataclass(frozen=True)
class Record:
    """What the organization's page reads."""

    grades: list[GradeRow]
    evaluations: list[EvaluationRow]
    contracts: list[ContractRow]
    """Those still delivering first, each group newest award first."""


def _read(organizations: OrganizationReader, evaluations: EvaluationReader,
          contracts: ContractReader, organization_id: UUID) -> Record:
    return Record(
        grades=organizations.grades_of(organization_id),
        evaluations=every(lambda cursor: evaluations.list_evaluations(
            EvaluationFilter(organization_id=organization_id), cursor=cursor, limit=PAGE)),
        contracts=sorted(every(lambda cursor: contracts.list_contracts(
            ContractFilter(provider_id=organization_id), cursor=cursor, limit=PAGE)),
            key=lambda contract: contract.status not in DELIVERING),
    )


@router.get("/organization", response_class=HTMLResponse)
async def own_organization_page(request: Request, actor: PageUser,
                                organizations: Organizations, evaluations: Evaluations,
                                views: ContractViews, today: ChinaToday) -> Response:
    """本组织: the signed-in organization's own page."""
    organization_id = _organization_of(actor)
    if organization_id is None:
        return forbidden(request, actor, "本组织页面只对社会组织开放；请以社会组织的身份登录")
    return await _page(request, actor, organization_id, organizations, evaluations, views,
                       today)


@router.get("/organization/{organization_id}", response_class=HTMLResponse)
async def organization_page(request: Request, organization_id: UUID, actor: PageUser,
                            organizations: Organizations, evaluations: Evaluations,
                            views: ContractViews, today: ChinaToday) -> Response:
    """An organization's page by its id: its own users only (others read the public
    pages)."""
    own = _organization_of(actor)
    if own is None or own != organization_id:
        return forbidden(request, actor, "社会组织只能查看本组织的页面；"
                                         "其他组织的公开信息请查看「社会组织与等级」")
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(f"/web/organization{query}", 303)


async def _page(request: Request, actor: Actor, organization_id: UUID,
                organizations: OrganizationReader, evaluations: EvaluationReader,
                contracts: ContractReader, today: date) -> Response:
    row = await asyncio.to_thread(organizations.get_organization, organization_id)
    if row is None:
        return not_found(request, actor, f"社会组织 {organization_id} 尚未登记")
    record = await asyncio.to_thread(_read, organizations, evaluations, contracts,
                                     organization_id)
    flags_active = [f for f in row.flags if not f.get("cleared_on")]
    bars_active = [b for b in row.bars if str(b.get("until", "")) >= today.isoformat()]
    return render(
        request, "organization/home.html", actor=actor, title=f"本组织：{row.name}", org=row,
        record=record, today=today, flags_active=flags_active, bars_active=bars_active,
        may_apply=row.open_evaluation_id is None,
        appeals=[e for e in record.evaluations if steps_for(actor, e, today).appeal],
        deliverable=DELIVERABLE, delivering=DELIVERING)
