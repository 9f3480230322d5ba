"""``govflow demo``: seed a running govflow with Jiangmen's departments, one consulting
agency (江门市政府职能转移咨询委员会) with three experts, a dozen social organizations across
the districts (a marine-industry association among them, seed 三(三)2(2)) with the grades
eleven of them hold from earlier evaluations, one third-party evaluator, two verified
五自四无 declarations and a first grade evaluation with its evaluator assigned, through
the HTTP API.

Every record is sent with an Idempotency-Key of its own, so running the demo again
creates nothing new: the API answers each repeat with its first answer.  A department or
a social organization someone registered by other means is left as it is.  Each line says
what holds after the step (已登记, 已设立, 已聘任, 已申报, 已核验, 已启动, 已指派), which is
as true on the second run as on the first.

Then (``govflow.demo_cases``) the catalogue and what follows it: a draft, an item in
publicity, items published and decided before govflow (recorded by their decision
documents: publicity periods cannot be waited out by a seed), transfers in each mode, a
finished and reviewed contract of 2026 and one under way; last, the quarterly reports of
the quarter that ended last, 江门市民政局's submitted with its narrative.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from domain.departments import JIANGMEN_DEPARTMENTS
from domain.organizations.organization import SocialOrganization
from domain.organizations.records import ComplianceItem
from govflow.demo_cases import CaseSeedError, HeadersFor, seed_cases, seed_reporting

DEMO_USER = "govflow-demo"
"""The committee user the demo acts as: keys are namespaced by user, so it stays the same."""


@dataclass(frozen=True)
class ExpertSeed:
    name: str
    affiliations: tuple[str, ...]


AGENCY_NAME = "江门市政府职能转移咨询委员会"
AGENCY_MANDATE = "对目录事项的转移、委托、授权和购买服务提出咨询意见，供职能部门决策参考"
EXPERTS = (
    ExpertSeed("陈明", ("江门市养老服务协会",)),
    ExpertSeed("林芳", ()),
    ExpertSeed("黄伟", ("台山市义工联合会", "蓬江区社会工作服务中心")),
)



@dataclass(frozen=True)
class OrganizationSeed:
    """A social organization as POST /organizations takes it."""

    credit_code: str
    name: str
    category: str
    kind: str
    industry: str
    region_code: str
    registered_on: str
    full_time_staff: int

    @property
    def id(self) -> str:
        """The organization's id, which follows from its credit code."""
        return str(SocialOrganization.create_id(self.credit_code))

    def body(self) -> dict[str, Any]:
        return {"credit_code": self.credit_code, "name": self.name,
                "category": self.category, "kind": self.kind, "industry": self.industry,
                "region_code": self.region_code, "registered_on": self.registered_on,
                "full_time_staff": self.full_time_staff}


ASSOCIATION = OrganizationSeed("51440700MJL1000170", "江门市养老服务协会", "社会团体",
                               "行业协会商会", "养老服务", "440700", "2019-03-15", 6)
"""The industry association: it declares 五自四无 and the committee verifies it."""
SOCIAL_WORK_CENTRE = OrganizationSeed("52440703MJL200025M", "蓬江区社会工作服务中心",
                                      "民办非企业单位", "社会服务类", "社会工作", "440703",
                                      "2018-06-01", 12)
"""The organization whose grade evaluation the committee starts."""
VOLUNTEERS = OrganizationSeed("51440781MJL3000335", "台山市义工联合会", "社会团体",
                              "公益慈善类", "志愿服务", "440781", "2020-09-10", 3)
MARINE_ASSOCIATION = OrganizationSeed(
    "51440700MJL400047T", "江门市海洋渔业协会", "社会团体", "行业协会商会", "海洋渔业", "440700",
    "2016-04-18", 5)
"""The marine-industry association of seed 三(三)2(2)."""
TOURISM_ASSOCIATION = OrganizationSeed(
    "51440785MJM1000255", "恩平市温泉旅游行业协会", "社会团体", "行业协会商会", "旅游", "440785",
    "2017-09-09", 4)
