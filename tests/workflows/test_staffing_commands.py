"""Staffing requests (编制申请) as one-shot command workflows on the time-skipping server.

A request for a service that eligible organizations already provide is flagged (倒逼,
seed 三(二)2(4)) and goes on only with the committee's justification; a request for a
service nobody undertakes is not.  Each command runs once per command id.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import date
from uuid import UUID, uuid4

import pytest
from temporalio.testing import WorkflowEnvironment

from domain.application import GovflowApplication
from domain.transfer.commands import (
    ApproveTransfer,
    DecideStaffing,
    ProposeTransfer,
    RequestStaffing,
)
from domain.transfer.errors import JustificationRequiredError, StaffingStageError
from domain.transfer.staffing import StaffingStatus
from tests.cases import COMMITTEE, officer
from tests.workflows.record_transfer_history import Transfers, transfer_world
from workflows.transfer_messages import TransferPolicy

CommandIds = Callable[[str], str]


@pytest.fixture
def cid() -> CommandIds:
    """This test's command ids: each ``command:<id>`` run outlives the test on the server."""
    run = uuid4().hex[:8]
    return lambda name: f"{name}@{run}"


@pytest.fixture
async def transfers(env: WorkflowEnvironment, app: GovflowApplication) -> AsyncIterator[Transfers]:
    async with transfer_world(env, app) as world:
        yield world


def undertaken(transfers: Transfers, cid: CommandIds) -> None:
    """The world's organization (4A) undertakes the world's item from today on."""
    app, today = transfers.app, date(2026, 12, 1)
    transfer_id = app.propose_transfer(ProposeTransfer(
        command_id=cid("propose"), actor=officer(), item_id=transfers.item_id,
        organization_id=transfers.organization_id, legal_basis="《广东省养老服务条例》",
        effective_from=today, effective_until=date(2027, 12, 31),
        conditions="按季度报告")).aggregate_id
    app.approve_transfer(ApproveTransfer(
        command_id=cid("approve"), actor=COMMITTEE, transfer_id=transfer_id, approved_on=today))


def staffing(transfers: Transfers, command_id: str) -> RequestStaffing:
    return RequestStaffing(
        command_id=command_id, actor=officer(), item_id=transfers.item_id, kind="增加编制",
        description="辖区老年人口增长，需增加评估人员", headcount=3,
        requested_on=date(2026, 12, 2))


def decide(request_id: UUID, command_id: str, *, justified: bool,
           justification: str) -> DecideStaffing:
    return DecideStaffing(command_id=command_id, actor=COMMITTEE, request_id=request_id,
                          justified=justified, justification=justification,
                          decided_on=date(2026, 12, 10))


async def test_request_for_service_an_eligible_organization_provides_is_flagged(
    transfers: Transfers, cid: CommandIds,
) -> None:
    undertaken(transfers, cid)

    result = await transfers.gateway.request_staffing(staffing(transfers, cid("request")))

    request = transfers.app.get_staffing_request(result.aggregate_id)
    assert request.status is StaffingStatus.FLAGGED
    assert request.eligible_providers == ["蓬江区长者服务中心"]
    assert transfers.events(result.aggregate_id) == ["Requested", "Flagged"]


async def test_request_for_service_nobody_undertakes_is_not_flagged_needs_no_decision(
    transfers: Transfers, cid: CommandIds,
) -> None:
    result = await transfers.gateway.request_staffing(staffing(transfers, cid("request")))

    request = transfers.app.get_staffing_request(result.aggregate_id)
    assert request.status is StaffingStatus.NOT_FLAGGED
    with pytest.raises(StaffingStageError, match="只有被标记的申请需要市社工委审查"):
        await transfers.gateway.decide_staffing(decide(
            result.aggregate_id, cid("decide"), justified=True, justification="确需增加"))


async def test_provider_below_policy_threshold_does_not_flag_request(
    env: WorkflowEnvironment, app: GovflowApplication, cid: CommandIds,
) -> None:
    async with transfer_world(env, app, policy=TransferPolicy(grade_threshold=5)) as transfers:
        undertaken(transfers, cid)
        result = await transfers.gateway.request_staffing(staffing(transfers, cid("request")))

    assert app.get_staffing_request(result.aggregate_id).status is StaffingStatus.NOT_FLAGGED


async def test_committee_justifies_flagged_request_only_with_justification(
    transfers: Transfers, cid: CommandIds,
) -> None:
    undertaken(transfers, cid)
    request_id = (await transfers.gateway.request_staffing(
        staffing(transfers, cid("request")))).aggregate_id
    position = transfers.position()

    with pytest.raises(JustificationRequiredError) as refused:
        await transfers.gateway.decide_staffing(decide(
            request_id, cid("decide-blank"), justified=True, justification="  "))
    assert refused.value.field == "justification"
    assert transfers.position() == position
    await transfers.gateway.decide_staffing(decide(
        request_id, cid("decide"), justified=True,
        justification="现有社会组织服务能力不足以覆盖台山市农村地区"))

    request = transfers.app.get_staffing_request(request_id)
    assert request.status is StaffingStatus.JUSTIFIED
    assert request.justification == "现有社会组织服务能力不足以覆盖台山市农村地区"


async def test_committee_refuses_flagged_request(transfers: Transfers, cid: CommandIds) -> None:
    undertaken(transfers, cid)
    request_id = (await transfers.gateway.request_staffing(
        staffing(transfers, cid("request")))).aggregate_id

    await transfers.gateway.decide_staffing(decide(
        request_id, cid("decide"), justified=False, justification=""))

    request = transfers.app.get_staffing_request(request_id)
    assert request.status is StaffingStatus.REFUSED
    assert transfers.events(request_id) == ["Requested", "Flagged", "Decided"]


async def test_same_staffing_command_id_twice_answers_first_result_records_once(
    transfers: Transfers, cid: CommandIds,
) -> None:
    first = await transfers.gateway.request_staffing(staffing(transfers, cid("request")))
    position = transfers.position()

    again = await transfers.gateway.request_staffing(staffing(transfers, cid("request")))

    assert again.replayed and not first.replayed
    assert (again.aggregate_id, again.version) == (first.aggregate_id, first.version)
    assert transfers.position() == position
    assert transfers.events(first.aggregate_id) == ["Requested"]
