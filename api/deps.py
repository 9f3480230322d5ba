"""The API's dependencies, as ``Annotated[..., Depends()]`` aliases for the routes.

``create_app`` puts one :class:`Services` on ``app.state``; everything here reads it
from the request, so nothing is built at import time and tests pass fakes in.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, TypeVar, cast
from uuid import UUID, uuid4

from fastapi import Depends, Header, HTTPException, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth import TOKEN_COOKIE, AuthConfig, InvalidTokenError, decode_token
from api.errors import ReadNotCaughtUpError, ServiceNotConfiguredError
from api.ports import (
    AuditLog,
    CatalogueCommands,
    CatalogueImporter,
    GradingCommands,
    OrganizationCommands,
    PurchaseCommands,
    RegistryCommands,
    ReportingCommands,
    TransferCommands,
)
from domain.actors import PUBLIC_ACTOR, Actor, Role
from domain.aggregate import GovAggregate
from domain.calendar import china_date
from domain.grading.grades import GradeCutoffs
from domain.organizations.errors import OtherOrganizationError
from projections.ocds_release import DEFAULT_OCID_PREFIX
from projections.readers import (
    AgencyReader,
    CatalogueReader,
    CaughtUp,
    ContractReader,
    DepartmentReader,
    EvaluationReader,
    FeedReader,
    HistoryReader,
    InboxReader,
    OcdsReader,
    OrganizationReader,
    ReportReader,
    TransferReader,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Services:
    """What the routes work with; built by the composition root."""

    commands: CatalogueCommands
    catalogue: CatalogueReader
    history: HistoryReader
    inbox: InboxReader
    registry: RegistryCommands
    departments: DepartmentReader
    agencies: AgencyReader
    auth: AuthConfig
    read_wait_seconds: float
    clock: Callable[[], datetime]
    """The current moment (timezone-aware); tests pass a clock they set."""
    importer: CatalogueImporter | None = None
    """The catalogue import (目录导入); without it, importing answers 503."""
    organizations: OrganizationCommands | None = None
    """社会组织登记与监管、第三方评估机构登记; without it, those writes answer 503."""
    grading: GradingCommands | None = None
    """等级评估 (the grade-evaluation workflow's updates); without it, those writes answer 503."""
    organization_views: OrganizationReader | None = None
    """社会组织与评估等级的查询视图; without it, those reads answer 503."""
    evaluation_views: EvaluationReader | None = None
    """等级评估与第三方评估机构的查询视图; without it, those reads answer 503."""
    grade_threshold: int = 3
    """承接资格所需的最低评估等级（3 = 3A）."""
    grade_cutoffs: GradeCutoffs = field(default_factory=GradeCutoffs)
    """评估等级的分数线 (the grading policy's; the score page previews the grade with them)."""
    transfers: TransferCommands | None = None
    """职能转移 (the transfer workflow's updates) and 编制申请; without it, those writes
    answer 503."""
    purchases: PurchaseCommands | None = None
    """购买服务合同 (the contract workflow's updates); without it, those writes answer 503."""
    transfer_views: TransferReader | None = None
    """职能转移与编制申请的查询视图; without it, those reads answer 503."""
    contract_views: ContractReader | None = None
    """购买服务合同、支付台账与绩效评价的查询视图; without it, those reads answer 503."""
    report_views: ReportReader | None = None
    """季度报告、全市报告与验收考核的查询视图; without it, those reads answer 503."""
    ocds_views: OcdsReader | None = None
    """购买服务合同的开放合同数据（OCDS 1.1 发布与记录）; without it, /ocds answers 503."""
    ocid_prefix: str = DEFAULT_OCID_PREFIX
    """The ocid prefix of the OCDS publication (a setting)."""
    feed_views: FeedReader | None = None
    """信息公开变更（供对接系统订阅的公开变更流）; without it, /feed answers 503."""
    audit: AuditLog | None = None
    """事件日志的审计链; without it, ``GET /audit/head`` answers 503."""
    reporting: ReportingCommands | None = None
    """季度报告 (the report workflow's updates), 验收考核评分 and reporting runs; without it,
    those writes answer 503."""
    development_sign_in: bool = False
    """The web sign-in page may issue a token for any role and scope (development only); in
    production it accepts tokens the city's identity provider issued."""


def get_services(request: Request) -> Services:
    return cast(Services, request.app.state.services)


ServicesDep = Annotated[Services, Depends(get_services)]


# --- who is calling -------------------------------------------------------------

_bearer = HTTPBearer(
    auto_error=False,
    description="govflow 签发的 JWT（`govflow token --role department --department 440700-MZJ`）",
)


def optional_actor(
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    request: Request,
) -> Actor | None:
    """The caller, or None for the public; a token that is sent must be valid.  Without an
    Authorization header, the web pages' sign-in cookie stands for it."""
    token = credentials.credentials if credentials is not None else \
        request.cookies.get(TOKEN_COOKIE)
    if not token:
        return None
    try:
        return decode_token(services.auth, token)
    except InvalidTokenError as error:
        raise HTTPException(
            status_code=401, detail=f"{error.reason}；请使用有效的令牌",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        ) from None


OptionalActor = Annotated[Actor | None, Depends(optional_actor)]


def current_actor(actor: OptionalActor) -> Actor:
    """The caller, who must have sent a valid token."""
    if actor is None:
        raise HTTPException(
            status_code=401,
            detail="此操作需要登录；请在 Authorization 头中提供 Bearer 令牌",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]



def acting_as(roles: frozenset[Role], *, action: str) -> Callable[[Actor], Actor]:
    """A dependency admitting only callers in ``roles``, refusing others with a Chinese 403.

    The domain checks the same; the edge answers sooner, before any command is sent.
    """

    def check(actor: CurrentActor) -> Actor:
        GovAggregate.check_role(actor, roles, action=action)
        return actor

    return check


def check_own_organization(actor: Actor, organization_id: UUID, *, action: str) -> None:
    """An organization acts only for itself (its token's scope is its id).

    The domain checks the same; the edge answers sooner, before any command is sent.
    """
    if actor.role is Role.ORGANIZATION and actor.scope != str(organization_id):
        raise OtherOrganizationError(
            f"您所在的社会组织为 {actor.scope}，不能为社会组织 {organization_id}{action}；"
            f"社会组织只能办理本组织的事项", field="organization_id")


department_officer = acting_as(frozenset({Role.DEPARTMENT}), action="起草目录事项")
"""A department officer (职能部门)."""

DepartmentOfficer = Annotated[Actor, Depends(department_officer)]


def china_today(services: ServicesDep) -> date:
    """Today's date in China (Asia/Shanghai), by the app's clock."""
    return china_date(services.clock())


ChinaToday = Annotated[date, Depends(china_today)]


# --- commands -------------------------------------------------------------------


def get_commands(services: ServicesDep) -> CatalogueCommands:
    return services.commands


Commands = Annotated[CatalogueCommands, Depends(get_commands)]


def get_registry(services: ServicesDep) -> RegistryCommands:
    return services.registry


Registry = Annotated[RegistryCommands, Depends(get_registry)]


def _required(service: T | None, *, name: str) -> T:
    """``service``, or a 503 saying which service this deployment has not set up."""
    if service is None:
        raise ServiceNotConfiguredError(name)
    return service


def get_organization_commands(services: ServicesDep) -> OrganizationCommands:
    return _required(services.organizations, name="社会组织登记与监管")


def get_grading_commands(services: ServicesDep) -> GradingCommands:
    return _required(services.grading, name="等级评估")


def get_transfer_commands(services: ServicesDep) -> TransferCommands:
    return _required(services.transfers, name="职能转移")


def get_purchase_commands(services: ServicesDep) -> PurchaseCommands:
    return _required(services.purchases, name="购买服务")


OrganizationGateway = Annotated[OrganizationCommands, Depends(get_organization_commands)]
Grading = Annotated[GradingCommands, Depends(get_grading_commands)]
Transfers = Annotated[TransferCommands, Depends(get_transfer_commands)]
Purchases = Annotated[PurchaseCommands, Depends(get_purchase_commands)]


def get_audit_log(services: ServicesDep) -> AuditLog:
    return _required(services.audit, name="审计链")


Audit = Annotated[AuditLog, Depends(get_audit_log)]


def get_reporting_commands(services: ServicesDep) -> ReportingCommands:
    return _required(services.reporting, name="季度报告与验收考核")


Reporting = Annotated[ReportingCommands, Depends(get_reporting_commands)]


IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", min_length=1, max_length=255,
    description="幂等键：用同一个键重复提交同一请求，返回第一次的结果而不会重复执行",
)]