"""An association whose 五自四无 is not verified yet: graded, but not eligible."""
ORGANIZATIONS = (
    ASSOCIATION, SOCIAL_WORK_CENTRE, VOLUNTEERS, MARINE_ASSOCIATION,
    OrganizationSeed("51440700MJL500058H", "江门市物业管理行业协会", "社会团体", "行业协会商会",
                     "物业管理", "440700", "2015-08-20", 7),
    OrganizationSeed("52440705MJL600069D", "新会区社区服务中心", "民办非企业单位",
                     "城乡社区服务类", "社区服务", "440705", "2017-05-12", 15),
    OrganizationSeed("53440700MJL700071W", "江门市慈善基金会", "基金会", "公益慈善类", "慈善",
                     "440700", "2014-01-08", 9),
    OrganizationSeed("51440781MJL8000824", "台山市华侨文化交流促进会", "社会团体", "其他",
                     "文化交流", "440781", "2016-10-10", 4),
    OrganizationSeed("51440783MJL900093P", "开平市碉楼文化保护协会", "社会团体", "其他",
                     "文化保护", "440783", "2018-03-03", 3),
    OrganizationSeed("52440784MJM000014W", "鹤山市青少年服务中心", "民办非企业单位",
                     "社会服务类", "青少年服务", "440784", "2019-07-01", 8),
    TOURISM_ASSOCIATION,
    OrganizationSeed("52440704MJM200036E", "江海区长者照护中心", "民办非企业单位",
                     "社会服务类", "养老服务", "440704", "2018-02-14", 20),
)
"""A dozen organizations across the city's districts and county-level cities."""


@dataclass(frozen=True)
class GradeSeed:
    """A grade confirmed before govflow, recorded from its certificate."""

    credit_code: str
    level: int
    confirmed_on: str
    certificate_number: str


EXISTING_GRADES = (
    GradeSeed(ASSOCIATION.credit_code, 4, "2023-12-20", "江社评〔2023〕21号"),
    GradeSeed(VOLUNTEERS.credit_code, 3, "2022-11-30", "江社评〔2022〕35号"),
    GradeSeed(MARINE_ASSOCIATION.credit_code, 4, "2024-12-10", "江社评〔2024〕08号"),
    GradeSeed("51440700MJL500058H", 3, "2021-12-15", "江社评〔2021〕12号"),
    GradeSeed("52440705MJL600069D", 5, "2023-11-30", "江社评〔2023〕17号"),
    GradeSeed("53440700MJL700071W", 4, "2022-12-01", "江社评〔2022〕29号"),
    GradeSeed("51440781MJL8000824", 3, "2023-06-30", "江社评〔2023〕06号"),
    GradeSeed("51440783MJL900093P", 2, "2024-05-20", "江社评〔2024〕03号"),
    GradeSeed("52440784MJM000014W", 4, "2025-11-20", "江社评〔2025〕26号"),
    GradeSeed(TOURISM_ASSOCIATION.credit_code, 3, "2024-11-15", "江社评〔2024〕19号"),
    GradeSeed("52440704MJM200036E", 4, "2024-10-28", "江社评〔2024〕15号"),
)
"""Every organization but the social work centre (whose first evaluation the demo starts)."""

EVALUATOR_NAME = "江门市社会组织评估服务中心"
EVALUATOR_CONTACT = "0750-3200000"


class DemoError(CaseSeedError):
    """The demo could not finish; the message says why, in Chinese."""


@dataclass(frozen=True)
class DemoSeeded:
    """What the demo registered (or found registered)."""

    departments: int
    agency_id: str
    expert_ids: tuple[str, ...]
    organization_ids: tuple[str, ...]
    evaluator_id: str
    evaluation_id: str


