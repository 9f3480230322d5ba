"""``govflow demo``: seed a running govflow with Jiangmen's departments and one consulting
agency (江门市政府职能转移咨询委员会) with three experts, through the HTTP API.

Every record is sent with an Idempotency-Key of its own, so running the demo again
creates nothing new: the API answers each repeat with its first answer.  A department
someone registered by other means is left as it is.  Each line says what holds after
the step (已登记, 已设立, 已聘任), which is as true on the second run as on the first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from domain.departments import JIANGMEN_DEPARTMENTS

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


class DemoError(Exception):
    """The demo could not finish; the message says why, in Chinese."""


@dataclass(frozen=True)
class DemoSeeded:
    """What the demo registered (or found registered)."""

    departments: int
    agency_id: str
    expert_ids: tuple[str, ...]


async def seed(client: httpx.AsyncClient, *, echo: Callable[[str], None]) -> DemoSeeded:
    """Register the built-in departments, the agency and its experts; one line per step.

    ``client`` has the API's base URL and a committee token.
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
    echo(f"完成：部门 {len(JIANGMEN_DEPARTMENTS)} 个，咨询服务机构 1 个，专家 {len(EXPERTS)} 名")
    return DemoSeeded(departments=len(JIANGMEN_DEPARTMENTS), agency_id=agency_id,
                      expert_ids=tuple(expert_ids))


async def _post(client: httpx.AsyncClient, path: str, body: dict[str, Any], *, key: str,
                step: str) -> httpx.Response:
    """POST one seed record under its own Idempotency-Key."""
    try:
        return await client.post(path, json=body, headers={"Idempotency-Key": key})
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
