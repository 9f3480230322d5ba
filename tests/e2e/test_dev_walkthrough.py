"""The README walk-through on a real `govflow dev`: register, create, publish, read, restart,
read again; and `govflow demo` against it, twice, then what the demo left behind read as its
users read it: the quarterly reports and the city report, the OCDS record, the change feed
and the audit chain."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from api.auth import AuthConfig, issue_token
from domain.actors import Role
from domain.calendar import china_date
from domain.departments import JIANGMEN_DEPARTMENTS
from domain.organizations.organization import SocialOrganization
from domain.reporting.periods import Quarter
from tests.e2e.conftest import E2E_SECRET, DevProcess
from tests.ocds_schema import ocds_schema

pytestmark = pytest.mark.e2e


AUTH = AuthConfig(secret=E2E_SECRET, issuer="govflow", ttl=timedelta(hours=1))


def officer_headers(department: str = "440700-MZJ") -> dict[str, str]:
    token = issue_token(AUTH, role=Role.DEPARTMENT, scope=department, user="li.wei")
    return {"Authorization": f"Bearer {token}"}


def committee_headers() -> dict[str, str]:
    token = issue_token(AUTH, role=Role.COMMITTEE, scope=None, user="zhou.committee")
    return {"Authorization": f"Bearer {token}"}


NEW_ITEM = {
    "name": "居家养老服务",
    "description": "为辖区老年人提供上门照料服务",
    "catalogue_year": 2027,
    "classification": {"level1": "公共服务", "level2": "养老服务", "level3": "居家养老"},
    "nature": "公共服务",
    "provincial_listed": True,
}


def test_dev_created_and_published_item_survives_restart(govflow_dev: DevProcess) -> None:
    govflow_dev.start()
    with httpx.Client(base_url=govflow_dev.base_url, timeout=30) as http:
        unregistered = http.post("/catalogue-items", json=NEW_ITEM, headers=officer_headers())
        assert unregistered.status_code == 422, unregistered.text
        assert unregistered.json()["type"] == "UnknownDepartmentError"
        registered = http.post("/departments", json={"code": "440700-MZJ", "name": "江门市民政局"},
                               headers=committee_headers())
        assert registered.status_code == 201, registered.text

        created = http.post("/catalogue-items", json=NEW_ITEM, headers=officer_headers())
        assert created.status_code == 201, created.text
        item_id = created.json()["id"]

        published = http.post(f"/catalogue-items/{item_id}/publish", headers=officer_headers())
        assert published.status_code == 200, published.text
        after = published.json()["notification_id"]

        shown = http.get(f"/catalogue-items/{item_id}", params={"after": after})
        assert shown.status_code == 200, shown.text
        assert shown.json()["status"] == "publicity"
        assert shown.json()["code"] == "440700-2027-0001"

        listed = http.get("/catalogue-items", params={"department": "440700-MZJ",
                                                      "after": after})
        assert [i["id"] for i in listed.json()["data"]] == [item_id]

        history = http.get(f"/catalogue-items/{item_id}/history", params={"after": after})
        assert [e["event"] for e in history.json()] == ["Drafted", "Published"]

    assert govflow_dev.stop() == 0

    govflow_dev.start()
    with httpx.Client(base_url=govflow_dev.base_url, timeout=30) as http:
        again = http.get(f"/catalogue-items/{item_id}")
        assert again.status_code == 200, again.text
        assert again.json()["status"] == "publicity"
        # The workflow survived too: publishing again is refused by the running workflow.
        twice = http.post(f"/catalogue-items/{item_id}/publish", headers=officer_headers())
        assert twice.status_code == 409, twice.text
        assert twice.json()["type"] == "ItemAlreadyPublishedError"
    assert govflow_dev.stop() == 0


def run_govflow(dev: DevProcess, *args: str) -> subprocess.CompletedProcess[str]:
    """A ``govflow`` command beside the running ``govflow dev``, with its settings."""
    govflow = Path(sys.executable).parent / "govflow"
    return subprocess.run([str(govflow), *args], env=dev.env(),
                          capture_output=True, text=True, timeout=180, check=False)


def run_demo(dev: DevProcess) -> subprocess.CompletedProcess[str]:
    """`govflow demo` as the README says to run it, beside the running `govflow dev`."""
    return run_govflow(dev, "demo", "--url", dev.base_url)


def eventually(read: Callable[[], bool], timeout: float = 15.0) -> None:
    """Wait for a view without ``?after=`` (organizations, evaluations) to show a write."""
    deadline = time.monotonic() + timeout
    while not read():
        assert time.monotonic() < deadline, "the view did not catch up"
        time.sleep(0.2)


def test_demo_run_twice_against_dev_seeds_once(govflow_dev: DevProcess) -> None:
    govflow_dev.start()
    # The server picks the quarter that ended last, as of its own clock.
    quarter = Quarter.ended_before(china_date(datetime.now(UTC)))
    first = run_demo(govflow_dev)
    assert first.returncode == 0, first.stdout + first.stderr
    with httpx.Client(base_url=govflow_dev.base_url, timeout=30) as http:
        marker = http.post("/departments", json={"code": "440784-MZJ", "name": "鹤山市民政局"},
                           headers=committee_headers())
        assert marker.status_code == 201, marker.text
    assert govflow_dev.stop() == 0
    govflow_dev.start()  # the second run meets a restarted system

    again = run_demo(govflow_dev)

    assert again.returncode == 0, again.stdout + again.stderr
    lines = first.stdout.splitlines()
    assert again.stdout.splitlines() == lines
    assert lines[0] == "部门 440700-MZJ 江门市民政局：已登记"
    with httpx.Client(base_url=govflow_dev.base_url, timeout=30) as http:
        # The second run recorded nothing: the next event follows the marker written
        # right after the first run.
        probe = http.post("/departments", json={"code": "440783-MZJ", "name": "开平市民政局"},
                          headers=committee_headers())
        assert probe.status_code == 201, probe.text
        assert probe.json()["notification_id"] == marker.json()["notification_id"] + 1
        after = {"after": probe.json()["notification_id"], "limit": 200}
        departments = http.get("/departments", params=after).json()["data"]
        (agency,) = http.get("/agencies", params=after).json()["data"]
        history = http.get(f"/agencies/{agency['id']}/history", params=after).json()

        association_id = str(SocialOrganization.create_id("51440700MJL1000170"))
        centre_id = str(SocialOrganization.create_id("52440703MJL200025M"))
        eventually(lambda: len(http.get("/organizations").json()["data"]) == 12 and bool(
            http.get(f"/organizations/{association_id}").json()["compliance_verified_on"]))
        organizations = http.get("/organizations").json()["data"]
        association = http.get(f"/organizations/{association_id}").json()
        eventually(lambda: [e["status"] for e in http.get("/grade-evaluations").json()["data"]]
                   == ["评估中"] and len(http.get("/evaluators").json()["data"]) == 1)
        (evaluation,) = http.get("/grade-evaluations").json()["data"]
        (evaluator,) = http.get("/evaluators").json()["data"]
        eventually(lambda: len(http.get("/catalogue-items", params={"limit": 200}).json()[
            "data"]) >= 10)
        stages = {i["status"] for i in http.get(
            "/catalogue-items", params={"limit": 200},
            headers=officer_headers()).json()["data"]}
        marine_id = str(SocialOrganization.create_id("51440700MJL400047T"))
        marine_grades = http.get(f"/organizations/{marine_id}/grades").json()
        tourism = http.get("/organizations/"
                           f"{SocialOrganization.create_id('51440785MJM1000255')}/eligibility")
    assert len(departments) == 16
    assert [d["code"] for d in departments if d["pilot"]] == [
        "440703-CZJ", "440703-MZJ", "440781-CZJ", "440781-MZJ"]
    assert agency["name"] == "江门市政府职能转移咨询委员会"
    assert [e["name"] for e in agency["experts"]] == ["陈明", "林芳", "黄伟"]
    assert [e["event_label"] for e in history] == ["设立咨询服务机构"] + ["聘任专家"] * 3
    assert [o["name"] for o in organizations][:4] == [
        "江门市养老服务协会", "蓬江区社会工作服务中心", "台山市义工联合会", "江门市海洋渔业协会"]
    assert [(g["label"], g["valid_until"]) for g in marine_grades] == [("4A", "2029-12-31")]
    assert tourism.json()["reasons"] == ["行业协会商会须经市社工委核验“五自四无”全部符合后方可承接"]
    assert association["compliance"] == dict.fromkeys(association["compliance"], True)
    assert len(association["compliance"]) == 9
    assert evaluator["name"] == "江门市社会组织评估服务中心"
    assert (evaluation["organization_id"], evaluation["evaluator_id"]) == (
        centre_id, evaluator["id"])
    reviews = f"，{quarter.year} 年度验收考核已开启 14 项" if quarter.number == 4 else ""
    assert lines[-7:] == [
        "职能转移 海洋渔业团体标准制定（转移）：已批准，2027-01-01 起生效",
        "职能转移 养老机构服务质量等级评定（授权）：已批准，2027-01-01 起生效",
        "职能转移 慈善组织年度报告初审（委托）：已批准，2027-01-01 起生效",
        "购买服务合同 居家养老上门服务（2026 年度，480,000.00 元）：已验收、已付清，"
        "绩效评价 92 分（优），已结束",
        "购买服务合同 社区矫正社会工作服务（2027 年度，300,000.00 元）：第一个履约节点已验收、"
        "已支付 90,000.00 元，履行中",
        f"季度报告 {quarter.label}：已开启 14 份{reviews}，江门市民政局的报告已提交",
        "完成：部门 14 个，咨询服务机构 1 个，专家 3 名，社会组织 12 家（其中 11 家已有评估等级），"
        "第三方评估机构 1 家，等级评估 1 项，目录事项 11 项，职能转移 3 项，购买服务合同 2 份，"
        "季度报告 14 份",
    ]
    assert "江门市海洋渔业协会“五自四无”：已核验" in lines
    assert "目录事项 440700-2027-0002 养老服务补贴对象评估：已发布，公示中" in lines
    assert "目录事项 老年人能力综合评估：已提交咨询服务机构" in lines
    assert stages >= {"draft", "publicity", "publicity_closed", "referred", "opinion_given",
                      "decided", "retained"}
    assert "目录事项 困难群众救助政策宣传：已出具咨询意见（建议委托），待部门决定" in lines
    assert f"第三方评估机构 江门市社会组织评估服务中心（{evaluator['id']}）：已登记" in lines

    last_position = probe.json()["notification_id"]
    with httpx.Client(base_url=govflow_dev.base_url, timeout=30) as http:
        check_quarterly_reports(http, quarter, last_position)
        check_city_report(http, quarter, last_position)
        check_feed(http, last_position)
        head = http.get("/audit/head")
        assert head.status_code == 200, head.text
        assert head.json()["position"] == last_position
        contracts = http.get("/purchase-contracts", params={"fiscal_year": 2026,
                                                             "after": last_position})
        assert contracts.status_code == 200, contracts.text
        (contract,) = contracts.json()["data"]
        record = http.get(f"/ocds/records/ocds-govflow-{contract['id']}",
                          params={"after": last_position})
    # The audit chain, walked from the store by the CLI while govflow dev runs (SQLite).
    chain_head = f"{head.json()['position']}:{head.json()['hash']}"
    verified = run_govflow(govflow_dev, "audit", "verify", "--expect-head", chain_head)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith("审计链完整")
    assert verified.stdout.strip().endswith(
        f"链头 位置 {last_position}，sha256 {head.json()['hash']}")
    assert record.status_code == 200, record.text
    (compiled,) = [r["compiledRelease"] for r in record.json()["records"]]
    assert compiled["ocid"] == f"ocds-govflow-{contract['id']}"
    assert [c["status"] for c in compiled["contracts"]] == ["terminated"]
    assert sum(t["value"]["amount"] for t in compiled["contracts"][0]["implementation"][
        "transactions"]) == 480_000
    ocds_schema().check_record_package(record.json())  # last: skips if the schema is absent
    assert govflow_dev.stop() == 0


def check_quarterly_reports(http: httpx.Client, quarter: Quarter, after: int) -> None:
    """Every department the demo registered has its report of ``quarter``; 民政局's is
    submitted and its submission task gone, 蓬江区民政局 still has one to do."""
    listed = http.get("/quarterly-reports", headers=committee_headers(), params={
        "year": quarter.year, "quarter": quarter.number, "limit": 200, "after": after})
    assert listed.status_code == 200, listed.text
    shown = {r["department"]: r for r in listed.json()["data"]}
    assert set(shown) == set(JIANGMEN_DEPARTMENTS)  # not those registered after the run
    mzj = shown.pop("440700-MZJ")
    assert (mzj["status"], mzj["title"], mzj["submitted_on"] is not None, mzj["late"]) == (
        "已提交", f"江门市民政局 {quarter.label}工作报告", True, False)
    assert mzj["narrative"].startswith("本季度")
    assert {r["status"] for r in shown.values()} == {"待提交"}

    def submission_tasks(department: str) -> list[dict[str, Any]]:
        inbox = http.get("/inbox", params={"limit": 200, "after": after},
                         headers=officer_headers(department))
        assert inbox.status_code == 200, inbox.text
        return [e for e in inbox.json()["data"] if e["kind_label"] == "提交季度报告"]

    (task,) = submission_tasks("440703-MZJ")
    assert (task["entity_id"], task["code"], task["overdue"]) == (
        shown["440703-MZJ"]["id"], f"440703-MZJ-{quarter.key}", False)
    assert submission_tasks("440700-MZJ") == []


def check_city_report(http: httpx.Client, quarter: Quarter, after: int) -> None:
    """The city report of ``quarter``: the pilot districts' rows, as JSON and as .xlsx."""
    city = http.get(f"/city-reports/{quarter.key}", params={"after": after},
                    headers=committee_headers())
    assert city.status_code == 200, city.text
    assert city.json()["quarter_label"] == quarter.label
    pilots = {r["region_name"]: r["departments"] for r in city.json()["regions"] if r["pilot"]}
    assert pilots == {"蓬江区": 2, "台山市": 2}
    assert {(d["region_name"], d["department_name"]) for d in city.json()["departments"]
            if d["pilot"]} == {("蓬江区", "蓬江区民政局"), ("蓬江区", "蓬江区财政局"),
                               ("台山市", "台山市民政局"), ("台山市", "台山市财政局")}
    download = http.get(f"/city-reports/{quarter.key}/report.xlsx", headers=committee_headers())
    assert download.status_code == 200, download.text
    (sheet,) = load_workbook(BytesIO(download.content)).worksheets
    assert sheet.title == "全市报告"
    rows = [row[:3] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ("地区", "部门", "是否试点")
    assert {("蓬江区", "蓬江区民政局", "是"), ("台山市", "小计", "是")} <= set(rows)
    assert rows[-1][0] == "全市合计"


def check_feed(http: httpx.Client, last_position: int) -> None:
    """Followed from the start a few entries at a time, the public feed reaches its end
    (the last department registered) with every position once, in order."""
    caught_up = http.get("/feed", params={"after": last_position})  # waits for the view
    assert caught_up.status_code == 200, caught_up.text
    positions: list[int] = []
    entries: list[dict[str, Any]] = []
    cursor = 0
    while True:
        page = http.get("/feed", params={"after": cursor, "limit": 40})
        assert page.status_code == 200, page.text
        if not page.json()["data"]:
            break
        assert page.json()["data"][0]["position"] > cursor  # each page moves on
        entries += page.json()["data"]
        positions += [e["position"] for e in page.json()["data"]]
        cursor = page.json()["next_cursor"]
        assert cursor == positions[-1]
    assert positions == sorted(set(positions))
    assert positions[-1] == last_position
    assert (entries[-1]["entity_type"], entries[-1]["payload"]["code"]) == (
        "department", "440783-MZJ")
    assert {"catalogue_item", "transfer", "purchase_contract"} <= {
        e["entity_type"] for e in entries}
