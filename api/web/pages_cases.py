"""The department's cases after a decision: function transfers (职能转移) and purchase
contracts (购买服务合同).

The lists are the officer's own department's; a transfer's or a contract's page is public
record that every signed-in user may read (the inbox links organizations, finance and the
committee there too), while its forms are the buying department's: the acceptance of a
delivered milestone, the performance review after the term, the review of a provider
whose grade changed.  The forms post to ``/purchase-contracts…``.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import ChinaToday, ContractViews, Departments, History, TransferViews
from api.web.pages_catalogue import PAGE_SIZE, PAGE_SIZE_MAX, not_a_department, owns, timeline
from api.web.session import PageUser
from api.web.templating import not_found, render
from domain.purchase.contract import ContractStatus, MilestoneStatus
from domain.purchase.review import ReviewWeights
from domain.transfer.transfer import TransferStatus
from projections.case_rows import ContractFilter, TransferFilter

router = APIRouter(prefix="/web", include_in_schema=False)

TRANSFER_TONES: dict[str, str] = {
    TransferStatus.PROPOSED: "soon", TransferStatus.EFFECTIVE: "ok",
    TransferStatus.SUSPENDED: "overdue", TransferStatus.REVOKED: "overdue",
    TransferStatus.REJECTED: "overdue",
}
CONTRACT_TONES: dict[str, str] = {
    ContractStatus.PERFORMING: "ok", ContractStatus.REVIEW_DUE: "soon",
    ContractStatus.TERMINATED: "overdue",
}
MILESTONE_TONES: dict[str, str] = {
    MilestoneStatus.DELIVERED: "soon", MilestoneStatus.ACCEPTED: "ok",
    MilestoneStatus.REJECTED: "overdue",
}


def _next_href(path: str, query: dict[str, str], cursor: str | None) -> str | None:
    return None if cursor is None else f"{path}?{urlencode({**query, 'cursor': cursor})}"


# --- transfers ---------------------------------------------------------------------------


@router.get("/transfers", response_class=HTMLResponse)
async def transfers_page(
    request: Request, actor: PageUser, views: TransferViews, status: str = "",
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_SIZE_MAX)] = PAGE_SIZE,
) -> Response:
    """职能转移: the department's transfers, newest proposal first."""
    refused = not_a_department(request, actor, "职能转移")
    if refused:
        return refused
    statuses = [s.value for s in TransferStatus]
    status = status if status in statuses else ""
    page = await asyncio.to_thread(
        views.list_transfers, TransferFilter(department=actor.scope, status=status or None),
        cursor=cursor, limit=limit)
    query = {"status": status} if status else {}
    return render(request, "cases/transfers.html", actor=actor, title="职能转移", page=page,
                  statuses=[(s, s) for s in statuses], chosen=status, tones=TRANSFER_TONES,
                  next_href=_next_href("/web/transfers", query, page.next_cursor))


@router.get("/transfers/{transfer_id}", response_class=HTMLResponse)
async def transfer_page(
    request: Request, transfer_id: UUID, actor: PageUser, views: TransferViews,
    history: History,
) -> Response:
    """职能转移 (public record): its terms, status and what happened."""
    row = await asyncio.to_thread(views.get_transfer, transfer_id)
    if row is None:
        return not_found(request, actor, f"职能转移 {transfer_id} 不存在")
    entries = await asyncio.to_thread(history.history, transfer_id)
    return render(request, "cases/transfer.html", actor=actor,
                  title=f"职能转移：{row.item_name}", transfer=row, tones=TRANSFER_TONES,
                  entries=timeline(entries), own=owns(actor, row.department))


# --- contracts ---------------------------------------------------------------------------


@router.get("/contracts", response_class=HTMLResponse)
async def contracts_page(
    request: Request, actor: PageUser, views: ContractViews, status: str = "",
    fiscal_year: str = "", cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_SIZE_MAX)] = PAGE_SIZE,
) -> Response:
    """购买服务: the department's contracts with their money, newest award first."""
    refused = not_a_department(request, actor, "购买服务合同")
    if refused:
        return refused
    statuses = [s.value for s in ContractStatus]
    status = status if status in statuses else ""
    year = int(fiscal_year) if fiscal_year.strip().isdigit() else None
    page = await asyncio.to_thread(
        views.list_contracts, ContractFilter(department=actor.scope, status=status or None,
                                             fiscal_year=year),
        cursor=cursor, limit=limit)
    query = {k: v for k, v in {"status": status, "fiscal_year": str(year or "")}.items() if v}
    return render(request, "cases/contracts.html", actor=actor, title="购买服务合同",
                  page=page, statuses=[(s, s) for s in statuses], chosen=status,
                  fiscal_year=year or "", tones=CONTRACT_TONES,
                  next_href=_next_href("/web/contracts", query, page.next_cursor))


@router.get("/contracts/{contract_id}", response_class=HTMLResponse)
async def contract_page(
    request: Request, contract_id: UUID, actor: PageUser, views: ContractViews,
    history: History, today: ChinaToday, departments: Departments,
) -> Response:
    """购买服务合同 (public record): money, milestones, payments, amendments, what
    happened; the buying department's acceptance and review forms."""
    row = await asyncio.to_thread(views.get_contract, contract_id)
    if row is None:
        return not_found(request, actor, f"购买服务合同 {contract_id} 不存在")
    entries = await asyncio.to_thread(history.history, contract_id)
    buyer = await asyncio.to_thread(departments.get_department, row.department)
    own = owns(actor, row.department)
    context: dict[str, Any] = dict(
        contract=row, own=own, entries=timeline(entries), today=today,
        buyer=f"{buyer.name}（{row.department}）" if buyer else row.department,
        tones=CONTRACT_TONES, milestone_tones=MILESTONE_TONES,
        delivered=MilestoneStatus.DELIVERED.value,
        review_due=own and row.status == ContractStatus.REVIEW_DUE,
        dimensions=list(ReviewWeights().points().items()),
        provider_review=own and row.provider_review_pending and
        row.status not in (ContractStatus.CLOSED, ContractStatus.TERMINATED))
    return render(request, "cases/contract.html", actor=actor,
                  title=f"购买服务合同：{row.item_name}", **context)
