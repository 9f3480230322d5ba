"""The change feed (信息公开变更) over HTTP."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.common import ChinaDateTime
from domain.actors import ROLE_LABELS
from projections.feed_rows import FeedEntry


class FeedEntryPublic(BaseModel):
    """一项公开信息的变更。"""

    position: int = Field(
        description="位置（事件的通知编号，严格递增）；保存最后读到的位置作为游标")
    entity_type: str = Field(
        description="变更的对象：catalogue_item（目录事项）、organization（社会组织）、"
                    "grade_evaluation（等级评估）、evaluator（第三方评估机构）、department（部门）、"
                    "agency（咨询服务机构）、transfer（职能转移）、purchase_contract（购买服务合同）")
    entity_id: UUID = Field(description="对象的 ID")
    event: str = Field(description="事件名称，例如 Published（与 entity_type 一起确定含义）")
    event_label: str = Field(description="事件的中文名称，例如「发布」")
    actor_role: str = Field(description="操作人的角色（不含操作人身份）；投诉一律为 public")
    actor_role_label: str = Field(description="角色名称，例如「职能部门」")
    occurred_at: ChinaDateTime = Field(description="发生时间（北京时间）")
    payload: dict[str, Any] = Field(description="事件的公开内容（按事件逐项列明的公开字段）")

    @classmethod
    def from_entry(cls, entry: FeedEntry) -> FeedEntryPublic:
        label = next((label for role, label in ROLE_LABELS.items()
                      if role.value == entry.actor_role), entry.actor_role)
        return cls(position=entry.position, entity_type=entry.entity_type,
                   entity_id=entry.entity_id, event=entry.event,
                   event_label=entry.event_label, actor_role=entry.actor_role,
                   actor_role_label=label, occurred_at=entry.occurred_at,
                   payload=entry.payload)


class FeedPublic(BaseModel):
    """一页公开信息变更。"""

    data: list[FeedEntryPublic] = Field(description="本页的变更（按位置先后）")
    next_cursor: int = Field(
        description="下次查询的 ?after=：本页最后一项的位置；本页为空时为本次的 after。"
                    "保存它并用它再次查询，既不会遗漏也不会重复")

    @classmethod
    def of(cls, entries: list[FeedEntry], *, after: int) -> FeedPublic:
        return cls(data=[FeedEntryPublic.from_entry(e) for e in entries],
                   next_cursor=entries[-1].position if entries else after)
