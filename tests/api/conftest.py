"""The API over fakes: the real domain in memory behind the gateway, views that follow it.

And, for the tests that ask for ``stack``, the API on the real stack.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.auth import AuthConfig
from domain.actors import Role
from tests.api.case_fakes import (
    FakeContractViews,
    FakePurchaseCommands,
    FakeTransferCommands,
    FakeTransferViews,
)
from tests.api.case_helpers import CaseWorld, build_world
from tests.api.fakes import (
    Agency,
    FakeCatalogueCommands,
    FakeClock,
    FakeInbox,
    FakeViews,
    establish_agency,
    in_memory_application,
)
from tests.api.helpers import CZJ, MZJ, READ_WAIT_SECONDS, Pipeline, Tokens
from tests.api.import_fakes import FakeCatalogueImporter
from tests.api.organization_fakes import (
    FakeEvaluationViews,
    FakeGradingCommands,
    FakeOrganizationCommands,
    FakeOrganizationViews,
    FollowingHistory,
)
from tests.api.organization_helpers import Seeded, seed
from tests.api.real_stack import Stack, real_stack
from tests.api.registry_fakes import FakeRegistryCommands, FollowingRegisters
from tests.cases import Cases
from tests.workflows.harness import start_time_skipping


@pytest.fixture
def auth_config() -> AuthConfig:
    return AuthConfig(
        secret="api-edge-tests-secret-0123456789abcdef", issuer="govflow-test",
        ttl=timedelta(hours=1),
    )


@pytest.fixture
def tokens(auth_config: AuthConfig) -> Tokens:
    return Tokens(auth_config)


@pytest.fixture
def gateway_and_views() -> tuple[FakeCatalogueCommands, FakeViews]:
    application = in_memory_application()
    return FakeCatalogueCommands(application), FakeViews(application)


@pytest.fixture
def gateway(gateway_and_views: tuple[FakeCatalogueCommands, FakeViews]) -> FakeCatalogueCommands:
    return gateway_and_views[0]


@pytest.fixture
def views(gateway_and_views: tuple[FakeCatalogueCommands, FakeViews]) -> FakeViews:
    return gateway_and_views[1]


@pytest.fixture
def inbox() -> FakeInbox:
    return FakeInbox()


@pytest.fixture
def clock() -> FakeClock:
    """01:00 on 23 March 2027 in Jiangmen, while it is still 22 March in UTC."""
    return FakeClock(datetime(2027, 3, 22, 17, 0, tzinfo=UTC))


@pytest.fixture
def importer(gateway: FakeCatalogueCommands) -> FakeCatalogueImporter:
    return FakeCatalogueImporter(gateway.application)


@pytest.fixture
def registry(gateway: FakeCatalogueCommands) -> FakeRegistryCommands:
    return FakeRegistryCommands(gateway.application)


@pytest.fixture
def registers(gateway: FakeCatalogueCommands, tmp_path: Path) -> Iterator[FollowingRegisters]:
    """The departments and agencies views, following the fake gateway's application."""
    following = FollowingRegisters(gateway.application, tmp_path / "registers.sqlite3")
    yield following
    following.close()


@pytest.fixture
def app(
    gateway: FakeCatalogueCommands, views: FakeViews, inbox: FakeInbox, clock: FakeClock,
    auth_config: AuthConfig, importer: FakeCatalogueImporter, registry: FakeRegistryCommands,
    registers: FollowingRegisters,
) -> FastAPI:
    return create_app(
        commands=gateway, catalogue=views, history=views, inbox=inbox, auth=auth_config,
        read_wait_seconds=READ_WAIT_SECONDS, clock=clock, importer=importer,
        registry=registry, departments=registers.departments, agencies=registers.agencies,
    )


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://govflow.test") as client:
        yield client


@pytest.fixture
def officer(tokens: Tokens) -> dict[str, str]:
    """A 江门市民政局 officer."""
    return tokens.headers(Role.DEPARTMENT, MZJ, user="chen.mzj")


@pytest.fixture
def other_officer(tokens: Tokens) -> dict[str, str]:
    """A 江门市财政局 officer."""
    return tokens.headers(Role.DEPARTMENT, CZJ, user="wang.czj")


@pytest.fixture
def finance(tokens: Tokens) -> dict[str, str]:
    return tokens.headers(Role.FINANCE, user="zhao.finance")


@pytest.fixture
def committee(tokens: Tokens) -> dict[str, str]:
    return tokens.headers(Role.COMMITTEE, user="liu.committee")


@pytest.fixture
def agency(gateway: FakeCatalogueCommands) -> Agency:
    """江门市政府职能转移咨询委员会, with its experts 陈明 (affiliated) and 林芳."""
    return establish_agency(gateway.application)


@pytest.fixture
def other_agency(gateway: FakeCatalogueCommands) -> Agency:
    return establish_agency(gateway.application, name="江门市社会组织发展咨询中心")


@pytest.fixture
def agency_staff(tokens: Tokens, agency: Agency) -> dict[str, str]:
    return tokens.headers(Role.AGENCY, agency.scope, user="he.agency")


@pytest.fixture
def other_agency_staff(tokens: Tokens, other_agency: Agency) -> dict[str, str]:
    return tokens.headers(Role.AGENCY, other_agency.scope, user="xu.agency")


@pytest.fixture
def pipeline(
    client: httpx.AsyncClient, gateway: FakeCatalogueCommands, agency: Agency,
    officer: dict[str, str], agency_staff: dict[str, str], finance: dict[str, str],
) -> Pipeline:
    return Pipeline(client=client, gateway=gateway, agency=agency, officer=officer,
                    agency_staff=agency_staff, finance=finance)


