"""/inbox: the caller's task inbox (待办事项, DESIGN.md §5): who must act next, by when."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request

from api.deps import DEFAULT_LIMIT, ChinaToday, CurrentActor, Inbox, PageCursor, PageLimit
from api.errors import problem_responses
from api.schemas.inbox import InboxPublic
from projections.rows import InboxEntry

router = APIRouter(prefix="/inbox", tags=["inbox"])

ENTITY_ROUTES: dict[str, tuple[str, str]] = {
    "catalogue_item": ("get_catalogue_item", "item_id"),
    "grade_evaluation": ("get_grade_evaluation", "evaluation_id"),
    "function_transfer": ("get_transfer", "transfer_id"),
    "staffing_request": ("get_staffing_request", "request_id"),
    "purchase_contract": ("get_purchase_contract", "contract_id"),
    "quarterly_report": ("get_quarterly_report", "report_id"),
    "acceptance_review": ("get_acceptance_review", "review_id"),
}
"""Where each kind of entity is read and acted on: the route's name and its id parameter."""


@router.get("", responses=problem_responses(401, 422, 503))
async def list_inbox(
    actor: CurrentActor, inbox: Inbox, today: ChinaToday, request: Request,
    cursor: PageCursor = None, limit: PageLimit = DEFAULT_LIMIT,
) -> InboxPublic:
    """我的待办 (what waits on the caller, flagged due soon or overdue as of today in China)."""
    page = await asyncio.to_thread(
        inbox.inbox, role=actor.role.value, scope=actor.scope, today=today, cursor=cursor,
        limit=limit,
    )
    return InboxPublic.from_page(page, link=lambda entry: _link(request, entry))


def _link(request: Request, entry: InboxEntry) -> str | None:
    route = ENTITY_ROUTES.get(entry.entity_type)
    if route is None:
        return None
    name, parameter = route
    return str(request.app.url_path_for(name, **{parameter: str(entry.entity_id)}))
