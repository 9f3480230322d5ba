"""Catalogue import (目录导入) over HTTP: what an accepted file answers."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, Field

from domain.catalogue.importing import ImportResult


class ImportedItemPublic(BaseModel):
    """导入的一个目录事项。"""

    id: UUID = Field(description="目录事项 ID")
    code: str = Field(description="目录事项编号，例如 440700-2027-0001")


class CatalogueImportPublic(BaseModel):
    """导入结果：文件中的每一行都已作为草稿导入。"""

    imported: int = Field(description="导入的事项数")
    items: list[ImportedItemPublic] = Field(description="导入的事项，按文件中的行序")
    notification_id: int = Field(
        description="导入的最后一个事件的通知编号；查询时带上 ?after=此值 可读到导入的事项"
    )

    @classmethod
    def from_result(cls, result: ImportResult) -> CatalogueImportPublic:
        return cls(
            imported=len(result.item_ids),
            items=[ImportedItemPublic(id=item_id, code=code)
                   for item_id, code in zip(result.item_ids, result.codes, strict=True)],
            notification_id=result.notification_id,
        )
