"""The function-transfer workflow (职能转移), driven through the gateway as the HTTP API drives
it, on Temporal's time-skipping server and a real SQLite event store.

The module has a time-skipping server of its own: a month's sleep here moves the clock of
every workflow on the server.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable
from datetime import date, timedelta
from uuid import UUID, uuid4

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment

from api.ports import TransferCommands
from domain.aggregate import aggregate_id_for
from domain.application import GovflowApplication
from domain.calendar import start_of_day
from domain.errors import RoleNotAllowedError
from domain.grading.commands import DowngradeGrade
from domain.organizations.commands import RecordPenalty
from domain.purchase.commands import AwardContract
from domain.purchase.contract import MilestonePlan
from domain.transfer.commands import ApproveTransfer, ProposeTransfer, RevokeTransfer
from domain.transfer.errors import (
    NotDecidedForTransferError,
    NotEligibleError,
    TransferNotFoundError,
    TransferStageError,
)
from domain.transfer.transfer import TransferStatus
from tests.cases import COMMITTEE, VOLUNTEERS_CODE, Cases, officer
from tests.workflows.harness import start_time_skipping
from tests.workflows.record_transfer_history import Transfers, transfer_world
from workflows.case_ids import purchase_contract_workflow_id, transfer_workflow_id
from workflows.grade_signals import (
    GRADE_CHANGED_SIGNAL,
    REVOKED,
    GradeChanged,
    grade_evaluation_workflow_id,
)
from workflows.organization_activities import GradeChangeRef, OrganizationActivities
from workflows.transfer_gateway import TransferGateway
from workflows.transfer_messages import TransferPolicy, TransferState


@pytest.fixture(scope="module")
async def transfer_env() -> AsyncIterator[WorkflowEnvironment]:
    async with await start_time_skipping() as environment:
        yield environment


@pytest.fixture
async def transfers(
    transfer_env: WorkflowEnvironment, app: GovflowApplication
) -> AsyncIterator[Transfers]:
    async with transfer_world(transfer_env, app) as world:
        yield world


async def _history(transfers: Transfers, transfer_id: UUID) -> list[EventType.ValueType]:
    history = await transfers.handle(transfer_id).fetch_history()
    return [event.event_type for event in history.events]


def _is(status: TransferStatus) -> Callable[[TransferState], bool]:
    return lambda state: state.status is status


def volunteers(transfers: Transfers, *, level: int) -> UUID:
    """台山市义工联合会 (社会团体, 公益慈善类), graded ``level``."""
    return transfers.cases.organization(VOLUNTEERS_CODE, name="台山市义工联合会",
                                        category="社会团体", kind="公益慈善类", level=level)


def test_transfer_gateway_has_every_method_of_the_api_port_with_its_signature() -> None:
    # The API depends on the protocol (workflows may not import api/): keep them in step.
    commands = [name for name in vars(TransferCommands) if not name.startswith("_")]

    assert len(commands) == 8
    assert {name: inspect.signature(getattr(TransferGateway, name), eval_str=True)
            for name in commands} == {
        name: inspect.signature(getattr(TransferCommands, name), eval_str=True)
        for name in commands}


# --- the path to an effective transfer ---------------------------------------------------


async def test_propose_records_proposal_and_waits_for_committee(transfers: Transfers) -> None:
    today = await transfers.today()

    result = await transfers.propose()
    state = await transfers.state(result.aggregate_id)

    assert state.status is TransferStatus.PROPOSED
    assert state.organization_id == transfers.organization_id
    assert (state.mode, state.organization_name) == ("委托", "蓬江区长者服务中心")
    assert state.effective_from == today + timedelta(days=5)
    assert transfers.events(result.aggregate_id) == ["Proposed"]


async def test_approved_transfer_takes_effect_at_midnight_of_first_day_not_before(
    transfers: Transfers,
) -> None:
    transfer_id = await transfers.approved()
    state = await transfers.state(transfer_id)
    assert state.status is TransferStatus.APPROVED and state.effective_from is not None
    organization = transfers.app.get_organization(transfers.organization_id)
    assert str(transfer_id) in organization.undertakings

    await transfers.sleep_until(start_of_day(state.effective_from) - timedelta(minutes=1))
    assert (await transfers.state(transfer_id)).status is TransferStatus.APPROVED
    await transfers.sleep_until(start_of_day(state.effective_from) + timedelta(minutes=1))
    await transfers.until(transfer_id, _is(TransferStatus.EFFECTIVE))

    assert transfers.events(transfer_id) == ["Proposed", "Approved", "TookEffect"]
    assert transfers.app.get_transfer(transfer_id).has_applied(
        f"transfer:{transfer_id}:take-effect")


async def test_approved_after_first_day_takes_effect_at_once(transfers: Transfers) -> None:
    today = await transfers.today()

    transfer_id = await transfers.approved(starts_on=today - timedelta(days=3))
    state = await transfers.until(transfer_id, _is(TransferStatus.EFFECTIVE))

    assert transfers.events(transfer_id) == ["Proposed", "Approved", "TookEffect"]
    assert state.version == 3


async def test_transfer_expires_after_last_day_run_completes(transfers: Transfers) -> None:
    transfer_id = await transfers.effective()
    until = (await transfers.state(transfer_id)).effective_until
    assert until is not None

    await transfers.sleep_until(start_of_day(until + timedelta(days=1)) - timedelta(hours=1))
    assert (await transfers.state(transfer_id)).status is TransferStatus.EFFECTIVE
    final = await transfers.ended(transfer_id)

    assert final.status is TransferStatus.EXPIRED
    assert transfers.events(transfer_id)[-1] == "Expired"
    organization = transfers.app.get_organization(transfers.organization_id)
    assert str(transfer_id) not in organization.undertakings
    history = await _history(transfers, transfer_id)
    assert history.count(EventType.EVENT_TYPE_TIMER_FIRED) == 2
    assert history[-1] == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED
    with pytest.raises(TransferStageError) as refused:
        await transfers.gateway.suspend(transfer_id=transfer_id, command_id=f"s-{uuid4()}",
                                        actor=COMMITTEE, reason="检查")
    assert str(refused.value) == f"职能转移 {transfer_id} 已办结（已到期），不再受理命令"


# --- grade changes: suspended pending review, then resumed or revoked ---------------------


async def test_downgrade_through_organization_gateway_suspends_live_transfer(
    transfers: Transfers,
) -> None:
    transfer_id = await transfers.effective()
    command_id = f"downgrade-{uuid4()}"

    await transfers.downgrade(command_id)
    state = await transfers.until(transfer_id, _is(TransferStatus.SUSPENDED))

    assert state.suspension_reason is not None
    assert "由 4A 降为 3A（降级：受到行政处罚，降低一级）" in state.suspension_reason
    assert state.suspension_reason.endswith("起暂停，待市社工委审查")
    transfer = transfers.app.get_transfer(transfer_id)
    assert transfer.suspension_reason == state.suspension_reason
    assert transfer.has_applied(f"transfer:{transfer_id}:grade-changed:{command_id}")
    assert transfers.events(transfer_id)[-1] == "Suspended"


async def test_suspended_by_downgrade_committee_resumes_still_eligible_organization(
    transfers: Transfers,
) -> None:
    transfer_id = await transfers.effective()
    await transfers.downgrade()
    await transfers.until(transfer_id, _is(TransferStatus.SUSPENDED))

    await transfers.gateway.resume(transfer_id=transfer_id, command_id=f"resume-{uuid4()}",
                                   actor=COMMITTEE, reason="降为 3A 仍符合承接条件")

    state = await transfers.state(transfer_id)
    assert state.status is TransferStatus.EFFECTIVE
    assert state.suspension_reason is None
    assert transfers.events(transfer_id)[-2:] == ["Suspended", "Resumed"]


async def test_downgrade_below_threshold_resume_refused_with_reasons_committee_revokes(
    transfers: Transfers,
) -> None:
    organization_id = volunteers(transfers, level=3)
    transfer_id = await transfers.effective(organization_id=organization_id)
    await transfers.downgrade(organization_id=organization_id)
    await transfers.until(transfer_id, _is(TransferStatus.SUSPENDED))
    today = await transfers.today()
    position = transfers.position()

    with pytest.raises(NotEligibleError) as refused:
        await transfers.gateway.resume(transfer_id=transfer_id, command_id=f"resume-{uuid4()}",
                                       actor=COMMITTEE, reason="整改完成")
    assert str(refused.value) == (
        f"「台山市义工联合会」于 {today} 不具备承接资格，不能恢复："
        f"评估等级 2A 低于 3A；承接须具有有效期内的 3A 及以上等级；可撤销本次职能转移")
    assert transfers.position() == position

    await transfers.gateway.revoke(transfer_id=transfer_id, command_id=f"revoke-{uuid4()}",
                                   actor=COMMITTEE, reason="承接组织降为 2A，不再具备承接资格")
    final = await transfers.handle(transfer_id).result()

    assert final.status is TransferStatus.REVOKED
    assert transfers.events(transfer_id)[-2:] == ["Suspended", "Revoked"]
    assert str(transfer_id) not in transfers.app.get_organization(organization_id).undertakings
    assert EventType.EVENT_TYPE_TIMER_CANCELED in await _history(transfers, transfer_id)


async def test_grade_changed_signal_suspends_approved_transfer_of_its_organization_only(
    transfers: Transfers,
) -> None:
    transfer_id = await transfers.approved()
    handle = transfers.handle(transfer_id)
    today = await transfers.today()

    def revoked(organization_id: UUID) -> GradeChanged:
        return GradeChanged(
            organization_id=organization_id, evaluation_id=uuid4(), change=REVOKED,
            from_level=4, to_level=None, reason="弄虚作假骗取评估等级", decided_on=today,
            command_id=f"revoke-{uuid4()}")

    await handle.signal(GRADE_CHANGED_SIGNAL, revoked(uuid4()))  # another organization
    assert (await transfers.state(transfer_id)).status is TransferStatus.APPROVED
    await handle.signal(GRADE_CHANGED_SIGNAL, revoked(transfers.organization_id))
    state = await transfers.until(transfer_id, _is(TransferStatus.SUSPENDED))

    assert state.suspension_reason is not None
    assert "评估等级 4A 被撤销（弄虚作假骗取评估等级）" in state.suspension_reason
    assert transfers.events(transfer_id) == ["Proposed", "Approved", "Suspended"]


async def test_committee_suspends_and_revokes_run_ends(transfers: Transfers) -> None:
    transfer_id = await transfers.effective()

    await transfers.gateway.suspend(transfer_id=transfer_id, command_id=f"suspend-{uuid4()}",
                                    actor=COMMITTEE, reason="接到服务对象投诉，暂停核查")
    suspended = await transfers.state(transfer_id)
    await transfers.gateway.revoke(transfer_id=transfer_id, command_id=f"revoke-{uuid4()}",
                                   actor=COMMITTEE, reason="投诉查实")
    final = await transfers.handle(transfer_id).result()

    assert suspended.suspension_reason == "接到服务对象投诉，暂停核查"
    assert final.status is TransferStatus.REVOKED
    assert transfers.events(transfer_id) == [
        "Proposed", "Approved", "TookEffect", "Suspended", "Revoked"]


# --- the committee's refusal and refused commands ----------------------------------------


async def test_approve_ineligible_organization_refused_with_reasons_records_nothing(
    transfers: Transfers,
) -> None:
    organization_id = volunteers(transfers, level=2)
    transfer_id = await transfers.proposed(organization_id=organization_id)
    today = await transfers.today()
    position = transfers.position()

    with pytest.raises(NotEligibleError) as refused:
        await transfers.gateway.approve(transfer_id=transfer_id,
                                        command_id=f"approve-{uuid4()}", actor=COMMITTEE)

    assert str(refused.value) == (
        f"「台山市义工联合会」于 {today} 不具备承接资格："
        f"评估等级 2A 低于 3A；承接须具有有效期内的 3A 及以上等级")
    assert refused.value.field == "organization_id"
    assert transfers.position() == position
    assert (await transfers.state(transfer_id)).status is TransferStatus.PROPOSED
    assert transfers.app.get_organization(organization_id).undertakings == {}


async def test_reject_ends_run_later_command_refused_as_ended(transfers: Transfers) -> None:
    transfer_id = await transfers.proposed()

    await transfers.gateway.reject(transfer_id=transfer_id, command_id=f"reject-{uuid4()}",
                                   actor=COMMITTEE, reason="承接条件表述不清，请修改后重新提出")
    final = await transfers.handle(transfer_id).result()

    assert final.status is TransferStatus.REJECTED
    assert transfers.events(transfer_id) == ["Proposed", "Rejected"]
    with pytest.raises(TransferStageError) as refused:
        await transfers.gateway.approve(transfer_id=transfer_id,
                                        command_id=f"approve-{uuid4()}", actor=COMMITTEE)
    assert str(refused.value) == f"职能转移 {transfer_id} 已办结（未获批准），不再受理命令"


async def test_approve_by_department_refused_by_validator_nothing_in_history(
    transfers: Transfers,
) -> None:
    transfer_id = await transfers.proposed()
    position = transfers.position()

    with pytest.raises(RoleNotAllowedError) as refused:
        await transfers.gateway.approve(transfer_id=transfer_id,
                                        command_id=f"approve-{uuid4()}", actor=officer())

    assert str(refused.value) == "角色 department 不能审批职能转移；可执行此操作的角色：committee"
    assert transfers.position() == position
    history = await _history(transfers, transfer_id)
    assert history.count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) == 1


async def test_resume_effective_transfer_refused_by_validator_with_domain_message(
    transfers: Transfers,
) -> None:
    transfer_id = await transfers.effective()
    position = transfers.position()
    item = transfers.app.get_catalogue_item(transfers.item_id)

    with pytest.raises(TransferStageError) as refused:
        await transfers.gateway.resume(transfer_id=transfer_id, command_id=f"resume-{uuid4()}",
                                       actor=COMMITTEE, reason="恢复")

    assert str(refused.value) == (
        f"职能转移（{item.code}「{item.name}」→「蓬江区长者服务中心」）当前状态为生效中，"
        f"不能恢复；恢复须在以下状态：已暂停")
    assert transfers.position() == position
    history = await _history(transfers, transfer_id)
    assert history.count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) == 2


async def test_propose_by_committee_refused_then_transfer_not_found(
    transfers: Transfers,
) -> None:
    command_id = f"propose-{uuid4()}"
    position = transfers.position()

    with pytest.raises(RoleNotAllowedError) as refused:
        await transfers.gateway.propose(
            command_id=command_id, actor=COMMITTEE, item_id=transfers.item_id,
            organization_id=transfers.organization_id, legal_basis="依据",
            effective_from=await transfers.today(),
            effective_until=await transfers.today() + timedelta(days=30), conditions="条件")

    assert str(refused.value) == (
        "角色 committee 不能提出职能转移方案；可执行此操作的角色：department")
    transfers.started.append(aggregate_id_for(command_id))  # waits for a proposal, then ends
    with pytest.raises(TransferNotFoundError):
        await transfers.gateway.approve(transfer_id=aggregate_id_for(command_id),
                                        command_id=f"approve-{uuid4()}", actor=COMMITTEE)
    assert transfers.position() == position


async def test_proposal_refused_by_domain_then_transfer_not_found(
    transfers: Transfers,
) -> None:
    purchase_item = transfers.cases.decided_item("购买服务", name="社区养老服务")
    command_id = f"propose-{uuid4()}"
    transfer_id = aggregate_id_for(command_id)
    position = transfers.position()

    with pytest.raises(NotDecidedForTransferError):
        await transfers.gateway.propose(
            command_id=command_id, actor=officer(), item_id=purchase_item,
            organization_id=transfers.organization_id, legal_basis="依据",
            effective_from=await transfers.today(),
            effective_until=await transfers.today() + timedelta(days=30), conditions="条件")
    with pytest.raises(TransferNotFoundError) as missing:
        await transfers.gateway.approve(transfer_id=transfer_id,
                                        command_id=f"approve-{uuid4()}", actor=COMMITTEE)

    assert str(missing.value) == f"找不到职能转移 {transfer_id}"
    assert transfers.position() == position


async def test_command_on_unknown_transfer_refused_not_found(transfers: Transfers) -> None:
    transfer_id = aggregate_id_for(f"propose-{uuid4()}")

    with pytest.raises(TransferNotFoundError) as refused:
        await transfers.gateway.revoke(transfer_id=transfer_id, command_id=f"revoke-{uuid4()}",
                                       actor=COMMITTEE, reason="撤销")

    assert str(refused.value) == f"找不到职能转移 {transfer_id}"


async def test_command_after_run_terminated_refused_at_no_stage(transfers: Transfers) -> None:
    transfer_id = await transfers.proposed()
    await transfers.handle(transfer_id).terminate(reason="运维终止")

    with pytest.raises(TransferStageError) as refused:
        await transfers.gateway.approve(transfer_id=transfer_id,
                                        command_id=f"approve-{uuid4()}", actor=COMMITTEE)

    assert str(refused.value) == (
        f"职能转移 {transfer_id} 的流程已被终止，不再受理命令；请联系市社工委")


# --- idempotency and settings ------------------------------------------------------------


async def test_repeated_command_id_answered_with_first_result_records_once(
    transfers: Transfers,
) -> None:
    propose_id = f"propose-{uuid4()}"
    transfer_id = await transfers.proposed(propose_id)
    command_id = f"approve-{uuid4()}"
    first = await transfers.gateway.approve(transfer_id=transfer_id, command_id=command_id,
                                            actor=COMMITTEE)
    position = transfers.position()

    again = await transfers.gateway.approve(transfer_id=transfer_id, command_id=command_id,
                                            actor=COMMITTEE)
    proposed_again = await transfers.proposed(propose_id)

    assert again == first
    assert proposed_again == transfer_id
    assert transfers.position() == position
    assert transfers.events(transfer_id).count("Approved") == 1
    history = await _history(transfers, transfer_id)
    assert history.count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) == 2


async def test_policy_grade_threshold_is_a_setting(
    transfer_env: WorkflowEnvironment, app: GovflowApplication,
) -> None:
    async with transfer_world(transfer_env, app,
                              policy=TransferPolicy(grade_threshold=5)) as transfers:
        transfer_id = await transfers.proposed()
        with pytest.raises(NotEligibleError) as refused:
            await transfers.gateway.approve(transfer_id=transfer_id,
                                            command_id=f"approve-{uuid4()}", actor=COMMITTEE)
        state: TransferState = await transfers.state(transfer_id)

    assert "评估等级 4A 低于 5A" in str(refused.value)
    assert state.status is TransferStatus.PROPOSED


@pytest.mark.parametrize("threshold", [0, 6])
def test_policy_with_threshold_outside_grades_refused(threshold: int) -> None:
    with pytest.raises(ValueError, match="grade from 1 to 5"):
        TransferPolicy(grade_threshold=threshold)


# --- the grade-change fan-out's hand-off -------------------------------------------------


def test_grade_change_fan_out_names_evaluation_and_live_transfers_and_contracts(
    app: GovflowApplication,
) -> None:
    cases = Cases(app, prefix="fan-out")
    organization_id = cases.organization()
    today = date(2026, 12, 1)

    def approved_transfer(mode: str, name: str) -> UUID:
        transfer_id = app.propose_transfer(ProposeTransfer(
            command_id=cases.command_id(), actor=officer(),
            item_id=cases.decided_item(mode, name=name), organization_id=organization_id,
            legal_basis="《广东省养老服务条例》", effective_from=today,
            effective_until=date(2027, 12, 31), conditions="按季度报告")).aggregate_id
        app.approve_transfer(ApproveTransfer(command_id=cases.command_id(), actor=COMMITTEE,
                                             transfer_id=transfer_id, approved_on=today))
        return transfer_id

    live = approved_transfer("委托", "养老机构等级评定辅助")
    ended = approved_transfer("授权", "养老服务质量抽查")
    app.revoke_transfer(RevokeTransfer(command_id=cases.command_id(), actor=COMMITTEE,
                                       transfer_id=ended, reason="调整", on=today))
    contract_id = app.award_contract(AwardContract(
        command_id=cases.command_id(), actor=officer(),
        item_id=cases.decided_item("购买服务", name="居家养老上门服务"),
        organization_id=organization_id, method="公开招标", fiscal_year=2027,
        amount_fen=300_000_00, term_start=date(2027, 1, 1), term_end=date(2027, 12, 31),
        milestones=(MilestonePlan("全年服务", date(2027, 12, 31), 300_000_00),),
        awarded_on=today)).aggregate_id
    app.record_penalty(RecordPenalty(
        command_id="fan-out:penalty", actor=COMMITTEE, organization_id=organization_id,
        decision_number="江民罚〔2026〕8号", authority="江门市民政局", decided_on=today,
        description="未按规定报送年度工作报告"))
    app.downgrade_grade(DowngradeGrade(
        command_id="fan-out:downgrade", actor=COMMITTEE, organization_id=organization_id,
        basis="受到行政处罚", reference="江民罚〔2026〕8号", reason="降低一级", decided_on=today))

    fan_out = OrganizationActivities(app).grade_change_fan_out(
        GradeChangeRef(organization_id=organization_id, command_id="fan-out:downgrade"))

    assert fan_out.workflow_ids[0] == grade_evaluation_workflow_id(fan_out.notice.evaluation_id)
    assert sorted(fan_out.workflow_ids[1:]) == sorted(
        [transfer_workflow_id(live), purchase_contract_workflow_id(contract_id)])
