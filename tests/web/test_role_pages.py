"""The pages of agency experts, evaluators, finance staff and social organizations, over
real views of the disclosure world, as each of them sees them in a browser.

Forms are read from the page and sent as ``static/govflow.js`` sends them (the same JSON
to the same API path, with the sign-in cookie); the views are then brought up to date,
as the projection runners would, and the page the form goes on to shows the result.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from eventsourcing.persistence import Tracking

from domain.actors import SYSTEM_ACTOR, Role
from domain.catalogue.commands import (
    ClosePublicity,
    DraftCatalogueItem,
    PublishCatalogueItem,
    ReferCatalogueItem,
)
from domain.grading.grades import GradeCutoffs
from projections.case_rows import ContractFilter, ContractRow
from projections.catalogue import CatalogueProjection
from projections.contracts import ContractsProjection
from projections.evaluations import EvaluationsProjection
from projections.organization_rows import (
    EvaluationFilter,
    EvaluationRow,
    OrganizationFilter,
    OrganizationRow,
)
from projections.organizations import OrganizationsProjection
from projections.rows import CatalogueFilter
from tests.cases import CENTRE_CODE
from tests.domain.conftest import item_fields
from tests.projections.conftest import MZJ, officer
from tests.web.conftest import Web, page_title, signs_in_first, text_of, unlabelled_controls

SITE = " · 政府职能转移与购买服务"
EVALUATOR_NAME = "江门市社会组织评估中心"
OTHER_EVALUATOR_NAME = "广东省社会组织评估院"
_command_ids = itertools.count(1)


# --- the world's ids ---------------------------------------------------------------------


def agency_id(web: Web) -> str:
    """The agency the world's escalated item was referred to (its experts: 陈明, 林芳)."""
    item = web.disclosure.views[CatalogueProjection].get_item(web.world.escalated)
    assert item is not None and item.agency_id is not None
    return str(item.agency_id)


def other_agency_id(web: Web) -> str:
    item = next(i for i in web.disclosure.views[CatalogueProjection].list_items(
        CatalogueFilter(), cursor=None, limit=200).data
        if i.agency_id is not None and i.agency_id != agency_id(web))
    return str(item.agency_id)


def evaluator_id(web: Web, name: str = EVALUATOR_NAME) -> str:
    evaluators = web.disclosure.views[EvaluationsProjection].list_evaluators(
        cursor=None, limit=100).data
    return str(next(e.id for e in evaluators if e.name == name))


def evaluation(web: Web, where: Callable[[EvaluationRow], bool]) -> EvaluationRow:
    rows = web.disclosure.views[EvaluationsProjection].list_evaluations(
        EvaluationFilter(), cursor=None, limit=100).data
    found: EvaluationRow = next(row for row in rows if where(row))
    return found


def scoring_evaluation(web: Web) -> EvaluationRow:
    """台山市社会工作服务中心's evaluation, assigned to 江门市社会组织评估中心 (评估中)."""
    return evaluation(web, lambda e: e.organization_name == "台山市社会工作服务中心")


def organization(web: Web, where: Callable[[OrganizationRow], bool]) -> OrganizationRow:
    rows = web.disclosure.views[OrganizationsProjection].list_organizations(
        OrganizationFilter(), cursor=None, limit=100).data
    found: OrganizationRow = next(row for row in rows if where(row))
    return found


def graded_centre(web: Web) -> OrganizationRow:
    """蓬江区长者服务中心 (4A), the provider of three contracts."""
    return organization(web, lambda o: o.credit_code == CENTRE_CODE)


def reviewed_centre(web: Web) -> OrganizationRow:
    """The other 蓬江区长者服务中心: a complaint dealt with, a failed inspection, a grade
    downgraded, lapsed and another revoked."""
    return organization(web, lambda o: o.name == "蓬江区长者服务中心"
                        and o.credit_code != CENTRE_CODE)


def contract(web: Web, where: Callable[[ContractRow], bool]) -> ContractRow:
    rows = web.disclosure.views[ContractsProjection].list_contracts(
        ContractFilter(), cursor=None, limit=100).data
    found: ContractRow = next(row for row in rows if where(row))
    return found


