"""The transfers view (职能转移 and 编制申请), on SQLite and PostgreSQL.

Driven by the real application: where a transfer stands after each event and what its
history says, how the lists filter and page, and staffing requests flagged (倒逼) or
not and decided by the committee.  ``TransferDesk`` and ``write_transfers`` give the
commands the inbox and rebuild tests use too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import pytest

from domain.actors import SYSTEM_ACTOR
from domain.transfer.commands import (
    ApproveTransfer,
    DecideStaffing,
    ProposeTransfer,
    RejectTransfer,
    RequestStaffing,
    ResumeTransfer,
    RevokeTransfer,
    SuspendTransfer,
    TransferOnDate,
)
from projections.case_rows import TransferFilter, TransferRow
from projections.paging import InvalidCursorError
from projections.transfers import TransfersProjection, TransfersView, china_date
from tests.cases import COMMITTEE, VOLUNTEERS_CODE, Cases, officer
from tests.projections.conftest import MZJ, Store

PJQ = "440703-MZJ"


class TransferDesk:
    """Departments and the committee at work on transfers and staffing requests."""

    def __init__(self, cases: Cases) -> None:
        self.cases = cases
        self.app = cases.app

    def _id(self) -> str:
        return self.cases.command_id()

    def item(self, name: str, *, mode: str = "委托", department: str = MZJ) -> UUID:
        return self.cases.decided_item(mode, department=department, name=name, budget_fen=0)

    def propose(self, item: UUID, organization: UUID, *, department: str = MZJ) -> UUID:
        return self.app.propose_transfer(ProposeTransfer(
            self._id(), officer(department), item, organization, "《广东省养老服务条例》",
            date(2027, 1, 1), date(2027, 12, 31), "按年度报告承接情况")).aggregate_id

    def approve(self, transfer: UUID) -> None:
        self.app.approve_transfer(ApproveTransfer(self._id(), COMMITTEE, transfer,
                                                  date(2026, 12, 1)))

    def reject(self, transfer: UUID) -> None:
        self.app.reject_transfer(RejectTransfer(self._id(), COMMITTEE, transfer,
                                                "承接条件不明确"))

    def take_effect(self, transfer: UUID) -> None:
        self.app.transfer_takes_effect(TransferOnDate(self._id(), SYSTEM_ACTOR, transfer,
                                                      date(2027, 1, 1)))

    def suspend(self, transfer: UUID, *, on: date = date(2027, 3, 1)) -> None:
        self.app.suspend_transfer(SuspendTransfer(self._id(), COMMITTEE, transfer,
                                                  "承接方等级下降", on))

    def resume(self, transfer: UUID) -> None:
        self.app.resume_transfer(ResumeTransfer(self._id(), COMMITTEE, transfer,
                                                "复查后符合条件", date(2027, 3, 10)))

    def revoke(self, transfer: UUID) -> None:
        self.app.revoke_transfer(RevokeTransfer(self._id(), COMMITTEE, transfer,
                                                "承接方严重违规", date(2027, 5, 1)))

    def expire(self, transfer: UUID) -> None:
        self.app.expire_transfer(TransferOnDate(self._id(), SYSTEM_ACTOR, transfer,
                                                date(2028, 1, 1)))

    def request_staffing(self, item: UUID, *, department: str = MZJ) -> UUID:
        return self.app.request_staffing(RequestStaffing(
            self._id(), officer(department), item, "增加编制", "服务对象增加", 3,
            date(2027, 2, 1))).aggregate_id

    def decide_staffing(self, request: UUID, *, justified: bool) -> None:
        self.app.decide_staffing(DecideStaffing(
            self._id(), COMMITTEE, request, justified,
            "涉及应急处置，须由事业单位承担" if justified else "", date(2027, 2, 20)))


@dataclass
class Transfers:
    """What ``write_transfers`` left behind."""

    revoked: UUID
    rejected: UUID
    waiting: UUID
    expired: UUID
    flagged: UUID
    refused: UUID
    unflagged: UUID


def write_transfers(cases: Cases, organization: UUID | None = None) -> Transfers:
    """Transfers at every stage and staffing requests flagged, decided and not flagged."""
    desk = TransferDesk(cases)
    centre = organization or cases.organization()
    revoked = desk.propose(desk.item("养老机构等级评定辅助"), centre)
    desk.approve(revoked)
    desk.take_effect(revoked)
    desk.suspend(revoked)
    desk.resume(revoked)
    desk.suspend(revoked, on=date(2027, 4, 1))
    desk.revoke(revoked)
    rejected = desk.propose(desk.item("养老服务统计", mode="转移"), centre)
    desk.reject(rejected)
    waiting = desk.propose(desk.item("养老护理员培训", mode="授权"), centre)
    live_item = desk.item("老年人能力评估")
    expired = desk.propose(live_item, centre)
    desk.approve(expired)
    desk.take_effect(expired)
    flagged = desk.request_staffing(live_item)
    refused = desk.request_staffing(live_item)
    desk.decide_staffing(flagged, justified=True)
    desk.decide_staffing(refused, justified=False)
    desk.expire(expired)
    unflagged = desk.request_staffing(live_item)
    return Transfers(revoked, rejected, waiting, expired, flagged, refused, unflagged)


def transfers(store: Store) -> tuple[TransfersProjection, TransfersView]:
    projection = TransfersProjection(view=store.view(TransfersProjection))
    return projection, projection.view


class Follow:
    """Applies what was recorded since the last look, then reads the transfer."""

    def __init__(self, store: Store, projection: TransfersProjection) -> None:
        self.store, self.projection = store, projection

    def __call__(self, transfer: UUID) -> TransferRow:
        view = self.projection.view
        self.store.apply_all(self.projection,
                             after=view.max_tracking_id(self.store.app.name) or 0)
        row = view.get_transfer(transfer)
        assert row is not None
        return row


def lines(row: TransferRow) -> list[tuple[str, str, str, str | None]]:
    return [(h["event"], h["event_label"], h["on"], h["reason"]) for h in row.history]


def test_transfer_row_follows_each_event_and_keeps_its_history(store: Store) -> None:
    cases = Cases(store.app)
    desk = TransferDesk(cases)
    projection, _ = transfers(store)
    seen = Follow(store, projection)
    centre = cases.organization()
    item = desk.item("养老机构等级评定辅助")

    transfer = desk.propose(item, centre)
    proposed = seen(transfer)
    assert (proposed.item_id, proposed.item_name, proposed.department, proposed.mode,
            proposed.organization_id, proposed.organization_name) == (
        item, "养老机构等级评定辅助", MZJ, "委托", centre, "蓬江区长者服务中心")
    assert proposed.item_code == store.app.get_catalogue_item(item).code
    assert (proposed.legal_basis, proposed.conditions, proposed.effective_from,
            proposed.effective_until) == ("《广东省养老服务条例》", "按年度报告承接情况",
                                          date(2027, 1, 1), date(2027, 12, 31))
    assert (proposed.status, proposed.suspension_reason, proposed.version) == (
        "待审批", None, 1)
    proposed_on = china_date(proposed.created_at).isoformat()
    assert lines(proposed) == [("Proposed", "提出转移方案", proposed_on, None)]

    desk.approve(transfer)
    assert seen(transfer).status == "已批准，待生效"
    desk.take_effect(transfer)
    assert seen(transfer).status == "生效中"
    desk.suspend(transfer)
    suspended = seen(transfer)
    assert (suspended.status, suspended.suspension_reason) == ("已暂停", "承接方等级下降")
    desk.resume(transfer)
    resumed = seen(transfer)
    assert (resumed.status, resumed.suspension_reason) == ("生效中", None)
    desk.suspend(transfer, on=date(2027, 4, 1))
    desk.revoke(transfer)
    revoked = seen(transfer)
    assert revoked.status == "已撤销"
    assert lines(revoked) == [
        ("Proposed", "提出转移方案", proposed_on, None),
        ("Approved", "批准职能转移", "2026-12-01", None),
        ("TookEffect", "职能转移生效", "2027-01-01", None),
        ("Suspended", "暂停职能转移", "2027-03-01", "承接方等级下降"),
        ("Resumed", "恢复职能转移", "2027-03-10", "复查后符合条件"),
        ("Suspended", "暂停职能转移", "2027-04-01", "承接方等级下降"),
        ("Revoked", "撤销职能转移", "2027-05-01", "承接方严重违规"),
    ]
    assert revoked.version == store.app.get_transfer(transfer).version
    assert revoked.created_at < revoked.updated_at


def test_rejected_and_expired_transfers(store: Store) -> None:
    cases = Cases(store.app)
    projection, view = transfers(store)
    made = write_transfers(cases)
    store.apply_all(projection)

    rejected = view.get_transfer(made.rejected)
    assert rejected is not None
    assert (rejected.status, rejected.mode) == ("未获批准", "转移")
    assert lines(rejected)[-1][1:] == ("不予批准职能转移", china_date(rejected.updated_at)
                                       .isoformat(), "承接条件不明确")
    expired = view.get_transfer(made.expired)
    assert expired is not None
    assert expired.status == "已到期"
    assert lines(expired)[-1] == ("Expired", "职能转移到期", "2028-01-01", None)
    waiting = view.get_transfer(made.waiting)
    assert waiting is not None
    assert (waiting.status, waiting.mode) == ("待审批", "授权")


def test_list_transfers_newest_first_filtered_and_paged(store: Store) -> None:
    cases = Cases(store.app)
    desk = TransferDesk(cases)
    projection, view = transfers(store)
    made = write_transfers(cases)
    volunteers = cases.organization(VOLUNTEERS_CODE, name="台山市义工联合会",
                                    category="社会团体", kind="公益慈善类")
    district = desk.propose(desk.item("长者探访", department=PJQ), volunteers, department=PJQ)
    store.apply_all(projection)

    def ids(limit: int = 10, **filters: Any) -> list[UUID]:
        return [row.id for row in view.list_transfers(TransferFilter(**filters), cursor=None,
                                                       limit=limit).data]

    newest_first = [district, made.expired, made.waiting, made.rejected, made.revoked]
    assert ids() == newest_first
    assert ids(department=PJQ) == [district]
    assert ids(organization_id=volunteers) == [district]
    assert ids(status="待审批") == [district, made.waiting]
    assert ids(mode="转移") == [made.rejected]
    assert ids(mode="委托", department=MZJ) == [made.expired, made.revoked]
    item = store.app.get_transfer(made.waiting).item_id
    assert ids(item_id=UUID(item)) == [made.waiting]
    first = view.list_transfers(TransferFilter(), cursor=None, limit=2)
    second = view.list_transfers(TransferFilter(), cursor=first.next_cursor, limit=2)
    third = view.list_transfers(TransferFilter(), cursor=second.next_cursor, limit=2)
    assert [r.id for r in first.data + second.data + third.data] == newest_first
    assert third.next_cursor is None
    with pytest.raises(InvalidCursorError):
        view.list_transfers(TransferFilter(), cursor="!!", limit=2)
    assert view.get_transfer(UUID(int=9)) is None


def test_staffing_requests_flagged_where_organizations_undertake_the_service(
    store: Store
) -> None:
    cases = Cases(store.app)
    desk = TransferDesk(cases)
    projection, view = transfers(store)
    made = write_transfers(cases)
    elsewhere = desk.request_staffing(desk.item("长者探访", department=PJQ), department=PJQ)
    store.apply_all(projection)

    flagged = view.get_staffing_request(made.flagged)
    assert flagged is not None
    assert (flagged.item_name, flagged.department, flagged.kind, flagged.description,
            flagged.headcount, flagged.requested_on) == (
        "老年人能力评估", MZJ, "增加编制", "服务对象增加", 3, date(2027, 2, 1))
    assert (flagged.flagged, flagged.eligible_providers) == (True, ["蓬江区长者服务中心"])
    assert (flagged.status, flagged.justification, flagged.decided_on) == (
        "市社工委认可理由", "涉及应急处置，须由事业单位承担", date(2027, 2, 20))
    assert flagged.version == 3
    refused = view.get_staffing_request(made.refused)
    assert refused is not None
    assert (refused.status, refused.justification) == ("市社工委不予认可", "不予认可")
    unflagged = view.get_staffing_request(made.unflagged)  # the transfer expired
    assert unflagged is not None
    assert (unflagged.flagged, unflagged.eligible_providers, unflagged.status,
            unflagged.version) == (False, [], "未发现可承接的社会组织", 1)

    def ids(**filters: Any) -> list[UUID]:
        query: dict[str, Any] = {"department": None, "flagged": None, **filters}
        return [r.id for r in view.list_staffing_requests(**query, cursor=None,
                                                          limit=10).data]

    assert ids() == [elsewhere, made.unflagged, made.refused, made.flagged]
    assert ids(flagged=True) == [made.refused, made.flagged]
    assert ids(flagged=False, department=MZJ) == [made.unflagged]
    assert ids(department=PJQ) == [elsewhere]
    first = view.list_staffing_requests(department=None, flagged=None, cursor=None, limit=3)
    rest = view.list_staffing_requests(department=None, flagged=None,
                                       cursor=first.next_cursor, limit=3)
    assert [r.id for r in first.data + rest.data] == ids()
    assert rest.next_cursor is None
    assert view.get_staffing_request(UUID(int=4)) is None
