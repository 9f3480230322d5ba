"""``govflow demo``, second part: the catalogue and what follows it, through the API.

Items at each stage (a draft, one in publicity, items published and decided before govflow
recorded by their decision documents, a retained one), transfers in each mode approved by
the committee, and purchase contracts: one from this year finished (delivered, accepted,
paid, reviewed and closed) and one under way.  Last, reporting: the committee opens the
quarterly reports of the quarter that ended last (the server decides which, so the demo
runs on any date) and 江门市民政局 saves its narrative and submits its report.  Every write
has its own Idempotency-Key; a step a first run completed is left as it stands on a
second run (a repeated reporting run answers with the first run's reports).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from domain.actors import Role
from domain.reporting.periods import Quarter

HeadersFor = Callable[[Role, str | None], dict[str, str]]


class CaseSeedError(Exception):
    """A case did not reach the stage the demo waits for (the message is Chinese)."""
Post = Callable[..., Awaitable[dict[str, Any]]]

MZJ = "440700-MZJ"
PENGJIANG = "440703-MZJ"
FINANCE_SCOPE = None
DONE = "已结束"
REVIEW_DUE = "期满待绩效评价"
REPORT_OPEN = "待提交"
REPORT_SUBMITTED = "已提交"
REPORT_NARRATIVE = ("本季度完成居家养老上门服务的履约验收和绩效评价，三项职能转移经市社工委批准，"
                    "社区社会组织孵化基地运营等事项已公示")


@dataclass(frozen=True)
class ExistingItem:
    """An item published and decided before govflow."""

    key: str
    department: str
    name: str
    description: str
    year: int
    level2: str
    level3: str
    nature: str
    mode: str
    document: str
    budget_fen: int = 0
    """A purchase's budget; an empty ``mode``: the publicity is over, no decision yet."""

    def body(self) -> dict[str, Any]:
        return {
            "name": self.name, "description": self.description, "catalogue_year": self.year,
            "classification": {"level1": "公共服务", "level2": self.level2, "level3": self.level3},
            "nature": self.nature, "provincial_listed": False,
            "published_on": f"{self.year - 1}-10-08", "publicity_ends_on": f"{self.year - 1}-10-15",
            "mode": self.mode, "document": self.document, "budget_fen": self.budget_fen,
        }


ITEMS = (
    ExistingItem("home-care", MZJ, "居家养老上门服务", "为失能、半失能老年人提供上门照料服务", 2026,
                 "养老服务", "居家养老", "公共服务", "购买服务", "江民〔2025〕41号",
                 budget_fen=60_000_000),
    ExistingItem("correction", PENGJIANG, "社区矫正社会工作服务",
                 "为社区矫正对象提供心理疏导和帮扶", 2027, "社会工作", "社区矫正", "公共服务",
                 "购买服务", "蓬民〔2026〕7号",
                 budget_fen=36_000_000),
    ExistingItem("fishery-standard", MZJ, "海洋渔业团体标准制定", "组织制定海洋渔业团体标准", 2027,
                 "行业管理", "团体标准", "行业管理与协调", "转移", "江民〔2026〕15号"),
    ExistingItem("care-rating", MZJ, "养老机构服务质量等级评定", "对养老机构服务质量开展等级评定",
                 2027, "养老服务", "等级评定", "技术服务", "授权", "江民〔2026〕16号"),
    ExistingItem("charity-report", MZJ, "慈善组织年度报告初审", "对慈善组织年度工作报告进行初审",
                 2027, "社会组织", "年报初审", "辅助性事务", "委托", "江民〔2026〕17号"),
    ExistingItem("registration", MZJ, "社会团体成立登记", "社会团体成立登记的受理和审查", 2027,
                 "社会组织", "登记管理", "行政许可", "保留", "江民〔2026〕18号"),
    ExistingItem("incubator", MZJ, "社区社会组织孵化基地运营", "运营社区社会组织孵化基地", 2027,
                 "社会组织", "孵化培育", "公共服务", "", "江民〔2026〕19号"),
    ExistingItem("assessment", MZJ, "老年人能力综合评估", "对申请养老服务的老年人开展能力评估",
                 2027, "养老服务", "能力评估", "技术服务", "", "江民〔2026〕20号"),
    ExistingItem("publicity", MZJ, "困难群众救助政策宣传", "开展社会救助政策宣传和入户走访", 2027,
                 "社会救助", "政策宣传", "辅助性事务", "", "江民〔2026〕21号"),
)