# --- forms as govflow.js sends them --------------------------------------------------------


@dataclass
class ApiForm:
    """An API form of a page: where it posts, where it goes next, and its controls."""

    action: str
    method: str
    redirect: str
    testid: str
    controls: list[dict[str, Any]] = field(default_factory=list)

    def names(self) -> list[str]:
        return [c["name"] for c in self.controls if c.get("name")]

    def control(self, name: str) -> dict[str, Any]:
        return next(c for c in self.controls if c.get("name") == name)

    def body(self, values: dict[str, str]) -> dict[str, Any]:
        """The JSON govflow.js builds when the user typed ``values`` (by field name)."""
        body: dict[str, Any] = {}
        for control in self.controls:
            name = control.get("name")
            if not name:
                continue
            kind = control.get("type", "")
            if kind == "radio":
                if values.get(name, "\0") != control.get("value"):
                    continue
                raw = str(control.get("value"))
            else:
                raw = values.get(name, control.get("value") or "")
            value = _typed(raw, control.get("data-type") or "")
            if value is not None:
                _set_path(body, name, value)
        return body


def _typed(raw: str, data_type: str) -> Any:
    if raw == "" and data_type != "bool":
        return None
    if data_type == "int":
        return int(raw.strip()) if re.fullmatch(r"-?\d+", raw.strip()) else raw
    if data_type == "yuan":
        text = re.sub(r"[,\s元]", "", raw)
        return int(Decimal(text) * 100) if re.fullmatch(r"\d+(\.\d{1,2})?", text) else raw
    if data_type == "bool":
        return raw == "true"
    if data_type == "lines":
        return [line.strip() for line in raw.split("\n") if line.strip()]
    if data_type == "json":
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


def _set_path(body: dict[str, Any], name: str, value: Any) -> None:
    *parents, last = name.split(".")
    node = body
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[ApiForm] = []
        self._form: ApiForm | None = None
        self._select: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and "api-form" in a.get("class", "").split():
            self._form = ApiForm(a["data-api-action"], a.get("data-api-method", "POST"),
                                 a.get("data-redirect", ""), a.get("data-testid", ""))
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea"):
            self._form.controls.append({**a, "tag": tag, "value": a.get("value", "")})
        elif self._form is not None and tag == "select":
            self._select = {**a, "tag": tag, "value": "", "options": []}
            self._form.controls.append(self._select)
        elif self._select is not None and tag == "option":
            self._select["options"].append(a.get("value", ""))
            if "selected" in a:
                self._select["value"] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def api_forms(html: str, testid: str | None = None) -> list[ApiForm]:
    parser = _Forms()
    parser.feed(html)
    return [f for f in parser.forms if testid is None or f.testid == testid]


def the_form(html: str, testid: str) -> ApiForm:
    forms = api_forms(html, testid)
    assert len(forms) == 1, f"one {testid} expected, found {len(forms)}"
    return forms[0]


async def send(client: httpx.AsyncClient, form: ApiForm, values: dict[str, str]
               ) -> httpx.Response:
    """Submit ``form`` as govflow.js does: its JSON to its API path, with the cookie."""
    return await client.request(
        form.method, form.action, json=form.body(values),
        headers={"Accept": "application/json, application/problem+json",
                 "Idempotency-Key": str(uuid4())})


def next_page(form: ApiForm, answer: httpx.Response) -> str:
    """Where govflow.js goes after the API accepted the form."""
    accepted = answer.json()
    return re.sub(r"\{(\w+)\}", lambda m: str(accepted[m.group(1)]), form.redirect)


def follow(web: Web) -> None:
    """Bring every view up to the log, as the projection runners do."""
    application = web.disclosure.application
    for projection_class, view in web.disclosure.views.items():
        projection = projection_class(view=view)
        position = view.max_tracking_id(application.name) or 0
        for notification in application.recorder.select_notifications(
                start=position, limit=10_000, inclusive_of_start=False):
            projection.process_event(application.mapper.to_domain_event(notification),
                                     Tracking(application.name, notification.id))


def refused_by_the_domain(response: httpx.Response) -> bool:
    """The API understood the body (no field unknown or mistyped) and said no."""
    return response.status_code >= 400 and \
        response.json().get("type") != "RequestValidationError"


