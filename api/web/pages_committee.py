"""The committee's pages (市社工委): registries, approvals, escalations, reports with charts,
and the year-end acceptance reviews.

What waits on the committee comes from its inbox; each case is read from its own view so
that the page shows what the decision needs, and each form posts to the API's route for
that decision (the API still decides).  After a write, ``?after=`` waits for the view the
page lists from — only that one: the other views never see that event.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, TypeVar
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import ChinaToday, Services, ServicesDep
from api.errors import ServiceNotConfiguredError
from api.schemas.report_reads import CityReportPublic
from api.web.pages_public import (
    EVERYTHING,
    all_rows,
    department_names,
    uuid_or_none,
    whole_number,
)
from api.web.session import PageUser
from api.web.templating import forbidden, not_found, render
from domain.actors import ROLE_LABELS, Actor, Role
from domain.departments import REGION_NAMES
from domain.errors import DomainError
from domain.grading.scoring import DIMENSIONS
from domain.organizations.credit_code import OrganizationCategory
from domain.organizations.records import OrganizationKind
from domain.reporting.periods import Quarter
from projections.case_rows import ContractFilter
from projections.inbox import Kind
from projections.organization_rows import OrganizationFilter
from projections.readers import CaughtUp
from projections.register_rows import DepartmentFilter
from projections.report_rows import AWAITING_SCORE
from projections.rows import InboxEntry

router = APIRouter(prefix="/web", include_in_schema=False)

T = TypeVar("T")
After = Annotated[int | None, Query(ge=0, description="先等待查询视图处理到此通知编号")]
Text = Annotated[str, Query(max_length=50)]

APPROVAL_KINDS = (Kind.APPROVE_TRANSFER, Kind.REVIEW_SUSPENDED_TRANSFER, Kind.REVIEW_STAFFING,
                  Kind.RETENTION, Kind.ASSIGN_EVALUATOR, Kind.CONFIRM_GRADE,
                  Kind.ACCEPTANCE_REVIEW)
ESCALATION_KINDS = (Kind.ESCALATION, Kind.APPEAL_ESCALATION, Kind.REPORT_ESCALATION)
GRADE_LABELS = ("1A", "2A", "3A", "4A", "5A", "无等级")
RATINGS = ("优", "良", "中", "差")
RECENT_QUARTERS = 8


def _required(view: T | None, name: str) -> T:
    if view is None:
        raise ServiceNotConfiguredError(name)
    return view


def _refused(request: Request, actor: Actor) -> Response | None:
    """The 403 page for anyone but the committee."""
    if actor.role is Role.COMMITTEE:
        return None
    return forbidden(request, actor,
                     f"此页面供市社工委使用；您当前以{ROLE_LABELS[actor.role]}身份登录")


async def _caught_up(services: Services, after: int | None, *views: CaughtUp) -> bool:
    """Whether ``views`` have applied the write ``after`` names (waiting a little for it)."""
    if after is None:
        return True
    done = await asyncio.gather(*(asyncio.to_thread(view.caught_up, after,
                                                    services.read_wait_seconds)
                                  for view in views))
    return all(done)


# --- registries --------------------------------------------------------------------------------


@router.get("/registries", response_class=HTMLResponse)
async def registries(request: Request, actor: PageUser, services: ServicesDep,
                     after: After = None, section: Text = "") -> Response:
    """登记: departments, agencies and their experts, evaluators, organizations."""
    if (refusal := _refused(request, actor)) is not None:
        return refusal
    organizations = _required(services.organization_views, "社会组织查询")
    evaluations = _required(services.evaluation_views, "等级评估查询")
    views: dict[str, CaughtUp] = {
        "departments": services.departments, "agencies": services.agencies,
        "evaluators": evaluations, "organizations": organizations}
    fresh = await _caught_up(services, after, *([views[section]] if section in views else []))
    rows: dict[str, Any] = await asyncio.to_thread(lambda: {
        "departments": all_rows(lambda c: services.departments.list_departments(
            DepartmentFilter(), cursor=c, limit=EVERYTHING)),
        "agencies": all_rows(lambda c: services.agencies.list_agencies(
            cursor=c, limit=EVERYTHING)),
        "evaluators": all_rows(lambda c: evaluations.list_evaluators(
            cursor=c, limit=EVERYTHING)),
        "organizations": all_rows(lambda c: organizations.list_organizations(
            OrganizationFilter(), cursor=c, limit=EVERYTHING)),
    })
    names = {str(o.id): o.name for o in rows["organizations"]}
    return render(request, "committee/registries.html", actor=actor, title="登记", fresh=fresh,
                  names=names, categories=[(c.value, c.value) for c in OrganizationCategory],
                  kinds=[(k.value, k.value) for k in OrganizationKind],
                  regions=[(code, f"{name}（{code}）") for code, name in REGION_NAMES.items()],
                  **rows)


# --- approvals and escalations -----------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A task in the committee's inbox and the case it is about (None: not in its view)."""

    entry: InboxEntry
    row: Any


