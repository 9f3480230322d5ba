"""Pages of a consulting agency's experts (咨询服务机构): the items referred to the agency
(咨询事项) and the advisory opinion on each (出具咨询意见).

The opinion form posts to ``POST /catalogue-items/{id}/opinion``; the API decides.
"""

from __future__ import annotations

import asyncio
from datetime import date
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import Agencies, Catalogue, ChinaToday
from api.web.pages_finance import every
from api.web.session import PageUser
from api.web.templating import forbidden, not_found, render
from domain.actors import Actor, Role
from domain.catalogue.item import DecisionMode, ItemStatus
from projections.register_rows import ExpertRow
from projections.rows import CatalogueFilter, CatalogueItemRow

router = APIRouter(prefix="/web", include_in_schema=False)

RECOMMENDATIONS = [(mode.value, mode.value) for mode in DecisionMode]
"""The opinion's choices: 转移, 授权, 委托, 购买服务, 保留."""


def _agency_of(actor: Actor) -> UUID | None:
    """The agency an expert works for (the token's scope), if the user is one."""
    if actor.role is not Role.AGENCY:
        return None
    try:
        return UUID(actor.scope or "")
    except ValueError:
        return None


def _not_an_expert(request: Request, actor: Actor) -> HTMLResponse:
    return forbidden(request, actor, "咨询事项只对受托出具咨询意见的咨询服务机构开放；"
                                     "请以咨询服务机构的身份登录")


def referral_state(item: CatalogueItemRow, today: date) -> tuple[str, str]:
    """The badge of a referral as of ``today``: (label, tone)."""
    if item.referral_due_on is not None and today > item.referral_due_on:
        return ("已逾期上报" if item.referral_escalated else "已逾期"), "overdue"
    if item.referral_escalated:
        return "已逾期上报", "overdue"
    if item.referral_remind_on is not None and today >= item.referral_remind_on:
        return "即将到期", "soon"
    return "待出具意见", ""


@router.get("/referrals", response_class=HTMLResponse)
async def referrals_page(request: Request, actor: PageUser, catalogue: Catalogue,
                         today: ChinaToday) -> Response:
    """咨询事项: what was referred to the agency, soonest due first."""
    agency_id = _agency_of(actor)
    if agency_id is None:
        return _not_an_expert(request, actor)
    referred = await asyncio.to_thread(every, lambda cursor: catalogue.list_items(
        CatalogueFilter(status=ItemStatus.REFERRED.value), cursor=cursor, limit=200))
    mine = sorted((item for item in referred if item.agency_id == str(agency_id)),
                  key=lambda item: (item.referral_due_on or date.max, item.code))
    return render(request, "agency/referrals.html", actor=actor, title="咨询事项",
                  items=[(item, *referral_state(item, today)) for item in mine], today=today)


@router.get("/referrals/{item_id}", response_class=HTMLResponse)
async def referral_page(request: Request, item_id: UUID, actor: PageUser,
                        catalogue: Catalogue, agencies: Agencies,
                        today: ChinaToday) -> Response:
    """One referred item: its facts and the opinion form (while the opinion is due)."""
    agency_id = _agency_of(actor)
    if agency_id is None:
        return _not_an_expert(request, actor)
    item = await asyncio.to_thread(catalogue.get_item, item_id)
    if item is None or item.status == ItemStatus.DRAFT.value:
        return not_found(request, actor, f"目录事项 {item_id} 不存在")
    if item.agency_id != str(agency_id):
        return forbidden(request, actor, f"目录事项 {item.code}「{item.name}」没有提交贵机构咨询；"
                                         f"只能查看和答复提交本机构的咨询事项")
    agency = await asyncio.to_thread(agencies.get_agency, agency_id)
    experts: list[ExpertRow] = [e for e in agency.experts if e.active] if agency else []
    badge, tone = referral_state(item, today)
    return render(request, "agency/referral.html", actor=actor,
                  title=f"咨询事项：{item.name}", item=item, experts=experts,
                  agency_name=agency.agency.name if agency else "",
                  recommendations=RECOMMENDATIONS, badge=badge, tone=tone,
                  awaiting_opinion=item.status == ItemStatus.REFERRED.value)
