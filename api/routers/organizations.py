"""/organizations and /grades: social organizations (社会组织, DESIGN.md §3.3), their public
record, their grades (评估等级) and whether they may undertake (承接资格).

The committee registers and supervises; an organization declares 五自四无 and its board
itself; anyone reads the public record and may file a complaint without logging in.
Writes go to the organization gateway; reads come from the organizations view.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response

from api.deps import (
    DEFAULT_LIMIT,
    CallerOrPublic,
    ChinaToday,
    CommandId,
    ContractViews,
    CurrentActor,
    GradeThreshold,
    History,
    OptionalActor,
    OrganizationGateway,
    Organizations,
    PageCursor,
    PageLimit,
    PublicCommandId,
    acting_as,
    check_own_organization,
    optional_actor,
)
from api.errors import problem_responses
from api.routers.catalogue_items import SEARCH_MAX, SearchText
from api.routers.common import LIST_PROBLEMS, NO_TOKEN_NEEDED, READ_PROBLEMS
from api.schemas.common import CommandAccepted, HistoryEntryPublic
from api.schemas.contracts import OrganizationPerformance
from api.schemas.organizations import (
    AnnualInspectionCreate,
    BoardMemberCreate,
    ComplaintAccepted,
    ComplaintCreate,
    ComplaintResolution,
    ComplianceDeclaration,
    CreditFlagChange,
    EligibilityPublic,
    ExistingGradeCreate,
    GradeDowngradeCreate,
    GradePublic,
    GradeRevocation,
    GradesPublic,
    OrganizationCreate,
    OrganizationPublic,
    OrganizationsPublic,
    PenaltyCreate,
)
from api.visibility import organization_history_entry, sees_board_office
from domain.actors import Actor, Role
from domain.aggregate import GovAggregate
from domain.grading.commands import DowngradeGrade, RecordExistingGrade, RevokeGrade
from domain.organizations.commands import (
    ClearCreditFlag,
    DeclareCompliance,
    ElectBoardMember,
    FileComplaint,
    RaiseCreditFlag,
    RecordAnnualInspection,
    RecordPenalty,
    RegisterOrganization,
    ResolveComplaint,
    VerifyCompliance,
)
from domain.organizations.credit_code import OrganizationCategory
from domain.organizations.eligibility import (
    CurrentGrade,
    PerformanceBar,
    undertaking_eligibility,
)
from domain.organizations.records import GradeStatus, OrganizationKind
from domain.organizations.service import organization_not_found
from projections.organization_rows import GradeRow, OrganizationFilter, OrganizationRow
from projections.readers import OrganizationReader

# A token is optional on every route here, but one that is sent must be valid.
router = APIRouter(prefix="/organizations", tags=["organizations"],
                   dependencies=[Depends(optional_actor)])
grades_router = APIRouter(prefix="/grades", tags=["organizations"],
                          dependencies=[Depends(optional_actor)])

EXPIRING_DEFAULT_DAYS = 90
EXPIRING_MAX_DAYS = 366

SERVICE_WRITE_PROBLEMS = problem_responses(401, 403, 404, 409, 422, 503)
"""The problems of a write whose service a deployment may lack (503); shared by the
organization, evaluator and grade-evaluation routers (could join ``routers.common``)."""

_COMMITTEE = frozenset({Role.COMMITTEE})


def own_or_committee(action: str) -> Callable[[UUID, Actor], Actor]:
    """A dependency admitting the committee, or the organization acting on its own record."""

    def check(organization_id: UUID, actor: CurrentActor) -> Actor:
        GovAggregate.check_role(actor, frozenset({Role.COMMITTEE, Role.ORGANIZATION}),
                                action=action)
        check_own_organization(actor, organization_id, action=action)
        return actor

    return check


Registrar = Annotated[Actor, Depends(acting_as(_COMMITTEE, action="登记社会组织"))]
Verifier = Annotated[Actor, Depends(acting_as(_COMMITTEE, action="核验“五自四无”"))]
Supervisor = Annotated[Actor, Depends(acting_as(_COMMITTEE,
                                                action="登记年检结论、行政处罚和信用记录"))]
ComplaintHandler = Annotated[Actor, Depends(acting_as(_COMMITTEE, action="办结投诉"))]
GradeAuthority = Annotated[Actor, Depends(acting_as(_COMMITTEE, action="降低或撤销评估等级"))]
GradeWatcher = Annotated[Actor, Depends(acting_as(_COMMITTEE,
                                                  action="查看即将到期的评估等级"))]
Declarant = Annotated[Actor, Depends(own_or_committee("申报“五自四无”情况"))]
BoardRegistrar = Annotated[Actor, Depends(own_or_committee("登记理事会成员"))]


def _created(request: Request, response: Response, organization_id: UUID) -> None:
    response.headers["Location"] = str(request.url_for("get_organization",
                                                       organization_id=organization_id))


# --- registration ------------------------------------------------------------------------


@router.post("", status_code=201, responses=problem_responses(401, 403, 409, 422, 503))
async def register_organization(
    body: OrganizationCreate, actor: Registrar, gateway: OrganizationGateway,
    command_id: CommandId, request: Request, response: Response,
) -> CommandAccepted:
    """登记社会组织 (register a social organization; the committee only)."""
    result = await gateway.register_organization(RegisterOrganization(
        command_id=command_id, actor=actor, **body.model_dump()))
    _created(request, response, result.aggregate_id)
    return CommandAccepted.from_result(result)


# --- the organization's own declarations ---------------------------------------------------


@router.post("/{organization_id}/compliance-declarations", status_code=201,
             responses=SERVICE_WRITE_PROBLEMS)
async def declare_compliance(
    organization_id: UUID, body: ComplianceDeclaration, actor: Declarant,
    gateway: OrganizationGateway, command_id: CommandId, today: ChinaToday,
    request: Request, response: Response,
) -> CommandAccepted:
    """申报“五自四无”情况 (an industry association for itself, or the committee)."""
    result = await gateway.declare_compliance(DeclareCompliance(
        command_id=command_id, actor=actor, organization_id=organization_id,
        declarations=body.declarations, declared_on=today))
    _created(request, response, organization_id)
    return CommandAccepted.from_result(result)


@router.post("/{organization_id}/board-members", status_code=201, responses=SERVICE_WRITE_PROBLEMS)
async def elect_board_member(
    organization_id: UUID, body: BoardMemberCreate, actor: BoardRegistrar,
    gateway: OrganizationGateway, command_id: CommandId, today: ChinaToday,
    request: Request, response: Response,
) -> CommandAccepted:
    """登记理事会成员 (the organization for itself, or the committee; elected today)."""
    result = await gateway.elect_board_member(ElectBoardMember(
        command_id=command_id, actor=actor, organization_id=organization_id,
        elected_on=today, **body.model_dump()))
    _created(request, response, organization_id)
    return CommandAccepted.from_result(result)


# --- supervision (the committee) --------------------------------------------------------------


@router.post("/{organization_id}/compliance-verification", responses=SERVICE_WRITE_PROBLEMS)
async def verify_compliance(
    organization_id: UUID, actor: Verifier, gateway: OrganizationGateway,
    command_id: CommandId, today: ChinaToday,
) -> CommandAccepted:
    """核验“五自四无” (the committee; every item must be declared compliant)."""
    result = await gateway.verify_compliance(VerifyCompliance(
        command_id=command_id, actor=actor, organization_id=organization_id,
        verified_on=today))
    return CommandAccepted.from_result(result)


@router.post("/{organization_id}/annual-inspections", status_code=201,
             responses=SERVICE_WRITE_PROBLEMS)
async def record_annual_inspection(
    organization_id: UUID, body: AnnualInspectionCreate, actor: Supervisor,
    gateway: OrganizationGateway, command_id: CommandId, request: Request, response: Response,
) -> CommandAccepted:
    """登记年检结论 (the committee; once per year)."""
    result = await gateway.record_annual_inspection(RecordAnnualInspection(
        command_id=command_id, actor=actor, organization_id=organization_id,
        **body.model_dump()))
    _created(request, response, organization_id)
    return CommandAccepted.from_result(result)


@router.post("/{organization_id}/penalties", status_code=201, responses=SERVICE_WRITE_PROBLEMS)
async def record_penalty(
    organization_id: UUID, body: PenaltyCreate, actor: Supervisor,
    gateway: OrganizationGateway, command_id: CommandId, request: Request, response: Response,
) -> CommandAccepted:
    """登记行政处罚 (the committee; a decision number once)."""
    result = await gateway.record_penalty(RecordPenalty(
        command_id=command_id, actor=actor, organization_id=organization_id,
        **body.model_dump()))
    _created(request, response, organization_id)
    return CommandAccepted.from_result(result)


@router.post("/{organization_id}/existing-grades", status_code=201,
             responses=SERVICE_WRITE_PROBLEMS)
async def record_existing_grade(
    organization_id: UUID, body: ExistingGradeCreate, actor: Supervisor,
    gateway: OrganizationGateway, command_id: CommandId, today: ChinaToday,
    request: Request, response: Response,
) -> CommandAccepted:
    """登记既有评估等级 (the committee, from the certificate; it lapses by itself after 31
    December of its fifth year)."""
    result = await gateway.record_existing_grade(RecordExistingGrade(
        command_id=command_id, actor=actor, organization_id=organization_id,
        recorded_on=today, **body.model_dump()))
    _created(request, response, organization_id)
    return CommandAccepted.from_result(result)


@router.post("/{organization_id}/credit-flags", status_code=201, responses=SERVICE_WRITE_PROBLEMS)
async def raise_credit_flag(
    organization_id: UUID, body: CreditFlagChange, actor: Supervisor,
    gateway: OrganizationGateway, command_id: CommandId, today: ChinaToday,
    request: Request, response: Response,
) -> CommandAccepted:
    """列入失信名单或异常名录 (the committee; from today)."""
    result = await gateway.raise_credit_flag(RaiseCreditFlag(
        command_id=command_id, actor=actor, organization_id=organization_id,
        flag=body.flag, reason=body.reason, raised_on=today))
    _created(request, response, organization_id)
    return CommandAccepted.from_result(result)


@router.post("/{organization_id}/credit-flags/clear", responses=SERVICE_WRITE_PROBLEMS)
async def clear_credit_flag(
    organization_id: UUID, body: CreditFlagChange, actor: Supervisor,
    gateway: OrganizationGateway, command_id: CommandId, today: ChinaToday,
) -> CommandAccepted:
    """移出失信名单或异常名录 (the committee; the body names the list; from today)."""
    result = await gateway.clear_credit_flag(ClearCreditFlag(
        command_id=command_id, actor=actor, organization_id=organization_id,
        flag=body.flag, reason=body.reason, cleared_on=today))
    return CommandAccepted.from_result(result)


# --- complaints ---------------------------------------------------------------------------------


@router.post("/{organization_id}/complaints", status_code=201,
             responses=problem_responses(401, 404, 422, 503), openapi_extra=NO_TOKEN_NEEDED)
async def file_complaint(
    organization_id: UUID, body: ComplaintCreate, actor: CallerOrPublic,
    gateway: OrganizationGateway, command_id: PublicCommandId, today: ChinaToday,
    request: Request, response: Response,
) -> ComplaintAccepted:
    """投诉 (anyone, no login needed; who complained is never shown)."""
    result = await gateway.file_complaint(FileComplaint(
        command_id=command_id, actor=actor, organization_id=organization_id,
        filed_on=today, **body.model_dump()))
    _created(request, response, organization_id)
    return ComplaintAccepted.of(result, command_id)


@router.post("/{organization_id}/complaints/{complaint_id}/resolve",
             responses=SERVICE_WRITE_PROBLEMS)
async def resolve_complaint(
    organization_id: UUID, complaint_id: str, body: ComplaintResolution,
    actor: ComplaintHandler, gateway: OrganizationGateway, command_id: CommandId,
    today: ChinaToday,
) -> CommandAccepted:
    """办结投诉 (the committee, with the outcome, which is public)."""
    result = await gateway.resolve_complaint(ResolveComplaint(
        command_id=command_id, actor=actor, organization_id=organization_id,
        complaint_id=complaint_id, outcome=body.outcome, resolved_on=today))
    return CommandAccepted.from_result(result)


# --- grades on the organization (the committee) ------------------------------------------------


@router.post("/{organization_id}/grade-downgrades", status_code=201,
             responses=SERVICE_WRITE_PROBLEMS)
async def downgrade_grade(
    organization_id: UUID, body: GradeDowngradeCreate, actor: GradeAuthority,
    gateway: OrganizationGateway, command_id: CommandId, today: ChinaToday,
    request: Request, response: Response,
) -> CommandAccepted:
    """降低评估等级一级 (the committee, on an inspection or penalty on record)."""
    result = await gateway.downgrade_grade(DowngradeGrade(
        command_id=command_id, actor=actor, organization_id=organization_id,
        decided_on=today, **body.model_dump()))
    _created(request, response, organization_id)
    return CommandAccepted.from_result(result)


@router.post("/{organization_id}/grade-revocation", responses=SERVICE_WRITE_PROBLEMS)
async def revoke_grade(
    organization_id: UUID, body: GradeRevocation, actor: GradeAuthority,
    gateway: OrganizationGateway, command_id: CommandId, today: ChinaToday,
) -> CommandAccepted:
    """撤销评估等级 (the committee, for a serious breach)."""
    result = await gateway.revoke_grade(RevokeGrade(
        command_id=command_id, actor=actor, organization_id=organization_id,
        reason=body.reason, decided_on=today))
    return CommandAccepted.from_result(result)


# --- reads ------------------------------------------------------------------------------------


@router.get("", responses=LIST_PROBLEMS, openapi_extra=NO_TOKEN_NEEDED)
async def list_organizations(
    actor: OptionalActor,
    organizations: Organizations,
    q: Annotated[SearchText | None, Query(
        description=f"按名称检索（中文子串，例如「养老」；不超过 {SEARCH_MAX} 个字符）")] = None,
    kind: Annotated[OrganizationKind | None, Query(description="社会组织类型")] = None,
    category: Annotated[OrganizationCategory | None, Query(description="登记类别")] = None,
    region_code: Annotated[str | None, Query(description="行政区划代码，例如 440703")] = None,
    industry: Annotated[str | None, Query(description="所属行业")] = None,
    grade_level: Annotated[int | None, Query(ge=1, le=5,
                                             description="现有评估等级（1–5）")] = None,
    cursor: PageCursor = None,
    limit: PageLimit = DEFAULT_LIMIT,
) -> OrganizationsPublic:
    """列出、检索社会组织 (in registration order; search results by relevance)."""
    filters = OrganizationFilter(
        q=q or None, kind=kind.value if kind else None,
        category=category.value if category else None, region_code=region_code,
        industry=industry, grade_level=grade_level)
    page = await asyncio.to_thread(organizations.list_organizations, filters, cursor=cursor,
                                   limit=limit)
    return OrganizationsPublic.from_page(page, sees_office=sees_board_office(actor))


@router.get("/{organization_id}", responses=READ_PROBLEMS, openapi_extra=NO_TOKEN_NEEDED)
async def get_organization(
    organization_id: UUID, actor: OptionalActor, organizations: Organizations,
) -> OrganizationPublic:
    """查看社会组织 (its public record; board members' office status for the committee)."""
    row = await _registered(organizations, organization_id)
    return OrganizationPublic.from_row(row, sees_office=sees_board_office(actor))


@router.get("/{organization_id}/eligibility", responses=READ_PROBLEMS,
            openapi_extra=NO_TOKEN_NEEDED)
async def get_eligibility(
    organization_id: UUID, organizations: Organizations, today: ChinaToday,
    threshold: GradeThreshold,
) -> EligibilityPublic:
    """承接资格 (may it undertake a transferred function or a purchased service today?)."""
    row = await _registered(organizations, organization_id)
    grades = await asyncio.to_thread(organizations.grades_of, organization_id)
    grade = grade_for_eligibility(grades, on=today)
    eligibility = undertaking_eligibility(
        row, on=today, grade=grade, bars=performance_bars(row, on=today), threshold=threshold)
    return EligibilityPublic.of(eligibility, on=today, grade=grade)


@router.get("/{organization_id}/grades", responses=READ_PROBLEMS,
            openapi_extra=NO_TOKEN_NEEDED)
async def get_grades(organization_id: UUID, organizations: Organizations) -> list[GradePublic]:
    """评估等级记录 (every grade awarded, newest first, with downgrades and revocation)."""
    await _registered(organizations, organization_id)
    grades = await asyncio.to_thread(organizations.grades_of, organization_id)
    return [GradePublic.from_row(g) for g in grades]


@router.get("/{organization_id}/performance", responses=READ_PROBLEMS,
            openapi_extra=NO_TOKEN_NEEDED)
async def get_performance(
    organization_id: UUID, organizations: Organizations, contracts: ContractViews,
    today: ChinaToday, cursor: PageCursor = None, limit: PageLimit = DEFAULT_LIMIT,
) -> OrganizationPerformance:
    """绩效记录 (its performance reviews, newest first, and any bar from a 差; public —
    shown beside its grade history, ``/grades``)."""
    row = await _registered(organizations, organization_id)
    page = await asyncio.to_thread(contracts.reviews, provider_id=organization_id,
                                   department=None, contract_id=None, cursor=cursor,
                                   limit=limit)
    return OrganizationPerformance.of(organization_id, on=today,
                                      bars=list(performance_bars(row, on=today)), page=page)


@router.get("/{organization_id}/history", responses=READ_PROBLEMS,
            openapi_extra=NO_TOKEN_NEEDED)
async def get_organization_history(
    organization_id: UUID, actor: OptionalActor, organizations: Organizations,
    history: History,
) -> list[HistoryEntryPublic]:
    """社会组织的历史记录 (every event; never who complained)."""
    await _registered(organizations, organization_id)
    entries = await asyncio.to_thread(history.history, organization_id)
    return [HistoryEntryPublic.from_entry(organization_history_entry(entry, actor))
            for entry in entries]


@grades_router.get("/expiring", responses=problem_responses(401, 403, 422, 503))
async def list_expiring_grades(
    actor: GradeWatcher, organizations: Organizations, today: ChinaToday,
    within_days: Annotated[int, Query(
        ge=0, le=EXPIRING_MAX_DAYS,
        description=f"今天起多少天内到期（含当日），默认 {EXPIRING_DEFAULT_DAYS}，"
                    f"不超过 {EXPIRING_MAX_DAYS}")] = EXPIRING_DEFAULT_DAYS,
    cursor: PageCursor = None,
    limit: PageLimit = DEFAULT_LIMIT,
) -> GradesPublic:
    """即将到期的评估等级 (still valid, ending within the days asked; the committee)."""
    page = await asyncio.to_thread(organizations.expiring_grades, today=today,
                                   within_days=within_days, cursor=cursor, limit=limit)
    return GradesPublic.from_page(page)


# --- eligibility inputs ------------------------------------------------------------------------


def grade_for_eligibility(grades: Sequence[GradeRow], *, on: date) -> CurrentGrade | None:
    """The grade eligibility is judged on: the one in force on ``on``; else the newest,
    unless revoked, so that the answer says its validity is over (or not yet begun)."""
    in_force = next((g for g in grades if g.in_force_on(on)), None)
    if in_force is not None:
        return _current(in_force)
    newest = grades[0] if grades else None
    if newest is None or newest.status == GradeStatus.REVOKED.value:
        return None
    if newest.valid_from <= on <= newest.valid_until:
        # Within its dates yet not in force (lapsed early): no grade to speak of.
        return None
    return _current(newest)


def performance_bars(row: OrganizationRow, *, on: date) -> Sequence[PerformanceBar]:
    """Bars from poor performance reviews (绩效评价为差, DESIGN.md §3.5), as the organizations
    view holds them; eligibility weighs those still running on ``on``.  This is the one
    place to read them."""
    return tuple(row.performance_bars)


def _current(grade: GradeRow) -> CurrentGrade:
    return CurrentGrade(level=grade.level, valid_from=grade.valid_from,
                        valid_until=grade.valid_until)


async def _registered(organizations: OrganizationReader,
                      organization_id: UUID) -> OrganizationRow:
    row = await asyncio.to_thread(organizations.get_organization, organization_id)
    if row is None:
        raise organization_not_found(organization_id)
    return row
