"""/organizations and /grades: what the committee and the organizations write, what is
refused, what the public reads, and whether an organization may undertake."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import httpx
import pytest
from fastapi import FastAPI

from api.app import create_app
from api.auth import AuthConfig
from domain.actors import PUBLIC_ACTOR, Role
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
    complaint_id_for,
)
from domain.organizations.organization import SocialOrganization
from tests.api.fakes import FakeCatalogueCommands, FakeClock, FakeInbox, FakeViews
from tests.api.helpers import PROBLEM_JSON, READ_WAIT_SECONDS, Tokens, field_errors
from tests.api.organization_fakes import FakeOrganizationCommands, FakeOrganizationViews
from tests.api.organization_helpers import (
    ALL_COMPLIANT,
    ASSOCIATION,
    CENTRE,
    CENTRE_BODY,
    CENTRE_CODE,
    TODAY,
    Seeded,
    association_row,
    award_grade,
    grade_row,
    organization_row,
)
from tests.api.registry_fakes import FakeRegistryCommands, FollowingRegisters


@pytest.fixture
def app(organization_app: FastAPI) -> FastAPI:
    return organization_app


async def post(client: httpx.AsyncClient, path: str, body: dict[str, Any] | None,
               headers: dict[str, str] | None = None) -> httpx.Response:
    return await client.post(path, json=body, headers=headers)


def problem(response: httpx.Response, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    found: dict[str, Any] = response.json()
    assert found["type"] == error
    assert found["status"] == status
    return found


# --- registration ------------------------------------------------------------------------


async def test_register_organization_returns_201_with_location_and_sends_the_command(
    client: httpx.AsyncClient, committee: dict[str, str],
    organization_commands: FakeOrganizationCommands,
) -> None:
    created = await post(client, "/organizations", CENTRE_BODY, committee)

    assert created.status_code == 201, created.text
    organization_id = SocialOrganization.create_id(CENTRE_CODE)
    assert created.headers["location"].endswith(f"/organizations/{organization_id}")
    assert (created.json()["id"], created.json()["code"], created.json()["version"]) == (
        str(organization_id), CENTRE_CODE, 1)
    (command,) = organization_commands.commands
    assert isinstance(command, RegisterOrganization)
    assert (command.actor.user, command.actor.role) == ("liu.committee", Role.COMMITTEE)
    assert (command.registered_on, command.region_code, command.full_time_staff) == (
        date(2020, 5, 8), "440703", 4)


async def test_register_organization_same_idempotency_key_twice_answers_first_and_registers_once(
    client: httpx.AsyncClient, committee: dict[str, str],
    organization_commands: FakeOrganizationCommands, gateway: FakeCatalogueCommands,
) -> None:
    headers = {**committee, "Idempotency-Key": "register-centre"}

    first = await post(client, "/organizations", CENTRE_BODY, headers)
    after_first = gateway.application.recorder.max_notification_id()
    again = await post(client, "/organizations", CENTRE_BODY, headers)

    assert first.status_code == again.status_code == 201
    assert (again.json()["id"], again.json()["version"]) == (first.json()["id"], 1)
    assert organization_commands.command_ids[0] == organization_commands.command_ids[1]
    assert gateway.application.recorder.max_notification_id() == after_first


async def test_register_organization_wrong_check_character_returns_422_naming_the_expected_one(
    client: httpx.AsyncClient, committee: dict[str, str],
) -> None:
    response = await post(client, "/organizations",
                          {**CENTRE_BODY, "credit_code": "52440703MJL000016A"}, committee)

    found = problem(response, 422, "CreditCodeCheckCharacterError")
    assert found["title"] == "提交的内容有误"
    assert field_errors(response) == {"credit_code": found["detail"]}
    assert "J" in found["detail"]


async def test_register_organization_twice_returns_409_already_registered(
    client: httpx.AsyncClient, committee: dict[str, str], orgs: Seeded,
) -> None:
    response = await post(client, "/organizations", CENTRE_BODY, committee)

    found = problem(response, 409, "OrganizationAlreadyRegisteredError")
    assert found["title"] == "当前状态不允许此操作"
    assert CENTRE in found["detail"]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({k: v for k, v in CENTRE_BODY.items() if k != "name"}, {"name": "必填"}),
        ({**CENTRE_BODY, "registered_on": "2020-13-01"},
         {"registered_on": "必须是日期（YYYY-MM-DD）"}),
        ({**CENTRE_BODY, "full_time_staff": "四"}, {"full_time_staff": "必须是整数"}),
        ({**CENTRE_BODY, "grade": "4A"}, {"grade": "不允许此字段"}),
    ],
    ids=["no-name", "bad-date", "staff-not-int", "extra-field"],
)
async def test_register_organization_malformed_body_returns_422_in_chinese_and_sends_nothing(
    client: httpx.AsyncClient, committee: dict[str, str],
    organization_commands: FakeOrganizationCommands, body: dict[str, Any],
    errors: dict[str, str],
) -> None:
    response = await post(client, "/organizations", body, committee)

    assert field_errors(response) == errors
    assert response.json()["title"] == "提交的内容有误"
    assert organization_commands.commands == []


# --- the organization's own declarations ---------------------------------------


async def test_declare_compliance_by_the_association_itself_is_dated_today(
    client: httpx.AsyncClient, association_staff: dict[str, str], orgs: Seeded,
    organization_commands: FakeOrganizationCommands,
) -> None:
    response = await post(client, f"/organizations/{orgs.association}/compliance-declarations",
                          {"declarations": ALL_COMPLIANT}, association_staff)

    assert response.status_code == 201, response.text
    assert response.headers["location"].endswith(f"/organizations/{orgs.association}")
    (command,) = organization_commands.commands
    assert isinstance(command, DeclareCompliance)
    assert (command.organization_id, command.declared_on) == (orgs.association, TODAY)
    assert (command.actor.role, command.actor.scope) == (Role.ORGANIZATION,
                                                         str(orgs.association))


async def test_declare_compliance_for_another_organization_returns_403_and_sends_nothing(
    client: httpx.AsyncClient, centre_staff: dict[str, str], orgs: Seeded,
    organization_commands: FakeOrganizationCommands,
) -> None:
    response = await post(client, f"/organizations/{orgs.association}/compliance-declarations",
                          {"declarations": ALL_COMPLIANT}, centre_staff)

    found = problem(response, 403, "OtherOrganizationError")
    assert found["title"] == "无权进行此操作"
    assert str(orgs.centre) in found["detail"]
    assert organization_commands.commands == []


async def test_declare_compliance_missing_items_returns_422_listing_them(
    client: httpx.AsyncClient, association_staff: dict[str, str], orgs: Seeded,
) -> None:
    partial = {k: v for k, v in ALL_COMPLIANT.items() if k != "自筹经费"}

    response = await post(client, f"/organizations/{orgs.association}/compliance-declarations",
                          {"declarations": partial}, association_staff)

    found = problem(response, 422, "IncompleteComplianceDeclarationError")
    assert field_errors(response) == {"declarations": found["detail"]}
    assert "缺少：自筹经费" in found["detail"]


async def test_verify_compliance_by_committee_is_dated_today(
    client: httpx.AsyncClient, committee: dict[str, str], association_staff: dict[str, str],
    orgs: Seeded, organization_commands: FakeOrganizationCommands,
) -> None:
    await post(client, f"/organizations/{orgs.association}/compliance-declarations",
               {"declarations": ALL_COMPLIANT}, association_staff)

    response = await post(client, f"/organizations/{orgs.association}/compliance-verification",
                          None, committee)

    assert response.status_code == 200, response.text
    assert response.json()["version"] == 3
    command = organization_commands.commands[-1]
    assert isinstance(command, VerifyCompliance)
    assert command.verified_on == TODAY


async def test_verify_compliance_before_any_declaration_returns_409(
    client: httpx.AsyncClient, committee: dict[str, str], orgs: Seeded,
) -> None:
    response = await post(client, f"/organizations/{orgs.association}/compliance-verification",
                          None, committee)

    found = problem(response, 409, "ComplianceNotMetError")
    assert "尚未申报" in found["detail"]


async def test_elect_board_member_by_the_organization_is_dated_today(
    client: httpx.AsyncClient, centre_staff: dict[str, str], orgs: Seeded,
    organization_commands: FakeOrganizationCommands,
) -> None:
    response = await post(client, f"/organizations/{orgs.centre}/board-members", {
        "person_id": "p-001", "name": "李伟", "position": "理事长", "public_office": "无",
    }, centre_staff)

    assert response.status_code == 201, response.text
    (command,) = organization_commands.commands
    assert isinstance(command, ElectBoardMember)
    assert (command.person_id, command.elected_on, command.retired_on) == ("p-001", TODAY, None)


async def test_elect_serving_official_to_an_association_board_returns_422(
    client: httpx.AsyncClient, committee: dict[str, str], orgs: Seeded,
) -> None:
    response = await post(client, f"/organizations/{orgs.association}/board-members", {
        "person_id": "p-009", "name": "王强", "position": "会长", "public_office": "现职",
    }, committee)

    found = problem(response, 422, "OfficialOnBoardError")
    assert found["errors"][0]["message"] == found["detail"]


# --- supervision ---------------------------------------------------------------


async def test_record_annual_inspection_takes_its_date_from_the_body(
    client: httpx.AsyncClient, committee: dict[str, str], orgs: Seeded,
    organization_commands: FakeOrganizationCommands,
) -> None:
    response = await post(client, f"/organizations/{orgs.centre}/annual-inspections",
                          {"year": 2026, "result": "基本合格", "inspected_on": "2027-03-01"},
                          committee)

    assert response.status_code == 201, response.text
    (command,) = organization_commands.commands
    assert isinstance(command, RecordAnnualInspection)
    assert (command.year, command.result, command.inspected_on) == (
        2026, "基本合格", date(2027, 3, 1))


async def test_record_annual_inspection_unknown_result_returns_422_with_the_choices(
    client: httpx.AsyncClient, committee: dict[str, str], orgs: Seeded,
) -> None:
    response = await post(client, f"/organizations/{orgs.centre}/annual-inspections",
                          {"year": 2026, "result": "良好", "inspected_on": "2027-03-01"},
                          committee)

    found = problem(response, 422, "UnknownInspectionResultError")
    assert field_errors(response) == {"result": found["detail"]}
    assert "合格、基本合格、不合格" in found["detail"]


async def test_record_penalty_takes_its_decision_date_from_the_body(
    client: httpx.AsyncClient, committee: dict[str, str], orgs: Seeded,
    organization_commands: FakeOrganizationCommands,
) -> None:
    response = await post(client, f"/organizations/{orgs.centre}/penalties", {
        "decision_number": "江民罚〔2027〕3号", "authority": "江门市民政局",
        "decided_on": "2027-02-10", "description": "警告",
    }, committee)

    assert response.status_code == 201, response.text
    (command,) = organization_commands.commands
    assert isinstance(command, RecordPenalty)
    assert (command.decision_number, command.decided_on) == ("江民罚〔2027〕3号", date(2027, 2, 10))


async def test_record_existing_grade_from_its_certificate_gives_the_validity_of_a_grade(
    client: httpx.AsyncClient, committee: dict[str, str], orgs: Seeded,
    organization_commands: FakeOrganizationCommands, gateway: FakeCatalogueCommands,
) -> None:
    response = await post(client, f"/organizations/{orgs.centre}/existing-grades", {
        "level": 4, "confirmed_on": "2025-11-20", "certificate_number": "江社评〔2025〕17号",
        "evaluator_name": "江门市社会组织评估服务中心"}, committee)

    assert response.status_code == 201, response.text
    (grade,) = gateway.application.get_organization(orgs.centre).grades
    assert (grade.level, grade.valid_from, grade.valid_until) == (
        4, date(2026, 1, 1), date(2030, 12, 31))
    again = await post(client, f"/organizations/{orgs.centre}/existing-grades", {
        "level": 4, "confirmed_on": "2025-11-20", "certificate_number": "江社评〔2025〕17号",
        "evaluator_name": "江门市社会组织评估服务中心"}, committee)
    found = problem(again, 409, "GradeAlreadyRecordedError")
    assert "江社评〔2025〕17号 已登记" in found["detail"]


async def test_record_existing_grade_of_six_a_is_refused_with_the_allowed_levels(
    client: httpx.AsyncClient, committee: dict[str, str], orgs: Seeded,
) -> None:
    response = await post(client, f"/organizations/{orgs.centre}/existing-grades", {
        "level": 6, "confirmed_on": "2025-11-20", "certificate_number": "江社评〔2025〕18号",
        "evaluator_name": "江门市社会组织评估服务中心"}, committee)

    assert response.status_code == 422, response.text
    assert "level" in response.text


async def test_raise_then_clear_credit_flag_are_dated_today(
    client: httpx.AsyncClient, committee: dict[str, str], orgs: Seeded,
    organization_commands: FakeOrganizationCommands,
) -> None:
    path = f"/organizations/{orgs.centre}/credit-flags"
    raised = await post(client, path, {"flag": "失信名单", "reason": "虚假承诺"}, committee)
    cleared = await post(client, f"{path}/clear", {"flag": "失信名单", "reason": "已整改"},
                         committee)

    assert (raised.status_code, cleared.status_code) == (201, 200), cleared.text
    raise_command, clear_command = organization_commands.commands
    assert isinstance(raise_command, RaiseCreditFlag)
    assert isinstance(clear_command, ClearCreditFlag)
    assert (raise_command.flag, raise_command.raised_on) == ("失信名单", TODAY)
    assert (clear_command.flag, clear_command.reason, clear_command.cleared_on) == (
        "失信名单", "已整改", TODAY)


async def test_clear_credit_flag_not_raised_returns_409(
    client: httpx.AsyncClient, committee: dict[str, str], orgs: Seeded,
) -> None:
    response = await post(client, f"/organizations/{orgs.centre}/credit-flags/clear",
                          {"flag": "异常名录", "reason": "已整改"}, committee)

    problem(response, 409, "CreditFlagNotRaisedError")


# --- complaints ----------------------------------------------------------------

COMPLAINT = {"complainant_name": "张先生", "complainant_contact": "13800000000",
             "content": "未按约定提供上门助餐服务"}


async def test_file_complaint_without_token_returns_its_id_and_never_the_complainant(
    client: httpx.AsyncClient, orgs: Seeded, organization_commands: FakeOrganizationCommands,
) -> None:
    response = await post(client, f"/organizations/{orgs.centre}/complaints", COMPLAINT,
                          {"Idempotency-Key": "complaint-1"})

    assert response.status_code == 201, response.text
    (command,) = organization_commands.commands
    assert isinstance(command, FileComplaint)
    assert (command.actor, command.filed_on, command.complainant_name) == (
        PUBLIC_ACTOR, TODAY, "张先生")
    assert response.json()["complaint_id"] == complaint_id_for(command.command_id)
    assert command.command_id.startswith(
        f"http:anonymous:POST /organizations/{orgs.centre}/complaints:complaint-1:")
    assert "张先生" not in response.text
    assert "13800000000" not in response.text


async def test_file_complaint_same_idempotency_key_twice_files_one_complaint(
    client: httpx.AsyncClient, orgs: Seeded, gateway: FakeCatalogueCommands,
) -> None:
    headers = {"Idempotency-Key": "complaint-2"}
    first = await post(client, f"/organizations/{orgs.centre}/complaints", COMPLAINT, headers)
    again = await post(client, f"/organizations/{orgs.centre}/complaints", COMPLAINT, headers)

    assert first.json() == again.json()
    assert len(gateway.application.get_organization(orgs.centre).complaints) == 1


async def test_two_anonymous_complaints_under_the_same_key_are_both_filed(
    client: httpx.AsyncClient, orgs: Seeded, gateway: FakeCatalogueCommands,
) -> None:
    headers = {"Idempotency-Key": "1"}
    other = {**COMPLAINT, "complainant_name": "李女士", "content": "服务人员未持证上岗"}
    first = await post(client, f"/organizations/{orgs.centre}/complaints", COMPLAINT, headers)
    second = await post(client, f"/organizations/{orgs.centre}/complaints", other, headers)

    assert first.json()["complaint_id"] != second.json()["complaint_id"]
    complaints = gateway.application.get_organization(orgs.centre).complaints.values()
    assert sorted(c.content for c in complaints) == [
        "服务人员未持证上岗", "未按约定提供上门助餐服务"]


async def test_file_complaint_about_unknown_organization_returns_404(
    client: httpx.AsyncClient,
) -> None:
    response = await post(client, f"/organizations/{uuid4()}/complaints", COMPLAINT)

    found = problem(response, 404, "OrganizationNotFoundError")
    assert found["title"] == "找不到指定的对象"


async def test_resolve_complaint_by_committee_is_dated_today(
    client: httpx.AsyncClient, committee: dict[str, str], orgs: Seeded,
    organization_commands: FakeOrganizationCommands,
) -> None:
    filed = await post(client, f"/organizations/{orgs.centre}/complaints", COMPLAINT)
    complaint_id = filed.json()["complaint_id"]

    response = await post(
        client, f"/organizations/{orgs.centre}/complaints/{complaint_id}/resolve",
        {"outcome": "经核查属实，已责令整改"}, committee)

    assert response.status_code == 200, response.text
    command = organization_commands.commands[-1]
    assert isinstance(command, ResolveComplaint)
    assert (command.complaint_id, command.resolved_on) == (complaint_id, TODAY)


async def test_resolve_unknown_complaint_returns_404(
    client: httpx.AsyncClient, committee: dict[str, str], orgs: Seeded,
) -> None:
    response = await post(client, f"/organizations/{orgs.centre}/complaints/nope/resolve",
                          {"outcome": "已处理"}, committee)

    problem(response, 404, "ComplaintNotFoundError")


# --- grades on the organization ------------------------------------------------


async def test_downgrade_grade_on_a_failed_inspection_is_decided_today(
    client: httpx.AsyncClient, committee: dict[str, str], orgs: Seeded,
    gateway: FakeCatalogueCommands, organization_commands: FakeOrganizationCommands,
) -> None:
    award_grade(gateway.application, orgs.centre, orgs.evaluator)
    await post(client, f"/organizations/{orgs.centre}/annual-inspections",
               {"year": 2026, "result": "不合格", "inspected_on": "2027-03-01"}, committee)

    response = await post(client, f"/organizations/{orgs.centre}/grade-downgrades",
                          {"basis": "年检不合格", "reference": "2026", "reason": "年检不合格"},
                          committee)

    assert response.status_code == 201, response.text
    command = organization_commands.commands[-1]
    assert (command.basis, command.reference, command.decided_on) == (
        "年检不合格", "2026", TODAY)
    assert gateway.application.get_organization(orgs.centre).grades[-1].level == 2


async def test_downgrade_without_a_grade_returns_409(
    client: httpx.AsyncClient, committee: dict[str, str], orgs: Seeded,
) -> None:
    response = await post(client, f"/organizations/{orgs.centre}/grade-downgrades",
                          {"basis": "受到行政处罚", "reference": "x", "reason": "处罚"},
                          committee)

    found = problem(response, 409, "NoCurrentGradeError")
    assert CENTRE in found["detail"]


async def test_revoke_grade_is_decided_today(
    client: httpx.AsyncClient, committee: dict[str, str], orgs: Seeded,
    gateway: FakeCatalogueCommands, organization_commands: FakeOrganizationCommands,
) -> None:
    award_grade(gateway.application, orgs.centre, orgs.evaluator)

    response = await post(client, f"/organizations/{orgs.centre}/grade-revocation",
                          {"reason": "弄虚作假"}, committee)

    assert response.status_code == 200, response.text
    command = organization_commands.commands[-1]
    assert (command.reason, command.decided_on) == ("弄虚作假", TODAY)


# --- reading the record --------------------------------------------------------

BOARD = [
    {"person_id": "p-001", "name": "李伟", "position": "理事长", "public_office": "退（离）休",
     "retired_on": "2020-01-01", "elected_on": "2025-06-01"},
]
COMPLAINTS = [
    {"complaint_id": "c-1", "content": "未按约定提供服务", "filed_on": "2027-01-05",
     "outcome": "已责令整改", "resolved_on": "2027-01-20",
     # Were the view ever to carry who complained, the API would still not show it.
     "complainant": {"name": "张先生", "contact": "13800000000"}},
]


async def test_get_organization_anonymous_sees_the_record_without_office_or_complainant(
    client: httpx.AsyncClient, organization_views: FakeOrganizationViews,
) -> None:
    row = organization_views.add(organization_row(
        board=BOARD, complaints=COMPLAINTS, grade_level=4,
        grade_valid_from=date(2026, 1, 1), grade_valid_until=date(2030, 12, 31),
        inspections=[{"year": 2026, "result": "合格", "inspected_on": "2027-03-01"}],
        flags=[{"flag": "异常名录", "raised_on": "2026-05-01", "reason": "逾期未年报",
                "cleared_on": "2026-07-01", "clear_reason": "已补报"}]))

    shown = (await client.get(f"/organizations/{row.id}")).json()

    assert shown["board"] == [{"name": "李伟", "position": "理事长", "elected_on": "2025-06-01"}]
    assert shown["complaints"] == [{"complaint_id": "c-1", "content": "未按约定提供服务",
                                    "filed_on": "2027-01-05", "outcome": "已责令整改",
                                    "resolved_on": "2027-01-20"}]
    assert (shown["grade_label"], shown["region_name"]) == ("4A", "蓬江区")
    assert shown["flags"][0]["cleared_on"] == "2026-07-01"
    assert shown["inspections"][0]["result"] == "合格"
    assert shown["registered_at"].endswith("+08:00")


@pytest.mark.parametrize(
    ("role", "sees_office"),
    [(Role.COMMITTEE, True), (Role.ORGANIZATION, False), (Role.DEPARTMENT, False)],
)
async def test_get_organization_board_office_status_only_for_the_committee(
    client: httpx.AsyncClient, tokens: Tokens, organization_views: FakeOrganizationViews,
    role: Role, sees_office: bool,
) -> None:
    row = organization_views.add(organization_row(board=BOARD))
    scope = {Role.ORGANIZATION: str(row.id), Role.DEPARTMENT: "440700-MZJ"}.get(role)

    shown = (await client.get(f"/organizations/{row.id}",
                              headers=tokens.headers(role, scope))).json()

    (member,) = shown["board"]
    assert ("public_office" in member) is sees_office
    if sees_office:
        assert (member["public_office"], member["retired_on"]) == ("退（离）休", "2020-01-01")


async def test_get_unknown_organization_returns_404(client: httpx.AsyncClient) -> None:
    unknown = uuid4()
    response = await client.get(f"/organizations/{unknown}")

    found = problem(response, 404, "OrganizationNotFoundError")
    assert str(unknown) in found["detail"]


async def test_list_organizations_passes_filters_and_pages_with_cursor(
    client: httpx.AsyncClient, organization_views: FakeOrganizationViews,
) -> None:
    organization_views.add(organization_row())
    organization_views.add(association_row())
    organization_views.add(organization_row(id=uuid4(), name="台山市社工服务中心",
                                            region_code="440781"))

    first = await client.get("/organizations", params={"limit": 2})
    rest = await client.get("/organizations",
                            params={"limit": 2, "cursor": first.json()["next_cursor"]})
    filtered = await client.get("/organizations", params={
        "q": " 养老 ", "kind": "行业协会商会", "category": "社会团体", "region_code": "440700",
        "industry": "养老服务", "grade_level": 4})

    assert [o["name"] for o in first.json()["data"]] == [CENTRE, ASSOCIATION]
    assert [o["name"] for o in rest.json()["data"]] == ["台山市社工服务中心"]
    assert rest.json()["next_cursor"] is None
    asked = organization_views.filters[-1]
    assert (asked.q, asked.kind, asked.category, asked.region_code, asked.industry,
            asked.grade_level) == ("养老", "行业协会商会", "社会团体", "440700", "养老服务", 4)
    assert filtered.json()["data"] == []


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"kind": "社团"}, {"kind": "必须是以下之一：'行业协会商会'、'公益慈善类'、"
                                   "'社会服务类'、'城乡社区服务类'、'其他'"}),
        ({"grade_level": 6}, {"grade_level": "不能大于 5"}),
        ({"limit": 0}, {"limit": "不能小于 1"}),
        ({"cursor": "not-a-cursor!"}, {"cursor": None}),
    ],
    ids=["unknown-kind", "grade-6", "limit-0", "bad-cursor"],
)
async def test_list_organizations_bad_query_returns_422_in_chinese(
    client: httpx.AsyncClient, params: dict[str, Any], errors: dict[str, str | None],
) -> None:
    response = await client.get("/organizations", params=params)

    found = field_errors(response)
    assert found.keys() == errors.keys()
    assert all(want is None or found[k] == want for k, want in errors.items())


async def test_read_after_a_write_the_view_has_not_processed_returns_503(
    client: httpx.AsyncClient, organization_views: FakeOrganizationViews,
) -> None:
    organization_views.lagging = True

    response = await client.get("/organizations", params={"after": 7})

    problem(response, 503, "ReadNotCaughtUpError")
    assert response.headers["retry-after"] == "1"


# --- eligibility ---------------------------------------------------------------

_REQUIRED = "承接须具有有效期内的 3A 及以上等级"
DISHONEST = [{"flag": "失信名单", "raised_on": "2027-01-05", "reason": "虚假承诺",
              "cleared_on": None, "clear_reason": None}]


@pytest.mark.parametrize(
    ("row", "grades", "reasons"),
    [
        (organization_row(), [], [f"未取得社会组织评估等级；{_REQUIRED}"]),
        (organization_row(), [dict(confirmed_on=date(2020, 11, 20), status="已到期")],
         ["评估等级 4A 的有效期为 2021-01-01 至 2025-12-31，2027-03-23 不在有效期内；"
          + _REQUIRED]),
        (organization_row(), [dict(level=2)], [f"评估等级 2A 低于 3A；{_REQUIRED}"]),
        (organization_row(flags=DISHONEST), [{}],
         ["自 2027-01-05 起被列入失信名单（虚假承诺），移出前不得承接"]),
        (association_row(), [{}], ["行业协会商会须经市社工委核验“五自四无”全部符合后方可承接"]),
        (organization_row(), [dict(status="已撤销")], [f"未取得社会组织评估等级；{_REQUIRED}"]),
    ],
    ids=["no-grade", "grade-expired", "below-3A", "dishonest", "association-not-verified",
         "grade-revoked"],
)
async def test_eligibility_names_each_unmet_condition(
    client: httpx.AsyncClient, organization_views: FakeOrganizationViews,
    row: Any, grades: list[dict[str, Any]], reasons: list[str],
) -> None:
    organization_views.add(row, *(grade_row(row, **g) for g in grades))

    answer = (await client.get(f"/organizations/{row.id}/eligibility")).json()

    assert answer["eligible"] is False
    assert answer["reasons"] == reasons
    assert answer["on"] == TODAY.isoformat()


async def test_eligibility_of_a_valid_4a_without_flags_is_granted_on_that_grade(
    client: httpx.AsyncClient, organization_views: FakeOrganizationViews,
) -> None:
    row = association_row(compliance_verified_on=date(2026, 4, 1), flags=[
        {**DISHONEST[0], "cleared_on": "2027-02-01", "clear_reason": "已整改"}])
    # A newer grade starting next year does not hide the one in force today.
    organization_views.add(row, grade_row(row, level=5, confirmed_on=date(2027, 3, 1)),
                           grade_row(row, level=4))

    answer = (await client.get(f"/organizations/{row.id}/eligibility")).json()

    assert answer == {"eligible": True, "reasons": [], "on": "2027-03-23", "grade": {
        "level": 4, "label": "4A", "valid_from": "2026-01-01", "valid_until": "2030-12-31"}}


async def test_eligibility_of_unknown_organization_returns_404(
    client: httpx.AsyncClient,
) -> None:
    problem(await client.get(f"/organizations/{uuid4()}/eligibility"), 404,
            "OrganizationNotFoundError")


# --- grades --------------------------------------------------------------------


async def test_grades_of_an_organization_newest_first_with_changes(
    client: httpx.AsyncClient, organization_views: FakeOrganizationViews,
) -> None:
    row = organization_row()
    change = {"kind": "降级", "from_level": 4, "to_level": 3, "basis": "年检不合格",
              "reference": "2026", "reason": "年检不合格", "on": "2027-03-02"}
    organization_views.add(row, grade_row(row, level=3, awarded_level=4, changes=[change]),
                           grade_row(row, level=3, confirmed_on=date(2020, 11, 1),
                                     status="已到期"))

    grades = (await client.get(f"/organizations/{row.id}/grades")).json()

    assert [(g["label"], g["awarded_level"], g["status"]) for g in grades] == [
        ("3A", 4, "有效"), ("3A", 3, "已到期")]
    assert grades[0]["changes"] == [change]


async def test_expiring_grades_for_committee_default_to_90_days_from_today(
    client: httpx.AsyncClient, committee: dict[str, str],
    organization_views: FakeOrganizationViews,
) -> None:
    row = organization_row()
    soon = grade_row(row, valid_until=TODAY + timedelta(days=60))
    organization_views.add(row, soon, grade_row(row, valid_until=TODAY + timedelta(days=200)))

    response = await client.get("/grades/expiring", headers=committee)

    assert response.status_code == 200, response.text
    assert [g["evaluation_id"] for g in response.json()["data"]] == [str(soon.evaluation_id)]
    assert organization_views.expiring_asked == [(TODAY, 90)]


@pytest.mark.parametrize(("days", "message"), [(367, "不能大于 366"), (-1, "不能小于 0")])
async def test_expiring_grades_out_of_bounds_returns_422(
    client: httpx.AsyncClient, committee: dict[str, str], days: int, message: str,
) -> None:
    response = await client.get("/grades/expiring", params={"within_days": days},
                                headers=committee)

    assert field_errors(response) == {"within_days": message}


# --- history -------------------------------------------------------------------


async def test_history_never_shows_the_complainant_nor_office_status_to_the_public(
    client: httpx.AsyncClient, committee: dict[str, str], officer: dict[str, str],
    orgs: Seeded, organization_views: FakeOrganizationViews,
) -> None:
    organization_views.add(organization_row(id=orgs.centre))
    await post(client, f"/organizations/{orgs.centre}/complaints", COMPLAINT, officer)
    await post(client, f"/organizations/{orgs.centre}/board-members", {
        "person_id": "p-001", "name": "李伟", "position": "理事长", "public_office": "退（离）休",
        "retired_on": "2020-01-01"}, committee)

    public = (await client.get(f"/organizations/{orgs.centre}/history")).json()
    internal = (await client.get(f"/organizations/{orgs.centre}/history",
                                 headers=committee)).json()

    assert [e["event"] for e in public] == ["Registered", "ComplaintFiled", "BoardMemberElected"]
    for entries in (public, internal):
        complaint = entries[1]
        assert set(complaint["details"]) == {"complaint_id", "content", "filed_on"}
        assert complaint["actor"] == {"user": "anonymous", "role": "public",
                                      "role_label": "公众", "scope": None}
        assert "张先生" not in str(entries) and "chen.mzj" not in str(entries)
    assert "public_office" not in public[2]["details"]
    assert internal[2]["details"]["public_office"] == "退（离）休"


# --- not configured ------------------------------------------------------------


async def test_routes_answer_503_when_the_services_are_not_configured(
    gateway: FakeCatalogueCommands, views: FakeViews, inbox: FakeInbox, clock: FakeClock,
    auth_config: AuthConfig, registry: FakeRegistryCommands, registers: FollowingRegisters,
    committee: dict[str, str],
) -> None:
    bare = create_app(
        commands=gateway, catalogue=views, history=views, inbox=inbox, auth=auth_config,
        read_wait_seconds=READ_WAIT_SECONDS, clock=clock, registry=registry,
        departments=registers.departments, agencies=registers.agencies)
    transport = httpx.ASGITransport(app=bare)
    async with httpx.AsyncClient(transport=transport, base_url="http://govflow.test") as client:
        read = await client.get("/organizations")
        write = await post(client, "/organizations", CENTRE_BODY, committee)
        evaluations = await client.get("/grade-evaluations")

    for response in (read, write, evaluations):
        found = problem(response, 503, "ServiceNotConfiguredError")
        assert found["title"] == "服务未启用"
    assert "社会组织查询" in read.json()["detail"]
    assert "社会组织登记与监管" in write.json()["detail"]


def test_create_app_refuses_a_grade_threshold_outside_1a_to_5a(
    gateway: FakeCatalogueCommands, views: FakeViews, inbox: FakeInbox,
    auth_config: AuthConfig, registry: FakeRegistryCommands, registers: FollowingRegisters,
) -> None:
    with pytest.raises(ValueError, match="grade_threshold"):
        create_app(commands=gateway, catalogue=views, history=views, inbox=inbox,
                   auth=auth_config, registry=registry, departments=registers.departments,
                   agencies=registers.agencies, grade_threshold=6)


async def test_eligibility_follows_the_threshold_setting(
    gateway: FakeCatalogueCommands, views: FakeViews, inbox: FakeInbox, clock: FakeClock,
    auth_config: AuthConfig, registry: FakeRegistryCommands, registers: FollowingRegisters,
    organization_views: FakeOrganizationViews,
) -> None:
    row = organization_views.add(organization_row())
    organization_views.grades[row.id] = [grade_row(row, level=4)]
    strict = create_app(
        commands=gateway, catalogue=views, history=views, inbox=inbox, auth=auth_config,
        clock=clock, registry=registry, departments=registers.departments,
        agencies=registers.agencies, organization_views=organization_views, grade_threshold=5)
    transport = httpx.ASGITransport(app=strict)
    async with httpx.AsyncClient(transport=transport, base_url="http://govflow.test") as client:
        answer = (await client.get(f"/organizations/{row.id}/eligibility")).json()

    assert answer["reasons"] == [
        "评估等级 4A 低于 5A；承接须具有有效期内的 5A 及以上等级"]