# --- who may open which page ---------------------------------------------------------------


def pages(web: Web) -> dict[str, tuple[Role, str | None, str]]:
    """Each page with a user who works on it, and its title."""
    return {
        "/web/referrals": (Role.AGENCY, agency_id(web), "咨询事项"),
        f"/web/referrals/{web.world.escalated}": (Role.AGENCY, agency_id(web),
                                                  "咨询事项：养老服务质量监测"),
        "/web/evaluations": (Role.EVALUATOR, evaluator_id(web), "等级评估"),
        f"/web/evaluations/{scoring_evaluation(web).id}": (
            Role.EVALUATOR, evaluator_id(web), "等级评估：台山市社会工作服务中心"),
        "/web/budgets": (Role.FINANCE, None, "预算安排"),
        "/web/payments": (Role.FINANCE, None, "待审批支付"),
        "/web/ledger": (Role.FINANCE, None, "合同台账"),
        "/web/organization": (Role.ORGANIZATION, str(graded_centre(web).id),
                              "本组织：蓬江区长者服务中心"),
    }


async def test_visitors_are_sent_to_sign_in_first(web: Web, visitor: httpx.AsyncClient
                                                  ) -> None:
    for url in pages(web):
        response = await visitor.get(url)

        assert signs_in_first(response), url
        assert response.headers["location"] == f"/web/sign-in?next={url}"


async def test_each_page_has_its_title_and_every_control_a_label(web: Web) -> None:
    for url, (role, scope, title) in pages(web).items():
        async with web.client(role, scope) as user:
            page = await user.get(url)

        assert page.status_code == 200, url
        assert page_title(page.text) == title + SITE
        assert unlabelled_controls(page.text) == [], url


@pytest.mark.parametrize(("url", "role", "scope"), [
    ("/web/referrals", Role.FINANCE, None),
    ("/web/referrals/{escalated}", Role.DEPARTMENT, MZJ),
    ("/web/evaluations", Role.AGENCY, "agency"),
    ("/web/evaluations/{evaluation}", Role.DEPARTMENT, MZJ),
    ("/web/evaluations/{evaluation}", Role.FINANCE, None),
    ("/web/budgets", Role.DEPARTMENT, MZJ),
    ("/web/payments", Role.ORGANIZATION, "organization"),
    ("/web/ledger", Role.COMMITTEE, None),
    ("/web/organization", Role.FINANCE, None),
])
async def test_other_roles_are_told_they_may_not_open_the_page(
    web: Web, url: str, role: Role, scope: str | None,
) -> None:
    scopes = {"agency": agency_id(web), "organization": str(graded_centre(web).id)}
    url = url.format(escalated=web.world.escalated,
                     evaluation=scoring_evaluation(web).id)
    async with web.client(role, scopes.get(scope or "", scope)) as user:
        page = await user.get(url)

    assert page.status_code == 403
    assert page_title(page.text) == "无权访问" + SITE
    assert "只对" in text_of(page.text)


# --- the agency's experts ------------------------------------------------------------------


async def test_the_experts_list_shows_the_referred_item_with_its_due_date(web: Web) -> None:
    async with web.client(Role.AGENCY, agency_id(web)) as expert:
        page = await expert.get("/web/referrals")

    row = _row(page.text, "养老服务质量监测")
    assert f'href="/web/referrals/{web.world.escalated}"' in row
    assert "2027年3月27日" in text_of(row) and "江门市民政局" in text_of(row)
    assert "已逾期上报" in text_of(row)


async def test_referrals_due_soon_or_overdue_are_flagged_and_come_first(web: Web) -> None:
    late = _referred_item(web, agency_id(web), name="社区矫正评估服务",
                          due_on=date(2027, 3, 20), remind_on=date(2027, 3, 17))
    soon = _referred_item(web, agency_id(web), name="长者膳食监测服务",
                          due_on=date(2027, 3, 25), remind_on=date(2027, 3, 22))
    async with web.client(Role.AGENCY, agency_id(web)) as expert:
        page = await expert.get("/web/referrals")

    late_row, soon_row = _row(page.text, str(late)), _row(page.text, str(soon))
    assert "2027年3月20日" in late_row and "已逾期" in late_row
    assert "2027年3月25日" in soon_row and "即将到期" in soon_row
    assert page.text.index(str(late)) < page.text.index(str(soon)) < page.text.index(
        str(web.world.escalated))


