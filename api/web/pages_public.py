"""Public pages (信息公开, no sign-in): the catalogue, organizations and their grades,
purchase contracts, and the complaint form.

Every page shows what the API shows the public — whoever is signed in: the rows pass
through the API's public schemas and ``api.visibility`` as an anonymous caller, so no
draft, board member's office or complainant reaches them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import (
    Catalogue,
    ContractViews,
    Departments,
    History,
    Organizations,
    Services,
    ServicesDep,
)
from api.routers.catalogue_items import SEARCH_MAX
from api.schemas.catalogue import CatalogueItemPublic
from api.schemas.contracts import ContractPublic, ReviewPublic
from api.schemas.organizations import GradePublic, OrganizationPublic
from api.schemas.transfers import TransferPublic
from api.visibility import catalogue_history, may_see
from api.web.session import PageActor
from api.web.templating import not_found, render
from domain.actors import ROLE_LABELS
from domain.catalogue.item import STATUS_LABELS, ItemStatus
from domain.organizations.credit_code import OrganizationCategory
from domain.organizations.records import OrganizationKind
from domain.purchase.contract import ContractStatus
from projections.case_rows import ContractFilter, TransferFilter
from projections.organization_rows import OrganizationFilter
from projections.readers import ContractReader
from projections.register_rows import DepartmentFilter
from projections.rows import CatalogueFilter, Page

router = APIRouter(prefix="/web", include_in_schema=False)

PAGE_SIZE = 50
EVERYTHING = 200
"""The most a reader gives in one page; ``all_rows`` reads on until the end."""
ALL_ROWS_MAX = 10_000
"""A bound on what a page aggregates (charts, selects): far beyond the city's numbers."""

T = TypeVar("T")

PUBLIC_STATUSES = tuple((s.value, STATUS_LABELS[s]) for s in ItemStatus
                        if s is not ItemStatus.DRAFT)
PIPELINE = ("公示", "公示结束", "咨询", "咨询意见", "决定")
"""The public catalogue's stages, drawn as a progress line."""
STAGE_OF: dict[str, int] = {
    ItemStatus.PUBLICITY: 0, ItemStatus.PUBLICITY_CLOSED: 1, ItemStatus.REFERRED: 2,
    ItemStatus.OPINION_GIVEN: 3, ItemStatus.RETENTION_PENDING: 3, ItemStatus.RETAINED: 4,
    ItemStatus.DECIDED: 4,
}
ROLE_NAMES = {role.value: label for role, label in ROLE_LABELS.items()}

Text = Annotated[str, Query(max_length=SEARCH_MAX)]


def all_rows(fetch: Callable[[str | None], Page[T]]) -> list[T]:
    """Every row of a keyset-paginated reader: ``fetch(cursor)`` until no next page."""
    rows: list[T] = []
    cursor: str | None = None
    while len(rows) < ALL_ROWS_MAX:
        page = fetch(cursor)
        rows += page.data
        cursor = page.next_cursor
        if cursor is None:
            break
    return rows


def whole_number(text: str | None) -> int | None:
    """A GET form's number (an empty box sends ""): its value, or None."""
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) <= 9 else None


