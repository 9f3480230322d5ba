"""Pages of finance staff (财政部门): budgets to allocate (安排预算), payments waiting for
approval (待审批支付) and the contracts-and-payments ledger (合同台账).

The forms post to ``POST /catalogue-items/{id}/budget`` and ``POST /purchase-contracts/{id}
/payments``; the API decides.  Amounts are typed and shown in 元, sent in 分.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import Catalogue, ChinaToday, ContractViews, Departments
from api.web.session import PageUser
from api.web.templating import forbidden, render
from domain.actors import Actor, Role
from domain.catalogue.item import DecisionMode, ItemStatus
from domain.purchase.contract import ContractStatus, MilestoneStatus
from projections.case_rows import ContractFilter, ContractRow, MilestoneRow
from projections.register_rows import DepartmentFilter
from projections.rows import CatalogueFilter, CatalogueItemRow, Page

router = APIRouter(prefix="/web", include_in_schema=False)

T = TypeVar("T")

PAGE = 200
MOST = 5000
"""The most rows a page gathers from a view (every page of it, up to this many)."""


def every(fetch: Callable[[str | None], Page[T]], *, most: int = MOST) -> list[T]:
    """Every row a paged reader gives (``fetch(cursor)``), following its cursors."""
    rows: list[T] = []
    cursor: str | None = None
    while True:
        page = fetch(cursor)
        rows.extend(page.data)
        cursor = page.next_cursor
        if cursor is None or len(rows) >= most:
            return rows


def _not_finance(request: Request, actor: Actor) -> HTMLResponse:
    return forbidden(request, actor, "预算安排、支付审批和合同台账只对财政部门开放；"
                                     "请以财政部门的身份登录")


# --- budgets ----------------------------------------------------------------------------

BUDGET_STAGES = (ItemStatus.PUBLICITY, ItemStatus.PUBLICITY_CLOSED, ItemStatus.REFERRED,
                 ItemStatus.OPINION_GIVEN, ItemStatus.DECIDED)
"""Published items still heading for (or decided for) a purchase of services."""


def needs_budget(item: CatalogueItemRow) -> bool:
    """A published item that may be bought as a service: not a statutory function, not on
    the negative list, and not decided for another way (转移, 授权, 委托, 保留)."""
    if item.must_be_retained or item.negative_list:
        return False
    if item.status == ItemStatus.DECIDED.value:
        return item.decision_mode == DecisionMode.PURCHASE.value
    return item.opinion_recommendation in (None, DecisionMode.PURCHASE.value)


@router.get("/budgets", response_class=HTMLResponse)
async def budgets_page(request: Request, actor: PageUser, catalogue: Catalogue) -> Response:
    """预算安排: the items that need a budget, those without one first."""
    if actor.role is not Role.FINANCE:
        return _not_finance(request, actor)

    def at(stage: ItemStatus) -> list[CatalogueItemRow]:
        return every(lambda cursor: catalogue.list_items(
            CatalogueFilter(status=stage.value), cursor=cursor, limit=PAGE))

    def candidates() -> list[CatalogueItemRow]:
        return [item for stage in BUDGET_STAGES for item in at(stage)]

    items = [item for item in await asyncio.to_thread(candidates) if needs_budget(item)]
    items.sort(key=lambda item: (item.budget_fen is not None, item.catalogue_year, item.code))
    return render(request, "finance/budgets.html", actor=actor, title="预算安排", items=items,
                  unbudgeted=sum(1 for item in items if item.budget_fen is None))


# --- payments ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Payable:
    """An accepted milestone not fully paid, on a contract that may still be paid."""

    contract: ContractRow
    milestone: MilestoneRow
    department_name: str

    @property
    def remaining_fen(self) -> int:
        return self.milestone.amount_fen - self.milestone.paid_fen

    @property
    def final(self) -> bool:
        """Paying all of it would pay the contract's last 分 (尾款)."""
        return self.remaining_fen >= self.contract.outstanding_fen


PAYABLE_STATUSES = (ContractStatus.PERFORMING, ContractStatus.REVIEW_DUE)


def _department_names(departments: Departments) -> dict[str, str]:
    return {row.code: row.name for row in every(lambda cursor: departments.list_departments(
        DepartmentFilter(), cursor=cursor, limit=PAGE))}


@router.get("/payments", response_class=HTMLResponse)
async def payments_page(request: Request, actor: PageUser, views: ContractViews,
                        departments: Departments) -> Response:
    """待审批支付: accepted milestones not fully paid, across contracts."""
    if actor.role is not Role.FINANCE:
        return _not_finance(request, actor)

    def at(state: ContractStatus) -> list[ContractRow]:
        return every(lambda cursor: views.list_contracts(
            ContractFilter(status=state.value), cursor=cursor, limit=PAGE))

    def payables() -> list[Payable]:
        names = _department_names(departments)
        return [Payable(contract, milestone, names.get(contract.department, contract.department))
                for state in PAYABLE_STATUSES for contract in at(state)
                for milestone in contract.milestones
                if milestone.status == MilestoneStatus.ACCEPTED.value
                and milestone.paid_fen < milestone.amount_fen]

    rows = await asyncio.to_thread(payables)
    rows.sort(key=lambda p: (p.milestone.accepted_on is None, p.milestone.accepted_on,
                             p.contract.item_code, p.milestone.milestone_id))
    return render(request, "finance/payments.html", actor=actor, title="待审批支付",
                  rows=rows, waiting_fen=sum(p.remaining_fen for p in rows))


# --- the ledger -------------------------------------------------------------------------

GROUPINGS = {"department": "部门", "organization": "社会组织", "fiscal_year": "预算年度"}
YEARS = (2000, 2100)


@router.get("/ledger", response_class=HTMLResponse)
async def ledger_page(request: Request, actor: PageUser, views: ContractViews,
                      today: ChinaToday, group_by: str = "department",
                      fiscal_year: str = "") -> Response:
    """合同台账: per department, organization or fiscal year, with the grand total."""
    if actor.role is not Role.FINANCE:
        return _not_finance(request, actor)
    errors: dict[str, str] = {}
    if group_by not in GROUPINGS:
        errors["group_by"] = f"分组应为{'、'.join(GROUPINGS.values())}之一"
        group_by = "department"
    year: int | None = None
    if fiscal_year.strip():
        text = fiscal_year.strip()
        if text.isdigit() and YEARS[0] <= int(text) <= YEARS[1]:
            year = int(text)
        else:
            errors["fiscal_year"] = (f"预算年度应为 {YEARS[0]}–{YEARS[1]} 之间的年份，"
                                     f"例如 {today.year}；现为「{text}」")
    lines, totals = await asyncio.to_thread(views.ledger, group_by=group_by, fiscal_year=year,
                                            department=None)
    return render(request, "finance/ledger.html", actor=actor, title="合同台账",
                  lines=lines, totals=totals, group_by=group_by, fiscal_year=year,
                  fiscal_year_text=fiscal_year.strip(), groupings=list(GROUPINGS.items()),
                  group_label=GROUPINGS[group_by], errors=errors,
                  status_code=422 if errors else 200)
