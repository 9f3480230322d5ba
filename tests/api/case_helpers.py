"""Short-hands of the /transfers, /staffing-requests, /purchase-contracts and /ledger tests:
the cases seeded in the domain (``tests.cases``), request bodies, and the view rows the
fake views serve."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

from domain.organizations.bars import PerformanceBar
from projections.case_rows import (
    ContractRow,
    MilestoneRow,
    ReviewRow,
    StaffingRow,
    TransferRow,
)
from projections.organization_rows import OrganizationRow
from tests.api.helpers import MZJ
from tests.cases import Cases

MOMENT = datetime(2027, 3, 20, 2, 0, tzinfo=UTC)

BUDGET_FEN = 50_000_000
"""The purchase item's 2027 budget: 500,000.00 元."""
CONTRACT_FEN = 30_000_000
FIRST_FEN = 10_000_000
SECOND_FEN = 20_000_000


@dataclass(frozen=True)
class CaseWorld:
    """What the tests start from, in the domain: an item decided for 购买服务 (with a 2027
    budget), one decided for 委托, and 蓬江区长者服务中心 graded 4A (valid 2026–2030)."""

    cases: Cases
    purchase_item: UUID
    transfer_item: UUID
    centre: UUID


def build_world(cases: Cases) -> CaseWorld:
    return CaseWorld(
        cases=cases,
        purchase_item=cases.decided_item("购买服务", budget_fen=BUDGET_FEN),
        transfer_item=cases.decided_item("委托", name="养老机构等级评定辅助", budget_fen=0),
        centre=cases.organization(),
    )


# --- request bodies ---------------------------------------------------------------------------


def contract_body(world: CaseWorld, **overrides: Any) -> dict[str, Any]:
    """A one-year contract of 300,000.00 元 in two milestones (100,000 + 200,000)."""
    body: dict[str, Any] = {
        "item_id": str(world.purchase_item), "organization_id": str(world.centre),
        "method": "公开招标", "fiscal_year": 2027, "amount_fen": CONTRACT_FEN,
        "term_start": "2027-04-01", "term_end": "2028-03-31", "secured_and_stable": False,
        "milestones": [
            {"name": "第一阶段服务", "due_on": "2027-09-30", "amount_fen": FIRST_FEN},
            {"name": "全年服务", "due_on": "2028-03-31", "amount_fen": SECOND_FEN},
        ],
    }
    body.update(overrides)
    return body


def transfer_body(world: CaseWorld, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "item_id": str(world.transfer_item), "organization_id": str(world.centre),
        "legal_basis": "《广东省养老服务条例》", "effective_from": "2027-04-01",
        "effective_until": "2028-03-31", "conditions": "按季度报告承接情况",
    }
    body.update(overrides)
    return body


POOR_SCORES = {"决策": 10, "过程": 10, "产出": 15, "效益": 14}
"""49 points: 差."""
GOOD_SCORES = {"决策": 18, "过程": 17, "产出": 27, "效益": 26}
"""88 points: 良."""


# --- view rows ---------------------------------------------------------------------------------


def transfer_row(**overrides: Any) -> TransferRow:
    """A 委托 of 养老机构等级评定辅助 to 蓬江区长者服务中心, in force."""
    values: dict[str, Any] = {
        "id": uuid4(), "item_id": uuid4(), "item_code": "440700-2027-0002",
        "item_name": "养老机构等级评定辅助", "department": MZJ, "mode": "委托",
        "organization_id": uuid4(), "organization_name": "蓬江区长者服务中心",
        "legal_basis": "《广东省养老服务条例》", "conditions": "按季度报告承接情况",
        "effective_from": date(2027, 4, 1), "effective_until": date(2028, 3, 31),
        "status": "生效中", "suspension_reason": None,
        "history": [{"event": "Proposed", "event_label": "提出转移方案", "on": "2027-03-01",
                     "reason": None},
                    {"event": "Approved", "event_label": "批准职能转移", "on": "2027-03-10",
                     "reason": None}],
        "created_at": MOMENT, "updated_at": MOMENT, "version": 3, "position": 10,
        "last_notification_id": 12,
    }
    values.update(overrides)
    return TransferRow(**values)