TRANSFERS = (  # (item key, organization credit code, legal basis, conditions)
    ("fishery-standard", "51440700MJL400047T", "《中华人民共和国标准化法》第十八条",
     "标准草案报市民政局备案后发布"),
    ("care-rating", "51440700MJL1000170", "《广东省养老服务条例》第四十二条",
     "评定结果每季度报送市民政局"),
    ("charity-report", "53440700MJL700071W", "《慈善组织信息公开办法》第十二条",
     "初审意见报市民政局复核"),
)


async def seed_cases(
    client: httpx.AsyncClient, *, echo: Callable[[str], None], headers_for: HeadersFor,
    post: Post, organization_id: Callable[[str], str], agency_id: str, expert_id: str,
) -> tuple[int, int, int]:
    """Seed the catalogue, transfers and contracts; (items, transfers, contracts)."""
    officer = headers_for(Role.DEPARTMENT, MZJ)
    draft = await post(client, "/catalogue-items", {
        "name": "社区志愿服务组织培育", "description": "培育发展社区志愿服务组织",
        "catalogue_year": 2027,
        "classification": {"level1": "公共服务", "level2": "社会工作", "level3": "志愿服务"},
        "nature": "公共服务", "provincial_listed": False,
    }, key="demo:item:draft", step="起草目录事项 社区志愿服务组织培育", headers=officer)
    echo(f"目录事项 {draft['code']} 社区志愿服务组织培育：草稿")
    publicized = await post(client, "/catalogue-items", {
        "name": "养老服务补贴对象评估", "description": "对申请养老服务补贴的老年人开展能力评估",
        "catalogue_year": 2027,
        "classification": {"level1": "公共服务", "level2": "养老服务", "level3": "能力评估"},
        "nature": "技术服务", "provincial_listed": False,
    }, key="demo:item:publicity", step="起草目录事项 养老服务补贴对象评估", headers=officer)
    await post(client, f"/catalogue-items/{publicized['id']}/publish", None,
               key="demo:item:publicity:publish", step="发布目录事项 养老服务补贴对象评估",
               headers=officer)
    echo(f"目录事项 {publicized['code']} 养老服务补贴对象评估：已发布，公示中")

    items: dict[str, str] = {}
    for item in ITEMS:
        recorded = await post(client, "/catalogue-items/existing", item.body(),
                              key=f"demo:item:{item.key}", step=f"登记既有目录事项 {item.name}",
                              headers=headers_for(Role.DEPARTMENT, item.department))
        items[item.key] = str(recorded["id"])
        if item.mode:
            echo(f"目录事项 {recorded['code']} {item.name}：既有决定（{item.mode}，"
                 f"{item.document}）已登记")
        else:
            echo(f"目录事项 {recorded['code']} {item.name}：已发布（{item.document}），公示已结束")
    await _advice(client, echo=echo, headers_for=headers_for, post=post, items=items,
                  agency_id=agency_id, expert_id=expert_id)

    committee = headers_for(Role.COMMITTEE, None)
    for key, code, basis, conditions in TRANSFERS:
        item = next(i for i in ITEMS if i.key == key)
        proposed = await post(client, "/transfers", {
            "item_id": items[key], "organization_id": organization_id(code),
            "legal_basis": basis, "effective_from": "2027-01-01",
            "effective_until": "2029-12-31", "conditions": conditions,
        }, key=f"demo:transfer:{key}", step=f"提出转移方案 {item.name}",
            headers=headers_for(Role.DEPARTMENT, item.department))
        await post(client, f"/transfers/{proposed['id']}/approval", None,
                   key=f"demo:transfer:{key}:approval", step=f"批准职能转移 {item.name}",
                   headers=committee)
        echo(f"职能转移 {item.name}（{item.mode}）：已批准，2027-01-01 起生效")

    await _finished_contract(client, echo=echo, headers_for=headers_for, post=post,
                             item_id=items["home-care"],
                             provider=organization_id("52440704MJM200036E"))
    await _contract_under_way(client, echo=echo, headers_for=headers_for, post=post,
                              item_id=items["correction"],
                              provider=organization_id("52440705MJL600069D"))
    return 2 + len(ITEMS), len(TRANSFERS), 2


