"""The department officer's pages: the catalogue, the item page with its pipeline and
forms, the draft form, the import, transfers, contracts and quarterly reports.

Over the disclosure world (drafts of 440700-MZJ, published and decided items, transfers,
contracts) with a little more written for the forms: an item whose publicity is over, one
with an opinion, a delivered milestone and this quarter's reports.  Each form is read from
the page and its body built as ``govflow.js`` builds it, then posted to the API it names
with the officer's cookie: the API must accept what the page sends.
"""

from __future__ import annotations

import dataclasses
import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from openpyxl import Workbook

from api.web.formats import yuan, zh_date
from domain.actors import SYSTEM_ACTOR, Actor, Role
from domain.calendar import china_date
from domain.purchase.commands import ReportDelivery
from domain.reporting.commands import OpenQuarterlyReport
from domain.reporting.figures import FIGURES
from domain.reporting.periods import Quarter
from projections.case_rows import ContractFilter, TransferFilter
from projections.catalogue import CatalogueProjection
from projections.contracts import ContractsProjection
from projections.readers import CatalogueReader
from projections.rebuild import rebuild
from projections.reporting import ReportingProjection
from projections.rows import ALL_DRAFTS, CatalogueFilter, CatalogueItemRow
from projections.transfers import TransfersProjection
from tests.api.import_fakes import FakeCatalogueImporter
from tests.api.report_fakes import FakeReportingCommands
from tests.projections.conftest import Store
from tests.restricted_world import DRAFT_NAME, PUBLISHED_NAME
from tests.web.conftest import Web, page_title, signs_in_first, text_of, unlabelled_controls

MZJ = "440700-MZJ"
CZJ = "440700-CZJ"
CLOSED_NAME = "社区心理关爱服务"
OPINION_NAME = "社区养老顾问服务"
SPARE_DRAFT_NAME = "长者饭堂运营指导"


# --- the world, and a little more ---------------------------------------------------------


@dataclass(frozen=True)
class Desk:
    """What the department's tests act on, by id."""

    web: Web
    closed: UUID
    """Publicity over: ready to be referred."""
    opinion: UUID
    """Referred, with the agency's opinion (转移): ready to be decided."""
    spare_draft: UUID
    entrusted: UUID
    """Decided 委托, no transfer proposed yet."""
    purchased: UUID
    """居家养老服务: decided 购买服务, 500,000.00 元 budget, one 300,000.00 元 contract."""
    delivered_contract: UUID
    """Its M1 delivered, waiting for the department's acceptance."""
    overdue_contract: UUID
    """居家养老服务's contract: M2 overdue."""
    review_due_contract: UUID
    """The term is over: the performance review is due."""
    mzj_report: UUID
    czj_report: UUID
    quarter: Quarter
    volunteers: UUID
    """台山市义工联合会 (4A, no bar)."""


def _rows(web: Web) -> list[CatalogueItemRow]:
    catalogue: CatalogueReader = web.disclosure.views[CatalogueProjection]
    return catalogue.list_items(CatalogueFilter(drafts_visible_to=ALL_DRAFTS), cursor=None,
                                limit=500).data


def _named(rows: list[CatalogueItemRow], name: str) -> UUID:
    return next(r.id for r in rows if r.name == name and r.department == MZJ)


@pytest.fixture(scope="module")
def desk(web: Web) -> Iterator[Desk]:
    disclosure = web.disclosure
    app = disclosure.application
    views = disclosure.views
    store = Store(env={}, uses_postgres=False, app=app, _commands=900_000)
    agencies = disclosure.app.state.services.agencies.list_agencies(cursor=None, limit=50).data
    agency_id = next(a.agency.id for a in agencies if a.agency.name == "江门市公共服务咨询中心")
    agency = Actor(user="agency.officer", role=Role.AGENCY, scope=str(agency_id))
    closed = store.published_item(name=CLOSED_NAME)
    opinion = store.published_item(name=OPINION_NAME)
    store.refer(opinion, agency)
    store.give_opinion(opinion, agency, recommendation="转移", experts=("expert-1",))
    spare = store.draft(name=SPARE_DRAFT_NAME).aggregate_id

    contracts = views[ContractsProjection].list_contracts(
        ContractFilter(department=MZJ), cursor=None, limit=50).data
    delivered = next(c for c in contracts if c.fiscal_year == 2028)
    app.report_delivery(ReportDelivery(
        "web-desk:deliver", Actor(user="hu.provider", role=Role.ORGANIZATION,
                                  scope=str(delivered.provider_id)),
        delivered.id, "M1", "已完成第一季度助餐服务", datetime(2028, 3, 30).date()))
    quarter = Quarter.of(china_date(datetime.now(UTC)))
    reports = {department: app.open_quarterly_report(OpenQuarterlyReport(
        f"web-desk:report:{department}", SYSTEM_ACTOR, department, quarter,
        china_date(datetime.now(UTC)), 15)).aggregate_id for department in (MZJ, CZJ)}
    for projection_class, view in views.items():
        rebuild(projection_class=projection_class, view=view, application=app)
    services = disclosure.app.state.services
    disclosure.app.state.services = dataclasses.replace(
        services, importer=FakeCatalogueImporter(app),
        reporting=FakeReportingCommands(app, services.clock))

    rows = _rows(web)
    transfers = views[TransfersProjection].list_transfers(TransferFilter(), cursor=None,
                                                          limit=50).data
    yield Desk(
        web=web, closed=closed, opinion=opinion, spare_draft=spare,
        entrusted=_named(rows, "长者助浴质量评估"),
        purchased=next(r.id for r in rows if r.name == "居家养老服务" and r.department == MZJ),
        delivered_contract=delivered.id,
        overdue_contract=next(c.id for c in contracts if c.item_name == "居家养老服务"),
        review_due_contract=next(c.id for c in contracts if c.status == "期满待绩效评价"),
        mzj_report=reports[MZJ], czj_report=reports[CZJ], quarter=quarter,
        volunteers=next(t.organization_id for t in transfers))