async def test_another_agency_neither_lists_nor_opens_the_item(web: Web) -> None:
    async with web.client(Role.AGENCY, other_agency_id(web)) as other:
        listed = await other.get("/web/referrals")
        opened = await other.get(f"/web/referrals/{web.world.escalated}")

    assert listed.status_code == 200 and "养老服务质量监测" not in listed.text
    assert opened.status_code == 403
    assert "没有提交贵机构咨询" in text_of(opened.text)


async def test_the_opinion_form_offers_the_agencys_experts_and_the_five_ways(
    web: Web,
) -> None:
    async with web.client(Role.AGENCY, agency_id(web)) as expert:
        page = await expert.get(f"/web/referrals/{web.world.escalated}")

    form = the_form(page.text, "opinion-form")
    assert form.action == f"/catalogue-items/{web.world.escalated}/opinion"
    assert form.redirect == f"/web/referrals/{web.world.escalated}?after={{notification_id}}"
    assert form.control("recommendation")["options"] == ["", "转移", "授权", "委托", "购买服务",
                                                         "保留"]
    ticks = [c for c in form.controls if c.get("type") == "checkbox"]
    assert [c["value"] for c in ticks] == ["expert-1", "expert-2"]
    assert "陈明（expert-1）" in page.text and "林芳（expert-2）" in page.text
    assert form.control("expert_ids")["data-type"] == "json"
    facts = text_of(page.text)
    assert "440700-2027-0011" in facts and "2027年3月4日 至 2027年3月10日" in facts


async def test_an_opinion_sent_from_the_form_is_shown_on_the_items_page(web: Web) -> None:
    item = _referred_item(web, agency_id(web), name="社区康复服务")
    async with web.client(Role.AGENCY, agency_id(web)) as expert:
        listed = await expert.get("/web/referrals")
        form = the_form((await expert.get(f"/web/referrals/{item}")).text, "opinion-form")
        incomplete = await send(expert, form, {"recommendation": "购买服务", "reasons": "x"})
        answer = await send(expert, form, {
            "recommendation": "购买服务", "reasons": "辖区内已有多家社会组织具备承接能力",
            "expert_ids": '["expert-2"]', "organizations": "江门市养老服务协会\n"})
        follow(web)
        after = await expert.get(next_page(form, answer))

    assert "2027年4月6日" in text_of(_row(listed.text, "社区康复服务"))
    assert "社区康复服务" not in (await _as_agency(web, "/web/referrals")).text
    assert incomplete.status_code == 422
    assert [e["field"] for e in incomplete.json()["errors"]] == ["expert_ids"]
    assert answer.status_code == 200, answer.text
    opinion = text_of(after.text)
    assert after.status_code == 200 and api_forms(after.text, "opinion-form") == []
    assert "购买服务" in opinion and "林芳" in opinion and "辖区内已有多家社会组织" in opinion


async def _as_agency(web: Web, url: str) -> httpx.Response:
    async with web.client(Role.AGENCY, agency_id(web)) as expert:
        return await expert.get(url)


def _referred_item(web: Web, agency: str, *, name: str, due_on: date = date(2027, 4, 6),
                   remind_on: date = date(2027, 4, 3)) -> UUID:
    """A published item of 江门市民政局 referred to ``agency`` today (2027-03-22)."""
    app, who = web.disclosure.application, officer(MZJ)
    item = app.draft_catalogue_item(DraftCatalogueItem(
        _command_id(), who, MZJ, item_fields(name=name))).aggregate_id
    app.publish_catalogue_item(PublishCatalogueItem(
        _command_id(), who, item, datetime(2027, 3, 1, 2, tzinfo=UTC), date(2027, 3, 2),
        date(2027, 3, 8)))
    app.close_catalogue_item_publicity(ClosePublicity(_command_id(), SYSTEM_ACTOR, item))
    app.refer_catalogue_item(ReferCatalogueItem(
        _command_id(), who, item, UUID(agency), datetime(2027, 3, 22, 2, tzinfo=UTC),
        due_on, remind_on))
    follow(web)
    return item