async def _advice(client: httpx.AsyncClient, *, echo: Callable[[str], None],
                  headers_for: HeadersFor, post: Post, items: dict[str, str], agency_id: str,
                  expert_id: str) -> None:
    """Two items go to the consulting agency; it gives its opinion on one of them."""
    officer = headers_for(Role.DEPARTMENT, MZJ)
    for key in ("assessment", "publicity"):
        name = next(i.name for i in ITEMS if i.key == key)
        await post(client, f"/catalogue-items/{items[key]}/referral", {"agency_id": agency_id},
                   key=f"demo:item:{key}:referral", step=f"提交咨询 {name}", headers=officer)
        echo(f"目录事项 {name}：已提交咨询服务机构")
    await post(client, f"/catalogue-items/{items['publicity']}/opinion", {
        "recommendation": "委托", "reasons": "社会工作服务机构熟悉社区，入户走访效率更高",
        "expert_ids": [expert_id], "organizations": [],
    }, key="demo:item:publicity:opinion", step="出具咨询意见 困难群众救助政策宣传",
        headers=headers_for(Role.AGENCY, agency_id))
    echo("目录事项 困难群众救助政策宣传：已出具咨询意见（建议委托），待部门决定")


async def _finished_contract(client: httpx.AsyncClient, *, echo: Callable[[str], None],
                             headers_for: HeadersFor, post: Post, item_id: str,
                             provider: str) -> None:
    """居家养老上门服务, 2026: delivered, accepted, paid, reviewed (优) and closed."""
    officer = headers_for(Role.DEPARTMENT, MZJ)
    contract = await _contract_of(client, item_id) or str((await post(
        client, "/purchase-contracts", {
        "item_id": item_id, "organization_id": provider, "method": "公开招标",
        "fiscal_year": 2026, "amount_fen": 48_000_000, "term_start": "2026-01-01",
        "term_end": "2026-10-31", "secured_and_stable": False,
        "milestones": [
            {"name": "上半年上门服务", "due_on": "2026-06-30", "amount_fen": 24_000_000},
            {"name": "下半年上门服务", "due_on": "2026-10-31", "amount_fen": 24_000_000}],
    }, key="demo:contract:home-care", step="签订合同 居家养老上门服务",
        headers=officer))["id"])
    path = f"/purchase-contracts/{contract}"
    shown = await _wait_for(client, path, {REVIEW_DUE, DONE})
    if shown["status"] != DONE:
        await _deliver_accept_pay(client, post, headers_for, path, "home-care", provider,
                                  ("M1", "M2"), paid=("M1",))
        await post(client, f"{path}/review", {
            "scores": {"决策": 19, "过程": 18, "产出": 28, "效益": 27},
            "comment": "服务覆盖全部失能老人，回访满意度 96%"},
            key="demo:contract:home-care:review", step="绩效评价 居家养老上门服务", headers=officer)
        await post(client, f"{path}/payments", {"milestone_id": "M2", "amount_fen": 24_000_000},
                   key="demo:contract:home-care:pay:M2", step="支付尾款 居家养老上门服务",
                   headers=headers_for(Role.FINANCE, FINANCE_SCOPE))
        await _wait_for(client, path, {DONE})
    echo("购买服务合同 居家养老上门服务（2026 年度，480,000.00 元）：已验收、已付清，"
         "绩效评价 92 分（优），已结束")


async def _contract_under_way(client: httpx.AsyncClient, *, echo: Callable[[str], None],
                              headers_for: HeadersFor, post: Post, item_id: str,
                              provider: str) -> None:
    """社区矫正社会工作服务, 2027: the first milestone delivered, accepted and paid."""
    officer = headers_for(Role.DEPARTMENT, PENGJIANG)
    contract = await _contract_of(client, item_id) or str((await post(
        client, "/purchase-contracts", {
        "item_id": item_id, "organization_id": provider, "method": "竞争性磋商",
        "fiscal_year": 2027, "amount_fen": 30_000_000, "term_start": "2027-01-01",
        "term_end": "2027-12-31", "secured_and_stable": False,
        "milestones": [
            {"name": "第一季度个案服务", "due_on": "2027-03-31", "amount_fen": 9_000_000},
            {"name": "全年个案服务", "due_on": "2027-12-31", "amount_fen": 21_000_000}],
    }, key="demo:contract:correction", step="签订合同 社区矫正社会工作服务",
        headers=officer))["id"])
    path = f"/purchase-contracts/{contract}"
    await _wait_for(client, path, {"履行中"})
    await _deliver_accept_pay(client, post, headers_for, path, "correction", provider, ("M1",),
                              paid=("M1",), department=PENGJIANG)
    echo("购买服务合同 社区矫正社会工作服务（2027 年度，300,000.00 元）：第一个履约节点已验收、"
         "已支付 90,000.00 元，履行中")


