"""The department officer's catalogue pages: the list with its filters and search, the
item page (its pipeline stage, its history, the next step's forms), the draft form and
the Excel import.

Everything read comes from the catalogue and history views with the API's visibility
(``api.visibility``); every form posts to the API's own routes (``/catalogue-items…``,
``/transfers``, ``/purchase-contracts``), which decide.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import Agencies, Catalogue, ChinaToday, History, ServicesDep
from api.visibility import catalogue_history, drafts_visible_to, may_see, sees_internal
from api.web.formats import yuan, zh_date
from api.web.session import PageUser
from api.web.templating import forbidden, not_found, render
from domain.actors import ROLE_LABELS, Actor, Role
from domain.catalogue.classification import CLASSIFICATION_SETS, Nature, NegativeListCategory
from domain.catalogue.item import STATUS_LABELS, DecisionMode, ItemStatus
from domain.purchase.contract import ProcurementMethod
from domain.transfer.transfer import TRANSFER_MODES
from projections.case_rows import ContractFilter, ContractRow, TransferFilter, TransferRow
from projections.organization_rows import OrganizationFilter
from projections.rows import CatalogueFilter, CatalogueItemRow, HistoryEntry

router = APIRouter(prefix="/web", include_in_schema=False)

PAGE_SIZE = 50
PAGE_SIZE_MAX = 200
SEARCH_MAX = 50
"""As the API's ``?q=``: at most 50 characters, trimmed."""
EVERYTHING = 200
MILESTONE_ROWS = 3
"""Empty milestone rows the award form offers (the page can add more)."""

MINE, ALL = "mine", "all"
SCOPES = ((MINE, "本部门"), (ALL, "全市（已发布的）"))

STATUS_TONES: dict[str, str] = {
    ItemStatus.PUBLICITY: "soon", ItemStatus.DECIDED: "ok", ItemStatus.RETAINED: "ok",
    ItemStatus.WITHDRAWN: "overdue", ItemStatus.RETENTION_PENDING: "soon",
}
"""The badge tone of each status (the others plain)."""

LEVEL1_SUGGESTIONS: tuple[str, ...] = tuple(dict.fromkeys(
    level1 for classes in CLASSIFICATION_SETS.values() for level1 in classes))
"""The classes of both classification sets govflow knows; the active one is a setting
the domain checks (its refusal names the classes that are right)."""

HANDOVER_STAGE = "转移/购买服务"
STAGES: tuple[tuple[str, str], ...] = (
    ("draft", "起草"), ("publicity", "公示"), ("publicity_closed", "公示结束"),
    ("referred", "提交咨询"), ("opinion_given", "咨询意见"), ("decided", "决定"),
    ("handed_over", HANDOVER_STAGE),
)
_STAGE_OF_STATUS: dict[str, int] = {
    ItemStatus.DRAFT: 0, ItemStatus.PUBLICITY: 1, ItemStatus.PUBLICITY_CLOSED: 2,
    ItemStatus.REFERRED: 3, ItemStatus.OPINION_GIVEN: 4, ItemStatus.RETENTION_PENDING: 5,
    ItemStatus.RETAINED: 5,
}

DETAIL_LABELS: dict[str, str] = {
    "name": "事项名称", "reason": "理由", "mode": "方式", "recommendation": "建议方式",
    "reasons": "理由", "agency_name": "咨询服务机构", "justification": "保留理由",
    "due_on": "期限", "fiscal_year": "预算年度", "amount_fen": "金额", "comment": "审批意见",
    "approved": "是否同意", "publicity_ends_on": "公示期至", "version_no": "版本",
}
"""The details of an item's history shown beside the event, in this order."""
DATE_DETAILS = frozenset({"due_on", "publicity_ends_on"})


@dataclass(frozen=True)
class Stage:
    label: str
    state: str
    """``done``, ``current`` or ``""`` (still ahead)."""


@dataclass(frozen=True)
class TimelineEntry:
    label: str
    who: str
    when: Any
    details: list[tuple[str, str]]


# --- who may open a department's page ----------------------------------------------------


def not_a_department(request: Request, actor: Actor, what: str) -> HTMLResponse | None:
    """The 403 page for anyone but a department officer, or None for an officer."""
    if actor.role is Role.DEPARTMENT:
        return None
    return forbidden(request, actor,
                     f"{what}是职能部门的工作页面；您的角色为{ROLE_LABELS[actor.role]}，"
                     "请从“待办”进入本角色的工作")


def owns(actor: Actor, department: str) -> bool:
    """Whether ``actor`` is an officer of ``department`` (and so may act on its cases)."""
    return actor.role is Role.DEPARTMENT and actor.scope == department


def who_label(entry: HistoryEntry) -> str:
    """Who did it: the role's Chinese label, the unit and the user."""
    try:
        role = ROLE_LABELS[Role(entry.actor_role)]
    except ValueError:
        role = entry.actor_role
    scope = f"（{entry.actor_scope}）" if entry.actor_scope and entry.actor_role == \
        Role.DEPARTMENT.value else ""
    return f"{role}{scope} {entry.actor_user}"


