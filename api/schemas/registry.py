"""The committee's registers over HTTP: departments (部门), consulting agencies (咨询服务机构)
and their experts (专家).

The bodies check only shapes and types; the domain checks the rules (codes, required
names, lengths) and says what would be right.
"""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import ChinaDateTime, CommandAccepted, same_named
from domain.agency.commands import expert_id_for
from domain.catalogue.commands import CommandResult
from projections.register_rows import AgencyDetail, DepartmentRow, ExpertRow
from projections.rows import Page

# --- departments ----------------------------------------------------------------------


class DepartmentCreate(BaseModel):
    """登记部门。"""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(
        description="部门代码：6 位江门市行政区划代码-单位简称（大写字母或数字）；"
                    "行政区划、是否试点地区由代码确定",
        examples=["440703-MZJ"],
    )
    name: str = Field(description="部门名称（不超过 50 个字符）", examples=["蓬江区民政局"])


class DepartmentPublic(BaseModel):
    """已登记的部门（公开信息）。"""

    id: UUID = Field(description="部门 ID（由部门代码确定）")
    code: str = Field(description="部门代码，例如 440700-MZJ")
    name: str = Field(description="部门名称")
    region_code: str = Field(description="行政区划代码，例如 440703")
    region_name: str = Field(description="行政区划名称，例如 蓬江区")
    pilot: bool = Field(description="是否试点地区（蓬江区、台山市）")
    registered_at: ChinaDateTime = Field(description="登记时间（北京时间）")
    version: int = Field(description="版本号")

    @classmethod
    def from_row(cls, row: DepartmentRow) -> DepartmentPublic:
        return cls(**same_named(row, cls))


class DepartmentsPublic(BaseModel):
    """一页部门。"""

    data: list[DepartmentPublic] = Field(description="本页的部门（按部门代码排序）")
    next_cursor: str | None = Field(description="下一页的游标（?cursor=）；没有下一页时为 null")

    @classmethod
    def from_page(cls, page: Page[DepartmentRow]) -> DepartmentsPublic:
        return cls(data=[DepartmentPublic.from_row(r) for r in page.data],
                   next_cursor=page.next_cursor)


# --- agencies and experts -------------------------------------------------------------

Affiliations = list[str]


class AgencyCreate(BaseModel):
    """设立咨询服务机构。"""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="咨询服务机构名称（不超过 100 个字符）",
                      examples=["江门市政府职能转移咨询委员会"])
    mandate: str = Field(description="职责（不超过 2000 个字符）",
                         examples=["对目录事项的转移、委托、授权和购买服务提出咨询意见"])


class ExpertCreate(BaseModel):
    """聘任专家，并申报其关联的社会组织。"""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="专家姓名（不超过 50 个字符）", examples=["陈明"])
    affiliations: Affiliations = Field(
        default_factory=list, description="与专家有关联关系的社会组织（名称或统一社会信用代码）",
        examples=[["江门市养老服务协会"]],
    )


class AffiliationsUpdate(BaseModel):
    """申报关联关系：替换此前申报的全部关联关系（空列表表示没有关联关系）。"""

    model_config = ConfigDict(extra="forbid")

    affiliations: Affiliations = Field(
        description="与专家有关联关系的社会组织（名称或统一社会信用代码）",
        examples=[["江门市养老服务协会", "蓬江区社会工作服务中心"]],
    )


class ExpertRemoval(BaseModel):
    """解聘专家。"""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(description="解聘理由（不超过 500 个字符）", examples=["任期届满"])


class ExpertAccepted(CommandAccepted):
    """聘任专家的命令已受理。"""

    expert_id: str = Field(description="专家 ID（由本次命令确定，重复提交同一命令得到同一 ID）")

    @classmethod
    def of(cls, result: CommandResult, command_id: str) -> ExpertAccepted:
        accepted = CommandAccepted.from_result(result)
        return cls(**accepted.model_dump(), expert_id=expert_id_for(command_id))


class ExpertPublic(BaseModel):
    """咨询服务机构的专家（含已解聘的）。"""

    expert_id: str = Field(description="专家 ID")
    name: str = Field(description="姓名")
    affiliations: Affiliations = Field(description="申报的关联社会组织")
    active: bool = Field(description="是否在聘")
    appointed_at: ChinaDateTime = Field(description="聘任时间（北京时间）")
    removed_at: ChinaDateTime | None = Field(description="解聘时间（北京时间）")
    removal_reason: str | None = Field(description="解聘理由")

    @classmethod
    def from_row(cls, row: ExpertRow) -> ExpertPublic:
        return cls(**same_named(row, cls))


class AgencyPublic(BaseModel):
    """咨询服务机构（公开信息）及其专家。"""

    id: UUID = Field(description="咨询服务机构 ID")
    name: str = Field(description="名称")
    mandate: str = Field(description="职责")
    active: bool = Field(description="是否存续")
    established_at: ChinaDateTime = Field(description="设立时间（北京时间）")
    updated_at: ChinaDateTime = Field(description="最后变更时间（北京时间）")
    version: int = Field(description="版本号")
    experts: list[ExpertPublic] = Field(description="专家（按聘任先后）")

    @classmethod
    def from_detail(cls, detail: AgencyDetail) -> AgencyPublic:
        return cls(**same_named(detail.agency, cls),
                   experts=[ExpertPublic.from_row(e) for e in detail.experts])


class AgenciesPublic(BaseModel):
    """一页咨询服务机构。"""

    data: list[AgencyPublic] = Field(description="本页的咨询服务机构（按设立先后）")
    next_cursor: str | None = Field(description="下一页的游标（?cursor=）；没有下一页时为 null")

    @classmethod
    def from_page(cls, page: Page[AgencyDetail]) -> AgenciesPublic:
        return cls(data=[AgencyPublic.from_detail(a) for a in page.data],
                   next_cursor=page.next_cursor)
