"""The audit chain's head (审计链链头): public, so that it can be recorded outside govflow."""

from __future__ import annotations

import asyncio
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import Audit
from api.errors import problem_responses

router = APIRouter(tags=["audit"])


class AuditHeadPublic(BaseModel):
    """The last link of the event log's audit chain."""

    position: int = Field(description="链头所在的日志位置（通知编号）；日志为空时为 0")
    hash: str = Field(description="链头哈希（十六进制）；日志为空时为 64 个 0")
    algorithm: Literal["sha256"] = "sha256"


@router.get("/audit/head", responses=problem_responses(503))
async def audit_head(audit: Audit) -> AuditHeadPublic:
    """事件日志审计链的当前链头：位置与哈希。可定期抄录到系统之外，日后用
    `govflow audit verify --expect-head <位置>:<哈希>` 核对日志是否仍经过这一链头。"""
    head = await asyncio.to_thread(audit.head)
    return AuditHeadPublic(position=head.position, hash=head.hash_hex)