def timeline(entries: list[HistoryEntry]) -> list[TimelineEntry]:
    return [TimelineEntry(label=e.event_label, who=who_label(e), when=e.occurred_at,
                          details=_details(e.details)) for e in entries]


def _details(details: dict[str, Any]) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    for key, label in DETAIL_LABELS.items():
        value = details.get(key)
        if value is None or value == "":
            continue
        if key == "amount_fen" and isinstance(value, int):
            text = yuan(value)
        elif key in DATE_DETAILS:
            text = zh_date(str(value))
        elif isinstance(value, bool):
            text = "是" if value else "否"
        else:
            text = str(value)
        shown.append((label, text))
    return shown


# --- the catalogue list ------------------------------------------------------------------


@router.get("/catalogue", response_class=HTMLResponse)
async def catalogue_page(
    request: Request, actor: PageUser, catalogue: Catalogue,
    status: str = "", catalogue_year: str = "", level1: str = "", q: str = "",
    scope: str = MINE, cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_SIZE_MAX)] = PAGE_SIZE,
    imported: int | None = None,
) -> Response:
    """目录: the department's items (its drafts too), filtered and searched in Chinese."""
    refused = not_a_department(request, actor, "目录管理")
    if refused:
        return refused
    errors: dict[str, str] = {}
    year = _year(catalogue_year, errors)
    if status and status not in STATUS_LABELS:
        errors["status"] = "请选择列表中的状态"
        status = ""
    scope = scope if scope in (MINE, ALL) else MINE
    search = q.strip()[:SEARCH_MAX]
    filters = CatalogueFilter(
        department=actor.scope if scope == MINE else None, catalogue_year=year,
        status=status or None, level1=level1.strip() or None,
        drafts_visible_to=drafts_visible_to(actor), q=search or None)
    page = await asyncio.to_thread(catalogue.list_items, filters, cursor=cursor, limit=limit)
    chosen = {"status": status, "catalogue_year": catalogue_year.strip(),
              "level1": level1.strip(), "q": search, "scope": scope}
    query = {k: v for k, v in chosen.items() if v and not (k == "scope" and v == MINE)}
    if limit != PAGE_SIZE:
        query["limit"] = str(limit)
    next_href = None if page.next_cursor is None else \
        "/web/catalogue?" + urlencode({**query, "cursor": page.next_cursor})
    context: dict[str, Any] = dict(
        page=page, chosen=chosen, errors=errors, next_href=next_href, tones=STATUS_TONES,
        statuses=[(s.value, label) for s, label in STATUS_LABELS.items()],
        scopes=SCOPES, level1_suggestions=LEVEL1_SUGGESTIONS, imported=imported,
        paged=cursor is not None)
    if request.headers.get("HX-Request") and not request.headers.get(
            "HX-History-Restore-Request"):
        return render(request, "catalogue/_table.html", actor=actor, title="目录", **context)
    return render(request, "catalogue/list.html", actor=actor, title="目录", **context)


def _year(text: str, errors: dict[str, str]) -> int | None:
    text = text.strip()
    if not text:
        return None
    if text.isdigit() and len(text) == 4:
        return int(text)
    errors["catalogue_year"] = f"目录年度「{text}」应为四位年份，例如 2027"
    return None


# --- the draft form and the import -------------------------------------------------------


@router.get("/catalogue/new", response_class=HTMLResponse)
async def new_item_page(request: Request, actor: PageUser, today: ChinaToday) -> Response:
    """起草事项: every field of ``POST /catalogue-items``, errors next to each."""
    refused = not_a_department(request, actor, "起草目录事项")
    if refused:
        return refused
    return render(request, "catalogue/new.html", actor=actor, title="起草目录事项",
                  item=None, year=today.year + 1, **_field_choices())


@router.get("/catalogue/import", response_class=HTMLResponse)
async def import_page(request: Request, actor: PageUser) -> Response:
    """导入目录: an Excel or CSV file, every row as a draft, or the rows refused."""
    refused = not_a_department(request, actor, "导入目录")
    if refused:
        return refused
    return render(request, "catalogue/import.html", actor=actor, title="导入目录")


def _field_choices() -> dict[str, Any]:
    return dict(
        natures=[(n.value, n.value) for n in Nature],
        negative_lists=[(c.value, c.value) for c in NegativeListCategory],
        level1_suggestions=LEVEL1_SUGGESTIONS)


# --- the item page -----------------------------------------------------------------------