def uuid_or_none(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None


def department_names(departments: Departments) -> dict[str, str]:
    return {d.code: d.name for d in all_rows(lambda cursor: departments.list_departments(
        DepartmentFilter(), cursor=cursor, limit=EVERYTHING))}


@dataclass(frozen=True)
class Pipeline:
    """Where an item stands on the catalogue's progress line."""

    stages: tuple[str, ...]
    current: int | None
    """The stage it is at; None for a withdrawn item (off the line)."""


# --- the catalogue -----------------------------------------------------------------------------


@router.get("/public/catalogue", response_class=HTMLResponse)
async def public_catalogue(
    request: Request, actor: PageActor, catalogue: Catalogue, departments: Departments,
    q: Text = "", department: Text = "", catalogue_year: Text = "", status: Text = "",
    level1: Text = "", cursor: str | None = None,
) -> Response:
    """公开目录: published items, filtered and searched (中文子串)."""
    filters = CatalogueFilter(
        department=department or None, catalogue_year=whole_number(catalogue_year),
        status=status if status in dict(PUBLIC_STATUSES) else None,
        level1=level1.strip() or None, drafts_visible_to=None, q=q.strip() or None)
    page = await asyncio.to_thread(catalogue.list_items, filters, cursor=cursor,
                                   limit=PAGE_SIZE)
    names = await asyncio.to_thread(department_names, departments)
    items = [CatalogueItemPublic.from_row(row) for row in page.data]
    query = {"q": q, "department": department, "catalogue_year": catalogue_year,
             "status": status, "level1": level1}
    return render(request, "public/catalogue.html", actor=actor, title="公开目录",
                  items=items, next_cursor=page.next_cursor, query=query,
                  departments=sorted(names.items()), statuses=PUBLIC_STATUSES)


@router.get("/public/catalogue/{item_id}", response_class=HTMLResponse)
async def public_catalogue_item(
    request: Request, item_id: str, actor: PageActor, catalogue: Catalogue, history: History,
    services: ServicesDep,
) -> Response:
    """目录事项（公开）: its facts, where it stands, what happened; a draft is not found."""
    key = uuid_or_none(item_id)
    row = None if key is None else await asyncio.to_thread(catalogue.get_item, key)
    if row is None or key is None or not may_see(None, row):
        return not_found(request, actor, f"目录事项 {item_id} 不存在或尚未公开")
    entries = await asyncio.to_thread(history.history, key)
    contracts, transfers = await asyncio.to_thread(_cases_of_item, services, key)
    item = CatalogueItemPublic.from_row(row)
    return render(request, "public/catalogue_item.html", actor=actor,
                  title=f"{item.name}（{item.code}）", item=item,
                  pipeline=Pipeline(PIPELINE, STAGE_OF.get(row.status)),
                  history=catalogue_history(entries, None, row), role_names=ROLE_NAMES,
                  contracts=contracts, transfers=transfers)


def _cases_of_item(services: Services, item_id: UUID
                   ) -> tuple[list[ContractPublic], list[TransferPublic]]:
    """The item's purchase contracts and transfers (public record), where this deployment
    has their views."""
    contract_views, transfer_views = services.contract_views, services.transfer_views
    contracts = [] if contract_views is None else [
        ContractPublic.from_row(c) for c in all_rows(lambda cursor: contract_views
        .list_contracts(ContractFilter(item_id=item_id), cursor=cursor, limit=EVERYTHING))]
    transfers = [] if transfer_views is None else [
        TransferPublic.from_row(t) for t in all_rows(lambda cursor: transfer_views
        .list_transfers(TransferFilter(item_id=item_id), cursor=cursor, limit=EVERYTHING))]
    return contracts, transfers


def _reviews(contracts: ContractReader, *, provider_id: UUID | None,
             contract_id: UUID | None) -> list[ReviewPublic]:
    return [ReviewPublic.from_row(r) for r in all_rows(lambda cursor: contracts.reviews(
        provider_id=provider_id, department=None, contract_id=contract_id, cursor=cursor,
        limit=EVERYTHING))]


# --- organizations -------------------------------------------------------------------------------


@router.get("/public/organizations", response_class=HTMLResponse)
async def public_organizations(
    request: Request, actor: PageActor, organizations: Organizations,
    q: Text = "", kind: Text = "", category: Text = "", grade_level: Text = "",
    cursor: str | None = None,
) -> Response:
    """社会组织与评估等级: grade, its validity and credit flags of each organization."""
    level = whole_number(grade_level)
    filters = OrganizationFilter(
        q=q.strip() or None, kind=kind if kind in set(OrganizationKind) else None,
        category=category if category in set(OrganizationCategory) else None,
        grade_level=level if level is not None and 1 <= level <= 5 else None)
    page = await asyncio.to_thread(organizations.list_organizations, filters, cursor=cursor,
                                   limit=PAGE_SIZE)
    shown = [OrganizationPublic.from_row(row, sees_office=False) for row in page.data]
    query = {"q": q, "kind": kind, "category": category, "grade_level": grade_level}
    return render(request, "public/organizations.html", actor=actor, title="社会组织与评估等级",
                  organizations=shown, next_cursor=page.next_cursor, query=query,
                  kinds=[(k.value, k.value) for k in OrganizationKind],
                  categories=[(c.value, c.value) for c in OrganizationCategory])


@router.get("/public/organizations/{organization_id}", response_class=HTMLResponse)
async def public_organization(
    request: Request, organization_id: str, actor: PageActor, organizations: Organizations,
    services: ServicesDep,
) -> Response:
    """社会组织（公开信息）: registration, grades, inspections, penalties, credit flags and
    the outcomes of complaints — never who complained, nor a board member's office."""
    key = uuid_or_none(organization_id)
    row = None if key is None else await asyncio.to_thread(organizations.get_organization,
                                                          key)
    if row is None or key is None:
        return not_found(request, actor, f"社会组织 {organization_id} 未登记")
    grades = await asyncio.to_thread(organizations.grades_of, key)
    reviews = [] if services.contract_views is None else await asyncio.to_thread(
        _reviews, services.contract_views, provider_id=key, contract_id=None)
    record = OrganizationPublic.from_row(row, sees_office=False)
    return render(request, "public/organization.html", actor=actor, title=record.name,
                  organization=record, grades=[GradePublic.from_row(g) for g in grades],
                  reviews=reviews)


# --- contracts -----------------------------------------------------------------------------------


@router.get("/public/contracts", response_class=HTMLResponse)
async def public_contracts(
    request: Request, actor: PageActor, contracts: ContractViews, departments: Departments,
    department: Text = "", fiscal_year: Text = "", status: Text = "",
    cursor: str | None = None,
) -> Response:
    """购买服务合同: amounts, announcement and performance of every contract."""
    filters = ContractFilter(
        department=department or None, fiscal_year=whole_number(fiscal_year),
        status=status if status in set(ContractStatus) else None)
    page = await asyncio.to_thread(contracts.list_contracts, filters, cursor=cursor,
                                   limit=PAGE_SIZE)
    names = await asyncio.to_thread(department_names, departments)
    query = {"department": department, "fiscal_year": fiscal_year, "status": status}
    return render(request, "public/contracts.html", actor=actor, title="购买服务合同",
                  contracts=[ContractPublic.from_row(row) for row in page.data],
                  next_cursor=page.next_cursor, query=query, names=names,
                  departments=sorted(names.items()),
                  statuses=[(s.value, s.value) for s in ContractStatus])


@router.get("/public/contracts/{contract_id}", response_class=HTMLResponse)
async def public_contract(
    request: Request, contract_id: str, actor: PageActor, contracts: ContractViews,
    departments: Departments,
) -> Response:
    """购买服务合同（公开）: milestones, payments, amendments and the performance review."""
    key = uuid_or_none(contract_id)
    row = None if key is None else await asyncio.to_thread(contracts.get_contract, key)
    if row is None or key is None:
        return not_found(request, actor, f"购买服务合同 {contract_id} 不存在")
    reviews = await asyncio.to_thread(_reviews, contracts, provider_id=None, contract_id=key)
    department = await asyncio.to_thread(departments.get_department, row.department)
    contract = ContractPublic.from_row(row)
    return render(request, "public/contract.html", actor=actor,
                  title=f"{contract.item_name} · 购买服务合同", contract=contract,
                  department_name=department.name if department else row.department,
                  reviews=reviews)


# --- complaints ---------------------------------------------------------------------------------


@router.get("/public/complaints/new", response_class=HTMLResponse)
async def complaint_form(
    request: Request, actor: PageActor, organizations: Organizations,
    organization_id: Text = "",
) -> Response:
    """投诉: anyone, without signing in, about a registered organization."""
    rows = await asyncio.to_thread(all_rows, lambda cursor: organizations.list_organizations(
        OrganizationFilter(), cursor=cursor, limit=EVERYTHING))
    choices = sorted(((str(o.id), f"{o.name}（{o.credit_code}）") for o in rows),
                     key=lambda choice: choice[1])
    chosen = organization_id if organization_id in {key for key, _ in choices} else ""
    return render(request, "public/complaint_form.html", actor=actor, title="投诉社会组织",
                  choices=choices, chosen=chosen)


@router.get("/public/complaints/thanks", response_class=HTMLResponse)
async def complaint_thanks(
    request: Request, actor: PageActor, organizations: Organizations,
    organization_id: Text = "", complaint_id: Text = "",
) -> Response:
    """投诉已受理: what happens next."""
    key = uuid_or_none(organization_id)
    row = None if key is None else await asyncio.to_thread(organizations.get_organization,
                                                          key)
    return render(request, "public/complaint_thanks.html", actor=actor, title="投诉已受理",
                  organization=row, complaint_id=complaint_id.strip())

