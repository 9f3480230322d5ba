"""Catalogue items (目录事项) over HTTP.

The bodies check only shapes and types; the domain checks the rules (required names,
lengths, years, the active classification set, natures) and says what would be right.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import ChinaDateTime, CommandAccepted, HistoryEntryPublic
from domain.actors import Actor
from domain.catalogue.classification import Nature
from domain.catalogue.commands import ItemFields
from projections.rows import CatalogueItemRow, Page

_NATURES = "、".join(n.value for n in Nature)


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

    def to_fields(self) -> ItemFields:
        return ItemFields(
            name=self.name, description=self.description, catalogue_year=self.catalogue_year,
            level1=self.classification.level1, level2=self.classification.level2,
            level3=self.classification.level3, nature=self.nature,
            provincial_listed=self.provincial_listed,
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


class CatalogueItemUpdate(CatalogueItemFields):
    """修改目录事项草稿（整体替换可修改的内容）。"""


class WithdrawRequest(BaseModel):
    """撤回目录事项。"""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(description="撤回理由", examples=["职能已调整，本年度不再纳入目录"])


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
    status: str = Field(description="状态：draft、publicity、publicity_closed、withdrawn")
    status_label: str = Field(description="状态名称：草稿、公示中、公示结束、已撤回")
    publicity_starts_on: date | None = Field(description="公示期第一天")
    publicity_ends_on: date | None = Field(description="公示期最后一天（含）")
    published_at: ChinaDateTime | None = Field(description="发布时间（北京时间）")
    withdrawal_reason: str | None = Field(description="撤回理由")
    version: int = Field(description="版本号")
    created_at: ChinaDateTime = Field(description="起草时间（北京时间）")
    updated_at: ChinaDateTime = Field(description="最后修改时间（北京时间）")

    @classmethod
    def from_row(cls, row: CatalogueItemRow) -> CatalogueItemPublic:
        return cls(
            id=row.id, code=row.code, department=row.department,
            department_name=row.department_name, region_code=row.region_code,
            catalogue_year=row.catalogue_year, name=row.name, description=row.description,
            classification=ClassificationSchema(
                level1=row.level1, level2=row.level2, level3=row.level3
            ),
            nature=row.nature, must_be_retained=row.must_be_retained,
            provincial_listed=row.provincial_listed, status=row.status,
            status_label=row.status_label, publicity_starts_on=row.publicity_starts_on,
            publicity_ends_on=row.publicity_ends_on, published_at=row.published_at,
            withdrawal_reason=row.withdrawal_reason, version=row.version,
            created_at=row.created_at, updated_at=row.updated_at,
        )


class CatalogueItemsPublic(BaseModel):
    """一页目录事项。"""

    data: list[CatalogueItemPublic] = Field(description="本页的目录事项")
    next_cursor: str | None = Field(description="下一页的游标（?cursor=）；没有下一页时为 null")

    @classmethod
    def from_page(cls, page: Page[CatalogueItemRow]) -> CatalogueItemsPublic:
        return cls(
            data=[CatalogueItemPublic.from_row(row) for row in page.data],
            next_cursor=page.next_cursor,
        )


__all__ = [
    "CatalogueItemCreate",
    "CatalogueItemPublic",
    "CatalogueItemUpdate",
    "CatalogueItemsPublic",
    "ClassificationSchema",
    "CommandAccepted",
    "HistoryEntryPublic",
    "WithdrawRequest",
]