async def seed(client: httpx.AsyncClient, *, echo: Callable[[str], None],
               headers_for: HeadersFor | None = None) -> DemoSeeded:
    """Register the built-in departments, the agency and its experts, the social
    organizations and the evaluator; declare and verify the association's 五自四无; start
    the social work centre's grade evaluation and assign the evaluator.  One line per step.

    ``client`` has the API's base URL and a committee token.  With ``headers_for`` (the
    headers of a token for a role and scope), the catalogue, transfers, contracts and the
    quarterly reports follow (``govflow.demo_cases``).
    """
    for department in JIANGMEN_DEPARTMENTS.values():
        step = f"登记部门 {department.code}"
        response = await _post(client, "/departments",
                               {"code": department.code, "name": department.name},
                               key=f"demo:department:{department.code}", step=step)
        # Registered by other means (another key, another user): the demo leaves it be.
        if _problem(response).get("type") != "DepartmentAlreadyRegisteredError":
            _answer(response, step)
        echo(f"部门 {department.code} {department.name}：已登记")
    step = "设立咨询服务机构"
    agency_id = str(_answer(await _post(
        client, "/agencies", {"name": AGENCY_NAME, "mandate": AGENCY_MANDATE},
        key="demo:agency", step=step,
    ), step)["id"])
    echo(f"咨询服务机构 {AGENCY_NAME}（{agency_id}）：已设立")
    expert_ids: list[str] = []
    for number, expert in enumerate(EXPERTS, start=1):
        step = f"聘任专家 {expert.name}"
        appointed = _answer(await _post(
            client, f"/agencies/{agency_id}/experts",
            {"name": expert.name, "affiliations": list(expert.affiliations)},
            key=f"demo:expert:{number}", step=step,
        ), step)
        expert_ids.append(str(appointed["expert_id"]))
        echo(f"专家 {expert.name}：已聘任，关联社会组织：{'、'.join(expert.affiliations) or '无'}")
    organization_ids = await _seed_organizations(client, echo)
    step = "登记第三方评估机构"
    evaluator_id = str(_answer(await _post(
        client, "/evaluators", {"name": EVALUATOR_NAME, "contact": EVALUATOR_CONTACT},
        key="demo:evaluator", step=step,
    ), step)["id"])
    echo(f"第三方评估机构 {EVALUATOR_NAME}（{evaluator_id}）：已登记")
    await _record_existing_grades(client, echo)
    await _declare_and_verify_compliance(client, echo, ASSOCIATION)
    await _declare_and_verify_compliance(client, echo, MARINE_ASSOCIATION)
    evaluation_id = await _start_evaluation(client, echo, evaluator_id=evaluator_id)
    cases = ""
    if headers_for is not None:
        items, transfers, contracts = await seed_cases(
            client, echo=echo, headers_for=headers_for, post=_send,
            organization_id=lambda code: str(SocialOrganization.create_id(code)),
            agency_id=agency_id, expert_id=expert_ids[1])
        reports = await seed_reporting(client, echo=echo, headers_for=headers_for, post=_send)
        cases = (f"，目录事项 {items} 项，职能转移 {transfers} 项，购买服务合同 {contracts} 份，"
                 f"季度报告 {reports} 份")
    echo(f"完成：部门 {len(JIANGMEN_DEPARTMENTS)} 个，咨询服务机构 1 个，专家 {len(EXPERTS)} 名，"
         f"社会组织 {len(organization_ids)} 家（其中 {len(EXISTING_GRADES)} 家已有评估等级），"
         f"第三方评估机构 1 家，等级评估 1 项{cases}")
    return DemoSeeded(departments=len(JIANGMEN_DEPARTMENTS), agency_id=agency_id,
                      expert_ids=tuple(expert_ids), organization_ids=organization_ids,
                      evaluator_id=evaluator_id, evaluation_id=evaluation_id)


async def _seed_organizations(client: httpx.AsyncClient,
                              echo: Callable[[str], None]) -> tuple[str, ...]:
    """Register the social organizations; one registered by other means is left as it is."""
    for organization in ORGANIZATIONS:
        step = f"登记社会组织 {organization.name}"
        response = await _post(client, "/organizations", organization.body(),
                               key=f"demo:organization:{organization.credit_code}", step=step)
        if _problem(response).get("type") != "OrganizationAlreadyRegisteredError":
            _answer(response, step)
        echo(f"社会组织 {organization.name}（{organization.credit_code}，{organization.category}，"
             f"{organization.kind}）：已登记")
    return tuple(organization.id for organization in ORGANIZATIONS)