# --- social organizations and grade evaluation (opt in: a test module overrides ``app``
# with ``organization_app``) -----------------------------------------------------------------


@pytest.fixture
def organization_commands(gateway: FakeCatalogueCommands) -> FakeOrganizationCommands:
    return FakeOrganizationCommands(gateway.application)


@pytest.fixture
def grading_commands(gateway: FakeCatalogueCommands, clock: FakeClock) -> FakeGradingCommands:
    return FakeGradingCommands(gateway.application, clock)


@pytest.fixture
def organization_views() -> FakeOrganizationViews:
    return FakeOrganizationViews()


@pytest.fixture
def evaluation_views() -> FakeEvaluationViews:
    return FakeEvaluationViews()


@pytest.fixture
def organization_app(
    gateway: FakeCatalogueCommands, views: FakeViews, inbox: FakeInbox, clock: FakeClock,
    auth_config: AuthConfig, registry: FakeRegistryCommands, registers: FollowingRegisters,
    organization_commands: FakeOrganizationCommands, grading_commands: FakeGradingCommands,
    organization_views: FakeOrganizationViews, evaluation_views: FakeEvaluationViews,
) -> FastAPI:
    """The app with the organization and grading fakes, and a history that shows every
    aggregate's events as the real history view stores them."""
    return create_app(
        commands=gateway, catalogue=views, history=FollowingHistory(gateway.application),
        inbox=inbox, auth=auth_config, read_wait_seconds=READ_WAIT_SECONDS, clock=clock,
        registry=registry, departments=registers.departments, agencies=registers.agencies,
        organizations=organization_commands, grading=grading_commands,
        organization_views=organization_views, evaluation_views=evaluation_views,
    )


@pytest.fixture
def orgs(gateway: FakeCatalogueCommands) -> Seeded:
    """蓬江区长者服务中心, 江门市养老服务协会 and an evaluator, registered in the domain."""
    return seed(gateway.application)


@pytest.fixture
def centre_staff(tokens: Tokens, orgs: Seeded) -> dict[str, str]:
    return tokens.headers(Role.ORGANIZATION, str(orgs.centre), user="hu.centre")


@pytest.fixture
def association_staff(tokens: Tokens, orgs: Seeded) -> dict[str, str]:
    return tokens.headers(Role.ORGANIZATION, str(orgs.association), user="li.association")


@pytest.fixture
def evaluator_staff(tokens: Tokens, orgs: Seeded) -> dict[str, str]:
    return tokens.headers(Role.EVALUATOR, str(orgs.evaluator), user="wu.evaluator")


# --- transfers, staffing requests, purchase contracts and the ledger (opt in: a test
# module overrides ``app`` with ``case_app``) -----------------------------------------------


@pytest.fixture
def transfer_commands(gateway: FakeCatalogueCommands, clock: FakeClock) -> FakeTransferCommands:
    return FakeTransferCommands(gateway.application, clock)


@pytest.fixture
def purchase_commands(gateway: FakeCatalogueCommands, clock: FakeClock) -> FakePurchaseCommands:
    return FakePurchaseCommands(gateway.application, clock)


@pytest.fixture
def transfer_views() -> FakeTransferViews:
    return FakeTransferViews()


@pytest.fixture
def contract_views() -> FakeContractViews:
    return FakeContractViews()


@pytest.fixture
def case_app(
    gateway: FakeCatalogueCommands, views: FakeViews, inbox: FakeInbox, clock: FakeClock,
    auth_config: AuthConfig, registry: FakeRegistryCommands, registers: FollowingRegisters,
    organization_commands: FakeOrganizationCommands, grading_commands: FakeGradingCommands,
    organization_views: FakeOrganizationViews, evaluation_views: FakeEvaluationViews,
    transfer_commands: FakeTransferCommands, purchase_commands: FakePurchaseCommands,
    transfer_views: FakeTransferViews, contract_views: FakeContractViews,
) -> FastAPI:
    """The app with every fake: the organization app's, and the transfer and purchase
    gateways and views."""
    return create_app(
        commands=gateway, catalogue=views, history=FollowingHistory(gateway.application),
        inbox=inbox, auth=auth_config, read_wait_seconds=READ_WAIT_SECONDS, clock=clock,
        registry=registry, departments=registers.departments, agencies=registers.agencies,
        organizations=organization_commands, grading=grading_commands,
        organization_views=organization_views, evaluation_views=evaluation_views,
        transfers=transfer_commands, purchases=purchase_commands,
        transfer_views=transfer_views, contract_views=contract_views,
    )


@pytest.fixture
def world(gateway: FakeCatalogueCommands) -> CaseWorld:
    """Items decided for 购买服务 and 委托, and 蓬江区长者服务中心 graded 4A, in the domain."""
    return build_world(Cases(gateway.application))


@pytest.fixture
def provider_staff(tokens: Tokens, world: CaseWorld) -> dict[str, str]:
    """蓬江区长者服务中心's staff (the provider of the contracts the tests award)."""
    return tokens.headers(Role.ORGANIZATION, str(world.centre), user="hu.provider")


# --- the real stack (tests.api.real_stack) ---------------------------------------


@pytest.fixture(scope="module")
async def env() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server of the test module's own: skipping days must not wait on
    workflows that other modules' tests left behind without a worker."""
    async with await start_time_skipping() as environment:
        yield environment


@pytest.fixture
async def stack(env: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[Stack]:
    async with real_stack(env, tmp_path) as running:
        yield running