def _command_id() -> str:
    return f"web-role-pages:{next(_command_ids)}"


def _row(html: str, containing: str) -> str:
    rows: list[str] = [row for row in re.findall(r"<tr[ >].*?</tr>", html, re.S)
                       if containing in row]
    assert rows, f"no row with {containing}"
    return rows[0]


# --- evaluators ----------------------------------------------------------------------------


async def test_the_evaluator_lists_the_evaluations_assigned_to_it(web: Web) -> None:
    async with web.client(Role.EVALUATOR, evaluator_id(web)) as evaluator:
        mine = await evaluator.get("/web/evaluations")
    async with web.client(Role.EVALUATOR, evaluator_id(web, OTHER_EVALUATOR_NAME)) as other:
        theirs = await other.get("/web/evaluations")

    assigned = _row(mine.text, "台山市社会工作服务中心")
    assert "评估中" in assigned and "待评分" in assigned and "2026年3月1日" in assigned
    confirmed = _row(mine.text, "2031年4月1日")
    assert "780" in confirmed and "3A" in confirmed and "2031年4月7日" in confirmed
    assert "台山市社会工作服务中心" not in theirs.text


async def test_the_score_form_has_a_labelled_input_per_dimension_with_its_maximum(
    web: Web,
) -> None:
    scoring = scoring_evaluation(web)
    async with web.client(Role.EVALUATOR, evaluator_id(web)) as evaluator:
        page = await evaluator.get(f"/web/evaluations/{scoring.id}")

    form = the_form(page.text, "score-form")
    assert form.action == f"/grade-evaluations/{scoring.id}/scores"
    assert form.names() == ["scores.基础条件", "scores.内部治理", "scores.业务活动和诚信建设",
                            "scores.社会评价"]
    assert [(c["data-type"], c["max"]) for c in form.controls] == [
        ("int", "80"), ("int", "370"), ("int", "450"), ("int", "100")]
    for name, most in (("基础条件", 80), ("内部治理", 370), ("业务活动和诚信建设", 450),
                       ("社会评价", 100)):
        assert f'<label for="f-scores.{name}">{name}（满分 {most} 分）' in page.text
    assert unlabelled_controls(page.text) == []
    assert "data-cutoffs='[[5, 900], [4, 800], [3, 700], [2, 600]]'" in page.text


async def test_the_preview_uses_the_cutoffs_of_the_grading_policy(web: Web) -> None:
    scoring = scoring_evaluation(web)
    app = web.disclosure.app
    services = app.state.services
    app.state.services = replace(services, grade_cutoffs=GradeCutoffs(950, 850, 750, 650))
    try:
        async with web.client(Role.EVALUATOR, evaluator_id(web)) as evaluator:
            page = await evaluator.get(f"/web/evaluations/{scoring.id}")
    finally:
        app.state.services = services

    assert "data-cutoffs='[[5, 950], [4, 850], [3, 750], [2, 650]]'" in page.text
    assert "5A ≥ 950 分" in text_of(page.text)


async def test_scores_and_the_appeal_are_shown_to_those_the_api_shows_them(web: Web) -> None:
    appealed = evaluation(web, lambda e: e.appeal_reason == "社会评价偏低")
    url = f"/web/evaluations/{appealed.id}"
    own, other = str(appealed.organization_id), str(graded_centre(web).id)
    seen: dict[str, str] = {}
    for who, role, scope in (("evaluator", Role.EVALUATOR, evaluator_id(web)),
                             ("committee", Role.COMMITTEE, None),
                             ("own", Role.ORGANIZATION, own),
                             ("other", Role.ORGANIZATION, other),
                             ("other evaluator", Role.EVALUATOR,
                              evaluator_id(web, OTHER_EVALUATOR_NAME))):
        async with web.client(role, scope) as user:
            page = await user.get(url)
        assert page.status_code == 200, who
        seen[who] = text_of(page.text)

    for who in ("evaluator", "committee", "own"):
        assert "社会评价偏低" in seen[who] and "复核成立" in seen[who], who
        assert "内部治理 370 330" in seen[who], who
    for who in ("other", "other evaluator"):
        assert "社会评价偏低" not in seen[who] and "各项得分" not in seen[who], who
        assert "810 分" in seen[who] and "4A" in seen[who], who


