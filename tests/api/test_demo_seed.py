"""``govflow demo``'s seeding, against the API over fakes (with the organization and grading
fakes): idempotent, one line per step."""

from __future__ import annotations

from uuid import UUID

import httpx
import pytest
from fastapi import FastAPI

from domain.actors import Role
from domain.departments import JIANGMEN_DEPARTMENTS
from domain.grading.stages import EvaluationStatus
from domain.organizations.organization import SocialOrganization
from domain.organizations.records import ComplianceItem
from govflow.demo import DEMO_USER, VOLUNTEERS, DemoError, seed
from tests.api.fakes import FakeCatalogueCommands
from tests.api.helpers import Tokens
from tests.api.organization_fakes import FakeGradingCommands, FakeOrganizationCommands
from tests.api.organization_helpers import TODAY, register

CREDIT_CODES = ("51440700MJL1000170", "52440703MJL200025M", "51440781MJL3000335")


@pytest.fixture
def app(organization_app: FastAPI) -> FastAPI:
    return organization_app


def demo_client(app: FastAPI, tokens: Tokens, role: Role = Role.COMMITTEE) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://govflow",
                             headers=tokens.headers(role, user=DEMO_USER))


async def test_demo_seed_twice_registers_everything_once(
    app: FastAPI, tokens: Tokens, gateway: FakeCatalogueCommands,
    organization_commands: FakeOrganizationCommands, grading_commands: FakeGradingCommands,
) -> None:
    first: list[str] = []
    again: list[str] = []
    async with demo_client(app, tokens) as client:
        seeded = await seed(client, echo=first.append)
        position = gateway.application.recorder.max_notification_id()
        repeated = await seed(client, echo=again.append)

    assert gateway.application.recorder.max_notification_id() == position
    assert repeated == seeded
    assert len(first) == len(JIANGMEN_DEPARTMENTS) + 1 + 3 + 12 + 1 + 11 + 4 + 2 + 1
    # 江门市民政局 and 江门市财政局 were registered before the demo ran.
    assert first[:3] == ["部门 440700-MZJ 江门市民政局：已登记",
                         "部门 440700-CZJ 江门市财政局：已登记",
                         "部门 440700-RSJ 江门市人力资源和社会保障局：已登记"]
    rest = first[len(JIANGMEN_DEPARTMENTS):]
    assert rest[:4] == [
        f"咨询服务机构 江门市政府职能转移咨询委员会（{seeded.agency_id}）：已设立",
        "专家 陈明：已聘任，关联社会组织：江门市养老服务协会",
        "专家 林芳：已聘任，关联社会组织：无",
        "专家 黄伟：已聘任，关联社会组织：台山市义工联合会、蓬江区社会工作服务中心",
    ]
    registered = rest[4:16]
    assert registered[:4] == [
        "社会组织 江门市养老服务协会（51440700MJL1000170，社会团体，行业协会商会）：已登记",
        "社会组织 蓬江区社会工作服务中心（52440703MJL200025M，民办非企业单位，社会服务类）：已登记",
        "社会组织 台山市义工联合会（51440781MJL3000335，社会团体，公益慈善类）：已登记",
        "社会组织 江门市海洋渔业协会（51440700MJL400047T，社会团体，行业协会商会）：已登记",
    ]
    assert all(line.endswith("：已登记") for line in registered)
    assert rest[16] == f"第三方评估机构 江门市社会组织评估服务中心（{seeded.evaluator_id}）：已登记"
    grades = rest[17:28]
    assert grades[0] == (
        "江门市养老服务协会：评估等级 4A（江社评〔2023〕21号，2023-12-20 确认）已登记")
    assert ("开平市碉楼文化保护协会：评估等级 2A（江社评〔2024〕03号，2024-05-20 确认）已登记"
            in grades)
    assert not any("蓬江区社会工作服务中心" in line for line in grades)
    assert rest[28:] == [
        "江门市养老服务协会“五自四无”：已申报，9 项均符合",
        "江门市养老服务协会“五自四无”：已核验",
        "江门市海洋渔业协会“五自四无”：已申报，9 项均符合",
        "江门市海洋渔业协会“五自四无”：已核验",
        f"等级评估 蓬江区社会工作服务中心（{seeded.evaluation_id}）：已启动",
        "等级评估 蓬江区社会工作服务中心：已指派第三方评估机构 江门市社会组织评估服务中心",
        "完成：部门 14 个，咨询服务机构 1 个，专家 3 名，社会组织 12 家（其中 11 家已有评估等级），"
        "第三方评估机构 1 家，等级评估 1 项",
    ]
    assert again == first
    application = gateway.application
    agency = application.get_agency(UUID(seeded.agency_id))
    assert [e.name for e in agency.experts.values()] == ["陈明", "林芳", "黄伟"]
    assert all(application.departments.get(code) for code in JIANGMEN_DEPARTMENTS)

    assert len(seeded.organization_ids) == 12
    assert seeded.organization_ids[:3] == tuple(
        str(SocialOrganization.create_id(code)) for code in CREDIT_CODES)[:3]
    association, centre, volunteers = (application.get_organization(UUID(i))
                                       for i in seeded.organization_ids[:3])
    assert [(o.name, o.category.value, o.kind.value, o.industry, o.region_code,
             o.registered_on.isoformat(), o.full_time_staff)
            for o in (association, centre, volunteers)] == [
        ("江门市养老服务协会", "社会团体", "行业协会商会", "养老服务", "440700", "2019-03-15", 6),
        ("蓬江区社会工作服务中心", "民办非企业单位", "社会服务类", "社会工作", "440703",
         "2018-06-01", 12),
        ("台山市义工联合会", "社会团体", "公益慈善类", "志愿服务", "440781", "2020-09-10", 3),
    ]
    assert association.compliance == {item: True for item in ComplianceItem}
    assert association.compliance_verified_on == TODAY
    evaluator = application.get_evaluator(UUID(seeded.evaluator_id))
    assert (evaluator.name, evaluator.contact) == ("江门市社会组织评估服务中心", "0750-3200000")
    evaluation = application.get_evaluation(UUID(seeded.evaluation_id))
    assert evaluation.organization_id == str(centre.id)
    assert centre.open_evaluation_id == seeded.evaluation_id
    assert evaluation.status is EvaluationStatus.ASSIGNED
    assert evaluation.evaluator_id == seeded.evaluator_id
    # Each command reached its gateway on both runs, under the demo's keys, and was answered.
    assert len(organization_commands.commands) == 2 * (12 + 1 + 11 + 4)
    marine = application.get_organization(UUID(seeded.organization_ids[3]))
    assert (marine.name, marine.industry, marine.compliance_verified_on) == (
        "江门市海洋渔业协会", "海洋渔业", TODAY)
    assert [(g.level, g.valid_until.isoformat()) for g in marine.grades] == [(4, "2029-12-31")]
    assert centre.grades == []
    assert len(grading_commands.commands) == 2 * 2


async def test_demo_seed_leaves_an_organization_registered_by_other_means_as_it_is(
    app: FastAPI, tokens: Tokens, gateway: FakeCatalogueCommands,
) -> None:
    volunteers = register(gateway.application, VOLUNTEERS.body() | {"full_time_staff": 5})
    lines: list[str] = []
    async with demo_client(app, tokens) as client:
        seeded = await seed(client, echo=lines.append)

    assert seeded.organization_ids[2] == str(volunteers)
    assert "社会组织 台山市义工联合会（51440781MJL3000335，社会团体，公益慈善类）：已登记" in lines
    assert gateway.application.get_organization(volunteers).full_time_staff == 5


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
