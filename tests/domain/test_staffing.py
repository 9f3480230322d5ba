"""Staffing requests and the 倒逼 rule (DESIGN.md §3.4, seed 三(二)2(4))."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from uuid import UUID

import pytest

from domain.actors import SYSTEM_ACTOR, Actor
from domain.application import GovflowApplication
from domain.errors import OtherDepartmentError, RoleNotAllowedError
from domain.transfer.commands import (
    ApproveTransfer,
    DecideStaffing,
    ProposeTransfer,
    RequestStaffing,
    RevokeTransfer,
)
from domain.transfer.errors import (
    JustificationRequiredError,
    StaffingRequestNotFoundError,
    StaffingStageError,
)
from domain.transfer.staffing import (
    InvalidHeadcountError,
    StaffingKind,
    StaffingRequest,
    StaffingStatus,
    UnknownStaffingKindError,
)
from tests.cases import COMMITTEE, Cases, officer, refuses

REQUESTED_ON = date(2027, 3, 1)


@pytest.fixture
def app() -> Iterator[GovflowApplication]:
    application = GovflowApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    yield application
    application.close()


@pytest.fixture
def cases(app: GovflowApplication) -> Cases:
    return Cases(app)


def request(app: GovflowApplication, item_id: UUID, *, command_id: str = "staffing",
            actor: Actor | None = None, kind: str = "新设事业单位", headcount: int = 5,
            on: date = REQUESTED_ON) -> UUID:
    return app.request_staffing(RequestStaffing(
        command_id=command_id, actor=actor or officer(), item_id=item_id, kind=kind,
        description="新设江门市居家养老服务指导中心", headcount=headcount,
        requested_on=on)).aggregate_id


def decide(app: GovflowApplication, request_id: UUID, *, justified: bool,
           justification: str, command_id: str = "decide",
           actor: Actor = COMMITTEE) -> None:
    app.decide_staffing(DecideStaffing(
        command_id=command_id, actor=actor, request_id=request_id, justified=justified,
        justification=justification, decided_on=date(2027, 3, 20)))


def item_with_contract(cases: Cases) -> tuple[UUID, UUID]:
    item_id = cases.decided_item("购买服务")
    organization_id = cases.organization()
    cases.contract(item_id, organization_id)
    return item_id, organization_id


def item_with_transfer(cases: Cases) -> tuple[UUID, UUID, UUID]:
    item_id = cases.decided_item("委托", budget_fen=0)
    organization_id = cases.organization()
    transfer_id = cases.app.propose_transfer(ProposeTransfer(
        command_id="propose", actor=officer(), item_id=item_id,
        organization_id=organization_id, legal_basis="《广东省养老服务条例》",
        effective_from=date(2027, 1, 1), effective_until=date(2027, 12, 31),
        conditions="按季度报告")).aggregate_id
    cases.app.approve_transfer(ApproveTransfer(
        command_id="approve", actor=COMMITTEE, transfer_id=transfer_id,
        approved_on=date(2026, 12, 1)))
    return item_id, organization_id, transfer_id


def flagged_request(cases: Cases) -> UUID:
    item_id, _ = item_with_contract(cases)
    return request(cases.app, item_id)


# --- the flag ----------------------------------------------------------------------------


def test_request_is_flagged_when_an_eligible_contractor_provides_the_service(
        cases: Cases) -> None:
    item_id, _ = item_with_contract(cases)

    request_id = request(cases.app, item_id)

    staffing = cases.app.get_staffing_request(request_id)
    assert staffing.status is StaffingStatus.FLAGGED
    assert staffing.eligible_providers == ["蓬江区长者服务中心"]
    assert staffing.kind is StaffingKind.NEW_INSTITUTION
    assert staffing.headcount == 5
    assert staffing.flag_reason == (
        "「居家养老服务」已由具备承接资格的社会组织提供：蓬江区长者服务中心；按“倒逼”机制，"
        "原则上不再新设事业单位或增加编制，须经市社工委审查理由"
        "（《江门市深化社会组织体制改革实施方案》三(二)2(4)）")
    assert staffing.id == StaffingRequest.create_id("staffing")


def test_request_is_flagged_when_an_approved_transfer_provides_the_service(
        cases: Cases) -> None:
    item_id, _, _ = item_with_transfer(cases)

    request_id = request(cases.app, item_id, kind="增加编制", headcount=2)

    staffing = cases.app.get_staffing_request(request_id)
    assert staffing.status is StaffingStatus.FLAGGED
    assert staffing.kind is StaffingKind.MORE_QUOTA
    assert staffing.eligible_providers == ["蓬江区长者服务中心"]


def test_request_is_not_flagged_without_undertakers(cases: Cases) -> None:
    item_id = cases.decided_item("购买服务")

    request_id = request(cases.app, item_id)

    staffing = cases.app.get_staffing_request(request_id)
    assert staffing.status is StaffingStatus.NOT_FLAGGED
    assert staffing.eligible_providers == []


def test_request_is_not_flagged_when_the_only_undertaker_is_no_longer_eligible(
        cases: Cases) -> None:
    item_id, organization_id = item_with_contract(cases)
    cases.flag_dishonest(organization_id, on=date(2027, 2, 1))

    request_id = request(cases.app, item_id)

    assert cases.app.get_staffing_request(request_id).status is StaffingStatus.NOT_FLAGGED


def test_request_is_not_flagged_once_the_transfer_is_revoked(cases: Cases) -> None:
    item_id, _, transfer_id = item_with_transfer(cases)
    cases.app.revoke_transfer(RevokeTransfer(
        command_id="revoke", actor=COMMITTEE, transfer_id=transfer_id, reason="严重违约",
        on=date(2027, 2, 1)))

    request_id = request(cases.app, item_id)

    assert cases.app.get_staffing_request(request_id).status is StaffingStatus.NOT_FLAGGED


def test_request_repeated_is_answered_without_recording(cases: Cases) -> None:
    item_id, _ = item_with_contract(cases)
    request(cases.app, item_id)
    before = cases.app.recorder.max_notification_id()

    again = cases.app.request_staffing(RequestStaffing(
        command_id="staffing", actor=officer(), item_id=item_id, kind="增加编制",
        description="另一说明", headcount=9, requested_on=REQUESTED_ON))

    assert again.replayed is True
    assert cases.app.recorder.max_notification_id() == before


def test_request_by_another_department_is_refused(cases: Cases) -> None:
    item_id = cases.decided_item("购买服务")

    refuses(cases.app, OtherDepartmentError,
            lambda: request(cases.app, item_id, actor=officer("440700-CZJ")),
            "您所在的部门为 440700-CZJ，不能为 440700-MZJ 的目录事项提出编制申请")


def test_request_by_the_committee_is_refused(cases: Cases) -> None:
    item_id = cases.decided_item("购买服务")

    refuses(cases.app, RoleNotAllowedError, lambda: request(cases.app, item_id, actor=COMMITTEE),
            "不能提出编制申请")


def test_request_of_unknown_kind_or_no_headcount_is_refused(cases: Cases) -> None:
    item_id = cases.decided_item("购买服务")

    refuses(cases.app, UnknownStaffingKindError,
            lambda: request(cases.app, item_id, kind="新设机构"), "新设机构")
    refuses(cases.app, InvalidHeadcountError,
            lambda: request(cases.app, item_id, headcount=0),
            "申请编制数须为正整数（现为 0）")


# --- the committee's decision ----------------------------------------------------------


def test_flagged_request_approved_with_justification(cases: Cases) -> None:
    request_id = flagged_request(cases)

    decide(cases.app, request_id, justified=True,
           justification="  涉及特殊困难老人兜底保障，须由公益一类事业单位承担  ")

    staffing = cases.app.get_staffing_request(request_id)
    assert staffing.status is StaffingStatus.JUSTIFIED
    assert staffing.justification == "涉及特殊困难老人兜底保障，须由公益一类事业单位承担"


def test_flagged_request_approved_without_justification_is_refused(cases: Cases) -> None:
    request_id = flagged_request(cases)

    error = refuses(cases.app, JustificationRequiredError,
                    lambda: decide(cases.app, request_id, justified=True, justification="  "),
                    "认可新设事业单位或增加编制，须写明理由")
    assert error.field == "justification"
    assert cases.app.get_staffing_request(request_id).status is StaffingStatus.FLAGGED


def test_flagged_request_refused_needs_no_text(cases: Cases) -> None:
    request_id = flagged_request(cases)

    decide(cases.app, request_id, justified=False, justification="")

    staffing = cases.app.get_staffing_request(request_id)
    assert staffing.status is StaffingStatus.REFUSED
    assert staffing.justification == "不予认可"


def test_decision_only_for_flagged_requests(cases: Cases) -> None:
    item_id = cases.decided_item("购买服务")
    request_id = request(cases.app, item_id)

    refuses(cases.app, StaffingStageError,
            lambda: decide(cases.app, request_id, justified=True, justification="理由"),
            "编制申请当前为「未发现可承接的社会组织」，只有被标记的申请需要市社工委审查")


def test_decision_twice_is_refused_and_repeat_answered(cases: Cases) -> None:
    request_id = flagged_request(cases)
    decide(cases.app, request_id, justified=False, justification="已有社会组织提供")
    before = cases.app.recorder.max_notification_id()

    assert cases.app.decide_staffing(DecideStaffing(
        command_id="decide", actor=COMMITTEE, request_id=request_id, justified=True,
        justification="x", decided_on=date(2027, 3, 20))).replayed is True
    assert cases.app.recorder.max_notification_id() == before
    refuses(cases.app, StaffingStageError, lambda: decide(
        cases.app, request_id, justified=True, justification="理由", command_id="decide-2"),
        "编制申请当前为「市社工委不予认可」")


def test_decision_by_a_department_is_refused(cases: Cases) -> None:
    request_id = flagged_request(cases)

    refuses(cases.app, RoleNotAllowedError, lambda: decide(
        cases.app, request_id, justified=True, justification="理由", actor=officer()),
        "不能审查编制申请")
    refuses(cases.app, RoleNotAllowedError, lambda: decide(
        cases.app, request_id, justified=True, justification="理由", actor=SYSTEM_ACTOR),
        "不能审查编制申请")


def test_decision_on_an_unknown_request_is_refused(cases: Cases) -> None:
    missing = StaffingRequest.create_id("nowhere")

    refuses(cases.app, StaffingRequestNotFoundError,
            lambda: decide(cases.app, missing, justified=False, justification=""),
            f"找不到编制申请 {missing}")