async def test_an_evaluation_goes_from_assignment_to_a_confirmed_grade_through_the_forms(
    web: Web,
) -> None:
    applied = evaluation(web, lambda e: e.organization_name == "江门市养老服务协会")
    assert applied.status == "待指派评估机构"
    url = f"/web/evaluations/{applied.id}"
    scores = {"scores.基础条件": "50", "scores.内部治理": "350", "scores.工作绩效": "380",
              "scores.社会评价": "90"}
    async with web.client(Role.COMMITTEE) as committee:
        assign = the_form((await committee.get(url)).text, "assign-form")
        assert evaluator_id(web) in assign.control("evaluator_id")["options"]
        assert evaluator_id(web, OTHER_EVALUATOR_NAME) not in assign.control(
            "evaluator_id")["options"]  # affiliated with 江门市养老服务协会
        assigned = await send(committee, assign, {"evaluator_id": evaluator_id(web)})
    follow(web)
    async with web.client(Role.EVALUATOR, evaluator_id(web)) as evaluator:
        score = the_form((await evaluator.get(next_page(assign, assigned))).text, "score-form")
        too_much = await send(evaluator, score, {**scores, "scores.基础条件": "61"})
        scored = await send(evaluator, score, scores)
    follow(web)
    async with web.client(Role.ORGANIZATION, str(applied.organization_id)) as association:
        own = await association.get("/web/organization")
        appeal = the_form(own.text, "appeal-form")
        appealed = await send(association, appeal, {"reason": "工作绩效得分偏低，附服务记录"})
    follow(web)
    async with web.client(Role.EVALUATOR, evaluator_id(web)) as evaluator:
        waiting = await evaluator.get(url)
        answer = the_form(waiting.text, "answer-form")
        answered = await send(evaluator, answer, {
            "upheld": "true", "answer": "经复核，工作绩效调整为 420 分",
            **{name.replace("scores.", "revised_scores."): value
               for name, value in scores.items()}, "revised_scores.工作绩效": "420"})
    follow(web)
    async with web.client(Role.EVALUATOR, evaluator_id(web)) as evaluator:
        done = text_of((await evaluator.get(next_page(answer, answered))).text)
    web.disclosure.app.state.services.grading.close_publicity(applied.id)  # the timer
    follow(web)
    async with web.client(Role.COMMITTEE) as committee:
        confirm = the_form((await committee.get(url)).text, "confirm-form")
        confirmed = await send(committee, confirm, {})
        follow(web)
        final = text_of((await committee.get(next_page(confirm, confirmed))).text)

    assert (assigned.status_code, scored.status_code, appealed.status_code,
            answered.status_code, confirmed.status_code) == (200, 200, 200, 200, 200)
    assert too_much.status_code == 422 and too_much.json()["errors"][0]["field"] == "scores"
    assert "基础条件的得分应在 0 至 60 分之间" in too_much.json()["detail"]
    assert "870 分" not in done and "910 分" in done and "5A" in done
    assert "复核成立" in done and "经复核，工作绩效调整为 420 分" in done
    assert "工作绩效得分偏低，附服务记录" in text_of(waiting.text)
    assert "2027年3月22日 至 2027年3月28日" in text_of(own.text)
    assert unlabelled_controls(waiting.text) == []
    assert appeal.action == f"/grade-evaluations/{applied.id}/appeal"
    assert answer.action == f"/grade-evaluations/{applied.id}/appeal-answer"
    assert (confirm.action, confirm.body({})) == (f"/grade-evaluations/{applied.id}/confirm", {})
    assert "已确认" in final and "确认等级 5A" in final and "2027年3月22日" in final


# --- finance -------------------------------------------------------------------------------


