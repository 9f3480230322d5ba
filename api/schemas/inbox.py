"""The task inbox (待办事项): what a caller's role and scope must act on next."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.common import ChinaDateTime, same_named
from projections.rows import InboxEntry, Page


class InboxEntryPublic(BaseModel):
    """一项待办：要做什么、针对哪个对象、何时到期。"""

    entry_id: str = Field(description="待办事项 ID")
    kind: str = Field(description="待办类型，例如 opinion")
    kind_label: str = Field(description="待办类型的中文名称，例如「待出具咨询意见」")
    title: str = Field(description="标题，例如「440700-2027-0001 居家养老服务」")
    entity_type: str = Field(description="所涉对象的类型，例如 catalogue_item（目录事项）")
    entity_id: UUID = Field(description="所涉对象的 ID")
    code: str = Field(description="所涉对象的编号，例如 440700-2027-0001")
    since: ChinaDateTime = Field(description="待办产生的时间（北京时间）")
    due_on: date | None = Field(description="期限（含当日）；没有期限为 null")
    due_soon_on: date | None = Field(description="自此日起视为即将到期（期限的 80%）")
    reminded: bool = Field(description="系统是否已发送到期提醒")
    due_soon: bool = Field(description="是否即将到期（今天已到提醒日，尚未逾期）")
    overdue: bool = Field(description="是否已逾期（今天已过期限）")
    link: str | None = Field(
        description="办理此事项的 API 资源，例如 /catalogue-items/{id}；没有对应资源时为 null"
    )

    @classmethod
    def from_entry(cls, entry: InboxEntry, *, link: str | None) -> InboxEntryPublic:
        return cls(**same_named(entry, cls), link=link)


class InboxPublic(BaseModel):
    """一页待办事项。"""

    data: list[InboxEntryPublic] = Field(description="本页的待办事项")
    next_cursor: str | None = Field(description="下一页的游标（?cursor=）；没有下一页时为 null")

    @classmethod
    def from_page(
        cls, page: Page[InboxEntry], *, link: Callable[[InboxEntry], str | None]
    ) -> InboxPublic:
        return cls(
            data=[InboxEntryPublic.from_entry(entry, link=link(entry)) for entry in page.data],
            next_cursor=page.next_cursor,
        )