def officer(desk: Desk, department: str = MZJ) -> httpx.AsyncClient:
    return desk.web.client(Role.DEPARTMENT, department, user="li.wei")


# --- reading a page as a person (and a browser) would --------------------------------------


@dataclass
class Control:
    name: str
    tag: str
    type: str
    data_type: str
    value: str
    checked: bool = False
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    action: str
    method: str
    redirect: str
    enctype: str
    controls: list[Control] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.controls]

    def body(self, **values: Any) -> dict[str, Any]:
        """The JSON ``govflow.js`` sends when the user fills in ``values`` (by field name;
        every name must be one of the form's)."""
        unknown = set(values) - set(self.names)
        assert not unknown, f"the form has no field {unknown}; it has {self.names}"
        body: dict[str, Any] = {}
        for control in self.controls:
            value = _sent(control, values.get(control.name))
            if value is not None:
                _set_path(body, control.name, value)
        return body


def _sent(control: Control, typed: Any) -> Any:
    if control.type == "checkbox":
        return bool(typed) if typed is not None else control.checked
    raw = str(typed) if typed is not None else control.value
    if raw == "" and control.data_type != "bool":
        return None
    if control.data_type == "int":
        return int(raw) if re.fullmatch(r"-?\d+", raw.strip()) else raw
    if control.data_type == "yuan":
        text = re.sub(r"[,\s元]", "", raw)
        return round(float(text) * 100) if re.fullmatch(r"\d+(\.\d{1,2})?", text) else raw
    if control.data_type == "bool":
        return raw == "true"
    return raw


def _set_path(target: dict[str, Any], name: str, value: Any) -> None:
    parts: list[str | int] = [int(p) if p.isdigit() else p for p in name.split(".")]
    node: Any = target
    for part, after in itertools.pairwise(parts):
        if isinstance(node, list):
            while len(node) <= int(part):
                node.append(None)
            if node[int(part)] is None:
                node[int(part)] = [] if isinstance(after, int) else {}
            node = node[int(part)]
        else:
            node = node.setdefault(part, [] if isinstance(after, int) else {})
    last = parts[-1]
    if isinstance(node, list):
        while len(node) <= int(last):
            node.append(None)
        node[int(last)] = value
    else:
        node[last] = value


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, Form] = {}
        self._form: Form | None = None
        self._select: Control | None = None
        self._textarea: Control | None = None
        self.testids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "data-testid" in a:
            self.testids.append(a["data-testid"])
        if tag == "form" and "data-api-action" in a:
            self._form = Form(a["data-api-action"], a.get("data-api-method", "POST"),
                              a.get("data-redirect", ""), a.get("enctype", ""))
            self.forms[a.get("data-testid", "")] = self._form
        elif self._form is not None and tag in ("input", "select", "textarea") and "name" in a:
            control = Control(a["name"], tag, a.get("type", tag), a.get("data-type", ""),
                              a.get("value", ""), "checked" in a)
            self._form.controls.append(control)
            if tag == "select":
                self._select = control
            if tag == "textarea":
                self._textarea = control
        elif tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))
            if "selected" in a:
                self._select.value = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data


def forms_of(html: str) -> dict[str, Form]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


async def send(client: httpx.AsyncClient, form: Form, body: dict[str, Any]) -> httpx.Response:
    """What the page's script does on submit: the form's method and action, JSON, a key."""
    return await client.request(form.method, form.action, json=body, headers={
        "Accept": "application/json, application/problem+json",
        "Idempotency-Key": str(uuid4())})