async def test_finance_sees_items_without_a_budget_and_allocates_one_in_yuan(web: Web) -> None:
    async with web.client(Role.FINANCE) as finance:
        page = await finance.get("/web/budgets")
        unbudgeted = _row(page.text, "社区长者助浴服务")
        form = next(f for f in api_forms(page.text, "budget-form")
                    if f.action == f"/catalogue-items/{web.world.published}/budget")
        answer = await send(finance, form, {"amount_fen": "123,456.78"})
        follow(web)
        after = await finance.get(next_page(form, answer))

    assert "未安排" in unbudgeted and "公示中" in unbudgeted
    assert form.control("amount_fen")["data-type"] == "yuan"
    assert form.body({"amount_fen": "123,456.78"}) == {"fiscal_year": 2027,
                                                       "amount_fen": 12_345_678}
    assert answer.status_code == 200, answer.text
    assert "123,456.78 元" in text_of(_row(after.text, "社区长者助浴服务"))
    assert "500,000.00 元" in text_of(_row(after.text, "居家养老服务"))
    assert "社区矫正辅助事务" not in after.text  # retained: no purchase, no budget


async def test_the_payment_list_shows_what_remains_to_pay_in_yuan(web: Web) -> None:
    async with web.client(Role.FINANCE) as finance:
        page = await finance.get("/web/payments")

    row = text_of(_row(page.text, "台山市义工联合会"))
    assert "社区助餐服务" in row and "M1 第一季度服务" in row and "2027年4月1日" in row
    assert re.search(r"100,000\.00 元 0\.00 元 100,000\.00 元", row)
    assert "志愿服务" not in page.text  # terminated, nothing accepted
    assert "长者探访服务" not in page.text  # paid in full


async def test_a_payment_approved_from_the_list_leaves_the_list(web: Web) -> None:
    home_care = contract(web, lambda c: c.item_name == "居家养老服务")
    async with web.client(Role.FINANCE) as finance:
        page = await finance.get("/web/payments")
        form = next(f for f in api_forms(page.text, "payment-form")
                    if f.action == f"/purchase-contracts/{home_care.id}/payments")
        too_much = await send(finance, form, {"amount_fen": "30000.01"})
        answer = await send(finance, form, {})
        follow(web)
        after = await finance.get(next_page(form, answer))

    assert "30,000.00 元" in text_of(_row(page.text, "居家养老服务"))
    assert form.body({}) == {"milestone_id": "M1", "amount_fen": 3_000_000}
    assert too_much.status_code == 409 and "超出履约节点 M1" in too_much.json()["detail"]
    assert answer.status_code == 201, answer.text
    assert "居家养老服务" not in after.text and "台山市义工联合会" in after.text


async def test_the_ledgers_groups_add_up_to_the_total_shown(web: Web) -> None:
    async with web.client(Role.FINANCE) as finance:
        for group_by, label in (("department", "江门市民政局"),
                                ("organization", "台山市义工联合会"),
                                ("fiscal_year", "2028年度")):
            page = await finance.get(f"/web/ledger?group_by={group_by}")
            groups, total = _ledger(page.text)

            assert page.status_code == 200
            assert label in groups
            assert [sum(column) for column in zip(*groups.values(), strict=True)] == total
            assert total[0] == 6  # every contract
    async with web.client(Role.FINANCE) as finance:
        only_2028 = await finance.get("/web/ledger?group_by=fiscal_year&fiscal_year=2028")
        wrong = await finance.get("/web/ledger?fiscal_year=明年")

    groups, total = _ledger(only_2028.text)
    assert list(groups) == ["2028年度"] and total[:2] == [1, 30_000_000]
    assert wrong.status_code == 422 and "预算年度应为 2000–2100 之间的年份" in text_of(wrong.text)


