"""Catalogue items (目录事项) over HTTP.

The bodies check only shapes and types; the domain checks the rules (required names,
lengths, years, the active classification set, natures) and says what would be right.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from api.schemas.common import (
    ChinaDateTime,
    CommandAccepted,
    Fen,
    HistoryEntryPublic,
    same_named,
    yuan,
)
from domain.actors import Actor
from domain.catalogue.classification import Nature, NegativeListCategory
from domain.catalogue.commands import ItemFields
from domain.catalogue.item import STATUS_LABELS, DecisionMode
from projections.rows import CatalogueItemRow, Page

_NATURES = "、".join(n.value for n in Nature)
_NEGATIVE_LIST = "、".join(c.value for c in NegativeListCategory)
_MODES = "、".join(m.value for m in DecisionMode)
_STATUSES = "、".join(f"{s.value}（{label}）" for s, label in STATUS_LABELS.items())


class ClassificationSchema(BaseModel):
    """三级分类（一级、二级、三级目录）。"""

    model_config = ConfigDict(extra="forbid", title="Classification")

    level1: str = Field(description="一级分类，须在现行分类中，例如「公共服务」",
                        examples=["公共服务"])
    level2: str = Field(description="二级分类", examples=["养老服务"])
    level3: str = Field(description="三级分类", examples=["居家养老服务"])


class CatalogueItemFields(BaseModel):
    """职能部门填写的目录事项内容。"""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="事项名称（不超过 100 个字符）", examples=["社区居家养老服务"])
    description: str = Field(default="", description="事项说明（不超过 2000 个字符）")
    catalogue_year: int = Field(description="目录年度", examples=[2027])
    classification: ClassificationSchema = Field(description="三级分类")
    nature: str = Field(description=f"职能性质，应为以下之一：{_NATURES}",
                        examples=["公共服务"])
    provincial_listed: bool = Field(
        default=False,
        description="是否列入省《关于加强社会建设的决定》的转移清单（列入的原则上转移）",
    )
    negative_list: str = Field(
        default="",
        description="政府购买服务负面清单类别（财政部令第102号第十条），不在清单上留空；"
        f"类别：{_NEGATIVE_LIST}。负面清单事项不能购买服务",
    )

    def to_fields(self) -> ItemFields:
        return ItemFields(
            name=self.name, description=self.description, catalogue_year=self.catalogue_year,
            level1=self.classification.level1, level2=self.classification.level2,
            level3=self.classification.level3, nature=self.nature,
            provincial_listed=self.provincial_listed, negative_list=self.negative_list,
        )


class CatalogueItemCreate(CatalogueItemFields):
    """起草目录事项。"""

    department: str | None = Field(
        default=None, min_length=1,
        description="部门代码，例如 440700-MZJ；不填则为操作人所在部门",
    )

    def department_for(self, officer: Actor) -> str:
        """The department named in the body, else the officer's own."""
        return self.department or officer.scope or ""


class ExistingItemCreate(CatalogueItemFields):
    """登记既有目录事项：govflow 启用前已发布、公示并作出决定的事项，按决定文件登记。"""

    published_on: date = Field(description="发布日期", examples=["2026-03-01"])
    publicity_ends_on: date = Field(description="公示期最后一天（须已过）",
                                    examples=["2026-03-08"])
    mode: str = Field(default="", description="决定：转移、授权、委托、购买服务 或 保留；"
                      "尚未作出决定（公示已结束、待提交咨询）的留空", examples=["购买服务"])
    document: str = Field(description="发布或决定文件文号", examples=["江民〔2026〕12号"])
    budget_fen: Fen = Field(default=0, description="购买服务的：该目录年度的预算（分）；其他为 0",
                            examples=[40_000_000])


class CatalogueItemUpdate(CatalogueItemFields):
    """修改目录事项草稿（整体替换可修改的内容）。"""


class WithdrawRequest(BaseModel):
    """撤回目录事项。"""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(description="撤回理由", examples=["职能已调整，本年度不再纳入目录"])


# --- pipeline steps (提交咨询、咨询意见、决定、预算、保留审批) ----------------------------------


