"""/ledger: the contracts-and-payments ledger (合同与支付台账, DESIGN.md §5).

Per department, organization or fiscal year: how many contracts, their amount, what was
accepted, paid and is outstanding, and overdue milestones; the groups add up to the
totals.  Finance and the committee read all of it, a department its own contracts.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from api.deps import ContractViews, acting_as
from api.errors import problem_responses
from api.schemas.contracts import LedgerPublic
from api.visibility import ledger_visible_to
from domain.actors import Actor, Role
from domain.errors import OtherDepartmentError

router = APIRouter(prefix="/ledger", tags=["ledger"])

_READ = "查看合同与支付台账"

LedgerReader = Annotated[Actor, Depends(acting_as(
    frozenset({Role.FINANCE, Role.COMMITTEE, Role.DEPARTMENT}), action=_READ))]

GroupBy = Literal["department", "organization", "fiscal_year"]


@router.get("", responses=problem_responses(401, 403, 422, 503))
async def get_ledger(
    actor: LedgerReader,
    views: ContractViews,
    group_by: Annotated[GroupBy, Query(
        description="分组：department（部门）、organization（社会组织）或 fiscal_year（预算年度）"
    )] = "department",
    fiscal_year: Annotated[int | None, Query(ge=2000, le=2100, description="只含此预算年度")
                           ] = None,
    department: Annotated[str | None, Query(
        description="只含此部门（职能部门只能查看本部门，可不填）")] = None,
) -> LedgerPublic:
    """合同与支付台账 (grouped, with totals; amounts in fen and in yuan)."""
    own = ledger_visible_to(actor)
    if own is not None:
        if department is not None and department != own:
            raise OtherDepartmentError(
                f"您所在的部门为 {own}，不能{_READ}（部门 {department}）；"
                f"职能部门只能查看本部门的合同与支付", field="department")
        department = own
    lines, totals = await asyncio.to_thread(views.ledger, group_by=group_by,
                                            fiscal_year=fiscal_year, department=department)
    return LedgerPublic.of(lines, totals, group_by=group_by, fiscal_year=fiscal_year,
                           department=department)