def stages(html: str) -> list[tuple[str, str]]:
    """The pipeline: each stage's label and its state (done, current or "")."""
    pipeline = re.search(r'<ol class="pipeline".*?</ol>', html, re.S)
    assert pipeline is not None
    return [(text_of(label).replace("（当前阶段）", "").replace("（已完成）", "").strip(), state)
            for state, label in re.findall(r'<li class="(\w*)"[^>]*>(.*?)</li>',
                                           pipeline.group(0), re.S)]


def table_rows(html: str, testid: str) -> list[str]:
    table = re.search(rf'<table data-testid="{testid}".*?</table>', html, re.S)
    assert table is not None, f"no table {testid}"
    return [text_of(row).strip() for row in re.findall(r"<tr[^>]*>(.*?)</tr>",
                                                      table.group(0), re.S)[1:]]


def assert_accessible(html: str, title: str) -> None:
    assert page_title(html) == f"{title} · 政府职能转移与购买服务"
    assert unlabelled_controls(html) == []


# --- who may open what ----------------------------------------------------------------------

DEPARTMENT_ONLY = ("/web/catalogue", "/web/catalogue/new", "/web/catalogue/import",
                   "/web/transfers", "/web/contracts", "/web/reports")


@pytest.mark.parametrize("path", DEPARTMENT_ONLY)
async def test_a_visitor_is_sent_to_sign_in_first(desk: Desk, path: str) -> None:
    async with desk.web.client() as visitor:
        response = await visitor.get(path)

    assert signs_in_first(response)
    assert response.headers["location"] == f"/web/sign-in?next={path}"


async def test_the_case_pages_send_a_visitor_to_sign_in_too(desk: Desk) -> None:
    async with desk.web.client() as visitor:
        pages = [await visitor.get(path) for path in (
            f"/web/catalogue/{desk.purchased}", f"/web/contracts/{desk.overdue_contract}",
            f"/web/reports/{desk.mzj_report}")]

    assert all(signs_in_first(page) for page in pages)


@pytest.mark.parametrize("path", DEPARTMENT_ONLY)
@pytest.mark.parametrize("role", [Role.FINANCE, Role.AGENCY, Role.COMMITTEE])
async def test_other_roles_are_told_the_department_pages_are_not_theirs(
    desk: Desk, path: str, role: Role,
) -> None:
    async with desk.web.client(role, "x" if role is Role.AGENCY else None) as other:
        response = await other.get(path)

    assert response.status_code == 403
    assert page_title(response.text).startswith("无权访问")
    assert "职能部门的工作页面" in text_of(response.text)


# --- the catalogue --------------------------------------------------------------------------


async def test_the_catalogue_shows_the_department_its_own_draft(desk: Desk) -> None:
    async with officer(desk) as mzj:
        page = await mzj.get("/web/catalogue", params={"status": "draft"})

    assert page.status_code == 200
    assert_accessible(page.text, "目录")
    rows = table_rows(page.text, "catalogue")
    assert any(DRAFT_NAME in row and "草稿" in row for row in rows)
    assert all("草稿" in row for row in rows)


async def test_another_department_never_sees_that_draft_even_across_the_city(
    desk: Desk,
) -> None:
    async with officer(desk, CZJ) as czj:
        mine = await czj.get("/web/catalogue")
        city = await czj.get("/web/catalogue", params={"scope": "all"})
        searched = await czj.get("/web/catalogue", params={"scope": "all",
                                                            "q": DRAFT_NAME[-4:]})

    assert DRAFT_NAME not in mine.text and DRAFT_NAME not in city.text
    assert DRAFT_NAME not in searched.text
    assert PUBLISHED_NAME in city.text, "published items of other departments are listed"


async def test_a_chinese_word_finds_the_items_that_hold_it(desk: Desk) -> None:
    async with officer(desk) as mzj:
        page = await mzj.get("/web/catalogue", params={"q": " 助浴 "})

    names = [row.split(" ")[1] for row in table_rows(page.text, "catalogue")]
    assert sorted(names) == ["社区长者助浴服务", "长者助浴质量评估"]
    assert 'value="助浴"' in page.text, "the search box keeps the words searched"


async def test_filters_narrow_by_status_and_year_and_a_bad_year_is_explained(
    desk: Desk,
) -> None:
    async with officer(desk) as mzj:
        decided_2028 = await mzj.get("/web/catalogue", params={
            "status": "decided", "catalogue_year": "2028"})
        bad_year = await mzj.get("/web/catalogue", params={"catalogue_year": "明年"})

    rows = table_rows(decided_2028.text, "catalogue")
    assert len(rows) == 1 and "440700-2028-0001" in rows[0] and "决定：购买服务" in rows[0]
    assert bad_year.status_code == 200
    assert "目录年度「明年」应为四位年份" in text_of(bad_year.text)


