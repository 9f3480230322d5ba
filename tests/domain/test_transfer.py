"""Function transfer (职能转移, DESIGN.md §3.4), through the application service."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import pytest

from domain.actors import SYSTEM_ACTOR, Actor, Role
from domain.application import GovflowApplication
from domain.catalogue.classification import Nature
from domain.catalogue.item import DecisionMode
from domain.errors import OtherDepartmentError, RequiredFieldError, RoleNotAllowedError
from domain.transfer.commands import (
    ApproveTransfer,
    ProposeTransfer,
    RejectTransfer,
    ResumeTransfer,
    RevokeTransfer,
    SuspendTransfer,
    TransferOnDate,
)
from domain.transfer.errors import (
    NotDecidedForTransferError,
    NotEligibleError,
    StatutoryToAssociationError,
    StatutoryTransferError,
    TransferNotFoundError,
    TransferPeriodError,
    TransferStageError,
)
from domain.transfer.transfer import FunctionTransfer, TransferStatus, check_transferable
from tests.cases import COMMITTEE, VOLUNTEERS_CODE, Cases, officer, refuses

START = date(2027, 1, 1)
UNTIL = date(2027, 12, 31)
APPROVED_ON = date(2026, 12, 1)


@pytest.fixture
def app() -> Iterator[GovflowApplication]:
    application = GovflowApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    yield application
    application.close()


@pytest.fixture
def cases(app: GovflowApplication) -> Cases:
    return Cases(app)


@dataclass
class Proposed:
    item_id: UUID
    organization_id: UUID
    transfer_id: UUID


def propose(app: GovflowApplication, item_id: UUID, organization_id: UUID, *,
            command_id: str = "propose", actor: Actor | None = None,
            effective_from: date = START, effective_until: date = UNTIL) -> UUID:
    return app.propose_transfer(ProposeTransfer(
        command_id=command_id, actor=actor or officer(), item_id=item_id,
        organization_id=organization_id, legal_basis="《广东省养老服务条例》第二十条",
        effective_from=effective_from, effective_until=effective_until,
        conditions="按季度报告服务情况，接受民政部门监督")).aggregate_id


def proposed(cases: Cases, mode: str = "委托", *, level: int | None = 4) -> Proposed:
    item_id = cases.decided_item(mode, budget_fen=0)
    organization_id = cases.organization(level=level)
    return Proposed(item_id, organization_id, propose(cases.app, item_id, organization_id))


def approve(app: GovflowApplication, transfer_id: UUID, *, command_id: str = "approve",
            on: date = APPROVED_ON) -> None:
    app.approve_transfer(ApproveTransfer(command_id=command_id, actor=COMMITTEE,
                                         transfer_id=transfer_id, approved_on=on))


def effective(cases: Cases) -> Proposed:
    case = proposed(cases)
    approve(cases.app, case.transfer_id)
    cases.app.transfer_takes_effect(TransferOnDate(
        command_id="effect", actor=SYSTEM_ACTOR, transfer_id=case.transfer_id, on=START))
    return case


def suspend(app: GovflowApplication, transfer_id: UUID, command_id: str = "suspend") -> None:
    app.suspend_transfer(SuspendTransfer(
        command_id=command_id, actor=COMMITTEE, transfer_id=transfer_id,
        reason="承接组织评估等级被撤销，待复查", on=date(2027, 3, 1)))


# --- proposal --------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["转移", "授权", "委托"])
def test_propose_for_item_decided_transfer_authorization_or_entrustment(
        cases: Cases, mode: str) -> None:
    case = proposed(cases, mode)

    transfer = cases.app.get_transfer(case.transfer_id)
    assert transfer.status is TransferStatus.PROPOSED
    assert transfer.mode is DecisionMode(mode)
    assert transfer.organization_name == "蓬江区长者服务中心"
    assert transfer.item_id == str(case.item_id)
    assert (transfer.effective_from, transfer.effective_until) == (START, UNTIL)
    assert transfer.id == FunctionTransfer.create_id("propose")


def test_propose_for_item_decided_purchase_is_refused(cases: Cases) -> None:
    item_id = cases.decided_item("购买服务")
    organization_id = cases.organization()

    refuses(cases.app, NotDecidedForTransferError,
            lambda: propose(cases.app, item_id, organization_id),
            "的决定为「购买服务」", "只有决定转移、授权或委托的事项才能提出转移方案")


def test_propose_by_another_department_is_refused(cases: Cases) -> None:
    item_id = cases.decided_item("转移", budget_fen=0)
    organization_id = cases.organization()

    refuses(cases.app, OtherDepartmentError,
            lambda: propose(cases.app, item_id, organization_id, actor=officer("440700-CZJ")),
            "您所在的部门为 440700-CZJ，不能为 440700-MZJ 的目录事项「居家养老服务」提出转移方案")


def test_propose_by_the_committee_is_refused(cases: Cases) -> None:
    item_id = cases.decided_item("转移", budget_fen=0)
    organization_id = cases.organization()

    refuses(cases.app, RoleNotAllowedError,
            lambda: propose(cases.app, item_id, organization_id, actor=COMMITTEE),
            "不能提出职能转移方案")


@pytest.mark.parametrize("until", [START, date(2026, 12, 31)])
def test_propose_with_period_end_not_after_start_is_refused(cases: Cases, until: date) -> None:
    item_id = cases.decided_item("转移", budget_fen=0)
    organization_id = cases.organization()

    error = refuses(cases.app, TransferPeriodError,
                    lambda: propose(cases.app, item_id, organization_id, effective_until=until),
                    f"有效期止（{until.isoformat()}）须晚于有效期起（2027-01-01）")
    assert error.field == "effective_until"


def test_propose_without_conditions_is_refused(cases: Cases) -> None:
    item_id = cases.decided_item("转移", budget_fen=0)
    organization_id = cases.organization()

    refuses(cases.app, RequiredFieldError, lambda: cases.app.propose_transfer(ProposeTransfer(
        command_id="p", actor=officer(), item_id=item_id, organization_id=organization_id,
        legal_basis="依据", effective_from=START, effective_until=UNTIL, conditions="  ")),
        "承接条件不能为空")


def test_propose_repeated_is_answered_without_recording(cases: Cases) -> None:
    case = proposed(cases)
    before = cases.app.recorder.max_notification_id()

    again = cases.app.propose_transfer(ProposeTransfer(
        command_id="propose", actor=officer(), item_id=case.item_id,
        organization_id=case.organization_id, legal_basis="另一依据", effective_from=START,
        effective_until=UNTIL, conditions="另一条件"))

    assert again.replayed is True
    assert again.aggregate_id == case.transfer_id
    assert cases.app.recorder.max_notification_id() == before


# --- statutory functions ------------------------------------------------------------


def test_check_transferable_refuses_statutory_function() -> None:
    with pytest.raises(StatutoryTransferError) as caught:
        check_transferable(item_name="养老机构设立许可", nature=Nature.LICENSING,
                           mode=DecisionMode.ENTRUSTMENT, organization_name="蓬江区长者服务中心",
                           industry_association=False)

    assert caught.value.detail == (
        "「养老机构设立许可」的职能性质为行政许可，属于法定职能，必须由政府保留，不能委托")


def test_check_transferable_refuses_statutory_function_to_an_association() -> None:
    with pytest.raises(StatutoryToAssociationError) as caught:
        check_transferable(item_name="养老机构行政处罚", nature=Nature.PENALTY,
                           mode=DecisionMode.TRANSFER, organization_name="江门市养老服务协会",
                           industry_association=True)

    assert "属于法定职能，不能转移给行业协会商会「江门市养老服务协会」" in caught.value.detail
    assert caught.value.field == "organization_id"


@pytest.mark.parametrize("nature", [n for n in Nature if not n.is_statutory])
@pytest.mark.parametrize("association", [True, False])
def test_check_transferable_lets_other_natures_go(nature: Nature, association: bool) -> None:
    check_transferable(item_name="事项", nature=nature, mode=DecisionMode.TRANSFER,
                       organization_name="组织", industry_association=association)


def test_propose_refuses_a_statutory_item(cases: Cases) -> None:
    """The catalogue stage keeps statutory items; should one reach a proposal anyway (an
    item as loaded, its nature statutory), the proposal is refused."""
    item = cases.app.get_catalogue_item(cases.decided_item("转移", budget_fen=0))
    item.nature = Nature.ENFORCEMENT
    organization = cases.app.get_organization(cases.organization())

    with pytest.raises(StatutoryTransferError, match="属于法定职能，必须由政府保留，不能转移"):
        FunctionTransfer.propose(
            command_id="p", actor=officer(), item=item, organization=organization,
            legal_basis="依据", effective_from=START, effective_until=UNTIL, conditions="条件")

    association = cases.app.get_organization(cases.association(verified=True))
    with pytest.raises(StatutoryToAssociationError, match="不能转移给行业协会商会"):
        FunctionTransfer.propose(
            command_id="p", actor=officer(), item=item, organization=association,
            legal_basis="依据", effective_from=START, effective_until=UNTIL, conditions="条件")


# --- approval ----------------------------------------------------------------------------


def test_approve_records_the_undertaking_on_organization_and_item(cases: Cases) -> None:
    case = proposed(cases)

    result = cases.app.approve_transfer(ApproveTransfer(
        command_id="approve", actor=COMMITTEE, transfer_id=case.transfer_id,
        approved_on=APPROVED_ON))

    assert result.replayed is False
    assert cases.app.get_transfer(case.transfer_id).status is TransferStatus.APPROVED
    organization = cases.app.get_organization(case.organization_id)
    undertaking = organization.undertakings[str(case.transfer_id)]
    assert undertaking.kind.value == "职能转移"
    assert undertaking.item_id == str(case.item_id)
    assert undertaking.started_on == APPROVED_ON
    item = cases.app.get_catalogue_item(case.item_id)
    recorded = item.undertakings[str(case.transfer_id)]
    assert recorded.kind == "委托"
    assert recorded.organization_id == str(case.organization_id)
    assert recorded.organization_name == "蓬江区长者服务中心"
    assert recorded.live is True
    assert recorded.committed_fen == 0
    assert item.live_undertakers() == [str(case.organization_id)]


def test_approve_repeated_is_answered_without_recording(cases: Cases) -> None:
    case = proposed(cases)
    approve(cases.app, case.transfer_id)
    before = cases.app.recorder.max_notification_id()

    again = cases.app.approve_transfer(ApproveTransfer(
        command_id="approve", actor=COMMITTEE, transfer_id=case.transfer_id,
        approved_on=APPROVED_ON))

    assert again.replayed is True
    assert cases.app.recorder.max_notification_id() == before


def test_approve_without_grade_is_refused(cases: Cases) -> None:
    case = proposed(cases, level=None)

    error = refuses(cases.app, NotEligibleError, lambda: approve(cases.app, case.transfer_id),
                    "「蓬江区长者服务中心」于 2026-12-01 不具备承接资格：",
                    "未取得社会组织评估等级；承接须具有有效期内的 3A 及以上等级")
    assert error.field == "organization_id"
    assert cases.app.get_organization(case.organization_id).undertakings == {}
    assert cases.app.get_catalogue_item(case.item_id).undertakings == {}


def test_approve_with_grade_below_threshold_is_refused(cases: Cases) -> None:
    case = proposed(cases, level=2)

    refuses(cases.app, NotEligibleError, lambda: approve(cases.app, case.transfer_id),
            "评估等级 2A 低于 3A")


def test_approve_of_a_dishonest_organization_is_refused(cases: Cases) -> None:
    case = proposed(cases)
    cases.flag_dishonest(case.organization_id, on=date(2026, 10, 1))

    refuses(cases.app, NotEligibleError, lambda: approve(cases.app, case.transfer_id),
            "自 2026-10-01 起被列入失信名单（拒不履行法院判决），移出前不得承接")


def test_approve_of_a_barred_organization_is_refused(cases: Cases) -> None:
    case = proposed(cases)
    organization = cases.app.get_organization(case.organization_id)
    organization.bar(command_id="bar", actor=SYSTEM_ACTOR, until=date(2027, 1, 9),
                     reason="合同 X 49 分", contract_id="x")
    cases.app.save(organization)

    refuses(cases.app, NotEligibleError, lambda: approve(cases.app, case.transfer_id),
            "因绩效评价结果较差（合同 X 49 分），2027-01-09 前（含当日）不得承接")
    approve(cases.app, case.transfer_id, on=date(2027, 1, 10))
    assert cases.app.get_transfer(case.transfer_id).status is TransferStatus.APPROVED


def test_approve_for_an_unverified_association_is_refused_until_verified(cases: Cases) -> None:
    item_id = cases.decided_item("委托", budget_fen=0)
    association = cases.association()
    transfer_id = propose(cases.app, item_id, association)

    refuses(cases.app, NotEligibleError, lambda: approve(cases.app, transfer_id),
            "「江门市养老服务协会」于 2026-12-01 不具备承接资格",
            "行业协会商会须经市社工委核验“五自四无”全部符合后方可承接")

    cases.verify_association(association)
    approve(cases.app, transfer_id)
    assert cases.app.get_transfer(transfer_id).status is TransferStatus.APPROVED


def test_approve_by_a_department_is_refused(cases: Cases) -> None:
    case = proposed(cases)

    refuses(cases.app, RoleNotAllowedError, lambda: cases.app.approve_transfer(ApproveTransfer(
        command_id="a", actor=officer(), transfer_id=case.transfer_id,
        approved_on=APPROVED_ON)), "不能审批职能转移")


def test_approve_of_an_unknown_transfer_is_refused(cases: Cases) -> None:
    missing = FunctionTransfer.create_id("nowhere")

    refuses(cases.app, TransferNotFoundError, lambda: approve(cases.app, missing),
            f"找不到职能转移 {missing}")


def test_reject_then_approve_is_refused(cases: Cases) -> None:
    case = proposed(cases)
    cases.app.reject_transfer(RejectTransfer(
        command_id="reject", actor=COMMITTEE, transfer_id=case.transfer_id,
        reason="承接条件不明确"))

    assert cases.app.get_transfer(case.transfer_id).status is TransferStatus.REJECTED
    refuses(cases.app, TransferStageError, lambda: approve(cases.app, case.transfer_id),
            "当前状态为未获批准，不能审批；审批须在以下状态：待审批")
    other = proposed_again(cases)
    refuses(cases.app, RequiredFieldError, lambda: cases.app.reject_transfer(RejectTransfer(
        command_id="reject-2", actor=COMMITTEE, transfer_id=other, reason=" ")),
        "不予批准的理由不能为空")


def proposed_again(cases: Cases) -> UUID:
    item_id = cases.decided_item("转移", budget_fen=0)
    volunteers = cases.organization(VOLUNTEERS_CODE, name="台山市义工联合会", category="社会团体",
                                    kind="公益慈善类")
    return propose(cases.app, item_id, volunteers, command_id="propose-again")


# --- the effective period, suspension and revocation ----------------------------------


def test_lifecycle_effective_suspended_resumed_expired(cases: Cases) -> None:
    app = cases.app
    case = effective(cases)
    assert app.get_transfer(case.transfer_id).status is TransferStatus.EFFECTIVE

    suspend(app, case.transfer_id)
    transfer = app.get_transfer(case.transfer_id)
    assert transfer.status is TransferStatus.SUSPENDED
    assert transfer.suspension_reason == "承接组织评估等级被撤销，待复查"

    app.resume_transfer(ResumeTransfer(
        command_id="resume", actor=COMMITTEE, transfer_id=case.transfer_id,
        reason="复查合格", on=date(2027, 4, 1)))
    transfer = app.get_transfer(case.transfer_id)
    assert transfer.status is TransferStatus.EFFECTIVE
    assert transfer.suspension_reason is None

    app.expire_transfer(TransferOnDate(command_id="expire", actor=SYSTEM_ACTOR,
                                       transfer_id=case.transfer_id, on=date(2028, 1, 1)))
    assert app.get_transfer(case.transfer_id).status is TransferStatus.EXPIRED
    assert str(case.transfer_id) not in app.get_organization(case.organization_id).undertakings
    item = app.get_catalogue_item(case.item_id)
    assert item.undertakings[str(case.transfer_id)].live is False
    assert item.live_undertakers() == []


def test_revoke_ends_the_undertaking(cases: Cases) -> None:
    app = cases.app
    case = effective(cases)

    app.revoke_transfer(RevokeTransfer(command_id="revoke", actor=COMMITTEE,
                                       transfer_id=case.transfer_id, reason="严重违约",
                                       on=date(2027, 6, 1)))

    assert app.get_transfer(case.transfer_id).status is TransferStatus.REVOKED
    assert app.get_organization(case.organization_id).undertakings == {}
    assert app.get_catalogue_item(case.item_id).live_undertakers() == []
    before = app.recorder.max_notification_id()
    again = app.revoke_transfer(RevokeTransfer(command_id="revoke", actor=COMMITTEE,
                                               transfer_id=case.transfer_id, reason="严重违约",
                                               on=date(2027, 6, 1)))
    assert again.replayed is True
    assert app.recorder.max_notification_id() == before
    refuses(app, TransferStageError, lambda: suspend(app, case.transfer_id, "suspend-late"),
            "当前状态为已撤销，不能暂停")


def test_revoke_a_suspended_transfer(cases: Cases) -> None:
    case = effective(cases)
    suspend(cases.app, case.transfer_id)

    cases.app.revoke_transfer(RevokeTransfer(command_id="revoke", actor=COMMITTEE,
                                             transfer_id=case.transfer_id, reason="复查不合格",
                                             on=date(2027, 6, 1)))

    assert cases.app.get_transfer(case.transfer_id).status is TransferStatus.REVOKED


def test_resume_refused_when_the_organization_is_not_eligible(cases: Cases) -> None:
    case = effective(cases)
    suspend(cases.app, case.transfer_id)
    cases.flag_dishonest(case.organization_id, on=date(2027, 3, 1), reason="虚假申报")

    refuses(cases.app, NotEligibleError, lambda: cases.app.resume_transfer(ResumeTransfer(
        command_id="resume", actor=COMMITTEE, transfer_id=case.transfer_id, reason="复查",
        on=date(2027, 4, 1))),
        "「蓬江区长者服务中心」于 2027-04-01 不具备承接资格，不能恢复：",
        "被列入失信名单（虚假申报）", "可撤销本次职能转移")
    assert cases.app.get_transfer(case.transfer_id).status is TransferStatus.SUSPENDED


def test_resume_of_a_transfer_suspended_before_its_start_stays_approved(cases: Cases) -> None:
    app = cases.app
    case = proposed(cases)
    approve(app, case.transfer_id)
    suspend(app, case.transfer_id)

    app.resume_transfer(ResumeTransfer(command_id="resume", actor=COMMITTEE,
                                       transfer_id=case.transfer_id, reason="复查合格",
                                       on=date(2026, 12, 15)))

    assert app.get_transfer(case.transfer_id).status is TransferStatus.APPROVED
    app.transfer_takes_effect(TransferOnDate(command_id="effect", actor=SYSTEM_ACTOR,
                                             transfer_id=case.transfer_id, on=START))
    assert app.get_transfer(case.transfer_id).status is TransferStatus.EFFECTIVE


def test_wrong_stage_commands_are_refused(cases: Cases) -> None:
    app = cases.app
    case = proposed(cases)
    tid = case.transfer_id

    refuses(app, TransferStageError, lambda: app.transfer_takes_effect(TransferOnDate(
        command_id="e", actor=SYSTEM_ACTOR, transfer_id=tid, on=START)),
        "当前状态为待审批，不能生效；生效须在以下状态：已批准，待生效")
    refuses(app, TransferStageError, lambda: app.expire_transfer(TransferOnDate(
        command_id="x", actor=SYSTEM_ACTOR, transfer_id=tid, on=START)),
        "当前状态为待审批，不能到期终止")
    refuses(app, TransferStageError, lambda: suspend(app, tid), "不能暂停")
    refuses(app, TransferStageError, lambda: app.revoke_transfer(RevokeTransfer(
        command_id="r", actor=COMMITTEE, transfer_id=tid, reason="理由", on=START)),
        "当前状态为待审批，不能撤销")

    approve(app, tid)
    refuses(app, TransferStageError, lambda: app.resume_transfer(ResumeTransfer(
        command_id="r", actor=COMMITTEE, transfer_id=tid, reason="理由", on=START)),
        "当前状态为已批准，待生效，不能恢复；恢复须在以下状态：已暂停")
    refuses(app, TransferStageError, lambda: app.reject_transfer(RejectTransfer(
        command_id="j", actor=COMMITTEE, transfer_id=tid, reason="理由")),
        "不能不予批准")
    app.transfer_takes_effect(TransferOnDate(command_id="effect", actor=SYSTEM_ACTOR,
                                             transfer_id=tid, on=START))
    refuses(app, TransferStageError, lambda: app.transfer_takes_effect(TransferOnDate(
        command_id="effect-2", actor=SYSTEM_ACTOR, transfer_id=tid, on=START)),
        "当前状态为生效中，不能生效")
    app.expire_transfer(TransferOnDate(command_id="expire", actor=SYSTEM_ACTOR, transfer_id=tid,
                                       on=date(2028, 1, 1)))
    refuses(app, TransferStageError, lambda: app.expire_transfer(TransferOnDate(
        command_id="expire-2", actor=SYSTEM_ACTOR, transfer_id=tid, on=date(2028, 1, 2))),
        "当前状态为已到期，不能到期终止")


def test_suspend_by_a_department_is_refused(cases: Cases) -> None:
    case = effective(cases)

    refuses(cases.app, RoleNotAllowedError, lambda: cases.app.suspend_transfer(SuspendTransfer(
        command_id="s", actor=officer(), transfer_id=case.transfer_id, reason="理由",
        on=START)), "不能暂停职能转移")


def test_timer_repeats_are_answered_without_recording(cases: Cases) -> None:
    app = cases.app
    case = effective(cases)
    before = app.recorder.max_notification_id()

    again = app.transfer_takes_effect(TransferOnDate(
        command_id="effect", actor=SYSTEM_ACTOR, transfer_id=case.transfer_id, on=START))

    assert again.replayed is True
    assert app.recorder.max_notification_id() == before
    suspend(app, case.transfer_id)
    before = app.recorder.max_notification_id()
    assert app.suspend_transfer(SuspendTransfer(
        command_id="suspend", actor=COMMITTEE, transfer_id=case.transfer_id, reason="又一次",
        on=START)).replayed is True
    assert app.recorder.max_notification_id() == before


def test_system_may_suspend(cases: Cases) -> None:
    case = effective(cases)

    cases.app.suspend_transfer(SuspendTransfer(
        command_id="s", actor=Actor("govflow", Role.SYSTEM), transfer_id=case.transfer_id,
        reason="承接组织评估等级降为 2A", on=date(2027, 3, 1)))

    assert cases.app.get_transfer(case.transfer_id).status is TransferStatus.SUSPENDED
