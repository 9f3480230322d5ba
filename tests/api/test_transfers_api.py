"""/transfers and /staffing-requests: a transfer's steps from proposal to revocation,
staffing requests and the 倒逼 flag, what is refused, and who reads what."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from fastapi import FastAPI

from api.app import create_app
from api.auth import AuthConfig
from domain.aggregate import aggregate_id_for
from domain.transfer.commands import (
    ApproveTransfer,
    DecideStaffing,
    ProposeTransfer,
    RejectTransfer,
    RequestStaffing,
    ResumeTransfer,
    RevokeTransfer,
    SuspendTransfer,
)
from tests.api.case_fakes import FakeTransferCommands, FakeTransferViews
from tests.api.case_helpers import CaseWorld, staffing_row, transfer_body, transfer_row
from tests.api.fakes import FakeCatalogueCommands, FakeInbox, FakeViews
from tests.api.helpers import CZJ, MZJ, PROBLEM_JSON, READ_WAIT_SECONDS, field_errors
from tests.api.organization_helpers import TODAY


@pytest.fixture
def app(case_app: FastAPI) -> FastAPI:
    return case_app


def problem(response: httpx.Response, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    found: dict[str, Any] = response.json()
    assert found["type"] == error
    return found


async def propose(client: httpx.AsyncClient, world: CaseWorld, officer: dict[str, str],
                  **overrides: Any) -> UUID:
    response = await client.post("/transfers", json=transfer_body(world, **overrides),
                                 headers=officer)
    assert response.status_code == 201, response.text
    return UUID(response.json()["id"])


# --- proposing --------------------------------------------------------------------------


async def test_propose_transfer_returns_201_with_location_and_sends_the_command(
    client: httpx.AsyncClient, officer: dict[str, str], world: CaseWorld,
    transfer_commands: FakeTransferCommands,
) -> None:
    response = await client.post("/transfers", json=transfer_body(world), headers=officer)

    assert response.status_code == 201, response.text
    accepted = response.json()
    assert set(accepted) == {"id", "code", "version", "notification_id"}
    assert response.headers["location"].endswith(f"/transfers/{accepted['id']}")
    (command,) = transfer_commands.commands
    assert isinstance(command, ProposeTransfer)
    assert (command.item_id, command.organization_id, command.actor.scope,
            command.effective_from.isoformat(), command.conditions) == (
        world.transfer_item, world.centre, MZJ, "2027-04-01", "按季度报告承接情况")
    assert accepted["id"] == str(aggregate_id_for(command.command_id))
    transfer = transfer_commands.application.get_transfer(UUID(accepted["id"]))
    assert transfer.status.value == "待审批"


async def test_propose_transfer_of_another_departments_item_returns_403(
    client: httpx.AsyncClient, other_officer: dict[str, str], world: CaseWorld,
) -> None:
    response = await client.post("/transfers", json=transfer_body(world), headers=other_officer)

    found = problem(response, 403, "OtherDepartmentError")
    assert CZJ in found["detail"]


@pytest.mark.parametrize("who", ["committee", "finance"])
async def test_propose_transfer_by_other_roles_returns_403(
    client: httpx.AsyncClient, world: CaseWorld, request: pytest.FixtureRequest, who: str,
    transfer_commands: FakeTransferCommands,
) -> None:
    response = await client.post("/transfers", json=transfer_body(world),
                                 headers=request.getfixturevalue(who))

    found = problem(response, 403, "RoleNotAllowedError")
    assert "提出职能转移方案" in found["detail"]
    assert transfer_commands.commands == []


async def test_propose_transfer_without_token_returns_401(
    client: httpx.AsyncClient, world: CaseWorld,
) -> None:
    problem(await client.post("/transfers", json=transfer_body(world)), 401,
            "AuthenticationError")


async def test_propose_transfer_of_item_decided_for_purchase_returns_409(
    client: httpx.AsyncClient, officer: dict[str, str], world: CaseWorld,
) -> None:
    response = await client.post(
        "/transfers", json=transfer_body(world, item_id=str(world.purchase_item)),
        headers=officer)

    found = problem(response, 409, "NotDecidedForTransferError")
    assert "购买服务" in found["detail"]


async def test_propose_transfer_ending_before_it_starts_returns_422(
    client: httpx.AsyncClient, officer: dict[str, str], world: CaseWorld,
) -> None:
    response = await client.post("/transfers", json=transfer_body(
        world, effective_until="2027-03-01"), headers=officer)

    problem(response, 422, "TransferPeriodError")


async def test_propose_transfer_with_malformed_body_returns_422_in_chinese(
    client: httpx.AsyncClient, officer: dict[str, str], world: CaseWorld,
) -> None:
    body = transfer_body(world, effective_from="下个月", organization_id="中心")
    del body["legal_basis"]

    response = await client.post("/transfers", json=body, headers=officer)

    assert field_errors(response) == {
        "effective_from": "必须是日期（YYYY-MM-DD）", "organization_id": "必须是有效的 UUID",
        "legal_basis": "必填"}


async def test_propose_transfer_repeated_with_idempotency_key_answers_the_first(
    client: httpx.AsyncClient, officer: dict[str, str], world: CaseWorld,
    transfer_commands: FakeTransferCommands,
) -> None:
    headers = {**officer, "Idempotency-Key": "transfer-1"}
    first = await client.post("/transfers", json=transfer_body(world), headers=headers)
    again = await client.post("/transfers", json=transfer_body(world), headers=headers)

    assert again.status_code == 201
    assert again.json() == first.json()
    assert len(set(transfer_commands.command_ids)) == 1


# --- the committee's steps --------------------------------------------------------------------


async def test_committee_approves_suspends_resumes_and_revokes_dated_today(
    client: httpx.AsyncClient, officer: dict[str, str], committee: dict[str, str],
    world: CaseWorld, transfer_commands: FakeTransferCommands,
) -> None:
    transfer_id = await propose(client, world, officer)

    steps = [("approval", None), ("suspension", "承接组织正在整改"),
             ("resumption", "整改完成"), ("revocation", "承接组织不再具备条件")]
    answers = []
    for step, reason in steps:
        body = {} if reason is None else {"reason": reason}
        response = await client.post(f"/transfers/{transfer_id}/{step}", json=body,
                                      headers=committee)
        assert response.status_code == 200, response.text
        answers.append(response.json())

    _, approve, suspend, resume, revoke = transfer_commands.commands
    assert isinstance(approve, ApproveTransfer) and approve.approved_on == TODAY
    assert isinstance(suspend, SuspendTransfer) and (suspend.reason, suspend.on) == (
        "承接组织正在整改", TODAY)
    assert isinstance(resume, ResumeTransfer) and resume.on == TODAY
    assert isinstance(revoke, RevokeTransfer) and revoke.reason == "承接组织不再具备条件"
    assert all(a["id"] == str(transfer_id) for a in answers)
    assert [a["version"] for a in answers] == sorted(a["version"] for a in answers)
    transfer = transfer_commands.application.get_transfer(transfer_id)
    assert transfer.status.value == "已撤销"


async def test_committee_rejects_with_reason(
    client: httpx.AsyncClient, officer: dict[str, str], committee: dict[str, str],
    world: CaseWorld, transfer_commands: FakeTransferCommands,
) -> None:
    transfer_id = await propose(client, world, officer)

    response = await client.post(f"/transfers/{transfer_id}/rejection",
                                 json={"reason": "法律依据不足"}, headers=committee)

    assert response.status_code == 200, response.text
    command = transfer_commands.commands[-1]
    assert isinstance(command, RejectTransfer) and command.reason == "法律依据不足"


async def test_department_may_not_approve_returns_403(
    client: httpx.AsyncClient, officer: dict[str, str], world: CaseWorld,
) -> None:
    transfer_id = await propose(client, world, officer)

    found = problem(await client.post(f"/transfers/{transfer_id}/approval", headers=officer),
                    403, "RoleNotAllowedError")
    assert "审批职能转移" in found["detail"]


async def test_approval_of_an_ineligible_organization_returns_409_with_reasons(
    client: httpx.AsyncClient, officer: dict[str, str], committee: dict[str, str],
    world: CaseWorld,
) -> None:
    ungraded = world.cases.organization("52440781MJL000027M", name="台山市助老服务中心",
                                        level=None)
    transfer_id = await propose(client, world, officer, organization_id=str(ungraded))

    found = problem(await client.post(f"/transfers/{transfer_id}/approval",
                                      headers=committee), 409, "NotEligibleError")
    assert "未取得社会组织评估等级" in found["detail"]


async def test_suspending_a_proposal_returns_409(
    client: httpx.AsyncClient, officer: dict[str, str], committee: dict[str, str],
    world: CaseWorld,
) -> None:
    transfer_id = await propose(client, world, officer)

    problem(await client.post(f"/transfers/{transfer_id}/suspension", json={"reason": "整改"},
                              headers=committee), 409, "TransferStageError")


async def test_step_on_unknown_transfer_returns_404(
    client: httpx.AsyncClient, committee: dict[str, str],
) -> None:
    problem(await client.post(f"/transfers/{uuid4()}/approval", headers=committee), 404,
            "TransferNotFoundError")


async def test_suspension_without_reason_returns_422(
    client: httpx.AsyncClient, committee: dict[str, str],
) -> None:
    response = await client.post(f"/transfers/{uuid4()}/suspension", json={},
                                 headers=committee)

    assert field_errors(response) == {"reason": "必填"}


# --- reading transfers -----------------------------------------------------------------------


async def test_list_transfers_is_public_filters_and_pages(
    client: httpx.AsyncClient, transfer_views: FakeTransferViews,
) -> None:
    organization_id = uuid4()
    older = transfer_views.add_transfer(transfer_row(organization_id=organization_id))
    newer = transfer_views.add_transfer(transfer_row(organization_id=organization_id,
                                                     status="已暂停",
                                                     suspension_reason="整改"))
    transfer_views.add_transfer(transfer_row(mode="授权"))

    first = await client.get("/transfers", params={
        "organization_id": str(organization_id), "department": MZJ, "limit": 1})
    rest = await client.get("/transfers", params={
        "organization_id": str(organization_id), "department": MZJ, "limit": 1,
        "cursor": first.json()["next_cursor"]})
    suspended = await client.get("/transfers", params={"status": "已暂停", "mode": "委托"})

    assert first.status_code == 200, first.text
    assert [t["id"] for t in first.json()["data"]] == [str(newer.id)]
    assert [t["id"] for t in rest.json()["data"]] == [str(older.id)]
    assert rest.json()["next_cursor"] is None
    assert [t["suspension_reason"] for t in suspended.json()["data"]] == ["整改"]
    assert transfer_views.filters[0].organization_id == organization_id
    assert transfer_views.filters[-1].status == "已暂停"


async def test_list_transfers_with_unknown_mode_returns_422(client: httpx.AsyncClient) -> None:
    response = await client.get("/transfers", params={"mode": "出售"})

    assert field_errors(response) == {"mode": "必须是以下之一：'转移'、'授权'、'委托'"}


async def test_get_transfer_shows_its_period_and_history(
    client: httpx.AsyncClient, transfer_views: FakeTransferViews,
) -> None:
    row = transfer_views.add_transfer(transfer_row())

    response = await client.get(f"/transfers/{row.id}")

    assert response.status_code == 200, response.text
    shown = response.json()
    assert (shown["mode"], shown["status"], shown["effective_until"]) == (
        "委托", "生效中", "2028-03-31")
    assert shown["history"] == [
        {"event": "提出转移方案", "on": "2027-03-01", "reason": None},
        {"event": "批准职能转移", "on": "2027-03-10", "reason": None}]
    assert shown["created_at"].endswith("+08:00")


async def test_get_unknown_transfer_returns_404(client: httpx.AsyncClient) -> None:
    problem(await client.get(f"/transfers/{uuid4()}"), 404, "TransferNotFoundError")


async def test_read_after_a_write_the_view_has_not_seen_returns_503(
    client: httpx.AsyncClient, transfer_views: FakeTransferViews,
) -> None:
    row = transfer_views.add_transfer(transfer_row())
    transfer_views.lagging = True

    response = await client.get(f"/transfers/{row.id}", params={"after": 99})

    problem(response, 503, "ReadNotCaughtUpError")


# --- staffing requests -------------------------------------------------------------------------


async def test_staffing_request_is_sent_dated_today_and_flagged_in_the_domain(
    client: httpx.AsyncClient, officer: dict[str, str], committee: dict[str, str],
    world: CaseWorld, transfer_commands: FakeTransferCommands,
) -> None:
    transfer_id = await propose(client, world, officer)
    await client.post(f"/transfers/{transfer_id}/approval", headers=committee)

    response = await client.post("/staffing-requests", json={
        "item_id": str(world.transfer_item), "kind": "增加编制",
        "description": "评定工作量增长", "headcount": 3}, headers=officer)

    assert response.status_code == 201, response.text
    assert response.headers["location"].endswith(f"/staffing-requests/{response.json()['id']}")
    command = transfer_commands.commands[-1]
    assert isinstance(command, RequestStaffing)
    assert (command.requested_on, command.threshold, command.headcount, command.kind) == (
        TODAY, 3, 3, "增加编制")
    request = transfer_commands.application.get_staffing_request(UUID(response.json()["id"]))
    assert request.status.value == "已标记，待市社工委审查"


async def test_staffing_request_with_malformed_body_returns_422(
    client: httpx.AsyncClient, officer: dict[str, str], world: CaseWorld,
) -> None:
    response = await client.post("/staffing-requests", json={
        "item_id": str(world.transfer_item), "kind": "增加编制", "description": "说明",
        "headcount": "3"}, headers=officer)

    assert field_errors(response) == {"headcount": "必须是整数"}


async def test_staffing_request_of_unknown_kind_returns_422_from_the_domain(
    client: httpx.AsyncClient, officer: dict[str, str], world: CaseWorld,
) -> None:
    response = await client.post("/staffing-requests", json={
        "item_id": str(world.transfer_item), "kind": "临时聘用", "description": "说明",
        "headcount": 2}, headers=officer)

    assert "kind" in field_errors(response)


async def test_committee_may_not_file_a_staffing_request(
    client: httpx.AsyncClient, committee: dict[str, str], world: CaseWorld,
) -> None:
    response = await client.post("/staffing-requests", json={
        "item_id": str(world.transfer_item), "kind": "增加编制", "description": "说明",
        "headcount": 2}, headers=committee)

    problem(response, 403, "RoleNotAllowedError")


async def test_committee_decides_a_flagged_request_dated_today(
    client: httpx.AsyncClient, officer: dict[str, str], committee: dict[str, str],
    world: CaseWorld, transfer_commands: FakeTransferCommands,
) -> None:
    transfer_id = await propose(client, world, officer)
    await client.post(f"/transfers/{transfer_id}/approval", headers=committee)
    request_id = (await client.post("/staffing-requests", json={
        "item_id": str(world.transfer_item), "kind": "新设事业单位",
        "description": "设立评定中心", "headcount": 5}, headers=officer)).json()["id"]

    unjustified = await client.post(f"/staffing-requests/{request_id}/decision",
                                    json={"justified": True}, headers=committee)
    decided = await client.post(f"/staffing-requests/{request_id}/decision", json={
        "justified": True, "justification": "涉及特殊群体托底保障"}, headers=committee)
    by_officer = await client.post(f"/staffing-requests/{request_id}/decision",
                                   json={"justified": False}, headers=officer)

    problem(unjustified, 422, "JustificationRequiredError")
    assert decided.status_code == 200, decided.text
    command = transfer_commands.commands[-1]
    assert isinstance(command, DecideStaffing)
    assert (command.request_id, command.decided_on, command.justification) == (
        UUID(request_id), TODAY, "涉及特殊群体托底保障")
    problem(by_officer, 403, "RoleNotAllowedError")


async def test_department_lists_its_own_staffing_requests_only(
    client: httpx.AsyncClient, officer: dict[str, str], other_officer: dict[str, str],
    committee: dict[str, str], transfer_views: FakeTransferViews,
) -> None:
    own = transfer_views.add_staffing(staffing_row())
    other = transfer_views.add_staffing(staffing_row(department=CZJ, flagged=False))

    mine = await client.get("/staffing-requests", headers=officer)
    theirs = await client.get("/staffing-requests", params={"department": CZJ},
                              headers=officer)
    everyone = await client.get("/staffing-requests", headers=committee)
    flagged = await client.get("/staffing-requests", params={"flagged": "true"},
                               headers=committee)
    read_other = await client.get(f"/staffing-requests/{other.id}", headers=officer)
    read_own = await client.get(f"/staffing-requests/{own.id}?after=21", headers=officer)
    read_by_committee = await client.get(f"/staffing-requests/{other.id}", headers=committee)

    assert [r["id"] for r in mine.json()["data"]] == [str(own.id)]
    problem(theirs, 403, "OtherDepartmentError")
    assert [r["id"] for r in everyone.json()["data"]] == [str(other.id), str(own.id)]
    assert [r["id"] for r in flagged.json()["data"]] == [str(own.id)]
    problem(read_other, 404, "StaffingRequestNotFoundError")
    assert read_own.json()["flagged"] is True
    assert read_own.json()["eligible_providers"] == ["蓬江区长者服务中心"]
    assert read_by_committee.status_code == 200
    assert transfer_views.staffing_asked[:2] == [(MZJ, None), (None, None)]


@pytest.mark.parametrize("who", ["finance", None])
async def test_staffing_requests_are_not_public(
    client: httpx.AsyncClient, request: pytest.FixtureRequest, who: str | None,
    transfer_views: FakeTransferViews,
) -> None:
    row = transfer_views.add_staffing(staffing_row())
    headers = {} if who is None else request.getfixturevalue(who)

    listed = await client.get("/staffing-requests", headers=headers)
    one = await client.get(f"/staffing-requests/{row.id}", headers=headers)

    status, error = (403, "RoleNotAllowedError") if who else (401, "AuthenticationError")
    problem(listed, status, error)
    problem(one, status, error)


# --- a deployment without the transfer services --------------------------------------------------


async def test_without_transfer_services_the_routes_answer_503(
    gateway: FakeCatalogueCommands, views: FakeViews, inbox: FakeInbox,
    auth_config: AuthConfig, officer: dict[str, str], committee: dict[str, str],
) -> None:
    bare = create_app(commands=gateway, catalogue=views, history=views, inbox=inbox,
                      registry=gateway, departments=views,  # type: ignore[arg-type]
                      agencies=views,  # type: ignore[arg-type]
                      auth=auth_config, read_wait_seconds=READ_WAIT_SECONDS)
    transport = httpx.ASGITransport(app=bare)
    async with httpx.AsyncClient(transport=transport, base_url="http://govflow.test") as client:
        write = await client.post(f"/transfers/{uuid4()}/approval", headers=committee)
        read = await client.get("/transfers")
        staffing = await client.get("/staffing-requests", headers=committee)

    assert problem(write, 503, "ServiceNotConfiguredError")["detail"].startswith(
        "本系统尚未启用职能转移服务")
    assert "职能转移查询" in problem(read, 503, "ServiceNotConfiguredError")["detail"]
    problem(staffing, 503, "ServiceNotConfiguredError")
