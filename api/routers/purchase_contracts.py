"""/purchase-contracts and /performance-reviews: purchase of services (购买服务) and
performance review (绩效评价, DESIGN.md §3.5).

The item's department awards a contract to an eligible provider (announced right
after) → the provider reports each milestone delivered → the department accepts it (验收)
or not → finance approves payments against accepted milestones → supplementary contracts
(≤ 10 %) or termination → at the end of the term the department's performance review →
the final payment → closed.  Each step is an update of the contract's workflow, which
decides the dates.  Contracts, their payments, acceptance findings and reviews are public.
"""

from __future__ import annotations

import asyncio
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response

from api.deps import (
    DEFAULT_LIMIT,
    CommandId,
    ContractViews,
    PageCursor,
    PageLimit,
    Purchases,
    acting_as,
    optional_actor,
)
from api.routers.common import LIST_PROBLEMS, NO_TOKEN_NEEDED, READ_PROBLEMS
from api.routers.organizations import SERVICE_WRITE_PROBLEMS
from api.schemas.common import CommandAccepted
from api.schemas.contracts import (
    AmendmentCreate,
    ContractCreate,
    ContractPublic,
    ContractsPublic,
    DeliveryReport,
    DeliveryReview,
    PaymentCreate,
    ProviderReviewCreate,
    ReviewCreate,
    ReviewsPublic,
    TerminationCreate,
)
from domain.actors import Actor, Role
from domain.purchase.contract import ContractStatus
from domain.purchase.service import contract_not_found
from projections.case_rows import ContractFilter

# A token is optional on every route here, but one that is sent must be valid.
router = APIRouter(prefix="/purchase-contracts", tags=["purchase-contracts"],
                   dependencies=[Depends(optional_actor)])
reviews_router = APIRouter(prefix="/performance-reviews", tags=["purchase-contracts"],
                           dependencies=[Depends(optional_actor)])

_DEPARTMENT = frozenset({Role.DEPARTMENT})

Awarder = Annotated[Actor, Depends(acting_as(_DEPARTMENT, action="签订购买服务合同"))]
Acceptor = Annotated[Actor, Depends(acting_as(_DEPARTMENT, action="验收履约节点"))]
Amender = Annotated[Actor, Depends(acting_as(_DEPARTMENT, action="签订补充合同"))]
Terminator = Annotated[Actor, Depends(acting_as(_DEPARTMENT, action="终止合同"))]
Reviewer = Annotated[Actor, Depends(acting_as(_DEPARTMENT, action="开展绩效评价"))]
ProviderReviewer = Annotated[Actor, Depends(acting_as(_DEPARTMENT, action="复查承接方"))]
Payer = Annotated[Actor, Depends(acting_as(frozenset({Role.FINANCE}), action="审批支付"))]
Deliverer = Annotated[Actor, Depends(acting_as(frozenset({Role.ORGANIZATION}),
                                               action="报告履约节点交付"))]


# --- writes -------------------------------------------------------------------------------------


@router.post("", status_code=201, responses=SERVICE_WRITE_PROBLEMS)
async def award_contract(
    body: ContractCreate, actor: Awarder, purchases: Purchases, command_id: CommandId,
    request: Request, response: Response,
) -> CommandAccepted:
    """签订合同 (the item's department; within the item's budget, to an eligible provider);
    announced (公告) right after."""
    result = await purchases.award(
        command_id=command_id, actor=actor, item_id=body.item_id,
        organization_id=body.organization_id, method=body.method,
        fiscal_year=body.fiscal_year, amount_fen=body.amount_fen, term_start=body.term_start,
        term_end=body.term_end, secured_and_stable=body.secured_and_stable,
        milestones=tuple(m.plan() for m in body.milestones))
    response.headers["Location"] = str(request.url_for("get_purchase_contract",
                                                       contract_id=result.aggregate_id))
    return CommandAccepted.from_result(result)


@router.post("/{contract_id}/milestones/{milestone_id}/delivery",
             responses=SERVICE_WRITE_PROBLEMS)
async def report_delivery(
    contract_id: UUID, milestone_id: str, body: DeliveryReport, actor: Deliverer,
    purchases: Purchases, command_id: CommandId,
) -> CommandAccepted:
    """报告交付 (the contract's provider: an organization's token whose scope is the
    provider; the workflow refuses any other organization)."""
    result = await purchases.report_delivery(
        contract_id=contract_id, command_id=command_id, actor=actor,
        milestone_id=milestone_id, report=body.report)
    return CommandAccepted.from_result(result)


@router.post("/{contract_id}/milestones/{milestone_id}/acceptance",
             responses=SERVICE_WRITE_PROBLEMS)
async def review_delivery(
    contract_id: UUID, milestone_id: str, body: DeliveryReview, actor: Acceptor,
    purchases: Purchases, command_id: CommandId,
) -> CommandAccepted:
    """验收 (the buying department): accepted, or not with findings (public either way)."""
    result = await purchases.review_delivery(
        contract_id=contract_id, command_id=command_id, actor=actor,
        milestone_id=milestone_id, accepted=body.accepted, findings=body.findings)
    return CommandAccepted.from_result(result)


