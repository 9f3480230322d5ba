"""Function transfers (职能转移 / 授权 / 委托) and staffing requests (编制申请) over HTTP.

The bodies check only shapes and types; the domain checks the rules (the item's
decision, statutory functions, eligibility, the effective period, the 倒逼 rule) and says
what would be right.  The date a command is given on is the workflow's (transfers) or
the API's today in China (staffing requests).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from api.schemas.common import ChinaDateTime, same_named
from domain.transfer.staffing import StaffingKind, StaffingStatus
from domain.transfer.transfer import TransferStatus
from projections.case_rows import StaffingRow, TransferRow
from projections.rows import Page

_FORBID = ConfigDict(extra="forbid")
_STATUSES = "、".join(s.value for s in TransferStatus)
_STAFFING_KINDS = "、".join(k.value for k in StaffingKind)
_STAFFING_STATUSES = "、".join(s.value for s in StaffingStatus)

# --- writes --------------------------------------------------------------------------------


class TransferCreate(BaseModel):
    """提出转移方案（事项所属职能部门）：方式（转移、授权、委托）取自事项的决定。"""

    model_config = _FORBID

    item_id: UUID = Field(description="目录事项 ID（须已决定转移、授权或委托）")
    organization_id: UUID = Field(description="承接的社会组织 ID（审批时须具备承接资格）")
    legal_basis: str = Field(description="法律依据", examples=["《广东省养老服务条例》"])
    effective_from: date = Field(description="生效日期", examples=["2027-04-01"])
    effective_until: date = Field(description="有效期止（含）", examples=["2028-03-31"])
    conditions: str = Field(description="承接条件和要求", examples=["按季度报告承接情况"])


class TransferReason(BaseModel):
    """不予批准、暂停、恢复或撤销职能转移的理由（市社工委）。"""

    model_config = _FORBID

    reason: str = Field(description="理由", examples=["承接组织评估等级被撤销"])


class StaffingRequestCreate(BaseModel):
    """编制申请（职能部门）：已有具备资格的社会组织承接该服务的，申请将被标记，须市社工委审查。"""

    model_config = _FORBID

    item_id: UUID = Field(description="目录事项 ID（本部门的事项）")
    kind: str = Field(description=f"申请类型：{_STAFFING_KINDS}", examples=["增加编制"])
    description: str = Field(description="申请说明", examples=["社区养老服务需求增长"])
    headcount: StrictInt = Field(description="申请编制数（正整数）", examples=[3])


class StaffingDecision(BaseModel):
    """市社工委审查编制申请：认可理由（须写明）或不予认可。"""

    model_config = _FORBID

    justified: StrictBool = Field(description="是否认可申请的理由")
    justification: str = Field(default="", description="审查意见（认可被标记的申请时必填）",
                               examples=["该服务涉及特殊群体托底保障，社会组织暂无法稳定承接"])


# --- reading -------------------------------------------------------------------------------


class TransferEventPublic(BaseModel):
    """职能转移的一个经过：什么、哪天、理由。"""

    model_config = ConfigDict(extra="ignore")

    event: str = Field(description="经过，例如 批准、暂停")
    on: date | None = Field(default=None, description="日期")
    reason: str | None = Field(default=None, description="理由")


class TransferPublic(BaseModel):
    """职能转移（公开信息）。"""

    id: UUID = Field(description="职能转移 ID")
    item_id: UUID = Field(description="目录事项 ID")
    item_code: str = Field(description="目录事项编号")
    item_name: str = Field(description="目录事项名称")
    department: str = Field(description="职能部门代码")
    mode: str = Field(description="方式：转移、授权或委托")
    organization_id: UUID = Field(description="承接的社会组织 ID")
    organization_name: str = Field(description="承接的社会组织名称")
    legal_basis: str = Field(description="法律依据")
    conditions: str = Field(description="承接条件和要求")
    effective_from: date = Field(description="生效日期")
    effective_until: date = Field(description="有效期止（含）")
    status: str = Field(description=f"状态：{_STATUSES}")
    suspension_reason: str | None = Field(description="暂停理由；未暂停为 null")
    history: list[TransferEventPublic] = Field(description="经过（按先后）")
    created_at: ChinaDateTime = Field(description="提出时间（北京时间）")
    updated_at: ChinaDateTime = Field(description="最后变更时间（北京时间）")
    version: int = Field(description="版本号")

    @classmethod
    def from_row(cls, row: TransferRow) -> TransferPublic:
        return cls(**{**same_named(row, cls),
                      "history": [_event(entry) for entry in row.history]})


def _event(entry: dict[str, Any]) -> TransferEventPublic:
    return TransferEventPublic.model_validate(
        {**entry, "event": entry.get("event_label") or entry.get("event") or ""})


class TransfersPublic(BaseModel):
    """一页职能转移。"""

    data: list[TransferPublic] = Field(description="本页的职能转移（新提出的在前）")
    next_cursor: str | None = Field(description="下一页的游标（?cursor=）；没有下一页时为 null")

    @classmethod
    def from_page(cls, page: Page[TransferRow]) -> TransfersPublic:
        return cls(data=[TransferPublic.from_row(r) for r in page.data],
                   next_cursor=page.next_cursor)


class StaffingRequestPublic(BaseModel):
    """编制申请及“倒逼”标记（市社工委和申请部门可见）。"""

    id: UUID = Field(description="编制申请 ID")
    item_id: UUID = Field(description="目录事项 ID")
    item_code: str = Field(description="目录事项编号")
    item_name: str = Field(description="目录事项名称")
    department: str = Field(description="申请部门代码")
    kind: str = Field(description=f"申请类型：{_STAFFING_KINDS}")
    description: str = Field(description="申请说明")
    headcount: int = Field(description="申请编制数")
    requested_on: date = Field(description="申请日期")
    flagged: bool = Field(description="是否被标记：已有具备资格的社会组织承接该服务")
    eligible_providers: list[str] = Field(description="承接该服务、具备资格的社会组织")
    status: str = Field(description=f"状态：{_STAFFING_STATUSES}")
    justification: str | None = Field(description="市社工委审查意见")
    decided_on: date | None = Field(description="审查日期")
    version: int = Field(description="版本号")

    @classmethod
    def from_row(cls, row: StaffingRow) -> StaffingRequestPublic:
        return cls(**same_named(row, cls))


class StaffingRequestsPublic(BaseModel):
    """一页编制申请。"""

    data: list[StaffingRequestPublic] = Field(description="本页的编制申请（新申请的在前）")
    next_cursor: str | None = Field(description="下一页的游标（?cursor=）；没有下一页时为 null")

    @classmethod
    def from_page(cls, page: Page[StaffingRow]) -> StaffingRequestsPublic:
        return cls(data=[StaffingRequestPublic.from_row(r) for r in page.data],
                   next_cursor=page.next_cursor)