class StepRequest(BaseModel):
    """A pipeline step's body: its fields are the gateway command's keyword arguments."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    action: ClassVar[str]
    """The step, as a short Chinese phrase (安排预算): the route's summary and its 403."""
    domain_fields: ClassVar[Mapping[str, str]] = {}
    """Fields the domain names otherwise in its refusals, and this body's name for them."""

    def arguments(self) -> dict[str, Any]:
        return self.model_dump()


class BudgetRequest(StepRequest):
    """安排预算（财政部门）；同一预算年度再次安排时替换原预算。"""

    action = "安排预算"

    fiscal_year: int = Field(description="预算年度", examples=[2027])
    amount_fen: Fen = Field(
        description="预算金额，以分为单位的整数（50000000 即 500,000.00 元）；不接受小数或字符串",
        examples=[50_000_000],
    )


class ReferralRequest(StepRequest):
    """提交咨询服务机构出具咨询意见（公示结束后）。"""

    action = "提交咨询"

    agency_id: UUID = Field(description="咨询服务机构 ID")


class OpinionRequest(StepRequest):
    """咨询意见（由受托的咨询服务机构出具）。"""

    action = "出具咨询意见"
    domain_fields = {"experts": "expert_ids"}

    recommendation: DecisionMode = Field(description=f"建议的方式：{_MODES}")
    reasons: str = Field(description="理由", examples=["辖区内已有多家社会组织具备承接能力"])
    expert_ids: tuple[str, ...] = Field(
        description="签署意见的专家编号（至少一名，须为本机构在聘专家）", examples=[["expert-2"]]
    )
    organizations: tuple[str, ...] = Field(
        default=(),
        description="意见所涉的社会组织；与其存在关联关系的专家应当回避，不能签署",
        examples=[["江门市养老服务协会"]],
    )


class ReferralExtensionRequest(StepRequest):
    """延长咨询期限（市社工委）。"""

    action = "延长咨询期限"

    due_on: date = Field(description="新的期限（含当日），须晚于原期限", examples=["2027-04-20"])
    reason: str = Field(description="延期理由", examples=["专家需补充实地调研"])


class DecisionRequest(StepRequest):
    """对咨询意见作出决定（职能部门）。"""

    action = "作出决定"

    mode: DecisionMode = Field(
        description=f"决定的方式：{_MODES}。法定职能只能保留；负面清单事项不能购买服务；"
        "购买服务须已安排当年预算"
    )
    reason: str = Field(default="", description="理由；与咨询意见不一致时必填")
    justification: str = Field(
        default="",
        description="保留的书面理由；省级清单明确转移的事项决定保留时必填，并须经市社工委审批",
    )


class RetentionReviewRequest(StepRequest):
    """审批保留申请（市社工委）。"""

    action = "审批保留申请"

    approved: StrictBool = Field(description="是否同意保留；不同意则退回职能部门重新决定")
    comment: str = Field(default="", description="审批意见；不同意时必填")


# --- reading ----------------------------------------------------------------------