async def seed_reporting(client: httpx.AsyncClient, *, echo: Callable[[str], None],
                         headers_for: HeadersFor, post: Post) -> int:
    """The committee opens the reports of the quarter that ended last (no quarter named:
    the server decides); 江门市民政局 saves its narrative and submits.  Returns how many
    reports the run opened (or found open), one per department registered at the time."""
    run = await post(client, "/reporting-runs", {}, key="demo:reporting-run",
                     step="开启季度报告", headers=headers_for(Role.COMMITTEE, None))
    report = next((r for r in run["reports"] if r["department"] == MZJ), None)
    if report is None:
        raise CaseSeedError(f"开启{run['quarter_label']}的季度报告后没有部门 {MZJ} 的报告："
                            f"该部门须在开启前登记")
    path = f"/quarterly-reports/{report['report_id']}"
    shown = await _wait_for(client, path, {REPORT_OPEN, REPORT_SUBMITTED}, what="季度报告")
    if shown["status"] != REPORT_SUBMITTED:
        officer = headers_for(Role.DEPARTMENT, MZJ)
        await post(client, f"{path}/narrative", {"narrative": REPORT_NARRATIVE},
                   key="demo:report:narrative", step=f"保存情况说明 {shown['title']}",
                   headers=officer)
        await post(client, f"{path}/submit", {}, key="demo:report:submit",
                   step=f"提交季度报告 {shown['title']}", headers=officer)
        shown = await _wait_for(client, path, {REPORT_SUBMITTED}, what="季度报告")
    reviews = run["acceptance_reviews"]
    opened_reviews = (f"，{Quarter.parse(run['quarter']).year} 年度验收考核已开启 "
                      f"{len(reviews)} 项" if reviews else "")
    echo(f"季度报告 {run['quarter_label']}：已开启 {len(run['reports'])} 份{opened_reviews}，"
         f"{shown['department_name']}的报告已提交")
    return len(run["reports"])


async def _deliver_accept_pay(
    client: httpx.AsyncClient, post: Post, headers_for: HeadersFor, path: str, key: str,
    provider: str, milestones: tuple[str, ...], *, paid: tuple[str, ...],
    department: str = MZJ,
) -> None:
    shown = (await client.get(path)).json()
    amounts = {m["milestone_id"]: (m["amount_fen"], m["status"], m["paid_fen"])
               for m in shown["milestones"]}
    for milestone in milestones:
        amount, status, paid_fen = amounts[milestone]
        if status in ("待交付", "验收未通过"):
            await post(client, f"{path}/milestones/{milestone}/delivery",
                       {"report": "已按约定完成服务，提交服务台账和回访记录"},
                       key=f"demo:contract:{key}:deliver:{milestone}",
                       step=f"报告交付 {milestone}",
                       headers=headers_for(Role.ORGANIZATION, provider))
            status = "已交付，待验收"
        if status == "已交付，待验收":
            await post(client, f"{path}/milestones/{milestone}/acceptance",
                       {"accepted": True, "findings": "服务记录完整，抽查回访满意"},
                       key=f"demo:contract:{key}:accept:{milestone}", step=f"验收 {milestone}",
                       headers=headers_for(Role.DEPARTMENT, department))
        if milestone in paid and paid_fen < amount:
            await post(client, f"{path}/payments", {"milestone_id": milestone,
                                                    "amount_fen": amount - paid_fen},
                       key=f"demo:contract:{key}:pay:{milestone}", step=f"支付 {milestone}",
                       headers=headers_for(Role.FINANCE, FINANCE_SCOPE))


async def _contract_of(client: httpx.AsyncClient, item_id: str) -> str | None:
    """The contract a first run awarded for ``item_id`` (a closed contract's workflow no
    longer answers the award again)."""
    for _ in range(50):
        response = await client.get("/purchase-contracts", params={"item_id": item_id})
        if response.is_success:
            found = response.json()["data"]
            return str(found[0]["id"]) if found else None
        await asyncio.sleep(0.2)
    return None


async def _wait_for(client: httpx.AsyncClient, path: str, statuses: set[str],
                    timeout: float = 30.0, *, what: str = "合同") -> dict[str, Any]:
    """The contract (or report) once the workflow has moved it to one of ``statuses`` and
    its view shows it (timers of dates already past fire at once)."""
    shown: dict[str, Any] = {}
    for _ in range(int(timeout / 0.2)):
        response = await client.get(path)
        if response.is_success:
            shown = response.json()
            if shown["status"] in statuses:
                return shown
        await asyncio.sleep(0.2)
    raise CaseSeedError(f"{what} {path} 未在 {timeout:.0f} 秒内进入{'或'.join(sorted(statuses))}："
                        f"当前为 {shown.get('status', '未知')}")