@dataclass(frozen=True)
class Group:
    kind: str
    label: str
    cases: list[Case] = field(default_factory=list)


def _getters(services: Services) -> dict[str, Callable[[UUID], Any]]:
    """How to read the case of each kind of the committee's tasks."""
    transfers, evaluations = services.transfer_views, services.evaluation_views
    reports = services.report_views
    getters: dict[str, Callable[[UUID], Any]] = {
        Kind.RETENTION: services.catalogue.get_item,
        Kind.ESCALATION: services.catalogue.get_item}
    if transfers is not None:
        getters |= {Kind.APPROVE_TRANSFER: transfers.get_transfer,
                    Kind.REVIEW_SUSPENDED_TRANSFER: transfers.get_transfer,
                    Kind.REVIEW_STAFFING: transfers.get_staffing_request}
    if evaluations is not None:
        getters |= dict.fromkeys((Kind.ASSIGN_EVALUATOR, Kind.CONFIRM_GRADE,
                                  Kind.APPEAL_ESCALATION), evaluations.get_evaluation)
    if reports is not None:
        getters |= {Kind.ACCEPTANCE_REVIEW: reports.get_acceptance_review,
                    Kind.REPORT_ESCALATION: reports.get_report}
    return getters


def _groups(services: Services, entries: list[InboxEntry], kinds: Iterable[Kind]
            ) -> list[Group]:
    """The tasks of ``kinds``, grouped by kind in that order, each with its case."""
    getters = _getters(services)
    groups = {kind.value: Group(kind.value, label="") for kind in kinds}
    for entry in entries:
        group = groups.get(entry.kind)
        if group is None:
            continue
        getter = getters.get(entry.kind)
        groups[entry.kind] = Group(group.kind, entry.kind_label, [
            *group.cases, Case(entry, None if getter is None else getter(entry.entity_id))])
    return [group for group in groups.values() if group.cases]


async def _committee_tasks(services: Services, today: date, kinds: Iterable[Kind]
                           ) -> list[Group]:
    def read() -> list[Group]:
        entries = all_rows(lambda c: services.inbox.inbox(
            role=Role.COMMITTEE.value, scope=None, today=today, cursor=c, limit=EVERYTHING))
        return _groups(services, entries, kinds)
    return await asyncio.to_thread(read)


@router.get("/approvals", response_class=HTMLResponse)
async def approvals(request: Request, actor: PageUser, services: ServicesDep,
                    today: ChinaToday, after: After = None) -> Response:
    """审批: transfers, staffing requests, retentions and evaluations awaiting the committee."""
    if (refusal := _refused(request, actor)) is not None:
        return refusal
    fresh = await _caught_up(services, after, services.inbox)
    groups = await _committee_tasks(services, today, APPROVAL_KINDS)
    evaluators = [] if services.evaluation_views is None else await asyncio.to_thread(
        all_rows, lambda c: _required(services.evaluation_views, "等级评估查询")
        .list_evaluators(cursor=c, limit=EVERYTHING))
    names = await asyncio.to_thread(department_names, services.departments)
    return render(request, "committee/approvals.html", actor=actor, title="审批",
                  groups=groups, evaluators=evaluators, names=names, today=today, fresh=fresh)


