"""/departments and /agencies: what the committee writes, what is refused, what is read."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import httpx
import pytest

from domain.agency.commands import expert_id_for
from tests.api.fakes import FakeCatalogueCommands
from tests.api.helpers import PROBLEM_JSON, field_errors
from tests.api.registry_fakes import FakeRegistryCommands, FollowingRegisters
from tests.api.registry_helpers import ELDERLY, SOCIAL_WORK, SeededAgency, seed_agency

NEW_DEPARTMENT = {"code": "440781-RSJ", "name": "台山市人力资源和社会保障局"}


@pytest.fixture
def seeded(gateway: FakeCatalogueCommands) -> SeededAgency:
    return seed_agency(gateway.application)


async def post(client: httpx.AsyncClient, path: str, body: dict[str, Any],
               headers: dict[str, str]) -> httpx.Response:
    return await client.post(path, json=body, headers=headers)


# --- departments ----------------------------------------------------------------------


async def test_register_department_returns_201_with_location_and_reads_back(
    client: httpx.AsyncClient, committee: dict[str, str]
) -> None:
    created = await post(client, "/departments", NEW_DEPARTMENT, committee)

    assert created.status_code == 201, created.text
    assert created.headers["location"].endswith("/departments/440781-RSJ")
    assert created.json()["code"] == "440781-RSJ"
    shown = await client.get("/departments/440781-RSJ",
                             params={"after": created.json()["notification_id"]})
    assert shown.json() | {"registered_at": None} == {
        "id": created.json()["id"], "code": "440781-RSJ", "name": "台山市人力资源和社会保障局",
        "region_code": "440781", "region_name": "台山市", "pilot": True, "version": 1,
        "registered_at": None,
    }
    assert shown.json()["registered_at"].endswith("+08:00")


async def test_register_department_same_idempotency_key_twice_answers_first_and_registers_once(
    client: httpx.AsyncClient, committee: dict[str, str], registry: FakeRegistryCommands
) -> None:
    headers = {**committee, "Idempotency-Key": "seed-440781-RSJ"}

    first = await post(client, "/departments", NEW_DEPARTMENT, headers)
    again = await post(client, "/departments", NEW_DEPARTMENT, headers)

    assert first.status_code == again.status_code == 201
    assert (again.json()["id"], again.json()["version"]) == (first.json()["id"], 1)
    assert registry.command_ids[0] == registry.command_ids[1]
    listed = await client.get("/departments", params={"region_code": "440781"})
    assert [d["code"] for d in listed.json()["data"]] == ["440781-RSJ"]


async def test_register_department_code_twice_returns_409_already_registered(
    client: httpx.AsyncClient, committee: dict[str, str]
) -> None:
    refused = await post(client, "/departments", {"code": "440700-MZJ", "name": "民政局"},
                         committee)

    assert refused.status_code == 409
    assert refused.headers["content-type"] == PROBLEM_JSON
    assert refused.json()["type"] == "DepartmentAlreadyRegisteredError"
    assert refused.json()["detail"] == (
        "部门代码 440700-MZJ 已登记为「江门市民政局」，不能重复登记")


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"code": "440781-RSJ"}, {"name": "必填"}),
        ({}, {"code": "必填", "name": "必填"}),
        ({**NEW_DEPARTMENT, "region_code": "440781"}, {"region_code": "不允许此字段"}),
        ({"code": 440781, "name": "台山市民政局"}, {"code": "必须是字符串"}),
    ],
    ids=["no-name", "empty-body", "extra-field", "code-not-string"],
)
async def test_register_department_malformed_body_returns_422_per_field(
    client: httpx.AsyncClient, committee: dict[str, str], registry: FakeRegistryCommands,
    body: dict[str, Any], errors: dict[str, str],
) -> None:
    response = await post(client, "/departments", body, committee)

    assert field_errors(response) == errors
    assert registry.command_ids == []


@pytest.mark.parametrize(
    ("body", "error", "field", "detail"),
    [
        ({"code": "440781_RSJ", "name": "台山市人社局"}, "InvalidDepartmentCodeError", "code",
         "部门代码 '440781_RSJ' 格式不正确"),
        ({"code": "440100-MZJ", "name": "广州市民政局"}, "InvalidDepartmentCodeError", "code",
         "部门代码 440100-MZJ 的行政区划代码 440100 不属于江门市"),
        ({"code": "440781-RSJ", "name": " "}, "RequiredFieldError", "name",
         "部门名称不能为空；请填写部门名称"),
    ],
    ids=["bad-code", "outside-jiangmen", "blank-name"],
)
async def test_register_department_refused_by_the_domain_returns_422_naming_the_field(
    client: httpx.AsyncClient, committee: dict[str, str], body: dict[str, Any], error: str,
    field: str, detail: str,
) -> None:
    response = await post(client, "/departments", body, committee)

    assert field_errors(response) == {field: response.json()["detail"]}
    assert response.json()["type"] == error
    assert response.json()["detail"].startswith(detail)
    listed = await client.get("/departments")
    assert [d["code"] for d in listed.json()["data"]] == ["440700-CZJ", "440700-MZJ"]


async def test_list_departments_filters_pilots_and_pages_with_cursor(
    client: httpx.AsyncClient, committee: dict[str, str]
) -> None:
    for code, name in (("440781-RSJ", "台山市人社局"), ("440703-MZJ", "蓬江区民政局")):
        await post(client, "/departments", {"code": code, "name": name}, committee)

    pilots = await client.get("/departments", params={"pilot": "true"})
    first = await client.get("/departments", params={"limit": 2})
    rest = await client.get("/departments",
                            params={"limit": 2, "cursor": first.json()["next_cursor"]})

    assert [d["code"] for d in pilots.json()["data"]] == ["440703-MZJ", "440781-RSJ"]
    assert [d["code"] for d in first.json()["data"]] == ["440700-CZJ", "440700-MZJ"]
    assert [d["code"] for d in rest.json()["data"]] == ["440703-MZJ", "440781-RSJ"]
    assert rest.json()["next_cursor"] is None


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"cursor": "not-a-cursor!"}, {"cursor": None}),
        ({"limit": 0}, {"limit": "不能小于 1"}),
        ({"limit": 201}, {"limit": "不能大于 200"}),
        ({"pilot": "maybe"}, {"pilot": "必须是 true 或 false"}),
    ],
    ids=["bad-cursor", "limit-0", "limit-201", "pilot-not-bool"],
)
async def test_list_departments_bad_query_returns_422(
    client: httpx.AsyncClient, params: dict[str, Any], errors: dict[str, str | None]
) -> None:
    response = await client.get("/departments", params=params)

    found = field_errors(response)
    assert found.keys() == errors.keys()
    assert all(want is None or found[k] == want for k, want in errors.items())


async def test_read_after_a_write_the_view_has_not_processed_returns_503(
    client: httpx.AsyncClient, committee: dict[str, str], registers: FollowingRegisters
) -> None:
    registers.following = False
    created = await post(client, "/departments", NEW_DEPARTMENT, committee)

    behind = await client.get("/departments/440781-RSJ",
                              params={"after": created.json()["notification_id"]})

    assert behind.status_code == 503
    assert behind.json()["type"] == "ReadNotCaughtUpError"
    assert behind.headers["retry-after"] == "1"


# --- agencies and experts ---------------------------------------------------------------


async def test_establish_agency_appoint_expert_and_read_the_agency(
    client: httpx.AsyncClient, committee: dict[str, str]
) -> None:
    established = await post(client, "/agencies", {"name": "江门市政府职能转移咨询委员会",
                                                   "mandate": "提出咨询意见"}, committee)
    agency_id = established.json()["id"]
    appointed = await post(
        client, f"/agencies/{agency_id}/experts",
        {"name": "林芳", "affiliations": [SOCIAL_WORK, ELDERLY, SOCIAL_WORK]},
        {**committee, "Idempotency-Key": "appoint-lin"},
    )

    assert established.status_code == 201
    assert established.headers["location"].endswith(f"/agencies/{agency_id}")
    assert appointed.status_code == 201, appointed.text
    shown = await client.get(f"/agencies/{agency_id}",
                             params={"after": appointed.json()["notification_id"]})
    agency = shown.json()
    assert (agency["name"], agency["mandate"], agency["active"], agency["version"]) == (
        "江门市政府职能转移咨询委员会", "提出咨询意见", True, 2)
    assert [(e["expert_id"], e["name"], e["affiliations"], e["active"])
            for e in agency["experts"]] == [
        (appointed.json()["expert_id"], "林芳", sorted([ELDERLY, SOCIAL_WORK]), True)]
    assert appointed.json()["expert_id"] == expert_id_for(
        f"http:liu.committee:POST /agencies/{agency_id}/experts:appoint-lin")


async def test_declare_then_remove_expert_shows_in_the_agency(
    client: httpx.AsyncClient, committee: dict[str, str], seeded: SeededAgency
) -> None:
    expert = f"/agencies/{seeded.id}/experts/{seeded.expert_id}"
    declared = await client.put(f"{expert}/affiliations", json={"affiliations": []},
                                headers=committee)
    removed = await client.request("DELETE", expert, json={"reason": "任期届满"},
                                   headers=committee)

    assert (declared.status_code, removed.status_code) == (200, 200)
    shown = await client.get(f"/agencies/{seeded.id}",
                             params={"after": removed.json()["notification_id"]})
    (chen,) = shown.json()["experts"]
    assert (chen["affiliations"], chen["active"], chen["removal_reason"]) == (
        [], False, "任期届满")
    assert chen["removed_at"].endswith("+08:00")


@pytest.mark.parametrize(
    ("method", "path", "body", "errors"),
    [
        ("POST", "/agencies", {"name": "咨询委员会"}, {"mandate": "必填"}),
        ("POST", "/agencies/{agency}/experts", {"name": "林芳", "affiliations": "协会"},
         {"affiliations": "必须是数组"}),
        ("POST", "/agencies/not-a-uuid/experts", {"name": "林芳"},
         {"agency_id": "必须是有效的 UUID"}),
        ("PUT", "/agencies/{agency}/experts/{expert}/affiliations", {},
         {"affiliations": "必填"}),
        ("DELETE", "/agencies/{agency}/experts/{expert}", {}, {"reason": "必填"}),
    ],
    ids=["no-mandate", "affiliations-not-list", "agency-id-not-uuid", "no-affiliations",
         "no-reason"],
)
async def test_agency_write_malformed_request_returns_422_per_field(
    client: httpx.AsyncClient, committee: dict[str, str], seeded: SeededAgency,
    registry: FakeRegistryCommands, method: str, path: str, body: dict[str, Any],
    errors: dict[str, str],
) -> None:
    response = await client.request(
        method, path.format(agency=seeded.id, expert=seeded.expert_id), json=body,
        headers=committee,
    )

    assert field_errors(response) == errors
    assert registry.command_ids == []


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "error", "field"),
    [
        ("POST", "/agencies", {"name": "咨询委员会", "mandate": " "}, 422,
         "RequiredFieldError", "mandate"),
        ("POST", "/agencies/{unknown}/experts", {"name": "林芳"}, 404,
         "AgencyNotFoundError", "agency_id"),
        ("POST", "/agencies/{agency}/experts", {"name": ""}, 422, "RequiredFieldError", "name"),
        ("PUT", "/agencies/{agency}/experts/nobody/affiliations", {"affiliations": []}, 422,
         "ExpertNotInAgencyError", "expert_id"),
        ("DELETE", "/agencies/{agency}/experts/{expert}", {"reason": ""}, 422,
         "RequiredFieldError", "reason"),
    ],
    ids=["blank-mandate", "unknown-agency", "blank-expert-name", "unknown-expert",
         "blank-reason"],
)
async def test_agency_write_refused_by_the_domain_returns_problem_and_records_nothing(
    client: httpx.AsyncClient, committee: dict[str, str], seeded: SeededAgency,
    gateway: FakeCatalogueCommands, method: str, path: str, body: dict[str, Any], status: int,
    error: str, field: str,
) -> None:
    before = gateway.application.recorder.max_notification_id()

    response = await client.request(
        method, path.format(agency=seeded.id, expert=seeded.expert_id, unknown=uuid4()),
        json=body, headers=committee,
    )

    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["type"] == error
    if status == 422:
        assert field_errors(response) == {field: response.json()["detail"]}
    assert gateway.application.recorder.max_notification_id() == before


async def test_list_agencies_pages_in_establishment_order(
    client: httpx.AsyncClient, gateway: FakeCatalogueCommands, seeded: SeededAgency
) -> None:
    seed_agency(gateway.application, name="台山市购买服务咨询委员会")

    first = await client.get("/agencies", params={"limit": 1})
    rest = await client.get("/agencies", params={"limit": 1,
                                                 "cursor": first.json()["next_cursor"]})

    assert [a["id"] for a in first.json()["data"]] == [seeded.id]
    assert [a["name"] for a in rest.json()["data"]] == ["台山市购买服务咨询委员会"]
    assert [e["name"] for e in rest.json()["data"][0]["experts"]] == ["陈明"]
    assert rest.json()["next_cursor"] is None