@router.get("/catalogue/{item_id}", response_class=HTMLResponse)
async def item_page(
    request: Request, item_id: UUID, actor: PageUser, catalogue: Catalogue,
    history: History, agencies: Agencies, services: ServicesDep,
) -> Response:
    """目录事项: facts, pipeline stage, history; the next step's form for its department."""
    row = await asyncio.to_thread(catalogue.get_item, item_id)
    if row is None or not may_see(actor, row):
        return not_found(request, actor, f"目录事项 {item_id} 不存在")
    entries = await asyncio.to_thread(history.history, item_id)
    own = owns(actor, row.department)
    transfers, contracts = await asyncio.to_thread(_cases_of, services, row)
    context: dict[str, Any] = dict(
        item=row, internal=sees_internal(actor, row), own=own,
        stages=pipeline(row, handed_over=bool(transfers or contracts)),
        entries=timeline(catalogue_history(entries, actor, row)),
        transfers=transfers, contracts=contracts, tones=STATUS_TONES, forms=set(),
        **_field_choices())
    if own:
        forms = next_steps(row)
        context["forms"] = forms
        if "referral" in forms:
            context["agencies"] = await asyncio.to_thread(_agency_choices, agencies)
        if forms & {"transfer", "award"}:
            context["organizations"] = await asyncio.to_thread(_organization_choices,
                                                               services)
        if "decision" in forms:
            context["modes"] = [(m.value, m.value) for m in DecisionMode]
        if "award" in forms:
            context["methods"] = [(m.value, m.value) for m in ProcurementMethod]
            context["milestone_rows"] = range(MILESTONE_ROWS)
    return render(request, "catalogue/item.html", actor=actor,
                  title=f"{row.code} {row.name}", **context)


def pipeline(row: CatalogueItemRow, *, handed_over: bool = False) -> list[Stage]:
    """The item's way through the catalogue, done up to where it stands now.

    A decision that hands the function over (转移、授权、委托、购买服务) moves the item on to
    its last stage, named after the mode; a withdrawn item shows how far it came."""
    current: int | None
    if row.status == ItemStatus.WITHDRAWN:
        reached = 4 if row.opinion_recommendation else 3 if row.agency_id else \
            1 if row.published_at else 0
        current = None
    elif row.status == ItemStatus.DECIDED:
        hands_over = row.decision_mode is not None and row.decision_mode != DecisionMode.RETAIN
        current = 6 if hands_over else 5
        reached = current - 1
    else:
        current = _STAGE_OF_STATUS.get(row.status, 0)
        reached = current - 1
    if current == 6 and handed_over:
        reached = 6
    labels = [label for _, label in STAGES]
    if row.decision_mode and row.decision_mode != DecisionMode.RETAIN:
        labels[6] = row.decision_mode
    return [Stage(label, "done" if n <= reached else "current" if n == current else "")
            for n, label in enumerate(labels)]


def next_steps(row: CatalogueItemRow) -> set[str]:
    """The forms the item's department is offered where the item stands (the API decides)."""
    status = ItemStatus(row.status)
    forms: set[str] = set()
    if status in (ItemStatus.DRAFT, ItemStatus.PUBLICITY, ItemStatus.PUBLICITY_CLOSED):
        forms.add("revise")
    if status is ItemStatus.DRAFT:
        forms.add("publish")
    if status in (ItemStatus.DRAFT, ItemStatus.PUBLICITY, ItemStatus.PUBLICITY_CLOSED,
                  ItemStatus.REFERRED, ItemStatus.OPINION_GIVEN):
        forms.add("withdraw")
    if status is ItemStatus.PUBLICITY_CLOSED:
        forms.add("referral")
    if status is ItemStatus.OPINION_GIVEN:
        forms.add("decision")
    if status is ItemStatus.DECIDED and row.decision_mode in {m.value for m in TRANSFER_MODES}:
        forms.add("transfer")
    if status is ItemStatus.DECIDED and row.decision_mode == DecisionMode.PURCHASE and \
            (row.budget_fen or 0) > 0:
        forms.add("award")
    return forms


def _cases_of(services: ServicesDep, row: CatalogueItemRow
              ) -> tuple[list[TransferRow], list[ContractRow]]:
    """The transfers and contracts that followed the item's decision (public record)."""
    if row.status != ItemStatus.DECIDED:
        return [], []
    transfers: list[TransferRow] = []
    contracts: list[ContractRow] = []
    if services.transfer_views is not None:
        transfers = services.transfer_views.list_transfers(
            TransferFilter(item_id=row.id), cursor=None, limit=EVERYTHING).data
    if services.contract_views is not None:
        contracts = services.contract_views.list_contracts(
            ContractFilter(item_id=row.id), cursor=None, limit=EVERYTHING).data
    return transfers, contracts


def _agency_choices(agencies: Any) -> list[tuple[str, str]]:
    return [(str(a.agency.id), a.agency.name) for a in
            agencies.list_agencies(cursor=None, limit=EVERYTHING).data if a.agency.active]


def _organization_choices(services: ServicesDep) -> list[tuple[str, str]]:
    """Registered organizations, graded first (eligibility is the domain's to check)."""
    if services.organization_views is None:
        return []
    rows = services.organization_views.list_organizations(
        OrganizationFilter(), cursor=None, limit=EVERYTHING).data
    rows = sorted(rows, key=lambda o: -(o.grade_level or 0))
    return [(str(o.id), f"{o.name}（{o.credit_code}，"
             f"{f'{o.grade_level}A' if o.grade_level else '未评估等级'}）") for o in rows]
