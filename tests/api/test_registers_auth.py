"""Who may call what: the auth matrix of every /departments and /agencies endpoint."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from domain.actors import Role
from domain.registry.departments import RegisteredDepartment
from tests.api.fakes import FakeCatalogueCommands
from tests.api.helpers import PROBLEM_JSON, Tokens, bearer, token_of, with_claims_changed
from tests.api.registry_fakes import FakeRegistryCommands
from tests.api.registry_helpers import SOCIAL_WORK, SeededAgency, seed_agency


@dataclass(frozen=True)
class Write:
    name: str
    method: str
    path: str
    body: dict[str, Any]
    success: int
    action: str

    async def send(self, client: httpx.AsyncClient, agency: SeededAgency,
                   headers: dict[str, str] | None = None) -> httpx.Response:
        path = self.path.format(agency=agency.id, expert=agency.expert_id)
        return await client.request(self.method, path, json=self.body, headers=headers)


WRITES = [
    Write("register-department", "POST", "/departments",
          {"code": "440705-MZJ", "name": "新会区民政局"}, 201, "登记部门"),
    Write("establish-agency", "POST", "/agencies",
          {"name": "台山市购买服务咨询委员会", "mandate": "提出咨询意见"}, 201, "设立咨询服务机构"),
    Write("appoint-expert", "POST", "/agencies/{agency}/experts",
          {"name": "林芳", "affiliations": []}, 201, "聘任专家"),
    Write("declare-affiliations", "PUT", "/agencies/{agency}/experts/{expert}/affiliations",
          {"affiliations": [SOCIAL_WORK]}, 200, "申报专家关联关系"),
    Write("remove-expert", "DELETE", "/agencies/{agency}/experts/{expert}",
          {"reason": "任期届满"}, 200, "解聘专家"),
]
WRITE_IDS = [w.name for w in WRITES]
COMMITTEE_ONLY = [w for w in WRITES if w.name != "declare-affiliations"]

READS = ["/departments", "/departments/440700-MZJ", "/departments/440700-MZJ/history",
         "/agencies", "/agencies/{agency}", "/agencies/{agency}/history"]


@pytest.fixture
def seeded(gateway: FakeCatalogueCommands) -> SeededAgency:
    return seed_agency(gateway.application)


def expired(tokens: Tokens) -> dict[str, str]:
    return tokens.headers(Role.COMMITTEE, now=datetime.now(UTC) - timedelta(days=1))


def tampered(officer: dict[str, str]) -> dict[str, str]:
    # A department officer's own token, edited to claim the committee's powers.
    return bearer(with_claims_changed(token_of(officer), role="committee", scope=None))


# --- writes ---------------------------------------------------------------------


@pytest.mark.parametrize("write", WRITES, ids=WRITE_IDS)
async def test_write_by_committee_succeeds(
    client: httpx.AsyncClient, committee: dict[str, str], seeded: SeededAgency, write: Write
) -> None:
    response = await write.send(client, seeded, committee)

    assert response.status_code == write.success, response.text
    assert {"id", "code", "version", "notification_id"} <= set(response.json())


@pytest.mark.parametrize("write", WRITES, ids=WRITE_IDS)
async def test_write_without_token_returns_401_and_sends_nothing(
    client: httpx.AsyncClient, seeded: SeededAgency, registry: FakeRegistryCommands,
    write: Write,
) -> None:
    response = await write.send(client, seeded)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"] == PROBLEM_JSON
    assert registry.command_ids == []


@pytest.mark.parametrize("write", WRITES, ids=WRITE_IDS)
async def test_write_with_expired_token_returns_401(
    client: httpx.AsyncClient, tokens: Tokens, seeded: SeededAgency, write: Write
) -> None:
    response = await write.send(client, seeded, expired(tokens))

    assert response.status_code == 401
    assert "过期" in response.json()["detail"]


@pytest.mark.parametrize("write", WRITES, ids=WRITE_IDS)
async def test_write_with_tampered_token_returns_401(
    client: httpx.AsyncClient, officer: dict[str, str], seeded: SeededAgency,
    registry: FakeRegistryCommands, write: Write,
) -> None:
    response = await write.send(client, seeded, tampered(officer))

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert registry.command_ids == []


@pytest.mark.parametrize("role", [Role.DEPARTMENT, Role.FINANCE, Role.AGENCY])
@pytest.mark.parametrize("write", COMMITTEE_ONLY, ids=[w.name for w in COMMITTEE_ONLY])
async def test_committee_write_by_other_role_returns_403_and_sends_nothing(
    client: httpx.AsyncClient, tokens: Tokens, seeded: SeededAgency,
    registry: FakeRegistryCommands, write: Write, role: Role,
) -> None:
    scope = {Role.DEPARTMENT: "440700-MZJ", Role.AGENCY: seeded.id}.get(role)

    response = await write.send(client, seeded, tokens.headers(role, scope))

    assert response.status_code == 403
    problem = response.json()
    assert problem["type"] == "RoleNotAllowedError"
    assert problem["title"] == "无权进行此操作"
    assert problem["detail"] == (f"角色 {role.value} 不能{write.action}；"
                                 f"可执行此操作的角色：committee")
    assert registry.command_ids == []


@pytest.mark.parametrize("role", [Role.DEPARTMENT, Role.FINANCE])
async def test_declare_affiliations_by_role_outside_committee_and_agency_returns_403(
    client: httpx.AsyncClient, tokens: Tokens, seeded: SeededAgency,
    registry: FakeRegistryCommands, role: Role,
) -> None:
    scope = "440700-MZJ" if role is Role.DEPARTMENT else None

    response = await WRITES[3].send(client, seeded, tokens.headers(role, scope))

    assert response.status_code == 403
    assert response.json()["detail"] == (
        f"角色 {role.value} 不能申报专家关联关系；可执行此操作的角色：agency、committee")
    assert registry.command_ids == []


async def test_declare_affiliations_by_the_agency_itself_succeeds(
    client: httpx.AsyncClient, tokens: Tokens, seeded: SeededAgency,
) -> None:
    response = await WRITES[3].send(client, seeded, tokens.headers(Role.AGENCY, seeded.id))

    assert response.status_code == 200, response.text


async def test_declare_affiliations_by_another_agency_returns_403_other_agency(
    client: httpx.AsyncClient, tokens: Tokens, gateway: FakeCatalogueCommands,
    seeded: SeededAgency,
) -> None:
    other = seed_agency(gateway.application, name="台山市购买服务咨询委员会")

    response = await WRITES[3].send(client, seeded, tokens.headers(Role.AGENCY, other.id))

    assert response.status_code == 403
    assert response.json()["type"] == "OtherAgencyError"
    assert other.id in response.json()["detail"]


# --- reads ----------------------------------------------------------------------


@pytest.mark.parametrize("path", READS)
async def test_read_without_token_succeeds(
    client: httpx.AsyncClient, seeded: SeededAgency, path: str
) -> None:
    response = await client.get(path.format(agency=seeded.id))

    assert response.status_code == 200, response.text


@pytest.mark.parametrize("path", READS)
async def test_read_with_token_of_any_role_succeeds(
    client: httpx.AsyncClient, finance: dict[str, str], seeded: SeededAgency, path: str
) -> None:
    response = await client.get(path.format(agency=seeded.id), headers=finance)

    assert response.status_code == 200, response.text


@pytest.mark.parametrize("path", READS)
async def test_read_with_expired_token_returns_401(
    client: httpx.AsyncClient, tokens: Tokens, seeded: SeededAgency, path: str
) -> None:
    response = await client.get(path.format(agency=seeded.id), headers=expired(tokens))

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize("path", READS)
async def test_read_with_tampered_token_returns_401(
    client: httpx.AsyncClient, officer: dict[str, str], seeded: SeededAgency, path: str
) -> None:
    response = await client.get(path.format(agency=seeded.id), headers=tampered(officer))

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("path", "error", "detail"),
    [
        ("/departments/440784-MZJ", "DepartmentNotFoundError", "部门代码 440784-MZJ 未登记"),
        ("/departments/440784-MZJ/history", "DepartmentNotFoundError",
         "部门代码 440784-MZJ 未登记"),
        (f"/agencies/{RegisteredDepartment.create_id('x')}", "AgencyNotFoundError",
         f"咨询服务机构 {RegisteredDepartment.create_id('x')} 不存在"),
        (f"/agencies/{RegisteredDepartment.create_id('x')}/history", "AgencyNotFoundError",
         f"咨询服务机构 {RegisteredDepartment.create_id('x')} 不存在"),
    ],
)
async def test_read_of_unknown_department_or_agency_returns_404_problem(
    client: httpx.AsyncClient, path: str, error: str, detail: str
) -> None:
    response = await client.get(path)

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON
    assert (response.json()["type"], response.json()["detail"]) == (error, detail)