async def test_an_htmx_request_gets_only_the_table_to_swap_in(desk: Desk) -> None:
    async with officer(desk) as mzj:
        whole = await mzj.get("/web/catalogue", params={"q": "助浴"})
        partial = await mzj.get("/web/catalogue", params={"q": "助浴"},
                                headers={"HX-Request": "true"})
        restored = await mzj.get("/web/catalogue", params={"q": "助浴"}, headers={
            "HX-Request": "true", "HX-History-Restore-Request": "true"})

    assert partial.text.lstrip().startswith('<div id="catalogue-table"')
    assert "<html" not in partial.text and "社区长者助浴服务" in partial.text
    assert 'hx-get="/web/catalogue"' in whole.text and 'hx-target="#catalogue-table"' in whole.text
    assert '<div id="catalogue-table"' in whole.text
    assert "<html" in restored.text, "going back in history restores the whole page"


async def test_the_next_page_link_continues_where_the_first_page_ended(desk: Desk) -> None:
    async with officer(desk) as mzj:
        first = await mzj.get("/web/catalogue", params={"limit": 5})
        link = re.search(r'<a href="([^"]+)" rel="next"', first.text)
        assert link is not None and "下一页" in first.text
        second = await mzj.get(link.group(1).replace("&amp;", "&"))
        everything = await mzj.get("/web/catalogue")

    codes = [row.split(" ")[0] for row in table_rows(first.text, "catalogue")
             + table_rows(second.text, "catalogue")]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert codes == [row.split(" ")[0] for row in table_rows(everything.text, "catalogue")][:10]


# --- the item page --------------------------------------------------------------------------


async def test_the_pipeline_marks_where_each_item_stands(desk: Desk) -> None:
    world = desk.web.world
    async with officer(desk) as mzj:
        pages = {key: (await mzj.get(f"/web/catalogue/{item}")).text for key, item in {
            "draft": world.draft, "published": world.published, "referred": world.escalated,
            "opinion": desk.opinion, "entrusted": desk.entrusted}.items()}

    def current(key: str) -> list[str]:
        return [label for label, state in stages(pages[key]) if state == "current"]

    assert current("draft") == ["起草"]
    assert current("published") == ["公示"]
    assert current("referred") == ["提交咨询"]
    assert current("opinion") == ["咨询意见"]
    assert current("entrusted") == ["委托"], "a hand-over is named after its mode"
    assert [state for _, state in stages(pages["referred"])] == [
        "done", "done", "done", "current", "", "", ""]
    assert [label for label, _ in stages(pages["draft"])] == [
        "起草", "公示", "公示结束", "提交咨询", "咨询意见", "决定", "转移/购买服务"]


async def test_the_item_page_shows_its_facts_and_a_timeline_in_chinese(desk: Desk) -> None:
    async with officer(desk) as mzj:
        page = await mzj.get(f"/web/catalogue/{desk.web.world.escalated}")

    assert page.status_code == 200
    assert_accessible(page.text, "440700-2027-0011 养老服务质量监测")
    text = text_of(page.text)
    assert "咨询逾期，已上报市社工委" in text, "the department sees its escalation"
    assert "咨询意见期限 2027年3月27日" in text
    timeline = re.findall(r"<li><strong>(.*?)</strong> · (.*?) · <time>(.*?)</time>",
                          page.text)
    assert [label for label, _, _ in timeline] == ["起草", "发布", "公示结束", "提交咨询",
                                                   "逾期上报"]
    assert timeline[0][1] == "职能部门（440700-MZJ） li.wei"
    assert timeline[2][1] == "系统 govflow"
    assert all(re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", when)
               for _, _, when in timeline)
    assert "公示期至：2027年3月10日" in text


async def test_another_departments_draft_is_not_found(desk: Desk) -> None:
    async with officer(desk, CZJ) as czj:
        draft = await czj.get(f"/web/catalogue/{desk.web.world.draft}")
        decided = await czj.get(f"/web/catalogue/{desk.purchased}")

    assert draft.status_code == 404 and DRAFT_NAME not in draft.text
    assert decided.status_code == 200
    assert forms_of(decided.text) == {}, "only the item's department acts on it"
    assert "咨询逾期" not in decided.text


