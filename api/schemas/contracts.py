"""Purchase contracts (购买服务合同), the payments ledger and performance reviews (绩效评价)
over HTTP.

Money is integer fen (分) in and out: an amount sent as 12.5 or "1250" is refused, never
rounded or parsed; what is read also carries the amount in yuan as people write it
("1,234.56").  The bodies check only shapes and types; the domain checks the rules
(budget, term, milestones adding up, payments against accepted milestones, the 10 %
amendment limit, review scores) and says what would be right.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from api.schemas.common import ChinaDateTime, Fen, same_named, yuan
from domain.organizations.bars import PerformanceBar
from domain.purchase.contract import (
    ContractStatus,
    MilestonePlan,
    MilestoneStatus,
    ProcurementMethod,
)
from domain.purchase.review import ReviewWeights
from projections.case_rows import (
    ContractRow,
    LedgerLine,
    LedgerTotals,
    MilestoneRow,
    ReviewRow,
)
from projections.rows import Page

_FORBID = ConfigDict(extra="forbid")
_METHODS = "、".join(m.value for m in ProcurementMethod)
_STATUSES = "、".join(s.value for s in ContractStatus)
_MILESTONE_STATUSES = "、".join(s.value for s in MilestoneStatus)
_RATINGS = "优（≥ 90）、良（≥ 80）、中（≥ 60）、差（< 60）"
_DIMENSIONS = "、".join(f"{name}（默认 {points} 分）"
                        for name, points in ReviewWeights().points().items())

# --- writes --------------------------------------------------------------------------------


class MilestoneCreate(BaseModel):
    """履约节点：名称、到期日（合同期限内）和金额（分）。"""

    model_config = _FORBID

    name: str = Field(description="节点名称", examples=["第一季度服务"])
    due_on: date = Field(description="到期日（须在合同期限内）", examples=["2027-06-30"])
    amount_fen: Fen = Field(description="节点金额（分，整数）", examples=[10_000_000])

    def plan(self) -> MilestonePlan:
        return MilestonePlan(name=self.name, due_on=self.due_on, amount_fen=self.amount_fen)


class ContractCreate(BaseModel):
    """签订购买服务合同（事项所属职能部门）：签订后即公告。"""

    model_config = _FORBID

    item_id: UUID = Field(description="目录事项 ID（须已决定购买服务并安排预算）")
    organization_id: UUID = Field(description="承接方（社会组织）ID；签订时须具备承接资格")
    method: str = Field(description=f"采购方式：{_METHODS}", examples=["公开招标"])
    fiscal_year: StrictInt = Field(description="预算年度", examples=[2027])
    amount_fen: Fen = Field(description="合同金额（分，整数；不超过该年度预算余额）",
                            examples=[30_000_000])
    term_start: date = Field(description="合同期限起", examples=["2027-04-01"])
    term_end: date = Field(description="合同期限止（含）：一般不超过一年；预算有保障、"
                                       "服务需求稳定的不超过三年", examples=["2028-03-31"])
    secured_and_stable: StrictBool = Field(
        default=False, description="预算有保障且服务需求稳定（合同期限可至三年）")
    milestones: list[MilestoneCreate] = Field(
        description="履约节点（至少一个；金额合计须等于合同金额）")


class DeliveryReport(BaseModel):
    """报告履约节点交付（承接方）。"""

    model_config = _FORBID

    report: str = Field(description="交付说明", examples=["已完成第一季度上门服务 1,200 人次"])


class DeliveryReview(BaseModel):
    """验收履约节点（采购部门）：通过，或不通过并写明验收意见（验收意见公开）。"""

    model_config = _FORBID

    accepted: StrictBool = Field(description="是否验收通过")
    findings: str = Field(description="验收意见", examples=["服务记录完整，满意度 96%"])


class PaymentCreate(BaseModel):
    """支付审批（财政）：只能对已验收的履约节点支付，累计不超过节点和合同金额；
    尾款须待绩效评价完成。"""

    model_config = _FORBID

    milestone_id: str = Field(description="履约节点编号，例如 M1", examples=["M1"])
    amount_fen: Fen = Field(description="支付金额（分，整数）", examples=[10_000_000])


class AmendmentCreate(BaseModel):
    """补充合同（采购部门）：增加金额（同时增加同样金额的履约节点，累计不超过原合同金额的
    10%）和/或变更期限止。"""

    model_config = _FORBID

    reason: str = Field(description="补充理由", examples=["服务对象增加"])
    added_fen: Fen = Field(default=0, description="增加的金额（分，整数；不增加为 0）")
    added_milestone: MilestoneCreate | None = Field(
        default=None, description="增加的履约节点（增加金额时必填，金额与增加的金额相同）")
    term_end: date | None = Field(default=None, description="新的合同期限止；不变更为 null")


class TerminationCreate(BaseModel):
    """终止合同（采购部门）。"""

    model_config = _FORBID

    reason: str = Field(description="终止理由", examples=["承接方评估等级被撤销"])


class ReviewCreate(BaseModel):
    """绩效评价（采购部门，合同期满后）：按决策、过程、产出、效益四项评分，满分 100 分；
    评为“差”的承接方在一定期限内不得承接新的项目。"""

    model_config = _FORBID

    scores: dict[str, StrictInt] = Field(
        description=f"各项得分：{_DIMENSIONS}",
        examples=[{"决策": 18, "过程": 17, "产出": 27, "效益": 26}])
    comment: str = Field(description="评价意见", examples=["服务规范，群众满意度高"])


class ProviderReviewCreate(BaseModel):
    """复查承接方（采购部门，承接方等级变动后）：继续履行并写明意见；不继续履行则终止合同。"""

    model_config = _FORBID

    note: str = Field(description="复查意见", examples=["等级降为 3A，仍具备承接资格，继续履行"])


# --- reading: contracts --------------------------------------------------------------------


class MilestonePublic(BaseModel):
    """履约节点（公开）：交付、验收意见和支付情况。"""

    milestone_id: str = Field(description="节点编号，例如 M1")
    name: str = Field(description="节点名称")
    due_on: date = Field(description="到期日")
    amount_fen: int = Field(description="节点金额（分）")
    amount_yuan: str = Field(description="节点金额（元），例如 1,234.56")
    status: str = Field(description=f"状态：{_MILESTONE_STATUSES}")
    delivered_on: date | None = Field(description="交付日期")
    accepted_on: date | None = Field(description="验收通过日期")
    findings: str | None = Field(description="验收意见")
    paid_fen: int = Field(description="已付（分）")
    paid_yuan: str = Field(description="已付（元）")
    overdue: bool = Field(description="是否逾期")

    @classmethod
    def from_row(cls, row: MilestoneRow) -> MilestonePublic:
        return cls(**same_named(row, cls), amount_yuan=yuan(row.amount_fen),
                   paid_yuan=yuan(row.paid_fen))


class PaymentPublic(BaseModel):
    """一笔支付（公开）。"""

    milestone_id: str = Field(description="履约节点编号")
    amount_fen: int = Field(description="金额（分）")
    amount_yuan: str = Field(description="金额（元）")
    approved_on: date = Field(description="审批日期")

    @classmethod
    def from_entry(cls, entry: dict[str, Any]) -> PaymentPublic:
        return cls(milestone_id=entry["milestone_id"], amount_fen=entry["amount_fen"],
                   amount_yuan=yuan(int(entry["amount_fen"])), approved_on=entry["approved_on"])


class AmendmentPublic(BaseModel):
    """一份补充合同（公开）。"""

    reason: str = Field(description="补充理由")
    added_fen: int = Field(description="增加的金额（分）")
    added_yuan: str = Field(description="增加的金额（元）")
    term_end: date | None = Field(description="补充后的合同期限止")
    amended_on: date | None = Field(description="签订日期")

    @classmethod
    def from_entry(cls, entry: dict[str, Any]) -> AmendmentPublic:
        added = int(entry.get("added_fen") or 0)
        return cls(reason=entry["reason"], added_fen=added, added_yuan=yuan(added),
                   term_end=entry.get("term_end"), amended_on=entry.get("amended_on"))


class ContractPublic(BaseModel):
    """购买服务合同（公开信息，DESIGN.md §3.6）：金额、已验收、已付、未付，履约节点、支付和
    补充合同。"""

    id: UUID = Field(description="合同 ID")
    item_id: UUID = Field(description="目录事项 ID")
    item_code: str = Field(description="目录事项编号")
    item_name: str = Field(description="目录事项名称")
    department: str = Field(description="采购部门代码")
    provider_id: UUID = Field(description="承接方（社会组织）ID")
    provider_name: str = Field(description="承接方名称")
    provider_credit_code: str = Field(description="承接方统一社会信用代码")
    method: str = Field(description=f"采购方式：{_METHODS}")
    fiscal_year: int = Field(description="预算年度")
    amount_fen: int = Field(description="合同金额（分，含补充合同）")
    amount_yuan: str = Field(description="合同金额（元）")
    original_amount_fen: int = Field(description="原合同金额（分）")
    accepted_fen: int = Field(description="已验收节点的金额（分）")
    accepted_yuan: str = Field(description="已验收节点的金额（元）")
    paid_fen: int = Field(description="已付（分）")
    paid_yuan: str = Field(description="已付（元）")
    outstanding_fen: int = Field(description="未付（分）= 合同金额 − 已付")
    outstanding_yuan: str = Field(description="未付（元）")
    term_start: date = Field(description="合同期限起")
    term_end: date = Field(description="合同期限止（含）")
    secured_and_stable: bool = Field(description="预算有保障且服务需求稳定")
    status: str = Field(description=f"状态：{_STATUSES}")
    awarded_on: date = Field(description="签订日期")
    announced_on: date | None = Field(description="公告日期")
    milestones: list[MilestonePublic] = Field(description="履约节点")
    payments: list[PaymentPublic] = Field(description="支付（按先后）")
    amendments: list[AmendmentPublic] = Field(description="补充合同（按先后）")
    overdue_milestones: int = Field(description="逾期的履约节点数")
    provider_review_pending: bool = Field(description="承接方等级变动，待采购部门复查")
    review_total: int | None = Field(description="绩效评价总分；未评价为 null")
    review_rating: str | None = Field(description=f"绩效评价等级：{_RATINGS}")
    created_at: ChinaDateTime = Field(description="签订时间（北京时间）")
    updated_at: ChinaDateTime = Field(description="最后变更时间（北京时间）")
    version: int = Field(description="版本号")

    @classmethod
    def from_row(cls, row: ContractRow) -> ContractPublic:
        return cls(**{
            **same_named(row, cls),
            "amount_yuan": yuan(row.amount_fen), "accepted_yuan": yuan(row.accepted_fen),
            "paid_yuan": yuan(row.paid_fen), "outstanding_yuan": yuan(row.outstanding_fen),
            "milestones": [MilestonePublic.from_row(m) for m in row.milestones],
            "payments": [PaymentPublic.from_entry(p) for p in row.payments],
            "amendments": [AmendmentPublic.from_entry(a) for a in row.amendments],
        })


class ContractsPublic(BaseModel):
    """一页购买服务合同。"""

    data: list[ContractPublic] = Field(description="本页的合同（新签订的在前）")
    next_cursor: str | None = Field(description="下一页的游标（?cursor=）；没有下一页时为 null")

    @classmethod
    def from_page(cls, page: Page[ContractRow]) -> ContractsPublic:
        return cls(data=[ContractPublic.from_row(r) for r in page.data],
                   next_cursor=page.next_cursor)


# --- reading: the ledger -------------------------------------------------------------------


class LedgerTotalsPublic(BaseModel):
    """合同与支付的合计：金额以分（整数）和元（字符串）给出；未付 = 合同金额 − 已付。"""

    contracts: int = Field(description="合同数")
    amount_fen: int = Field(description="合同金额（分）")
    amount_yuan: str = Field(description="合同金额（元）")
    accepted_fen: int = Field(description="已验收（分）")
    accepted_yuan: str = Field(description="已验收（元）")
    paid_fen: int = Field(description="已付（分）")
    paid_yuan: str = Field(description="已付（元）")
    outstanding_fen: int = Field(description="未付（分）")
    outstanding_yuan: str = Field(description="未付（元）")
    overdue_milestones: int = Field(description="逾期的履约节点数")

    @classmethod
    def of(cls, totals: LedgerTotals) -> LedgerTotalsPublic:
        return cls(
            contracts=totals.contracts, amount_fen=totals.amount_fen,
            amount_yuan=yuan(totals.amount_fen), accepted_fen=totals.accepted_fen,
            accepted_yuan=yuan(totals.accepted_fen), paid_fen=totals.paid_fen,
            paid_yuan=yuan(totals.paid_fen), outstanding_fen=totals.outstanding_fen,
            outstanding_yuan=yuan(totals.outstanding_fen),
            overdue_milestones=totals.overdue_milestones)


class LedgerLinePublic(BaseModel):
    """台账的一行：一个部门、一个社会组织或一个预算年度。"""

    key: str = Field(description="分组键：部门代码、社会组织 ID 或预算年度")
    label: str = Field(description="分组名称：部门名称、社会组织名称或年度")
    totals: LedgerTotalsPublic = Field(description="本组合计")

    @classmethod
    def of(cls, line: LedgerLine) -> LedgerLinePublic:
        return cls(key=line.key, label=line.label, totals=LedgerTotalsPublic.of(line.totals))


class LedgerPublic(BaseModel):
    """合同与支付台账：各组合计之和等于总计。"""

    group_by: str = Field(description="分组方式：department、organization 或 fiscal_year")
    fiscal_year: int | None = Field(description="只含此预算年度；全部年度为 null")
    department: str | None = Field(description="只含此部门；全部部门为 null")
    lines: list[LedgerLinePublic] = Field(description="各组")
    totals: LedgerTotalsPublic = Field(description="总计")

    @classmethod
    def of(cls, lines: list[LedgerLine], totals: LedgerTotals, *, group_by: str,
           fiscal_year: int | None, department: str | None) -> Self:
        return cls(group_by=group_by, fiscal_year=fiscal_year, department=department,
                   lines=[LedgerLinePublic.of(line) for line in lines],
                   totals=LedgerTotalsPublic.of(totals))


# --- reading: performance reviews ----------------------------------------------------------


class ReviewPublic(BaseModel):
    """绩效评价（公开）。"""

    contract_id: UUID = Field(description="合同 ID")
    item_code: str = Field(description="目录事项编号")
    item_name: str = Field(description="目录事项名称")
    department: str = Field(description="采购部门代码")
    provider_id: UUID = Field(description="承接方 ID")
    provider_name: str = Field(description="承接方名称")
    fiscal_year: int = Field(description="预算年度")
    scores: dict[str, int] = Field(description="各项得分：决策、过程、产出、效益")
    total: int = Field(description="总分（满分 100）")
    rating: str = Field(description=f"等级：{_RATINGS}")
    comment: str = Field(description="评价意见")
    reviewed_on: date = Field(description="评价日期")

    @classmethod
    def from_row(cls, row: ReviewRow) -> ReviewPublic:
        return cls(**same_named(row, cls))


class ReviewsPublic(BaseModel):
    """一页绩效评价。"""

    data: list[ReviewPublic] = Field(description="本页的绩效评价（新评价的在前）")
    next_cursor: str | None = Field(description="下一页的游标（?cursor=）；没有下一页时为 null")

    @classmethod
    def from_page(cls, page: Page[ReviewRow]) -> ReviewsPublic:
        return cls(data=[ReviewPublic.from_row(r) for r in page.data],
                   next_cursor=page.next_cursor)


class PerformanceBarPublic(BaseModel):
    """因绩效评价为“差”而不得承接新项目的限制。"""

    until: date = Field(description="限制至（含当日）")
    reason: str = Field(description="原因")
    active: bool = Field(description="今天是否仍在限制期内")


class OrganizationPerformance(BaseModel):
    """社会组织的绩效记录：历次绩效评价（新评价的在前）和因评价为“差”的承接限制。"""

    organization_id: UUID = Field(description="社会组织 ID")
    on: date = Field(description="判断限制是否有效的日期（北京时间当日）")
    barred: bool = Field(description="今天是否因绩效评价为“差”而不得承接")
    bars: list[PerformanceBarPublic] = Field(description="承接限制（按到期先后）")
    data: list[ReviewPublic] = Field(description="本页的绩效评价（新评价的在前）")
    next_cursor: str | None = Field(description="下一页的游标（?cursor=）；没有下一页时为 null")

    @classmethod
    def of(cls, organization_id: UUID, *, on: date, bars: list[PerformanceBar],
           page: Page[ReviewRow]) -> Self:
        shown = [PerformanceBarPublic(until=b.until, reason=b.reason, active=on <= b.until)
                 for b in sorted(bars, key=lambda b: b.until)]
        return cls(organization_id=organization_id, on=on,
                   barred=any(b.active for b in shown), bars=shown,
                   data=[ReviewPublic.from_row(r) for r in page.data],
                   next_cursor=page.next_cursor)

