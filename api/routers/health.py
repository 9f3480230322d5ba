"""Liveness."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict[str, str]:
    """服务是否在运行 (is the API up)."""
    return {"status": "ok"}