@router.get("/escalations", response_class=HTMLResponse)
async def escalations(request: Request, actor: PageUser, services: ServicesDep,
                      today: ChinaToday, after: After = None) -> Response:
    """督办: overdue referrals, appeals escalated to the committee, overdue quarterly
    reports — each with its due date."""
    if (refusal := _refused(request, actor)) is not None:
        return refusal
    fresh = await _caught_up(services, after, services.inbox)
    groups = await _committee_tasks(services, today, ESCALATION_KINDS)
    return render(request, "committee/escalations.html", actor=actor, title="督办",
                  groups=groups, dimensions=_dimension_names(), today=today, fresh=fresh)


def _dimension_names() -> dict[str, list[tuple[str, int]]]:
    """The scoring dimensions of each organization category (an appeal's revised scores)."""
    return {category.value: [(d.name, d.max_points) for d in dimensions]
            for category, dimensions in DIMENSIONS.items()}


# --- reports -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    """A chart's numbers: categories along the axis, one series per name."""

    id: str
    title: str
    unit: str
    categories: list[str]
    series: list[dict[str, Any]]

    def data(self) -> dict[str, Any]:
        return {"title": self.title, "unit": self.unit, "categories": self.categories,
                "series": self.series}


@dataclass(frozen=True)
class ContractCell:
    department: str
    department_name: str
    quarter: str
    quarter_label: str
    contracts: int
    amount_fen: int


def grade_counts(levels: Iterable[int | None]) -> dict[str, int]:
    """Organizations per grade (1A–5A) and without one."""
    counts = Counter(f"{level}A" if level else "无等级" for level in levels)
    return {label: counts.get(label, 0) for label in GRADE_LABELS}


def contract_cells(contracts: Iterable[Any], names: dict[str, str]) -> list[ContractCell]:
    """Contracts and their amounts per department and quarter of award."""
    sums: dict[tuple[str, Quarter], list[int]] = defaultdict(lambda: [0, 0])
    for contract in contracts:
        cell = sums[(contract.department, Quarter.of(contract.awarded_on))]
        cell[0] += 1
        cell[1] += contract.amount_fen
    return [ContractCell(department, names.get(department, department), quarter.key,
                         quarter.label, count, amount)
            for (department, quarter), (count, amount) in sorted(sums.items())]


def rating_counts(ratings: Iterable[str]) -> dict[str, int]:
    counts = Counter(ratings)
    return {rating: counts.get(rating, 0) for rating in RATINGS}


def _charts(grades: dict[str, int], cells: list[ContractCell], ratings: dict[str, int]
            ) -> list[Chart]:
    quarters = sorted({(c.quarter, c.quarter_label) for c in cells})
    departments = sorted({(c.department, c.department_name) for c in cells})
    amount = {(c.department, c.quarter): c.amount_fen for c in cells}
    return [
        Chart("chart-grades", "社会组织评估等级分布", "个", list(grades),
              [{"name": "社会组织", "data": list(grades.values())}]),
        Chart("chart-contracts", "各部门各季度签订的购买服务合同金额", "元",
              [label for _, label in quarters],
              [{"name": name, "data": [amount.get((code, key), 0) / 100 for key, _ in quarters]}
               for code, name in departments]),
        Chart("chart-reviews", "绩效评价等级分布", "份", list(ratings),
              [{"name": "绩效评价", "data": list(ratings.values())}]),
    ]


