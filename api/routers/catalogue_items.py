"""/catalogue-items: the catalogue (建立目录, DESIGN.md §3.1) and its pipeline steps (§3.2).

Writes go to the command gateway (workflows); reads come from the catalogue and history
views.  Refusals are domain errors, which ``api.errors`` turns into problems.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import StringConstraints

from api.deps import (
    DEFAULT_LIMIT,
    Catalogue,
    CommandId,
    Commands,
    CurrentActor,
    DepartmentOfficer,
    History,
    OptionalActor,
    PageCursor,
    PageLimit,
    acting_as,
)
from api.errors import problem_responses
from api.ports import CatalogueCommands
from api.routers.common import NO_TOKEN_NEEDED as _NO_TOKEN_NEEDED
from api.routers.common import READ_PROBLEMS as _READ_PROBLEMS
from api.routers.common import WRITE_PROBLEMS as _WRITE_PROBLEMS
from api.schemas.catalogue import (
    BudgetRequest,
    CatalogueItemCreate,
    CatalogueItemOut,
    CatalogueItemsPublic,
    CatalogueItemUpdate,
    CommandAccepted,
    DecisionRequest,
    HistoryEntryPublic,
    OpinionRequest,
    ReferralExtensionRequest,
    ReferralRequest,
    RetentionReviewRequest,
    StepRequest,
    WithdrawRequest,
    item_out,
)
from api.visibility import catalogue_history, drafts_visible_to, may_see, sees_internal
from domain.actors import Actor, Role
from domain.catalogue.commands import CommandResult
from domain.catalogue.item import ItemStatus
from domain.errors import CatalogueItemNotFoundError, DomainError
from projections.readers import CatalogueReader
from projections.rows import CatalogueFilter, CatalogueItemRow

SEARCH_MAX = 50
SearchText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=SEARCH_MAX)]
"""``?q=``: trimmed first (full-width spaces too), then at most ``SEARCH_MAX`` characters."""

router = APIRouter(prefix="/catalogue-items", tags=["catalogue-items"])



# --- writes ---------------------------------------------------------------------


ItemCommand = Callable[..., Awaitable[CommandResult]]


@dataclass(frozen=True)
class ItemStep:
    """A command on one item: which item, who gives it, under which command id."""

    item_id: UUID
    actor: Actor
    command_id: str

    async def accept(self, command: ItemCommand, body: StepRequest | None = None,
                     **arguments: Any) -> CommandAccepted:
        """Give ``command`` with the body's fields (and ``arguments``); a refusal that names a
        field names it as the body does."""
        if body is not None:
            arguments.update(body.arguments())
        try:
            result = await command(
                item_id=self.item_id, command_id=self.command_id, actor=self.actor, **arguments
            )
        except DomainError as error:
            renamed = body.domain_fields.get(error.field or "") if body else None
            if renamed is None:
                raise
            raise type(error)(error.detail, field=renamed) from None
        return CommandAccepted.from_result(result)


def item_step(item_id: UUID, actor: CurrentActor, command_id: CommandId) -> ItemStep:
    return ItemStep(item_id=item_id, actor=actor, command_id=command_id)


Step = Annotated[ItemStep, Depends(item_step)]


def only(*roles: Role, action: str) -> list[Any]:
    """Route dependencies admitting ``roles`` only, refusing others with a Chinese 403."""
    return [Depends(acting_as(frozenset(roles), action=action))]


@router.post("", status_code=201, responses=problem_responses(401, 403, 422))
async def draft_catalogue_item(
    body: CatalogueItemCreate, actor: DepartmentOfficer, commands: Commands,
    command_id: CommandId, request: Request, response: Response,
) -> CommandAccepted:
    """起草目录事项 (draft a catalogue item in the officer's department)."""
    result = await commands.draft(
        command_id=command_id, actor=actor, department=body.department_for(actor),
        fields=body.to_fields(),
    )
    response.headers["Location"] = str(
        request.url_for("get_catalogue_item", item_id=result.aggregate_id)
    )
    return CommandAccepted.from_result(result)


@router.put("/{item_id}", responses=_WRITE_PROBLEMS,
            dependencies=only(Role.DEPARTMENT, action="修改目录事项"))
async def revise_catalogue_item(
    body: CatalogueItemUpdate, step: Step, commands: Commands,
) -> CommandAccepted:
    """修改目录事项 (revise a draft, or republish a published, not yet referred item)."""
    return await step.accept(commands.revise, fields=body.to_fields())


@router.post("/{item_id}/publish", responses=_WRITE_PROBLEMS,
             dependencies=only(Role.DEPARTMENT, action="发布目录事项"))
async def publish_catalogue_item(step: Step, commands: Commands) -> CommandAccepted:
    """发布目录事项并开始公示 (publish a draft and open its publicity period)."""
    return await step.accept(commands.publish)


@router.post("/{item_id}/withdraw", responses=_WRITE_PROBLEMS,
             dependencies=only(Role.DEPARTMENT, action="撤回目录事项"))
async def withdraw_catalogue_item(
    body: WithdrawRequest, step: Step, commands: Commands,
) -> CommandAccepted:
    """撤回目录事项 (withdraw an item, giving the reason)."""
    return await step.accept(commands.withdraw, reason=body.reason)


# The pipeline steps (DESIGN.md §3.1–3.2) differ only in these; one endpoint serves them all.


@dataclass(frozen=True)
class PipelineStep:
    """``POST /catalogue-items/{item_id}/<path>``: ``role`` gives ``command`` with ``body``."""

    path: str
    body: type[StepRequest]
    role: Role
    command: str
    """The name of the gateway's method (``CatalogueCommands``)."""


PIPELINE_STEPS = (
    PipelineStep("budget", BudgetRequest, Role.FINANCE, "allocate_budget"),
    PipelineStep("referral", ReferralRequest, Role.DEPARTMENT, "refer"),
    PipelineStep("opinion", OpinionRequest, Role.AGENCY, "give_opinion"),
    PipelineStep("referral/extension", ReferralExtensionRequest, Role.COMMITTEE, "extend_referral"),
    PipelineStep("decision", DecisionRequest, Role.DEPARTMENT, "decide"),
    PipelineStep("retention-review", RetentionReviewRequest, Role.COMMITTEE, "review_retention"),
)


def _add_pipeline_step(pipeline_step: PipelineStep) -> None:
    if not hasattr(CatalogueCommands, pipeline_step.command):
        raise LookupError(f"CatalogueCommands has no command {pipeline_step.command!r}")

    async def endpoint(body: StepRequest, step: Step, commands: Commands) -> CommandAccepted:
        return await step.accept(getattr(commands, pipeline_step.command), body)

    # FastAPI reads the body's schema from the annotation: each step's own.
    endpoint.__annotations__ = {**endpoint.__annotations__, "body": pipeline_step.body}
    name = f"{pipeline_step.command}_catalogue_item"
    endpoint.__name__ = name
    router.add_api_route(
        f"/{{item_id}}/{pipeline_step.path}", endpoint, methods=["POST"], name=name,
        summary=pipeline_step.body.action, description=pipeline_step.body.__doc__,
        responses=_WRITE_PROBLEMS,
        dependencies=only(pipeline_step.role, action=pipeline_step.body.action),
    )


for _pipeline_step in PIPELINE_STEPS:
    _add_pipeline_step(_pipeline_step)


# --- reads ----------------------------------------------------------------------


@router.get("", responses=problem_responses(401, 422, 503), openapi_extra=_NO_TOKEN_NEEDED)
async def list_catalogue_items(
    actor: OptionalActor,
    catalogue: Catalogue,
    department: Annotated[str | None, Query(description="部门代码，例如 440700-MZJ")] = None,
    catalogue_year: Annotated[int | None, Query(description="目录年度")] = None,
    status: Annotated[ItemStatus | None, Query(description="状态")] = None,
    level1: Annotated[str | None, Query(description="一级分类")] = None,
    q: Annotated[SearchText | None, Query(
        description=f"按事项名称和说明检索（中文子串，例如「养老」；首尾空白不计，"
        f"不超过 {SEARCH_MAX} 个字符）",
    )] = None,
    cursor: PageCursor = None,
    limit: PageLimit = DEFAULT_LIMIT,
) -> CatalogueItemsPublic:
    """列出、检索目录事项 (list and search; drafts only for their department and the committee)."""
    filters = CatalogueFilter(
        department=department, catalogue_year=catalogue_year,
        status=status.value if status else None, level1=level1,
        drafts_visible_to=drafts_visible_to(actor), q=q or None,
    )
    page = await asyncio.to_thread(catalogue.list_items, filters, cursor=cursor, limit=limit)
    return CatalogueItemsPublic.from_page(page, internal=lambda row: sees_internal(actor, row))


@router.get("/{item_id}", responses=_READ_PROBLEMS, openapi_extra=_NO_TOKEN_NEEDED)
async def get_catalogue_item(
    item_id: UUID, actor: OptionalActor, catalogue: Catalogue,
) -> CatalogueItemOut:
    """查看目录事项 (one catalogue item; internal fields only for the item's circle)."""
    row = await _visible_item(catalogue, item_id, actor)
    return item_out(row, sees_internal(actor, row))


@router.get("/{item_id}/history", responses=_READ_PROBLEMS, openapi_extra=_NO_TOKEN_NEEDED)
async def get_catalogue_item_history(
    item_id: UUID, actor: OptionalActor, catalogue: Catalogue, history: History,
) -> list[HistoryEntryPublic]:
    """目录事项的历史记录 (every event: what happened, who did it, when; a draft's content
    and the internal steps only for those who may see them)."""
    row = await _visible_item(catalogue, item_id, actor)
    entries = await asyncio.to_thread(history.history, item_id)
    return [HistoryEntryPublic.from_entry(entry)
            for entry in catalogue_history(entries, actor, row)]


async def _visible_item(
    catalogue: CatalogueReader, item_id: UUID, actor: Actor | None
) -> CatalogueItemRow:
    # A draft the caller may not see answers as if it did not exist.
    row = await asyncio.to_thread(catalogue.get_item, item_id)
    if row is None or not may_see(actor, row):
        raise CatalogueItemNotFoundError(f"目录事项 {item_id} 不存在", field="item_id")
    return row