def _ledger(html: str) -> tuple[dict[str, list[int]], list[int]]:
    """The ledger table's groups and its total row: the count of contracts, the amounts
    (read back from 元 to 分) and the overdue milestones; every amount as 1,234.56 元."""
    def numbers(row: str) -> list[int]:
        cells = [text_of(cell).strip()
                 for cell in re.findall(r'<td class="num">(.*?)</td>', row, re.S)]
        assert all(re.fullmatch(r"\d{1,3}(,\d{3})*\.\d\d 元", cell) for cell in cells[1:5]), cells
        return [int(re.sub(r"[^\d]", "", cell)) for cell in cells]

    table = html.split('data-testid="ledger"', 1)[1]
    groups = {text_of(_first(r'<th scope="row">(.*?)</th>', row)).strip(): numbers(row)
              for row in re.findall(r'<tr data-group="(?!total)[^"]*">.*?</tr>', table, re.S)}
    return groups, numbers(_first(r'(<tr data-group="total">.*?</tr>)', table))


def _first(pattern: str, html: str) -> str:
    found = re.search(pattern, html, re.S)
    assert found is not None, pattern
    return found[1]


# --- organizations -------------------------------------------------------------------------


async def test_an_organization_sees_its_own_record(web: Web) -> None:
    centre = reviewed_centre(web)
    async with web.client(Role.ORGANIZATION, str(centre.id)) as user:
        page = await user.get("/web/organization")

    shown = text_of(page.text)
    assert page.status_code == 200
    assert centre.credit_code in shown and "2020年5月8日" in shown
    assert "服务态度差 2025年3月1日 已约谈整改 2025年3月10日" in shown
    assert "2026 不合格" in shown and "已撤销" in shown and "已到期" in shown
    assert "2031年4月1日 至 2031年4月7日" in shown


async def test_an_organization_may_not_open_another_ones_page(web: Web) -> None:
    mine, theirs = graded_centre(web), reviewed_centre(web)
    async with web.client(Role.ORGANIZATION, str(mine.id)) as user:
        other = await user.get(f"/web/organization/{theirs.id}")
        own = await user.get(f"/web/organization/{mine.id}")

    assert other.status_code == 403 and "只能查看本组织的页面" in text_of(other.text)
    assert theirs.credit_code not in other.text
    assert own.status_code == 303 and own.headers["location"] == "/web/organization"


async def test_a_flagged_and_penalized_organization_sees_both(web: Web) -> None:
    social = organization(web, lambda o: o.name == "台山市社会工作服务中心")
    async with web.client(Role.ORGANIZATION, str(social.id)) as user:
        page = await user.get("/web/organization")

    shown = text_of(page.text)
    assert "台民罚〔2025〕1号" in shown and "2025年4月1日" in shown
    assert "评估中" in shown
    assert api_forms(page.text, "apply-form") == []  # an evaluation is open


async def test_an_organization_applies_for_an_evaluation_from_its_page(web: Web) -> None:
    centre = reviewed_centre(web)
    async with web.client(Role.ORGANIZATION, str(centre.id)) as user:
        form = the_form((await user.get("/web/organization")).text, "apply-form")
        answer = await send(user, form, {})
        follow(web)
        after = await user.get(next_page(form, answer))

    assert (form.action, form.body({})) == ("/grade-evaluations", {})
    assert answer.status_code == 201, answer.text
    assert "待指派评估机构" in text_of(after.text)
    assert api_forms(after.text, "apply-form") == []


async def test_the_provider_reports_a_milestone_delivered_from_its_page(web: Web) -> None:
    centre = graded_centre(web)
    meals = contract(web, lambda c: c.provider_id == centre.id and c.fiscal_year == 2028)
    async with web.client(Role.ORGANIZATION, str(centre.id)) as user:
        page = await user.get("/web/organization")
        forms = api_forms(page.text, "delivery-form")
        first = next(f for f in forms
                     if f.action == f"/purchase-contracts/{meals.id}/milestones/M1/delivery")
        answer = await send(user, first, {"report": "已完成第一季度助餐服务 3,000 人次"})
        follow(web)
        after = await user.get(next_page(first, answer))

    closed = contract(web, lambda c: c.provider_id == centre.id and c.status == "已结束")
    assert unlabelled_controls(page.text) == []
    assert all(str(closed.id) not in f.action for f in forms)
    assert answer.status_code == 200, answer.text
    section = after.text.split(f'data-contract="{meals.id}"', 1)[1].split("</section>", 1)[0]
    assert "已交付，待验收" in text_of(section)
    assert all(f.action != first.action for f in api_forms(after.text, "delivery-form"))