@router.post("/{contract_id}/payments", status_code=201, responses=SERVICE_WRITE_PROBLEMS)
async def approve_payment(
    contract_id: UUID, body: PaymentCreate, actor: Payer, purchases: Purchases,
    command_id: CommandId, request: Request, response: Response,
) -> CommandAccepted:
    """支付审批 (finance): against an accepted milestone, never more than it or the
    contract; the final payment waits for the performance review."""
    result = await purchases.approve_payment(
        contract_id=contract_id, command_id=command_id, actor=actor,
        milestone_id=body.milestone_id, amount_fen=body.amount_fen)
    _located(request, response, contract_id)
    return CommandAccepted.from_result(result)


@router.post("/{contract_id}/amendments", status_code=201, responses=SERVICE_WRITE_PROBLEMS)
async def amend_contract(
    contract_id: UUID, body: AmendmentCreate, actor: Amender, purchases: Purchases,
    command_id: CommandId, request: Request, response: Response,
) -> CommandAccepted:
    """补充合同 (the buying department): at most 10 % more in all, within the budget; or a
    new term end."""
    result = await purchases.amend(
        contract_id=contract_id, command_id=command_id, actor=actor, reason=body.reason,
        added_fen=body.added_fen,
        added_milestone=None if body.added_milestone is None else body.added_milestone.plan(),
        term_end=body.term_end)
    _located(request, response, contract_id)
    return CommandAccepted.from_result(result)


@router.post("/{contract_id}/termination", responses=SERVICE_WRITE_PROBLEMS)
async def terminate_contract(
    contract_id: UUID, body: TerminationCreate, actor: Terminator, purchases: Purchases,
    command_id: CommandId,
) -> CommandAccepted:
    """终止合同 (the buying department, with the reason)."""
    result = await purchases.terminate(contract_id=contract_id, command_id=command_id,
                                       actor=actor, reason=body.reason)
    return CommandAccepted.from_result(result)


@router.post("/{contract_id}/review", responses=SERVICE_WRITE_PROBLEMS)
async def record_review(
    contract_id: UUID, body: ReviewCreate, actor: Reviewer, purchases: Purchases,
    command_id: CommandId,
) -> CommandAccepted:
    """绩效评价 (the buying department, after the term): 决策, 过程, 产出, 效益; a 差 bars
    the provider from new awards."""
    result = await purchases.record_review(contract_id=contract_id, command_id=command_id,
                                           actor=actor, scores=dict(body.scores),
                                           comment=body.comment)
    return CommandAccepted.from_result(result)


@router.post("/{contract_id}/provider-review", responses=SERVICE_WRITE_PROBLEMS)
async def confirm_provider(
    contract_id: UUID, body: ProviderReviewCreate, actor: ProviderReviewer,
    purchases: Purchases, command_id: CommandId,
) -> CommandAccepted:
    """复查承接方 (the buying department, after the provider's grade changed): go on."""
    result = await purchases.confirm_provider(contract_id=contract_id, command_id=command_id,
                                              actor=actor, note=body.note)
    return CommandAccepted.from_result(result)


def _located(request: Request, response: Response, contract_id: UUID) -> None:
    response.headers["Location"] = str(request.url_for("get_purchase_contract",
                                                       contract_id=contract_id))


# --- reads ---------------------------------------------------------------------------------------


@router.get("", responses=LIST_PROBLEMS, openapi_extra=NO_TOKEN_NEEDED)
async def list_purchase_contracts(
    views: ContractViews,
    department: Annotated[str | None, Query(description="采购部门代码")] = None,
    provider_id: Annotated[UUID | None, Query(description="承接方（社会组织）ID")] = None,
    item_id: Annotated[UUID | None, Query(description="目录事项 ID")] = None,
    fiscal_year: Annotated[int | None, Query(ge=2000, le=2100, description="预算年度")
                           ] = None,
    status: Annotated[ContractStatus | None, Query(description="状态")] = None,
    cursor: PageCursor = None,
    limit: PageLimit = DEFAULT_LIMIT,
) -> ContractsPublic:
    """列出购买服务合同 (newest award first; public, with payments and acceptance)."""
    filters = ContractFilter(department=department, provider_id=provider_id, item_id=item_id,
                             fiscal_year=fiscal_year, status=status.value if status else None)
    page = await asyncio.to_thread(views.list_contracts, filters, cursor=cursor, limit=limit)
    return ContractsPublic.from_page(page)


@router.get("/{contract_id}", responses=READ_PROBLEMS, openapi_extra=NO_TOKEN_NEEDED)
async def get_purchase_contract(contract_id: UUID, views: ContractViews) -> ContractPublic:
    """查看购买服务合同 (amount, accepted, paid, outstanding; milestones, payments and
    amendments; public)."""
    row = await asyncio.to_thread(views.get_contract, contract_id)
    if row is None:
        raise contract_not_found(contract_id)
    return ContractPublic.from_row(row)


@reviews_router.get("", responses=LIST_PROBLEMS, openapi_extra=NO_TOKEN_NEEDED)
async def list_performance_reviews(
    views: ContractViews,
    provider_id: Annotated[UUID | None, Query(description="承接方（社会组织）ID")] = None,
    department: Annotated[str | None, Query(description="采购部门代码")] = None,
    contract_id: Annotated[UUID | None, Query(description="合同 ID")] = None,
    cursor: PageCursor = None,
    limit: PageLimit = DEFAULT_LIMIT,
) -> ReviewsPublic:
    """列出绩效评价 (newest first; public)."""
    page = await asyncio.to_thread(views.reviews, provider_id=provider_id,
                                   department=department, contract_id=contract_id,
                                   cursor=cursor, limit=limit)
    return ReviewsPublic.from_page(page)