async def _record_existing_grades(client: httpx.AsyncClient,
                                  echo: Callable[[str], None]) -> None:
    """The grades the organizations hold from earlier evaluations, from their certificates."""
    names = {o.credit_code: o for o in ORGANIZATIONS}
    for grade in EXISTING_GRADES:
        organization = names[grade.credit_code]
        step = f"登记{organization.name}的既有评估等级"
        _answer(await _post(
            client, f"/organizations/{organization.id}/existing-grades",
            {"level": grade.level, "confirmed_on": grade.confirmed_on,
             "certificate_number": grade.certificate_number, "evaluator_name": EVALUATOR_NAME},
            key=f"demo:existing-grade:{grade.credit_code}", step=step,
        ), step)
        echo(f"{organization.name}：评估等级 {grade.level}A（{grade.certificate_number}，"
             f"{grade.confirmed_on} 确认）已登记")


async def _declare_and_verify_compliance(client: httpx.AsyncClient,
                                         echo: Callable[[str], None],
                                         association: OrganizationSeed) -> None:
    """An association declares every item of 五自四无 compliant; the committee verifies."""
    name = association.name
    # The first association keeps the keys of the demo's first version.
    key = ("demo:compliance" if association is ASSOCIATION
           else f"demo:compliance:{association.credit_code}")
    step = f"申报{name}“五自四无”情况"
    _answer(await _post(
        client, f"/organizations/{association.id}/compliance-declarations",
        {"declarations": {item.value: True for item in ComplianceItem}},
        key=f"{key}-declaration", step=step,
    ), step)
    echo(f"{name}“五自四无”：已申报，{len(ComplianceItem)} 项均符合")
    step = f"核验{name}“五自四无”"
    _answer(await _post(client, f"/organizations/{association.id}/compliance-verification", {},
                        key=f"{key}-verification", step=step), step)
    echo(f"{name}“五自四无”：已核验")


async def _start_evaluation(client: httpx.AsyncClient, echo: Callable[[str], None], *,
                            evaluator_id: str) -> str:
    """The committee starts the social work centre's grade evaluation and assigns the
    evaluator; the evaluation's id comes from the first answer, repeated on a second run."""
    name = SOCIAL_WORK_CENTRE.name
    step = f"启动{name}的等级评估"
    evaluation_id = str(_answer(await _post(
        client, "/grade-evaluations", {"organization_id": SOCIAL_WORK_CENTRE.id},
        key="demo:grade-evaluation", step=step,
    ), step)["id"])
    echo(f"等级评估 {name}（{evaluation_id}）：已启动")
    step = f"为{name}的等级评估指派第三方评估机构"
    _answer(await _post(client, f"/grade-evaluations/{evaluation_id}/evaluator",
                        {"evaluator_id": evaluator_id}, key="demo:grade-evaluation:evaluator",
                        step=step), step)
    echo(f"等级评估 {name}：已指派第三方评估机构 {EVALUATOR_NAME}")
    return evaluation_id


async def _send(client: httpx.AsyncClient, path: str, body: dict[str, Any] | None, *,
                key: str, step: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """POST one record as the caller ``headers`` name (the committee by default) and
    return the accepted answer; a refusal is a ``DemoError``."""
    return _answer(await _post(client, path, body, key=key, step=step, headers=headers), step)


async def _post(client: httpx.AsyncClient, path: str, body: dict[str, Any] | None, *,
                key: str, step: str, headers: dict[str, str] | None = None) -> httpx.Response:
    """POST one seed record under its own Idempotency-Key."""
    try:
        return await client.post(path, json=body,
                                 headers={**(headers or {}), "Idempotency-Key": key})
    except httpx.HTTPError as error:
        raise DemoError(f"{step} 失败：无法连接 {client.base_url}（{error}）；"
                        f"请先在另一个终端运行 govflow dev") from None


def _answer(response: httpx.Response, step: str) -> dict[str, Any]:
    """The accepted command's answer, or the refusal as a ``DemoError``."""
    if not response.is_success:
        detail = _problem(response).get("detail") or response.text
        raise DemoError(f"{step} 失败（HTTP {response.status_code}）：{detail}")
    answer: dict[str, Any] = response.json()
    return answer


def _problem(response: httpx.Response) -> dict[str, Any]:
    """A problem response's body; empty for anything else."""
    if response.is_success:
        return {}
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