def _quarter_choices(today: date) -> list[Quarter]:
    quarters = [Quarter.of(today)]
    while len(quarters) < RECENT_QUARTERS:
        quarters.append(quarters[-1].previous())
    return quarters


@router.get("/committee/reports", response_class=HTMLResponse)
async def committee_reports(request: Request, actor: PageUser, services: ServicesDep,
                            today: ChinaToday, quarter: Text = "", after: After = None
                            ) -> Response:
    """统计报告: grades, contracts and reviews in charts; the city report of a quarter."""
    if (refusal := _refused(request, actor)) is not None:
        return refusal
    organizations = _required(services.organization_views, "社会组织查询")
    contracts = _required(services.contract_views, "购买服务合同查询")
    reports = _required(services.report_views, "季度报告查询")
    fresh = await _caught_up(services, after, reports)
    chosen, quarter_error = Quarter.ended_before(today), ""
    if quarter.strip():
        try:
            chosen = Quarter.parse(quarter)
        except DomainError as error:
            quarter_error = error.detail

    def read() -> dict[str, Any]:
        names = {d.code: d.name for d in all_rows(lambda c: services.departments
                 .list_departments(DepartmentFilter(), cursor=c, limit=EVERYTHING))}
        grades = grade_counts(o.grade_level for o in all_rows(
            lambda c: organizations.list_organizations(OrganizationFilter(), cursor=c,
                                                       limit=EVERYTHING)))
        cells = contract_cells(all_rows(lambda c: contracts.list_contracts(
            ContractFilter(), cursor=c, limit=EVERYTHING)), names)
        ratings = rating_counts(r.rating for r in all_rows(lambda c: contracts.reviews(
            provider_id=None, department=None, contract_id=None, cursor=c, limit=EVERYTHING)))
        return {"grades": grades, "cells": cells, "ratings": ratings,
                "charts": _charts(grades, cells, ratings),
                "city": CityReportPublic.of(reports.city_report(chosen))}

    return render(request, "committee/reports.html", actor=actor, title="统计报告",
                  chosen=chosen, quarters=_quarter_choices(today), quarter_error=quarter_error,
                  fresh=fresh, **await asyncio.to_thread(read))


# --- acceptance reviews ------------------------------------------------------------------------


@router.get("/acceptance-reviews", response_class=HTMLResponse)
async def acceptance_reviews(request: Request, actor: PageUser, services: ServicesDep,
                             year: Text = "", after: After = None) -> Response:
    """验收考核: the year-end reviews of the departments."""
    if (refusal := _refused(request, actor)) is not None:
        return refusal
    reports = _required(services.report_views, "季度报告查询")
    fresh = await _caught_up(services, after, reports)
    chosen = whole_number(year)
    reviews = await asyncio.to_thread(all_rows, lambda c: reports.list_acceptance_reviews(
        year=chosen, department=None, cursor=c, limit=EVERYTHING))
    return render(request, "committee/acceptance_reviews.html", actor=actor, title="验收考核",
                  reviews=reviews, year=year, fresh=fresh)


@router.get("/acceptance-reviews/{review_id}", response_class=HTMLResponse)
async def acceptance_review(request: Request, review_id: str, actor: PageUser,
                            services: ServicesDep, after: After = None) -> Response:
    """验收考核: each task's score and findings, or the scoring form while it awaits one."""
    if (refusal := _refused(request, actor)) is not None:
        return refusal
    reports = _required(services.report_views, "季度报告查询")
    fresh = await _caught_up(services, after, reports)
    key = uuid_or_none(review_id)
    row = None if key is None else await asyncio.to_thread(reports.get_acceptance_review, key)
    if row is None:
        return not_found(request, actor, f"没有编号为 {review_id} 的验收考核")
    return render(request, "committee/acceptance_review.html", actor=actor,
                  title=f"{row.department_name} {row.year}年度验收考核", review=row,
                  awaiting=row.status == AWAITING_SCORE, fresh=fresh)
