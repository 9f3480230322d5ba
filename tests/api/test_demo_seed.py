"""``govflow demo``'s seeding, against the API over fakes: idempotent, one line per step."""

from __future__ import annotations

from uuid import UUID

import httpx
import pytest
from fastapi import FastAPI

from domain.actors import Role
from domain.departments import JIANGMEN_DEPARTMENTS
from govflow.demo import DEMO_USER, DemoError, seed
from tests.api.fakes import FakeCatalogueCommands
from tests.api.helpers import Tokens


def demo_client(app: FastAPI, tokens: Tokens, role: Role = Role.COMMITTEE) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://govflow",
                             headers=tokens.headers(role, user=DEMO_USER))


async def test_demo_seed_twice_registers_everything_once(
    app: FastAPI, tokens: Tokens, gateway: FakeCatalogueCommands
) -> None:
    first: list[str] = []
    again: list[str] = []
    async with demo_client(app, tokens) as client:
        seeded = await seed(client, echo=first.append)
        position = gateway.application.recorder.max_notification_id()
        repeated = await seed(client, echo=again.append)

    assert gateway.application.recorder.max_notification_id() == position
    assert repeated == seeded
    assert len(first) == len(JIANGMEN_DEPARTMENTS) + 1 + 3 + 1
    # 江门市民政局 and 江门市财政局 were registered before the demo ran.
    assert first[:3] == ["部门 440700-MZJ 江门市民政局：已登记",
                         "部门 440700-CZJ 江门市财政局：已登记",
                         "部门 440700-RSJ 江门市人力资源和社会保障局：已登记"]
    assert first[-5:] == [
        f"咨询服务机构 江门市政府职能转移咨询委员会（{seeded.agency_id}）：已设立",
        "专家 陈明：已聘任，关联社会组织：江门市养老服务协会",
        "专家 林芳：已聘任，关联社会组织：无",
        "专家 黄伟：已聘任，关联社会组织：台山市义工联合会、蓬江区社会工作服务中心",
        "完成：部门 14 个，咨询服务机构 1 个，专家 3 名",
    ]
    assert again == first
    agency = gateway.application.get_agency(UUID(seeded.agency_id))
    assert [e.name for e in agency.experts.values()] == ["陈明", "林芳", "黄伟"]
    assert all(gateway.application.departments.get(code) for code in JIANGMEN_DEPARTMENTS)


async def test_demo_seed_by_a_non_committee_token_stops_with_the_refusal(
    app: FastAPI, tokens: Tokens
) -> None:
    lines: list[str] = []
    async with demo_client(app, tokens, Role.FINANCE) as client:
        with pytest.raises(DemoError) as stopped:
            await seed(client, echo=lines.append)

    assert lines == []
    assert str(stopped.value) == ("登记部门 440700-MZJ 失败（HTTP 403）："
                                  "角色 finance 不能登记部门；可执行此操作的角色：committee")


async def test_demo_seed_without_a_server_says_to_start_govflow_dev() -> None:
    async with httpx.AsyncClient(base_url="http://127.0.0.1:9", timeout=2) as client:
        with pytest.raises(DemoError, match="请先在另一个终端运行 govflow dev"):
            await seed(client, echo=print)