class CatalogueItemPublic(BaseModel):
    """目录事项（公开信息）。"""

    id: UUID = Field(description="目录事项 ID")
    code: str = Field(description="目录事项编号，例如 440700-2027-0001")
    department: str = Field(description="部门代码")
    department_name: str = Field(description="部门名称")
    region_code: str = Field(description="行政区划代码，例如 440700（江门市）")
    catalogue_year: int = Field(description="目录年度")
    name: str = Field(description="事项名称")
    description: str = Field(description="事项说明")
    classification: ClassificationSchema = Field(description="三级分类")
    nature: str = Field(description="职能性质")
    must_be_retained: bool = Field(
        description="是否必须保留（行政许可、审批、执法、处罚、强制等法定职能不得转移或购买）"
    )
    provincial_listed: bool = Field(description="是否列入省级转移清单")
    status: str = Field(description=f"状态：{_STATUSES}")
    status_label: str = Field(description="状态名称，例如「公示中」")
    publicity_starts_on: date | None = Field(description="公示期第一天")
    publicity_ends_on: date | None = Field(description="公示期最后一天（含）")
    published_at: ChinaDateTime | None = Field(description="发布时间（北京时间）")
    withdrawal_reason: str | None = Field(description="撤回理由")
    negative_list: str | None = Field(
        description=f"政府购买服务负面清单类别，不在清单上为 null；类别：{_NEGATIVE_LIST}"
    )
    catalogue_version: int = Field(description="目录版本：已发布事项每修订一次加一，并重新公示")
    budget_fen: int | None = Field(description="目录年度的预算金额（分）；尚未安排为 null")
    budget_yuan: str | None = Field(description="预算金额（元，两位小数），例如 1,234.56")
    agency_id: str | None = Field(description="受托出具咨询意见的咨询服务机构 ID")
    agency_name: str | None = Field(description="咨询服务机构名称")
    referral_due_on: date | None = Field(description="咨询意见的期限（含当日）")
    referral_remind_on: date | None = Field(description="到期提醒日（期限的 80%）")
    opinion_recommendation: str | None = Field(description=f"咨询意见建议的方式：{_MODES}")
    opinion_reasons: str | None = Field(description="咨询意见的理由")
    opinion_experts: list[str] = Field(description="签署咨询意见的专家")
    decision_mode: str | None = Field(description=f"职能部门决定的方式：{_MODES}")
    decision_reason: str | None = Field(description="决定的理由")
    decision_departs_from_opinion: bool = Field(description="决定是否与咨询意见不一致")
    version: int = Field(description="版本号")
    created_at: ChinaDateTime = Field(description="起草时间（北京时间）")
    updated_at: ChinaDateTime = Field(description="最后修改时间（北京时间）")

    @classmethod
    def from_row(cls, row: CatalogueItemRow) -> CatalogueItemPublic:
        # The schema's fields are named as the row's; only the shapes below differ.
        return cls(
            **same_named(row, cls),
            classification=ClassificationSchema(
                level1=row.level1, level2=row.level2, level3=row.level3
            ),
            budget_yuan=None if row.budget_fen is None else yuan(row.budget_fen),
        )


class CatalogueItemInternal(CatalogueItemPublic):
    """目录事项（含内部信息：仅本部门、市社工委、财政部门和受托的咨询服务机构可见）。"""

    referral_escalated: bool = Field(description="咨询意见是否已逾期并上报市社工委")
    retention_justification: str | None = Field(description="决定保留的书面理由")
    retention_review_comment: str | None = Field(description="市社工委对保留申请的审批意见")


CatalogueItemOut = CatalogueItemInternal | CatalogueItemPublic
"""What a caller sees of an item: internal fields only inside the item's circle.

The internal schema comes first: it is a subclass, so it must be tried first."""


class CatalogueItemsPublic(BaseModel):
    """一页目录事项。"""

    data: list[CatalogueItemOut] = Field(description="本页的目录事项")
    next_cursor: str | None = Field(description="下一页的游标（?cursor=）；没有下一页时为 null")

    @classmethod
    def from_page(
        cls, page: Page[CatalogueItemRow], *, internal: Callable[[CatalogueItemRow], bool]
    ) -> CatalogueItemsPublic:
        """The page, each row internal or public as ``internal`` says."""
        return cls(data=[item_out(row, internal(row)) for row in page.data],
                   next_cursor=page.next_cursor)


def item_out(row: CatalogueItemRow, internal: bool) -> CatalogueItemOut:
    return (CatalogueItemInternal if internal else CatalogueItemPublic).from_row(row)


__all__ = [
    "BudgetRequest",
    "CatalogueItemCreate",
    "CatalogueItemInternal",
    "CatalogueItemOut",
    "CatalogueItemPublic",
    "CatalogueItemUpdate",
    "CatalogueItemsPublic",
    "ClassificationSchema",
    "CommandAccepted",
    "DecisionRequest",
    "HistoryEntryPublic",
    "OpinionRequest",
    "ReferralExtensionRequest",
    "ReferralRequest",
    "RetentionReviewRequest",
    "StepRequest",
    "WithdrawRequest",
    "item_out",
]
