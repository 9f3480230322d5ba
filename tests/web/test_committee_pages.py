"""The committee's pages (市社工委): registries, approvals, escalations, reports with charts and
the year-end acceptance reviews — what the committee sees and where its forms post.

The disclosure world has transfers, evaluations, contracts and reviews; this module adds
what waits on the committee besides (a retention to review, a flagged staffing request,
an escalated appeal, an overdue quarterly report and the year's acceptance reviews) and
rebuilds the views."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any, cast
from uuid import UUID

import httpx
import pytest

from domain.actors import SYSTEM_ACTOR, Role
from domain.catalogue.commands import (
    ClosePublicity,
    DecideCatalogueItem,
    DraftCatalogueItem,
    GiveOpinion,
    PublishCatalogueItem,
    ReferCatalogueItem,
)
from domain.reporting.acceptance import TaskScore
from domain.reporting.commands import (
    EscalateQuarterlyReport,
    OpenAcceptanceReview,
    OpenQuarterlyReport,
    ScoreAcceptanceReview,
)
from domain.reporting.periods import Quarter
from domain.transfer.commands import RequestStaffing
from projections.case_rows import ContractFilter, TransferFilter
from projections.contracts import ContractsProjection
from projections.evaluations import EvaluationsProjection
from projections.organization_rows import EvaluationFilter, OrganizationFilter
from projections.organizations import OrganizationsProjection
from projections.rebuild import rebuild
from projections.reporting import ReportingProjection
from projections.transfers import TransfersProjection
from tests.cases import Cases, officer
from tests.domain.conftest import item_fields
from tests.projections.conftest import COMMITTEE, Store
from tests.projections.test_organization_views import SCORES_780, GradingDesk
from tests.web.conftest import Web, page_title, signs_in_first, text_of, unlabelled_controls

MZJ, PJ_MZJ = "440700-MZJ", "440703-MZJ"
RETAINED_NAME = "社区戒毒康复指导"
JUSTIFICATION = "涉及强制隔离戒毒衔接，须由政府承担"
ESCALATED_REPORT_DUE = date(2027, 1, 16)
PAGES = ("/web/registries", "/web/approvals", "/web/escalations", "/web/committee/reports",
         "/web/acceptance-reviews")


@dataclass(frozen=True)
class Committee:
    """The world, and what this module added that waits on the committee."""

    web: Web
    retention: UUID
    staffing: UUID
    appeal: UUID
    report: UUID
    review: UUID
    scored_review: UUID

    def views(self, projection_class: type[Any]) -> Any:
        return self.web.disclosure.views[projection_class]

    def client(self, role: Role | None = Role.COMMITTEE,
               scope: str | None = None) -> httpx.AsyncClient:
        return self.web.client(role, scope)


class _Desk(GradingDesk):
    """The grading desk with command ids of its own (the world's desk used the others)."""

    def _id(self) -> str:
        self._commands += 1
        return f"committee-pages:grading:{self._commands}"


@pytest.fixture(scope="module")
def committee(web: Web) -> Committee:
    app = web.disclosure.application
    cases = Cases(app, prefix="committee-pages")
    retention = _retention_awaiting_review(cases)
    staffing = _flagged_staffing_request(web, cases)
    appeal = _escalated_appeal(web)
    report = app.open_quarterly_report(OpenQuarterlyReport(
        cases.command_id(), SYSTEM_ACTOR, MZJ, Quarter(2026, 4), date(2027, 1, 1),
        15)).aggregate_id
    app.escalate_quarterly_report(EscalateQuarterlyReport(
        cases.command_id(), SYSTEM_ACTOR, report, date(2027, 1, 20)))
    review = app.open_acceptance_review(OpenAcceptanceReview(
        cases.command_id(), SYSTEM_ACTOR, MZJ, 2026, date(2027, 1, 1))).aggregate_id
    scored = app.open_acceptance_review(OpenAcceptanceReview(
        cases.command_id(), SYSTEM_ACTOR, PJ_MZJ, 2026, date(2027, 1, 1))).aggregate_id
    app.score_acceptance_review(ScoreAcceptanceReview(
        cases.command_id(), COMMITTEE, scored,
        (TaskScore("目录编制", 92, "目录完整、按期公示"),
         TaskScore("购买服务", 85, "合同公开及时")),
        date(2027, 1, 20)))
    for projection_class, view in web.disclosure.views.items():
        rebuild(projection_class=projection_class, view=view, application=app)
    return Committee(web, retention, staffing, appeal, report, review, scored)


def _retention_awaiting_review(cases: Cases) -> UUID:
    """A provincially listed item its department decided to retain, with a justification."""
    app, who, agency = cases.app, officer(MZJ), cases.agency()
    item = app.draft_catalogue_item(DraftCatalogueItem(
        command_id=cases.command_id(), actor=who, department=MZJ,
        fields=item_fields(name=RETAINED_NAME))).aggregate_id
    app.publish_catalogue_item(PublishCatalogueItem(
        command_id=cases.command_id(), actor=who, item_id=item,
        published_at=datetime(2027, 2, 1, 2, tzinfo=UTC),
        publicity_starts_on=date(2027, 2, 2), publicity_ends_on=date(2027, 2, 8)))
    app.close_catalogue_item_publicity(ClosePublicity(
        command_id=cases.command_id(), actor=SYSTEM_ACTOR, item_id=item))
    app.refer_catalogue_item(ReferCatalogueItem(
        command_id=cases.command_id(), actor=who, item_id=item,
        agency_id=UUID(str(agency.scope)), referred_at=datetime(2027, 2, 9, 2, tzinfo=UTC),
        due_on=date(2027, 2, 24), remind_on=date(2027, 2, 21)))
    app.give_catalogue_item_opinion(GiveOpinion(
        command_id=cases.command_id(), actor=agency, item_id=item, recommendation="保留",
        reasons="涉及执法", expert_ids=(cases.expert_id,), organizations=(),
        given_at=datetime(2027, 2, 20, 2, tzinfo=UTC)))
    app.decide_catalogue_item(DecideCatalogueItem(
        command_id=cases.command_id(), actor=who, item_id=item, mode="保留",
        justification=JUSTIFICATION))
    return item


def _flagged_staffing_request(web: Web, cases: Cases) -> UUID:
    """A request for staffing where an eligible organization already provides the service."""
    contracts = web.disclosure.views[ContractsProjection].list_contracts(
        ContractFilter(status="履行中"), cursor=None, limit=50).data
    live = next(c for c in contracts if c.provider_name == "台山市义工联合会")
    return cases.app.request_staffing(RequestStaffing(
        cases.command_id(), officer(live.department), live.item_id, "增加编制",
        "服务对象增加", 2, date(2027, 3, 20))).aggregate_id


def _escalated_appeal(web: Web) -> UUID:
    """The evaluation being scored, scored, appealed and the appeal escalated."""
    desk = _Desk(cast(Store, SimpleNamespace(app=web.disclosure.application)))
    evaluation = next(e for e in web.disclosure.views[EvaluationsProjection].list_evaluations(
        EvaluationFilter(status="评估中"), cursor=None, limit=50).data)
    desk.score(evaluation.id, SCORES_780, starts_on=date(2027, 3, 1))
    desk.appeal(evaluation.id, filed_on=date(2027, 3, 3), answer_due_on=date(2027, 3, 18))
    desk.escalate(evaluation.id)
    evaluation_id: UUID = evaluation.id
    return evaluation_id


async def page(committee: Committee, url: str) -> str:
    async with committee.client() as client:
        response = await client.get(url)
    assert response.status_code == 200, response.text[:500]
    return response.text


def form(html: str, action: str) -> str:
    """The API form posting to ``action`` (its markup up to </form>)."""
    match = re.search(rf'<form class="api-form" data-api-action="{re.escape(action)}".*?</form>',
                      html, re.S)
    assert match is not None, f"no form posting to {action}"
    return match.group(0)


def names_in(markup: str) -> list[str]:
    return re.findall(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"', markup)


# --- who may open them ----------------------------------------------------------------------


@pytest.mark.parametrize("url", PAGES)
async def test_a_visitor_is_sent_to_sign_in_before_a_committee_page(
    committee: Committee, url: str,
) -> None:
    async with committee.client(None) as visitor:
        response = await visitor.get(url)

    assert signs_in_first(response)
    assert response.headers["location"] == f"/web/sign-in?next={url}"


@pytest.mark.parametrize(("role", "scope"), [
    (Role.DEPARTMENT, MZJ), (Role.FINANCE, None), (Role.EVALUATOR, str(UUID(int=1))),
    (Role.ORGANIZATION, str(UUID(int=2)))])
@pytest.mark.parametrize("url", PAGES)
async def test_another_role_is_refused_a_committee_page(
    committee: Committee, role: Role, scope: str | None, url: str,
) -> None:
    async with committee.client(role, scope) as other:
        response = await other.get(url)

    assert response.status_code == 403
    assert "此页面供市社工委使用" in text_of(response.text)


@pytest.mark.parametrize("url", PAGES)
async def test_every_committee_page_has_its_title_and_labels_every_control(
    committee: Committee, url: str,
) -> None:
    html = await page(committee, url)

    assert page_title(html).endswith(" · 政府职能转移与购买服务")
    assert unlabelled_controls(html) == []
    assert 'aria-current="page"' in html


async def test_acceptance_review_pages_have_titles_and_labelled_scoring_rows(
    committee: Committee,
) -> None:
    html = await page(committee, f"/web/acceptance-reviews/{committee.review}")

    assert page_title(html) == "江门市民政局 2026年度验收考核 · 政府职能转移与购买服务"
    assert unlabelled_controls(html) == []


# --- registries -----------------------------------------------------------------------------


async def test_registries_list_departments_agencies_evaluators_and_organizations(
    committee: Committee,
) -> None:
    html = await page(committee, "/web/registries")
    text = text_of(html)

    assert "440700-MZJ" in text and "江门市民政局" in text and "试点" in text
    assert "江门市公共服务咨询中心" in text and "陈明" in text
    assert "广东省社会组织评估院" in text and "江门市养老服务协会" in text
    graded = next(o for o in committee.views(OrganizationsProjection).list_organizations(
        OrganizationFilter(), cursor=None, limit=50).data if o.grade_level)
    assert f'<a href="/web/public/organizations/{graded.id}">{graded.name}</a>' in html
    assert f"{graded.grade_level}A" in text


async def test_registry_forms_post_to_the_registration_routes_with_their_fields(
    committee: Committee,
) -> None:
    html = await page(committee, "/web/registries")
    agency = re.search(r'data-api-action="/agencies/([0-9a-f-]{36})/experts"', html)

    assert names_in(form(html, "/departments")) == ["code", "name"]
    assert names_in(form(html, "/agencies")) == ["name", "mandate"]
    assert agency is not None
    assert names_in(form(html, f"/agencies/{agency.group(1)}/experts")) == [
        "name", "affiliations"]
    assert names_in(form(html, "/evaluators")) == ["name", "contact"]
    assert names_in(form(html, "/organizations")) == [
        "credit_code", "name", "category", "kind", "industry", "region_code", "registered_on",
        "full_time_staff"]
    assert 'name="full_time_staff" type="number"' in html and 'data-type="int"' in html


async def test_a_department_registered_with_the_forms_fields_is_accepted(
    committee: Committee,
) -> None:
    async with committee.client() as client:
        response = await client.post("/departments", json={
            "code": "440781-MZJ", "name": "台山市民政局"})

    assert response.status_code == 201, response.text


# --- approvals --------------------------------------------------------------------------------


async def test_approvals_list_the_proposed_transfer_with_its_approve_and_reject_forms(
    committee: Committee,
) -> None:
    proposed = committee.views(TransfersProjection).list_transfers(
        TransferFilter(status="待审批"), cursor=None, limit=10).data
    html = await page(committee, "/web/approvals")

    assert len(proposed) == 1
    transfer = proposed[0]
    assert "职能转移待审批（1）" in text_of(html)
    assert f"{transfer.item_name}（授权给{transfer.organization_name}）" in text_of(html)
    approve = form(html, f"/transfers/{transfer.id}/approval")
    assert 'data-api-method="POST"' in approve and ">批准</button>" in approve
    assert 'data-redirect="/web/approvals?after={notification_id}"' in approve
    assert names_in(form(html, f"/transfers/{transfer.id}/rejection")) == ["reason"]


async def test_approvals_offer_the_staffing_decision_and_the_retention_review(
    committee: Committee,
) -> None:
    html = await page(committee, "/web/approvals")
    text = text_of(html)

    staffing = form(html, f"/staffing-requests/{committee.staffing}/decision")
    assert names_in(staffing) == ["justified", "justification"]
    assert 'name="justified" required aria-describedby' in staffing
    assert 'data-type="bool"' in staffing and "台山市义工联合会" in text
    retention = form(html, f"/catalogue-items/{committee.retention}/retention-review")
    assert names_in(retention) == ["approved", "comment"] and 'data-type="bool"' in retention
    assert RETAINED_NAME in text and JUSTIFICATION in text


async def test_assigning_an_evaluator_offers_only_those_not_affiliated_with_the_organization(
    committee: Committee,
) -> None:
    waiting = committee.views(EvaluationsProjection).list_evaluations(
        EvaluationFilter(status="待指派评估机构"), cursor=None, limit=10).data
    html = await page(committee, "/web/approvals")

    assign = form(html, f"/grade-evaluations/{waiting[0].id}/evaluator")
    assert names_in(assign) == ["evaluator_id"]
    assert "江门市社会组织评估中心" in assign
    assert "广东省社会组织评估院" not in assign  # affiliated with 江门市养老服务协会


async def test_approvals_link_the_acceptance_review_awaiting_its_score(
    committee: Committee,
) -> None:
    html = await page(committee, "/web/approvals")

    assert f'href="/web/acceptance-reviews/{committee.review}"' in html
    assert f'href="/web/acceptance-reviews/{committee.scored_review}"' not in html


# --- escalations ----------------------------------------------------------------------------


async def test_escalations_show_each_with_its_due_date_and_its_page(
    committee: Committee,
) -> None:
    html = await page(committee, "/web/escalations")
    text = text_of(html)
    world = committee.web.world

    assert "咨询意见逾期（已上报）（1）" in text and "复核答复逾期（已上报）（1）" in text
    assert "督办逾期季度报告（1）" in text
    assert f'href="/web/catalogue/{world.escalated}"' in html and "2027年3月27日" in text
    assert f'href="/web/evaluations/{committee.appeal}"' in html and "2027年3月18日" in text
    assert f'href="/web/reports/{committee.report}"' in html and "2027年1月16日" in text
    assert text.count("已逾期") >= 2  # the appeal's answer and the report are overdue
    extension = form(html, f"/catalogue-items/{world.escalated}/referral/extension")
    assert names_in(extension) == ["due_on", "reason"]


async def test_an_escalated_appeal_is_answered_by_the_committee_with_revised_scores(
    committee: Committee,
) -> None:
    html = await page(committee, "/web/escalations")

    answer = form(html, f"/grade-evaluations/{committee.appeal}/appeal-answer")
    assert names_in(answer) == ["upheld", "answer", *(
        f"revised_scores.{name}" for name in SCORES_780)]
    assert answer.count('data-type="int"') == len(SCORES_780)
    assert "社会评价偏低" in text_of(html)


# --- reports ---------------------------------------------------------------------------------


def chart_data(html: str, chart: str) -> dict[str, Any]:
    match = re.search(rf'<script type="application/json" id="{chart}-data">(.*?)</script>',
                      html, re.S)
    assert match is not None
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def table_values(html: str, testid: str, key: str) -> dict[str, int]:
    """``data-<key>`` of each row of a table → its first ``data-value``."""
    table = re.search(rf'data-testid="{testid}".*?</table>', html, re.S)
    assert table is not None
    return {k: int(v) for k, v in re.findall(
        rf'<tr data-{key}="([^"]+)">.*?data-value="(-?\d+)"', table.group(0), re.S)}


async def test_reports_draw_three_charts_each_with_its_data_table(committee: Committee) -> None:
    html = await page(committee, "/web/committee/reports")

    charts = re.findall(r'<div class="chart" role="img" data-chart="([\w-]+)" aria-label="[^"]+">',
                        html)
    assert charts == ["chart-grades", "chart-contracts", "chart-reviews"]
    assert '<script src="/web/static/vendor/echarts.min.js"></script>' in html
    for testid in ("grades-table", "contracts-table", "reviews-table"):
        assert f'data-testid="{testid}"' in html


async def test_the_grades_chart_counts_organizations_as_the_reader_does(
    committee: Committee,
) -> None:
    rows = committee.views(OrganizationsProjection).list_organizations(
        OrganizationFilter(), cursor=None, limit=200).data
    counted = Counter(f"{o.grade_level}A" if o.grade_level else "无等级" for o in rows)
    html = await page(committee, "/web/committee/reports")

    shown = table_values(html, "grades-table", "grade")
    data = chart_data(html, "chart-grades")
    assert shown == {label: counted.get(label, 0)
                     for label in ("1A", "2A", "3A", "4A", "5A", "无等级")}
    assert dict(zip(data["categories"], data["series"][0]["data"], strict=True)) == shown
    assert shown["4A"] == 2 and sum(shown.values()) == len(rows)


async def test_the_contracts_chart_sums_amounts_per_department_and_quarter(
    committee: Committee,
) -> None:
    contracts = committee.views(ContractsProjection).list_contracts(
        ContractFilter(), cursor=None, limit=200).data
    expected: Counter[tuple[str, str]] = Counter()
    for contract in contracts:
        expected[(contract.department, Quarter.of(contract.awarded_on).key)] += \
            contract.amount_fen
    html = await page(committee, "/web/committee/reports")

    table = re.search(r'data-testid="contracts-table".*?</table>', html, re.S)
    assert table is not None
    shown = {(d, q): int(fen) for d, q, fen in re.findall(
        r'<tr data-department="([^"]+)" data-quarter="([^"]+)">.*?data-fen="(\d+)"',
        table.group(0), re.S)}
    assert shown == dict(expected)
    assert "900,000.00 元" in text_of(table.group(0))  # 江门市民政局, 2026年第4季度
    data = chart_data(html, "chart-contracts")
    assert sum(sum(s["data"]) for s in data["series"]) * 100 == sum(expected.values())


async def test_the_reviews_chart_counts_performance_ratings(committee: Committee) -> None:
    reviews = committee.views(ContractsProjection).reviews(
        provider_id=None, department=None, contract_id=None, cursor=None, limit=200).data
    html = await page(committee, "/web/committee/reports")

    shown = table_values(html, "reviews-table", "rating")
    assert shown == {r: sum(1 for v in reviews if v.rating == r) for r in ("优", "良", "中", "差")}
    assert shown["差"] == 1
    assert chart_data(html, "chart-reviews")["series"][0]["data"] == list(shown.values())


def city_rows(html: str) -> dict[str, list[dict[str, int]]]:
    """The city report's rows by kind (department, region, total): figure key → value."""
    table = re.search(r'data-testid="city-report".*?</table>', html, re.S)
    assert table is not None
    rows: dict[str, list[dict[str, int]]] = {"department": [], "region": [], "total": []}
    for kind, cells in re.findall(r'<tr data-row="(\w+)"(.*?)</tr>', table.group(0), re.S):
        rows[kind].append({k: int(v) for k, v in re.findall(
            r'data-key="(\w+)" data-value="(-?\d+)"', cells)})
    return rows


async def test_the_city_report_of_the_last_quarter_adds_up_to_its_total(
    committee: Committee,
) -> None:
    report = committee.views(ReportingProjection).city_report(Quarter(2026, 4))
    html = await page(committee, "/web/committee/reports")
    rows = city_rows(html)

    assert "全市季度报告：2026年第4季度" in text_of(html)
    (total,) = rows["total"]
    assert total == report.total and total["contracts_awarded"] == 6
    for key, value in total.items():
        assert sum(row[key] for row in rows["department"]) == value
        assert sum(row[key] for row in rows["region"]) == value
    assert "1,570,000.00" in text_of(html)  # 合同金额, in yuan
    assert {"蓬江区", "台山市"} <= {r.region_name for r in report.regions if r.pilot}
    assert "台山市" in text_of(html) and "试点" in text_of(html)
    assert 'href="/city-reports/2026Q4/report.xlsx"' in html


async def test_the_city_report_of_a_chosen_quarter_and_a_quarter_mistyped(
    committee: Committee,
) -> None:
    chosen = await page(committee, "/web/committee/reports?quarter=2027Q1")
    mistyped = await page(committee, "/web/committee/reports?quarter=2027-1")

    assert "全市季度报告：2027年第1季度" in text_of(chosen)
    assert 'href="/city-reports/2027Q1/report.xlsx"' in chosen
    assert "季度「2027-1」的格式不对" in text_of(mistyped)
    assert "全市季度报告：2026年第4季度" in text_of(mistyped)


async def test_a_quarters_reports_are_opened_through_the_reporting_runs_route(
    committee: Committee,
) -> None:
    html = await page(committee, "/web/committee/reports")

    run = form(html, "/reporting-runs")
    assert names_in(run) == ["quarter"] and 'value="2026Q4"' in run
    assert 'data-redirect="/web/committee/reports?quarter={quarter}&amp;after=' in run


# --- acceptance reviews ----------------------------------------------------------------------


async def test_acceptance_reviews_list_the_departments_reviews_with_their_conclusions(
    committee: Committee,
) -> None:
    html = await page(committee, "/web/acceptance-reviews")
    text = text_of(html)

    assert f'href="/web/acceptance-reviews/{committee.review}"' in html
    assert f'href="/web/acceptance-reviews/{committee.scored_review}"' in html
    assert "待评分" in text and "良好" in text and "89" in text  # (92 + 85) / 2, half up


async def test_a_review_awaiting_its_score_offers_task_rows_and_a_button_for_more(
    committee: Committee,
) -> None:
    html = await page(committee, f"/web/acceptance-reviews/{committee.review}")

    scoring = form(html, f"/acceptance-reviews/{committee.review}/score")
    assert names_in(scoring) == ["tasks.0.task", "tasks.0.score", "tasks.0.findings"]
    assert re.search(r'name="tasks\.0\.score" type="number"[^>]*data-type="int"', scoring)
    assert "data-add-task" in scoring and "添加一项任务" in scoring
    assert '<template id="task-row-template">' in html and 'name="tasks.__i__.task"' in html


async def test_a_scored_review_shows_its_tasks_and_conclusion_without_a_form(
    committee: Committee,
) -> None:
    html = await page(committee, f"/web/acceptance-reviews/{committee.scored_review}")
    text = text_of(html)

    assert "目录编制" in text and "目录完整、按期公示" in text and "良好" in text
    assert "/score" not in html


async def test_an_unknown_acceptance_review_is_not_found(committee: Committee) -> None:
    async with committee.client() as client:
        response = await client.get(f"/web/acceptance-reviews/{UUID(int=5)}")

    assert response.status_code == 404
    assert "没有编号为" in text_of(response.text)