async def test_a_draft_offers_revise_publish_and_withdraw_to_its_department(
    desk: Desk,
) -> None:
    async with officer(desk) as mzj:
        page = await mzj.get(f"/web/catalogue/{desk.web.world.draft}")
        forms = forms_of(page.text)
        revise = forms["revise-form"]
        revised = await send(mzj, revise, revise.body(description="试点方案已确定"))

    assert set(forms) == {"revise-form", "publish-form", "withdraw-form"}
    assert (revise.method, revise.action) == ("PUT", f"/catalogue-items/{desk.web.world.draft}")
    assert revise.redirect == f"/web/catalogue/{desk.web.world.draft}?after={{notification_id}}"
    assert revise.body() == {
        "name": DRAFT_NAME, "description": "尚未发布的草稿说明：试点方案未定",
        "catalogue_year": 2027, "classification": {
            "level1": "公共服务", "level2": "养老服务", "level3": "居家养老"},
        "nature": "公共服务", "provincial_listed": True}, "the form holds the draft as it is"
    assert forms["withdraw-form"].action.endswith("/withdraw")
    assert revised.status_code == 200, revised.text
    assert unlabelled_controls(page.text) == []


async def test_publishing_a_draft_from_its_page_is_accepted(desk: Desk) -> None:
    async with officer(desk) as mzj:
        page = await mzj.get(f"/web/catalogue/{desk.spare_draft}")
        publish = forms_of(page.text)["publish-form"]
        published = await send(mzj, publish, publish.body())

    assert publish.action == f"/catalogue-items/{desk.spare_draft}/publish"
    assert published.status_code == 200, published.text
    assert published.json()["notification_id"] > 0


async def test_withdrawing_with_a_reason_is_accepted_and_without_one_refused_by_field(
    desk: Desk,
) -> None:
    async with officer(desk) as mzj:
        page = await mzj.get(f"/web/catalogue/{desk.web.world.published}")
        withdraw = forms_of(page.text)["withdraw-form"]
        refused = await send(mzj, withdraw, withdraw.body(reason="  "))
        accepted = await send(mzj, withdraw, withdraw.body(reason="职能已调整，本年度不再纳入"))

    assert "publish-form" not in forms_of(page.text), "a published item is not published again"
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["reason"]
    assert 'data-error-for="reason"' in page.text
    assert accepted.status_code == 200, accepted.text


async def test_an_item_past_its_publicity_is_referred_to_an_agency_chosen_by_name(
    desk: Desk,
) -> None:
    async with officer(desk) as mzj:
        page = await mzj.get(f"/web/catalogue/{desk.closed}")
        referral = forms_of(page.text)["referral-form"]
        agency = next(o for o in referral.controls[0].options if o)
        referred = await send(mzj, referral, referral.body(agency_id=agency))

    assert referral.action == f"/catalogue-items/{desk.closed}/referral"
    assert "江门市公共服务咨询中心" in text_of(page.text)
    assert referred.status_code == 200, referred.text


async def test_the_decision_form_offers_the_modes_and_the_api_takes_it(desk: Desk) -> None:
    async with officer(desk) as mzj:
        page = await mzj.get(f"/web/catalogue/{desk.opinion}")
        decision = forms_of(page.text)["decision-form"]
        departing = await send(mzj, decision, decision.body(mode="保留"))
        decided = await send(mzj, decision, decision.body())

    mode = next(c for c in decision.controls if c.name == "mode")
    assert mode.options == ["", "转移", "授权", "委托", "购买服务", "保留"]
    assert mode.value == "转移", "the opinion's recommendation comes first"
    assert departing.status_code == 422
    assert {e["field"] for e in departing.json()["errors"]} <= {"reason", "justification"}
    assert decided.status_code == 200, decided.text


async def test_an_entrusted_item_offers_the_transfer_proposal(desk: Desk) -> None:
    async with officer(desk) as mzj:
        page = await mzj.get(f"/web/catalogue/{desk.entrusted}")
        propose = forms_of(page.text)["transfer-form"]
        proposed = await send(mzj, propose, propose.body(
            organization_id=str(desk.volunteers), legal_basis="《广东省养老服务条例》",
            effective_from="2027-04-01", effective_until="2028-03-31",
            conditions="按季度报告承接情况"))

    assert (propose.action, propose.redirect) == (
        "/transfers", "/web/transfers/{id}?after={notification_id}")
    assert str(desk.volunteers) in next(
        c for c in propose.controls if c.name == "organization_id").options
    assert proposed.status_code == 201, proposed.text
    assert unlabelled_controls(page.text) == []