def staffing_row(**overrides: Any) -> StaffingRow:
    """A flagged request of 江门市民政局 for three more posts."""
    values: dict[str, Any] = {
        "id": uuid4(), "item_id": uuid4(), "item_code": "440700-2027-0001",
        "item_name": "居家养老服务", "department": MZJ, "kind": "增加编制",
        "description": "社区养老服务需求增长", "headcount": 3,
        "requested_on": date(2027, 3, 23), "flagged": True,
        "eligible_providers": ["蓬江区长者服务中心"], "status": "已标记，待市社工委审查",
        "justification": None, "decided_on": None, "version": 2, "position": 20,
        "last_notification_id": 21,
    }
    values.update(overrides)
    return StaffingRow(**values)


def milestone_row(**overrides: Any) -> MilestoneRow:
    values: dict[str, Any] = {
        "milestone_id": "M1", "name": "第一阶段服务", "due_on": date(2027, 9, 30),
        "amount_fen": FIRST_FEN, "status": "已验收", "delivered_on": date(2027, 9, 25),
        "accepted_on": date(2027, 9, 28), "findings": "服务记录完整，满意度 96%",
        "paid_fen": FIRST_FEN, "overdue": False,
    }
    values.update(overrides)
    return MilestoneRow(**values)


def contract_row(**overrides: Any) -> ContractRow:
    """蓬江区长者服务中心's 300,000.00 元 contract with 江门市民政局, the first milestone
    accepted and paid."""
    values: dict[str, Any] = {
        "id": uuid4(), "item_id": uuid4(), "item_code": "440700-2027-0001",
        "item_name": "居家养老服务", "department": MZJ, "provider_id": uuid4(),
        "provider_name": "蓬江区长者服务中心", "provider_credit_code": "52440703MJL000016J",
        "method": "公开招标", "fiscal_year": 2027, "amount_fen": CONTRACT_FEN,
        "original_amount_fen": CONTRACT_FEN, "accepted_fen": FIRST_FEN, "paid_fen": FIRST_FEN,
        "outstanding_fen": CONTRACT_FEN - FIRST_FEN, "term_start": date(2027, 4, 1),
        "term_end": date(2028, 3, 31), "secured_and_stable": False, "status": "履行中",
        "awarded_on": date(2027, 3, 23), "announced_on": date(2027, 3, 23),
        "milestones": [milestone_row(), milestone_row(
            milestone_id="M2", name="全年服务", due_on=date(2028, 3, 31),
            amount_fen=SECOND_FEN, status="待交付", delivered_on=None, accepted_on=None,
            findings=None, paid_fen=0)],
        "payments": [{"milestone_id": "M1", "amount_fen": FIRST_FEN,
                      "approved_on": "2027-10-08"}],
        "amendments": [],
        "overdue_milestones": 0, "provider_review_pending": False, "review_total": None,
        "review_rating": None, "created_at": MOMENT, "updated_at": MOMENT, "version": 6,
        "position": 30, "last_notification_id": 40,
    }
    values.update(overrides)
    return ContractRow(**values)


def review_row(**overrides: Any) -> ReviewRow:
    values: dict[str, Any] = {
        "contract_id": uuid4(), "item_code": "440700-2027-0001", "item_name": "居家养老服务",
        "department": MZJ, "provider_id": uuid4(), "provider_name": "蓬江区长者服务中心",
        "fiscal_year": 2027, "scores": dict(POOR_SCORES), "total": 49, "rating": "差",
        "comment": "服务记录缺失，群众满意度低", "reviewed_on": date(2027, 3, 10),
        "position": 50, "last_notification_id": 51,
    }
    values.update(overrides)
    return ReviewRow(**values)


def barred(row: OrganizationRow, *bars: PerformanceBar) -> OrganizationRow:
    """``row`` with ``bars`` as the organizations view stores them (绩效评价为差)."""
    return replace(row, bars=[
        {"until": bar.until.isoformat(), "reason": bar.reason, "contract_id": str(uuid4())}
        for bar in bars])
