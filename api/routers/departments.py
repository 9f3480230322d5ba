"""/departments: the committee's registry of departments (登记部门, DESIGN.md §1).

The committee registers; anyone reads.  A department may draft catalogue items once
it is registered.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from api.deps import (
    DEFAULT_LIMIT,
    CommandId,
    Departments,
    History,
    PageCursor,
    PageLimit,
    Registry,
    acting_as,
    optional_actor,
)
from api.errors import problem_responses
from api.routers.common import LIST_PROBLEMS, NO_TOKEN_NEEDED, READ_PROBLEMS, history_of
from api.schemas.common import CommandAccepted, HistoryEntryPublic
from api.schemas.registry import DepartmentCreate, DepartmentPublic, DepartmentsPublic
from domain.actors import Actor, Role
from domain.errors import DepartmentNotFoundError
from domain.registry.commands import RegisterDepartment
from domain.registry.departments import RegisteredDepartment
from projections.readers import DepartmentReader
from projections.register_rows import DepartmentFilter, DepartmentRow

# A token is optional on every route here, but one that is sent must be valid.
router = APIRouter(prefix="/departments", tags=["departments"],
                   dependencies=[Depends(optional_actor)])

Registrar = Annotated[Actor, Depends(acting_as(frozenset({Role.COMMITTEE}), action="登记部门"))]


@router.post("", status_code=201, responses=problem_responses(401, 403, 409, 422))
async def register_department(
    body: DepartmentCreate, actor: Registrar, registry: Registry, command_id: CommandId,
    request: Request, response: Response,
) -> CommandAccepted:
    """登记部门 (register a department; the committee only)."""
    result = await registry.register_department(RegisterDepartment(
        command_id=command_id, actor=actor, code=body.code, name=body.name,
    ))
    response.headers["Location"] = str(request.url_for("get_department", code=result.code))
    return CommandAccepted.from_result(result)


@router.get("", responses=LIST_PROBLEMS, openapi_extra=NO_TOKEN_NEEDED)
async def list_departments(
    departments: Departments,
    region_code: Annotated[str | None, Query(description="行政区划代码，例如 440703")] = None,
    pilot: Annotated[bool | None, Query(description="是否试点地区（蓬江区、台山市）")] = None,
    cursor: PageCursor = None,
    limit: PageLimit = DEFAULT_LIMIT,
) -> DepartmentsPublic:
    """列出已登记的部门 (registered departments in code order)."""
    page = await asyncio.to_thread(
        departments.list_departments, DepartmentFilter(region_code=region_code, pilot=pilot),
        cursor=cursor, limit=limit,
    )
    return DepartmentsPublic.from_page(page)


@router.get("/{code}", responses=READ_PROBLEMS, openapi_extra=NO_TOKEN_NEEDED)
async def get_department(code: str, departments: Departments) -> DepartmentPublic:
    """查看部门 (one registered department)."""
    return DepartmentPublic.from_row(await _registered(departments, code))


@router.get("/{code}/history", responses=READ_PROBLEMS, openapi_extra=NO_TOKEN_NEEDED)
async def get_department_history(
    code: str, departments: Departments, history: History,
) -> list[HistoryEntryPublic]:
    """部门的登记记录 (every event: what happened, who did it, when)."""
    await _registered(departments, code)
    return await history_of(history, RegisteredDepartment.create_id(code))


async def _registered(departments: DepartmentReader, code: str) -> DepartmentRow:
    row = await asyncio.to_thread(departments.get_department, code)
    if row is None:
        raise DepartmentNotFoundError(f"部门代码 {code} 未登记", field="code")
    return row