async def test_a_purchase_with_a_budget_offers_the_award_with_milestones_in_yuan(
    desk: Desk,
) -> None:
    async with officer(desk) as mzj:
        page = await mzj.get(f"/web/catalogue/{desk.purchased}")
        award = forms_of(page.text)["award-form"]
        body = award.body(**{
            "organization_id": str(desk.volunteers), "method": "竞争性磋商",
            "amount_fen": "200,000.00", "term_start": "2027-04-01", "term_end": "2027-12-31",
            "milestones.0.name": "上半年服务", "milestones.0.due_on": "2027-06-30",
            "milestones.0.amount_fen": "80,000.50",
            "milestones.1.name": "下半年服务", "milestones.1.due_on": "2027-12-31",
            "milestones.1.amount_fen": "119999.50"})
        awarded = await send(mzj, award, body)

    assert body["amount_fen"] == 20_000_000 and body["fiscal_year"] == 2027
    assert body["secured_and_stable"] is False
    assert body["milestones"] == [
        {"name": "上半年服务", "due_on": "2027-06-30", "amount_fen": 8_000_050},
        {"name": "下半年服务", "due_on": "2027-12-31", "amount_fen": 11_999_950}]
    assert 'data-type="yuan"' in page.text
    assert "500,000.00 元" in text_of(page.text), "the budget, in yuan"
    assert table_rows(page.text, "item-contracts") == [
        "蓬江区长者服务中心 2027 300,000.00 元 履行中"]
    assert awarded.status_code == 201, awarded.text
    assert unlabelled_controls(page.text) == []


# --- the draft form and the import --------------------------------------------------------


async def test_the_draft_form_sends_what_the_api_drafts(desk: Desk) -> None:
    async with officer(desk) as mzj:
        page = await mzj.get("/web/catalogue/new")
        draft = forms_of(page.text)["draft-form"]
        drafted = await send(mzj, draft, draft.body(**{
            "name": "社区康复辅助服务", "description": "为康复期居民提供上门指导",
            "catalogue_year": "2027", "classification.level1": "公共服务",
            "classification.level2": "康复服务", "classification.level3": "社区康复",
            "nature": "公共服务", "provincial_listed": True}))

    assert_accessible(page.text, "起草目录事项")
    assert (draft.method, draft.action) == ("POST", "/catalogue-items")
    assert draft.redirect == "/web/catalogue/{id}?after={notification_id}"
    assert drafted.status_code == 201, drafted.text
    assert 'data-type="bool"' in page.text and 'list="level1-classes"' in page.text


async def test_a_refused_draft_names_fields_the_form_has_an_error_slot_for(desk: Desk) -> None:
    async with officer(desk) as mzj:
        page = await mzj.get("/web/catalogue/new")
        draft = forms_of(page.text)["draft-form"]
        missing = await send(mzj, draft, draft.body())
        unknown = await send(mzj, draft, draft.body(**{
            "name": "社区康复辅助服务", "classification.level1": "文化服务",
            "classification.level2": "康复服务", "classification.level3": "社区康复",
            "nature": "公共服务"}))

    slots = set(re.findall(r'data-error-for="([^"]+)"', page.text))
    for refused in (missing, unknown):
        assert refused.status_code == 422, refused.text
        fields = {re.sub(r"^body\.", "", e["field"]) for e in refused.json()["errors"]}
        assert fields and fields <= slots, (fields, slots)
    assert "classification.level1" in {e["field"] for e in unknown.json()["errors"]}


def _workbook(*rows: tuple[Any, ...]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["事项名称", "事项说明", "目录年度", "一级分类", "二级分类", "三级分类",
                  "职能性质", "省决定转移事项", "负面清单类别"])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_the_import_page_uploads_the_file_to_the_api_and_lists_refused_rows(
    desk: Desk,
) -> None:
    async with officer(desk) as mzj:
        page = await mzj.get("/web/catalogue/import")
        template = await mzj.get("/catalogue-items/export.xlsx")
        form = forms_of(page.text)["import-form"]
        good = _workbook(("长者助浴上门服务", "", 2027, "公共服务", "养老服务", "助浴",
                          "公共服务", "否", ""))
        bad = _workbook(("", "", 2027, "公共服务", "养老服务", "助浴", "公共服务", "否", ""),
                        ("社区助残服务", "", "明年", "公共服务", "助残", "助残", "公共服务",
                         "否", ""))
        imported = await mzj.post(form.action, files={"file": ("目录.xlsx", good)})
        refused = await mzj.post(form.action, files={"file": ("目录.xlsx", bad)})

    assert_accessible(page.text, "导入目录")
    assert (form.action, form.enctype, form.names) == (
        "/catalogue-items/import", "multipart/form-data", ["file"])
    assert "{imported}" in form.redirect and "{notification_id}" in form.redirect
    assert "<progress" in page.text and 'data-testid="import-errors"' in page.text
    assert 'href="/catalogue-items/export.xlsx"' in page.text and template.status_code == 200
    assert imported.status_code == 201, imported.text
    assert imported.json()["imported"] == 1
    assert refused.status_code == 422
    errors = refused.json()["errors"]
    assert sorted({e["row"] for e in errors}) == [2, 3], "each bad row, numbered as in Excel"
    assert all(e["message"] for e in errors), "the table shows each row's message"