def command_id(
    request: Request, actor: CurrentActor, idempotency_key: IdempotencyKey = None,
) -> str:
    """The command id of a write: derived from the caller's Idempotency-Key, else fresh.

    Namespaced by the caller and by the request's method and path, so that one user's
    key never answers for another user, nor for a different action or item.
    """
    return _command_id(request, actor, idempotency_key)


def _command_id(request: Request, actor: Actor, idempotency_key: str | None) -> str:
    if idempotency_key is None:
        return f"http:{actor.user}:{uuid4()}"
    return f"http:{actor.user}:{request.method} {request.url.path}:{idempotency_key}"


CommandId = Annotated[str, Depends(command_id)]


def caller_or_public(actor: OptionalActor) -> Actor:
    """The caller, or the public (公众) when no token was sent."""
    return actor or PUBLIC_ACTOR


CallerOrPublic = Annotated[Actor, Depends(caller_or_public)]


async def public_command_id(
    request: Request, actor: CallerOrPublic, idempotency_key: IdempotencyKey = None,
) -> str:
    """The command id of a write anyone may send (a complaint), as :func:`command_id`.

    The public shares one namespace, so an anonymous key also names the request's body:
    a retry of the same complaint is answered with the first, while someone else's
    complaint under the same key is filed as its own.
    """
    if actor.role is Role.PUBLIC and idempotency_key is not None:
        digest = hashlib.sha256(await request.body()).hexdigest()[:32]
        idempotency_key = f"{idempotency_key}:{digest}"
    return _command_id(request, actor, idempotency_key)


