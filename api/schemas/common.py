"""Schemas every resource shares: times, money, accepted commands, history."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from domain.actors import ROLE_LABELS
from domain.calendar import CHINA_TZ
from domain.catalogue.commands import CommandResult
from projections.rows import HistoryEntry


def _in_china(moment: datetime) -> datetime:
    # Stored in UTC (a naive value is UTC too); shown as people in the city read clocks.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA_TZ)


ChinaDateTime = Annotated[datetime, AfterValidator(_in_china)]
"""A moment shown in Asia/Shanghai time (+08:00)."""


def same_named(row: Any, schema: type[BaseModel]) -> dict[str, Any]:
    """The values of a row (a dataclass) for the schema's fields named as the row's."""
    return {f.name: getattr(row, f.name) for f in fields(row) if f.name in schema.model_fields}


def _whole_fen(value: Any) -> Any:
    # Money is integer fen (DESIGN.md §3): 12.5 or "1250" are refused, not rounded or parsed.
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("fen_not_integer", "an amount is a whole number of fen")
    return value


Fen = Annotated[int, BeforeValidator(_whole_fen)]
"""An amount of money in fen (分), accepted only as a JSON integer."""


def yuan(fen: int) -> str:
    """An amount in fen as people read it in yuan: 123456 → "1,234.56"."""
    whole, cents = divmod(abs(fen), 100)
    return f"{'-' if fen < 0 else ''}{whole:,}.{cents:02d}"


class CommandAccepted(BaseModel):
    """命令已受理。"""

    id: UUID = Field(description="对象的 ID")
    code: str = Field(description="对象的编号，例如目录事项编号 440700-2027-0001")
    version: int = Field(description="命令生效后对象的版本号")
    notification_id: int = Field(
        description="命令最后一个事件的通知编号；查询时带上 ?after=此值 可读到本次修改"
    )

    @classmethod
    def from_result(cls, result: CommandResult) -> CommandAccepted:
        return cls(
            id=result.aggregate_id, code=result.code, version=result.version,
            notification_id=result.notification_id,
        )


class ActorPublic(BaseModel):
    """操作人。"""

    user: str = Field(description="用户")
    role: str = Field(description="角色")
    role_label: str = Field(description="角色名称，例如「职能部门」")
    scope: str | None = Field(description="范围，例如部门代码")


class HistoryEntryPublic(BaseModel):
    """历史记录中的一个事件：发生了什么、谁做的、什么时候。"""

    notification_id: int = Field(description="事件的通知编号（全局顺序）")
    event: str = Field(description="事件名称，例如 Published")
    event_label: str = Field(description="事件的中文名称，例如「发布」")
    actor: ActorPublic = Field(description="操作人")
    occurred_at: ChinaDateTime = Field(description="发生时间（北京时间）")
    details: dict[str, Any] = Field(description="事件内容")

    @classmethod
    def from_entry(cls, entry: HistoryEntry) -> HistoryEntryPublic:
        role_label = next(
            (label for role, label in ROLE_LABELS.items() if role.value == entry.actor_role),
            entry.actor_role,
        )
        return cls(
            notification_id=entry.notification_id, event=entry.event,
            event_label=entry.event_label,
            actor=ActorPublic(
                user=entry.actor_user, role=entry.actor_role, role_label=role_label,
                scope=entry.actor_scope,
            ),
            occurred_at=entry.occurred_at, details=entry.details,
        )