async def test_the_list_says_how_many_drafts_an_import_brought(desk: Desk) -> None:
    async with officer(desk) as mzj:
        page = await mzj.get("/web/catalogue", params={"status": "draft", "imported": 3})

    assert "已导入 3 项草稿" in text_of(page.text)


# --- transfers -----------------------------------------------------------------------------


async def test_the_transfers_list_is_the_departments_with_chinese_statuses(desk: Desk) -> None:
    async with officer(desk) as mzj:
        mine = await mzj.get("/web/transfers")
    async with officer(desk, CZJ) as czj:
        theirs = await czj.get("/web/transfers")

    assert_accessible(mine.text, "职能转移")
    rows = table_rows(mine.text, "transfers")
    assert len(rows) == 4
    assert any("养老机构等级评定辅助" in r and "已撤销" in r for r in rows)
    assert any("2027年1月1日 至 2027年12月31日" in r for r in rows)
    assert "养老机构等级评定辅助" not in theirs.text


async def test_a_transfer_page_is_public_record_any_signed_in_user_reads(desk: Desk) -> None:
    transfer = next(t for t in desk.web.disclosure.views[TransfersProjection].list_transfers(
        TransferFilter(), cursor=None, limit=50).data if t.status == "已撤销")
    async with desk.web.client(Role.FINANCE) as finance:
        page = await finance.get(f"/web/transfers/{transfer.id}")

    assert page.status_code == 200
    assert_accessible(page.text, f"职能转移：{transfer.item_name}")
    history = table_free(page.text, "transfer-history")
    assert history[0] == "提出转移方案 · 2026年11月30日"
    assert "撤销职能转移 · 2027年5月1日 理由：承接方严重违规" in history
    assert forms_of(page.text) == {}


def table_free(html: str, testid: str) -> list[str]:
    """The items of a list (``ol``) by its testid."""
    found = re.search(rf'<ol class="timeline" data-testid="{testid}">(.*?)</ol>', html, re.S)
    assert found is not None
    return [text_of(li).strip() for li in re.findall(r"<li>(.*?)</li>", found.group(1), re.S)]


async def test_an_unknown_transfer_or_contract_is_not_found(desk: Desk) -> None:
    async with officer(desk) as mzj:
        transfer = await mzj.get(f"/web/transfers/{uuid4()}")
        contract = await mzj.get(f"/web/contracts/{uuid4()}")

    assert transfer.status_code == contract.status_code == 404


# --- contracts -----------------------------------------------------------------------------


async def test_the_contracts_list_shows_amounts_in_yuan_and_overdue_milestones(
    desk: Desk,
) -> None:
    async with officer(desk) as mzj:
        page = await mzj.get("/web/contracts")

    assert_accessible(page.text, "购买服务合同")
    rows = table_rows(page.text, "contracts")
    elderly = next(r for r in rows if "居家养老服务" in r)
    assert "300,000.00 元 70,000.00 元 230,000.00 元" in elderly
    assert "1 个节点逾期" in elderly
    assert all("440703" not in r for r in rows), "only the department's own contracts"


async def test_a_contract_page_shows_milestones_with_due_dates_and_the_overdue_badge(
    desk: Desk,
) -> None:
    async with desk.web.client(Role.ORGANIZATION, str(uuid4())) as organization:
        page = await organization.get(f"/web/contracts/{desk.overdue_contract}")

    assert page.status_code == 200, "public record: other roles read it"
    assert_accessible(page.text, "购买服务合同：居家养老服务")
    assert "采购部门 江门市民政局（440700-MZJ）" in text_of(page.text)
    milestones = table_rows(page.text, "milestones")
    assert milestones[1].startswith("M2 全年服务 2027年12月31日 200,000.00 元 待交付 已逾期")
    assert "2027年3月30日 2027年4月1日 合格 70,000.00 元" in milestones[0]
    assert table_rows(page.text, "payments") == ["M1 70,000.00 元 2027年4月2日"]
    assert forms_of(page.text) == {}, "the forms are the buying department's"


async def test_the_department_accepts_a_delivered_milestone_from_its_page(desk: Desk) -> None:
    async with officer(desk) as mzj:
        page = await mzj.get(f"/web/contracts/{desk.delivered_contract}")
        forms = forms_of(page.text)
        acceptance = forms["acceptance-form-M1"]
        accepted = await send(mzj, acceptance, acceptance.body(
            accepted="true", findings="服务记录完整，满意度 96%"))

    assert set(forms) == {"acceptance-form-M1"}, "only the delivered milestone is offered"
    assert acceptance.action == \
        f"/purchase-contracts/{desk.delivered_contract}/milestones/M1/acceptance"
    assert acceptance.body(accepted="false", findings="x")["accepted"] is False
    assert accepted.status_code == 200, accepted.text
    assert unlabelled_controls(page.text) == []


