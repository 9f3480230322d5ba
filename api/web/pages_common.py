"""Pages everyone uses: sign-in and sign-out, and the inbox (我的待办) that comes first."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import (
    SCOPE_CLAIMS,
    TOKEN_COOKIE,
    TOKEN_ROLES,
    InvalidTokenError,
    decode_token,
    issue_token,
)
from api.deps import ChinaToday, Inbox, ServicesDep
from api.web.session import PageActor, PageUser
from api.web.templating import render
from domain.actors import ROLE_LABELS, Actor, Role
from projections.organization_rows import OrganizationFilter
from projections.register_rows import DepartmentFilter

router = APIRouter(prefix="/web", include_in_schema=False)

EVERYTHING = 200
SCOPE_FIELDS: dict[Role, str] = dict(SCOPE_CLAIMS)
"""The sign-in form's field that names each scoped role's scope."""


@router.get("", response_class=HTMLResponse)
@router.get("/", response_class=HTMLResponse)
async def home(actor: PageActor) -> Response:
    """The inbox for a signed-in user, the public catalogue for everyone else."""
    return RedirectResponse("/web/inbox" if actor else "/web/public/catalogue", 303)


@router.get("/sign-in", response_class=HTMLResponse)
async def sign_in_page(request: Request, services: ServicesDep, actor: PageActor,
                       next: str = "/web/inbox") -> Response:
    """登录."""
    return await _sign_in_form(request, services, actor, next=next, errors={})


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in(
    request: Request, services: ServicesDep,
    next: Annotated[str, Form()] = "/web/inbox",
    token: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    user: Annotated[str, Form()] = "",
    department: Annotated[str, Form()] = "",
    agency: Annotated[str, Form()] = "",
    evaluator: Annotated[str, Form()] = "",
    organization: Annotated[str, Form()] = "",
) -> Response:
    """Development: a token for the role and scope chosen; production: the token given."""
    errors: dict[str, str] = {}
    if services.development_sign_in and not token:
        token, errors = _development_token(services, role=role, user=user, scopes={
            "department": department, "agency": agency, "evaluator": evaluator,
            "organization": organization})
    if not errors:
        try:
            decode_token(services.auth, token.strip())
        except InvalidTokenError as error:
            errors["token"] = f"{error.reason}；请粘贴统一身份认证平台签发的有效令牌"
    if errors:
        return await _sign_in_form(request, services, None, next=next, errors=errors,
                                   status_code=422)
    response = RedirectResponse(_safe_next(next), 303)
    response.set_cookie(TOKEN_COOKIE, token.strip(), httponly=True, samesite="strict",
                        secure=request.url.scheme == "https",
                        max_age=int(services.auth.ttl.total_seconds()))
    return response


@router.post("/sign-out")
async def sign_out() -> Response:
    """退出登录."""
    response = RedirectResponse("/web/public/catalogue", 303)
    response.delete_cookie(TOKEN_COOKIE)
    return response


@router.get("/inbox", response_class=HTMLResponse)
async def inbox_page(request: Request, actor: PageUser, inbox: Inbox, today: ChinaToday,
                     cursor: str | None = None) -> Response:
    """我的待办: what waits for me, due soon, overdue — each linked to where it is done."""
    page = await asyncio.to_thread(
        inbox.inbox, role=actor.role.value, scope=actor.scope, today=today, cursor=cursor,
        limit=100)
    return render(request, "inbox.html", actor=actor, title="我的待办", page=page,
                  today=today)


def _development_token(services: ServicesDep, *, role: str, user: str,
                       scopes: dict[str, str]) -> tuple[str, dict[str, str]]:
    try:
        chosen = Role(role)
    except ValueError:
        return "", {"role": "请选择角色"}
    field = SCOPE_FIELDS.get(chosen)
    scope = scopes.get(field, "").strip() if field else None
    if field and not scope:
        return "", {field: f"请选择{ROLE_LABELS[chosen]}所属的单位"}
    try:
        token = issue_token(services.auth, role=chosen, scope=scope,
                            user=user.strip() or f"dev-{chosen.value}")
    except ValueError as error:
        return "", {field or "role": str(error)}
    return token, {}


def _safe_next(next_path: str) -> str:
    """Only a page of this site (never another host)."""
    return next_path if next_path.startswith("/web/") and "//" not in next_path \
        else "/web/inbox"


async def _sign_in_form(request: Request, services: ServicesDep, actor: Actor | None, *,
                        next: str, errors: dict[str, str], status_code: int = 200
                        ) -> HTMLResponse:
    choices: dict[str, Any] = {}
    if services.development_sign_in:
        choices = await asyncio.to_thread(_scope_choices, services)
    roles = [(role.value, ROLE_LABELS[role]) for role in Role if role in TOKEN_ROLES]
    return render(request, "sign_in.html", actor=actor, title="登录", next=_safe_next(next),
                  errors=errors, development=services.development_sign_in, roles=roles,
                  choices=choices, status_code=status_code)


def _scope_choices(services: ServicesDep) -> dict[str, list[tuple[str, str]]]:
    """What the development sign-in offers as scopes: the registered units."""
    choices: dict[str, list[tuple[str, str]]] = {
        "department": [(d.code, f"{d.name}（{d.code}）") for d in services.departments
                       .list_departments(DepartmentFilter(), cursor=None, limit=EVERYTHING)
                       .data],
        "agency": [(str(a.agency.id), a.agency.name) for a in services.agencies
                   .list_agencies(cursor=None, limit=EVERYTHING).data],
        "evaluator": [], "organization": []}
    if services.evaluation_views is not None:
        choices["evaluator"] = [(str(e.id), e.name) for e in services.evaluation_views
                                .list_evaluators(cursor=None, limit=EVERYTHING).data]
    if services.organization_views is not None:
        choices["organization"] = [
            (str(o.id), o.name) for o in services.organization_views.list_organizations(
                OrganizationFilter(), cursor=None, limit=EVERYTHING).data]
    return choices
