"""The FastAPI application; the composition root builds it with real or fake services."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from api.auth import AuthConfig
from api.deps import Services
from api.errors import exception_handlers, problem_media_types
from api.ports import CatalogueCommands
from api.routers import catalogue_items, health
from projections.readers import CatalogueReader, HistoryReader

DESCRIPTION = """\
政府职能转移与购买服务 — 目录、咨询、职能转移、购买服务的工作流与公开信息。

写操作需要 Bearer 令牌（`govflow token`）；公开信息无需登录即可查询。
错误以 RFC 9457 问题详情（application/problem+json）返回。
"""


class GovflowAPI(FastAPI):
    def openapi(self) -> dict[str, Any]:
        return problem_media_types(super().openapi())


def create_app(
    *,
    commands: CatalogueCommands,
    catalogue: CatalogueReader,
    history: HistoryReader,
    auth: AuthConfig,
    read_wait_seconds: float = 5.0,
) -> FastAPI:
    """The HTTP API over the given command gateway and read views."""
    if read_wait_seconds <= 0:
        raise ValueError(f"read_wait_seconds must be positive, got {read_wait_seconds}")
    app = GovflowAPI(
        title="govflow",
        description=DESCRIPTION,
        version="0.1.0",
        exception_handlers=exception_handlers(),
    )
    app.state.services = Services(
        commands=commands, catalogue=catalogue, history=history, auth=auth,
        read_wait_seconds=read_wait_seconds,
    )
    app.include_router(health.router)
    app.include_router(catalogue_items.router)
    return app