async def test_after_the_term_the_department_reviews_the_contract(desk: Desk) -> None:
    async with officer(desk) as mzj:
        page = await mzj.get(f"/web/contracts/{desk.review_due_contract}")
        review = forms_of(page.text)["review-form"]
        body = review.body(**{"scores.决策": "18", "scores.过程": "17", "scores.产出": "27",
                              "scores.效益": "26", "comment": "服务规范，群众满意度高"})
        reviewed = await send(mzj, review, body)

    assert body["scores"] == {"决策": 18, "过程": 17, "产出": 27, "效益": 26}
    assert review.action == f"/purchase-contracts/{desk.review_due_contract}/review"
    assert reviewed.status_code == 200, reviewed.text


async def test_another_department_reads_a_contract_without_its_forms(desk: Desk) -> None:
    async with officer(desk, CZJ) as czj:
        page = await czj.get(f"/web/contracts/{desk.delivered_contract}")

    assert page.status_code == 200 and forms_of(page.text) == {}


# --- quarterly reports ---------------------------------------------------------------------


async def test_the_reports_list_shows_the_departments_quarters_with_status(desk: Desk) -> None:
    async with officer(desk) as mzj:
        page = await mzj.get("/web/reports")

    assert_accessible(page.text, "季度报告")
    rows = table_rows(page.text, "reports")
    assert len(rows) == 1
    assert rows[0].startswith(f"{desk.quarter.label} 待提交")
    assert f'href="/web/reports/{desk.mzj_report}"' in page.text
    assert str(desk.czj_report) not in page.text


async def test_the_report_page_shows_the_figures_with_labels_and_money_in_yuan(
    desk: Desk,
) -> None:
    figures = desk.web.disclosure.views[ReportingProjection].figures(MZJ, desk.quarter)
    async with officer(desk) as mzj:
        page = await mzj.get(f"/web/reports/{desk.mzj_report}")
        download = await mzj.get(f"/quarterly-reports/{desk.mzj_report}/report.xlsx")

    assert_accessible(page.text, f"江门市民政局 {desk.quarter.label}工作报告")
    rows = table_rows(page.text, "figures")
    assert rows == [f"{f.label} {yuan(figures[f.key]) if f.money else figures[f.key]}"
                    for f in FIGURES]
    assert figures["amount_committed_fen"] > 0, "the world's contracts count this quarter"
    assert f"合同金额（元） {yuan(figures['amount_committed_fen'])}" in rows
    assert f"提交截止 {zh_date(desk.web.disclosure.views[ReportingProjection].get_report(desk.mzj_report).due_on)}" in text_of(page.text)  # noqa: E501
    assert f'href="/quarterly-reports/{desk.mzj_report}/report.xlsx"' in page.text
    assert download.status_code == 200


async def test_the_department_saves_its_narrative_then_submits(desk: Desk) -> None:
    async with officer(desk) as mzj:
        page = await mzj.get(f"/web/reports/{desk.mzj_report}")
        forms = forms_of(page.text)
        saved = await send(mzj, forms["narrative-form"], forms["narrative-form"].body(
            narrative="本季度完成目录编制和合同签订"))
        submitted = await send(mzj, forms["submit-form"], forms["submit-form"].body())

    assert forms["narrative-form"].action == f"/quarterly-reports/{desk.mzj_report}/narrative"
    assert forms["submit-form"].action == f"/quarterly-reports/{desk.mzj_report}/submit"
    assert saved.status_code == 200, saved.text
    assert submitted.status_code == 200, submitted.text


async def test_the_committee_reads_any_report_without_the_forms(desk: Desk) -> None:
    async with desk.web.client(Role.COMMITTEE) as committee:
        page = await committee.get(f"/web/reports/{desk.czj_report}")

    assert page.status_code == 200
    assert forms_of(page.text) == {}
    assert "尚未填写" in text_of(page.text)


async def test_another_department_and_other_roles_may_not_open_a_report(desk: Desk) -> None:
    async with officer(desk) as mzj:
        other = await mzj.get(f"/web/reports/{desk.czj_report}")
    async with desk.web.client(Role.FINANCE) as finance:
        refused = await finance.get(f"/web/reports/{desk.mzj_report}")
    async with officer(desk) as mzj:
        unknown = await mzj.get(f"/web/reports/{uuid4()}")

    assert other.status_code == 403 and "440700-CZJ 的季度报告" in text_of(other.text)
    assert refused.status_code == 403
    assert unknown.status_code == 404