PublicCommandId = Annotated[str, Depends(public_command_id)]


# --- lists (keyset pagination, DESIGN.md §5a) ------------------------------------

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

PageCursor = Annotated[str | None, Query(description="上一页返回的 next_cursor")]
PageLimit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="每页条数")]


# --- reads that wait for a write ------------------------------------------------

ReadAfter = Annotated[int | None, Query(
    ge=0,
    description="先等待查询视图处理到此通知编号（写操作返回的 notification_id），以读到刚才的修改",
)]


async def _wait_for(view: CaughtUp, after: int | None, timeout: float) -> None:
    if after is None:
        return
    if not await asyncio.to_thread(view.caught_up, after, timeout):
        raise ReadNotCaughtUpError(after=after, waited=timeout)


async def catalogue_reader(services: ServicesDep, after: ReadAfter = None) -> CatalogueReader:
    """The catalogue view, once it has caught up with ``?after=``."""
    await _wait_for(services.catalogue, after, services.read_wait_seconds)
    return services.catalogue


async def history_reader(services: ServicesDep, after: ReadAfter = None) -> HistoryReader:
    """The history view, once it has caught up with ``?after=``."""
    await _wait_for(services.history, after, services.read_wait_seconds)
    return services.history


async def inbox_reader(services: ServicesDep, after: ReadAfter = None) -> InboxReader:
    """The inbox view, once it has caught up with ``?after=``."""
    await _wait_for(services.inbox, after, services.read_wait_seconds)
    return services.inbox


Catalogue = Annotated[CatalogueReader, Depends(catalogue_reader)]
History = Annotated[HistoryReader, Depends(history_reader)]
Inbox = Annotated[InboxReader, Depends(inbox_reader)]


ReaderT = TypeVar("ReaderT", bound=CaughtUp)


def caught_up_view(
    view_of: Callable[[Services], ReaderT],
) -> Callable[[Services, int | None], Awaitable[ReaderT]]:
    """A dependency giving a view once it has caught up with ``?after=``."""

    async def reader(services: ServicesDep, after: ReadAfter = None) -> ReaderT:
        view = view_of(services)
        await _wait_for(view, after, services.read_wait_seconds)
        return view

    return reader


Departments = Annotated[DepartmentReader, Depends(caught_up_view(lambda s: s.departments))]
Agencies = Annotated[AgencyReader, Depends(caught_up_view(lambda s: s.agencies))]
Organizations = Annotated[OrganizationReader, Depends(caught_up_view(
    lambda s: _required(s.organization_views, name="社会组织查询")))]
Evaluations = Annotated[EvaluationReader, Depends(caught_up_view(
    lambda s: _required(s.evaluation_views, name="等级评估查询")))]
TransferViews = Annotated[TransferReader, Depends(caught_up_view(
    lambda s: _required(s.transfer_views, name="职能转移查询")))]
ContractViews = Annotated[ContractReader, Depends(caught_up_view(
    lambda s: _required(s.contract_views, name="购买服务合同查询")))]
ReportViews = Annotated[ReportReader, Depends(caught_up_view(
    lambda s: _required(s.report_views, name="季度报告查询")))]
OcdsViews = Annotated[OcdsReader, Depends(caught_up_view(
    lambda s: _required(s.ocds_views, name="开放合同数据（OCDS）")))]

FeedCursor = Annotated[int, Query(
    ge=0, description="游标：上次返回的 next_cursor（从头读取时为 0 或不填）；"
                      "先等待变更流处理到此位置再读取其后的变更")]


async def feed_reader(services: ServicesDep, after: FeedCursor = 0) -> FeedReader:
    """The change feed, once it has caught up with its cursor ``?after=`` (a position in
    the log, as a write's notification id is)."""
    view = _required(services.feed_views, name="信息公开变更")
    await _wait_for(view, after, services.read_wait_seconds)
    return view


FeedViews = Annotated[FeedReader, Depends(feed_reader)]


def grade_threshold(services: ServicesDep) -> int:
    """The lowest grade that may undertake (3 = 3A; a setting)."""
    return services.grade_threshold


GradeThreshold = Annotated[int, Depends(grade_threshold)]
