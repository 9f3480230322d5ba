"""信息公开 (DESIGN.md §3.6): what anyone may read without a token, and nothing more.

The app runs on real views over a world that holds restricted things beside the public
record (``tests.restricted_world``: a draft, a draft's earlier name, a retention's
justification, an escalation, a board member's public office and retirement, who
complained, an evaluation's appeal, staffing requests).  Every GET route of the app is
listed from ``app.routes`` and must be in exactly one of: public with an allow-list of
its fields (``PUBLIC_FIELDS``), refused to anonymous callers (``NOT_PUBLIC``),
documentation, or ``NOT_YET_COVERED`` — so a new route fails here until someone says
what it discloses.  Each public route is called anonymously for every id of the world;
the field paths of its answers (``data[].grades[].level``) must equal its allow-list,
and no answer may hold any restricted value anywhere.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.routing import iter_route_contexts

from domain.actors import Role
from projections.agencies import AgenciesProjection
from projections.case_rows import ContractFilter, TransferFilter
from projections.catalogue import CatalogueProjection
from projections.contracts import ContractsProjection
from projections.departments import DepartmentsProjection
from projections.evaluations import EvaluationsProjection
from projections.events import event_values
from projections.organization_rows import EvaluationFilter, OrganizationFilter
from projections.organizations import OrganizationsProjection
from projections.register_rows import DepartmentFilter
from projections.report_rows import ReportFilter
from projections.reporting import ReportingProjection
from projections.rows import CatalogueFilter
from projections.sql import json_ready
from projections.transfers import TransfersProjection
from tests.api.disclosure_helpers import AUTH, Disclosure, disclosure_app, field_paths, under
from tests.api.helpers import Tokens
from tests.restricted_world import (
    BOARD_OFFICE,
    DRAFT_NAME,
    EARLY_DRAFT_NAME,
    RESTRICTED,
    RETENTION_JUSTIFICATION,
)

# --- what each public route may show ---------------------------------------------------

COMPLIANCE = "无现职国家机关工作人员兼职 无行政业务主管部门 无行政事业编制 无行政级别 自主会务 " \
             "自愿发起 自筹经费 自聘人员 自选会长"
PAGE = under("", "data next_cursor")
HISTORY = (under("[]", "actor details event event_label notification_id occurred_at")
           | under("[].actor", "role role_label scope user"))


def within(prefix: str, paths: set[str]) -> set[str]:
    return {f"{prefix}.{path}" for path in paths}


CATALOGUE_ITEM = under("", """
    agency_id agency_name budget_fen budget_yuan catalogue_version catalogue_year
    classification code created_at decision_departs_from_opinion decision_mode
    decision_reason department department_name description id must_be_retained name
    nature negative_list opinion_experts opinion_reasons opinion_recommendation
    provincial_listed publicity_ends_on publicity_starts_on published_at referral_due_on
    referral_remind_on region_code status status_label updated_at version
    withdrawal_reason""") | under("classification", "level1 level2 level3")
"""Not: referral_escalated, retention_justification, retention_review_comment."""
DEPARTMENT = under("", "code id name pilot region_code region_name registered_at version")
AGENCY = (under("", "active established_at experts id mandate name updated_at version")
          | under("experts[]", """
    active affiliations appointed_at expert_id name removal_reason removed_at"""))
ORGANIZATION = under("", """
    board category complaints compliance compliance_declared_on compliance_verified_on
    credit_code flags full_time_staff grade_label grade_level grade_valid_from
    grade_valid_until id industry inspections kind name open_evaluation_id penalties
    region_code region_name registered_at registered_on updated_at version""") | (
    under("board[]", "elected_on name position")
    | under("complaints[]", "complaint_id content filed_on outcome resolved_on")
    | under("compliance", COMPLIANCE)
    | under("flags[]", "clear_reason cleared_on flag raised_on reason")
    | under("inspections[]", "inspected_on result year")
    | under("penalties[]", "authority decided_on decision_number description"))
"""Not: a board member's person_id, public_office, retired_on; a complaint's complainant."""
EVALUATOR = under("", """
    affiliations confirmed_evaluations contact id name open_evaluations registered_at
    updated_at version""")
EVALUATION = under("", """
    applied_on category confirmed_on created_at credit_code evaluator_id evaluator_name
    grade_label id level organization_id organization_name publicity_closed
    publicity_ends_on publicity_starts_on status total updated_at version""")
"""Not: scores, applied_by_role, the appeal."""
TRANSFER = under("", """
    conditions created_at department effective_from effective_until history id item_code
    item_id item_name legal_basis mode organization_id organization_name status
    suspension_reason updated_at version""") | under("history[]", "event on reason")
CONTRACT = under("", """
    accepted_fen accepted_yuan amendments amount_fen amount_yuan announced_on awarded_on
    created_at department fiscal_year id item_code item_id item_name method milestones
    original_amount_fen outstanding_fen outstanding_yuan overdue_milestones paid_fen
    paid_yuan payments provider_credit_code provider_id provider_name
    provider_review_pending review_rating review_total secured_and_stable status term_end
    term_start updated_at version""") | (
    under("amendments[]", "added_fen added_yuan amended_on reason term_end")
    | under("milestones[]", """
    accepted_on amount_fen amount_yuan delivered_on due_on findings milestone_id name
    overdue paid_fen paid_yuan status""")
    | under("payments[]", "amount_fen amount_yuan approved_on milestone_id"))
REVIEW = under("", """
    comment contract_id department fiscal_year item_code item_name provider_id
    provider_name rating reviewed_on scores total""") | under("scores", "产出 决策 效益 过程")

OCDS_RELEASE = under("", """
    awards buyer contracts date id initiationType language ocid parties planning tag
    tender""") | (
    under("awards[]", "date id items status suppliers title value")
    | under("awards[].items[]", "description id")
    | under("awards[].suppliers[]", "id name")
    | under("awards[].value", "amount currency")
    | under("buyer", "id name")
    | under("contracts[]", """
    amendments awardID dateSigned description id implementation items period status title
    value""")
    | under("contracts[].amendments[]", "date description id rationale")
    | under("contracts[].implementation", "milestones transactions")
    | under("contracts[].implementation.milestones[]", """
    dateMet dateModified description dueDate id status title type""")
    | under("contracts[].implementation.transactions[]", "date id payee payer value")
    | under("contracts[].implementation.transactions[].payee", "id name")
    | under("contracts[].implementation.transactions[].payer", "id name")
    | under("contracts[].implementation.transactions[].value", "amount currency")
    | under("contracts[].items[]", "description id")
    | under("contracts[].period", "endDate startDate")
    | under("contracts[].value", "amount currency")
    | under("parties[]", "id identifier name roles")
    | under("parties[].identifier", "id legalName scheme")
    | under("planning", "budget rationale")
    | under("planning.budget", "amount description id")
    | under("planning.budget.amount", "amount currency")
    | under("tender", """
    description id items mainProcurementCategory procurementMethod procurementMethodDetails
    procuringEntity status title""")
    | under("tender.items[]", "description id")
    | under("tender.procuringEntity", "id name"))
"""An OCDS release of a contract: what the contract rows show, in the standard's terms."""
OCDS_PACKAGE = under("", "publishedDate publisher uri version") | under("publisher", "name")

PUBLIC_FIELDS: dict[str, set[str]] = {
    "/health": under("", "status"),
    "/audit/head": under("", "algorithm hash position"),
    "/ocds/releases": OCDS_PACKAGE | under("", "links releases") | under("links", "next")
    | within("releases[]", OCDS_RELEASE),
    "/ocds/records/{ocid}": OCDS_PACKAGE | under("", "records")
    | under("records[]", "compiledRelease ocid releases")
    | within("records[].compiledRelease", OCDS_RELEASE)
    | within("records[].releases[]", OCDS_RELEASE),
    "/catalogue-items": PAGE | within("data[]", CATALOGUE_ITEM),
    "/catalogue-items/{item_id}": CATALOGUE_ITEM,
    "/catalogue-items/{item_id}/history": HISTORY | under("[].details", """
        agency_id agency_name amount_fen case_id committed_fen day_basis
        departs_from_opinion due_on experts fiscal_year given_at kind mode organization_id
        organization_name organizations publicity_ends_on publicity_starts_on published_at
        reason reasons recommendation referred_at remind_on""")
        | under("[].details.experts[]", "id name"),
    "/departments": PAGE | within("data[]", DEPARTMENT),
    "/departments/{code}": DEPARTMENT,
    "/departments/{code}/history": HISTORY | under(
        "[].details", "code name pilot region_code region_name"),
    "/agencies": PAGE | within("data[]", AGENCY),
    "/agencies/{agency_id}": AGENCY,
    "/agencies/{agency_id}/history": HISTORY | under(
        "[].details", "affiliations expert_id mandate name"),
    "/organizations": PAGE | within("data[]", ORGANIZATION),
    "/organizations/{organization_id}": ORGANIZATION,
    "/organizations/{organization_id}/eligibility": (
        under("", "eligible grade on reasons")
        | under("grade", "label level valid_from valid_until")),
    "/organizations/{organization_id}/grades": under("[]", """
        awarded_level changes confirmed_on credit_code evaluation_id label level
        organization_id organization_name status updated_at valid_from valid_until""")
        | under("[].changes[]", "basis from_level kind on reason reference to_level"),
    "/organizations/{organization_id}/performance": (
        under("", "barred bars data next_cursor on organization_id")
        | under("bars[]", "active reason until") | within("data[]", REVIEW)),
    "/organizations/{organization_id}/history": HISTORY | under("[].details", """
        applied_on authority basis case_id category cleared_on complaint_id confirmed_on
        content contract_id credit_code decided_on decision_number declarations
        declared_on description elected_on ended_on evaluation_id filed_on flag from_level
        full_time_staff industry inspected_on item_id kind lapsed_on level name outcome
        position raised_on reason reference region_code registered_on resolved_on result
        started_on to_level until valid_from valid_until verified_on year""")
        | under("[].details.declarations", COMPLIANCE),
    "/evaluators": PAGE | within("data[]", EVALUATOR),
    "/evaluators/{evaluator_id}": EVALUATOR,
    "/grade-evaluations": PAGE | within("data[]", EVALUATION),
    "/grade-evaluations/{evaluation_id}": EVALUATION,
    "/transfers": PAGE | within("data[]", TRANSFER),
    "/transfers/{transfer_id}": TRANSFER,
    "/purchase-contracts": PAGE | within("data[]", CONTRACT),
    "/purchase-contracts/{contract_id}": CONTRACT,
    "/performance-reviews": PAGE | within("data[]", REVIEW),
    "/feed": PAGE | under("data[]", """
        actor_role actor_role_label entity_id entity_type event event_label occurred_at
        payload position""") | under("data[].payload", """
        accepted_on added_fen added_milestone affiliations agency_id agency_name amended_on
        amount_fen announced_on applied_on approved_on authority awarded_on basis case_id
        catalogue_year category change cleared_on closed_on code comment complaint_id
        conditions confirmed_on contact content contract_id credit_code decided_on
        decision_number declarations declared_on delivered_on department
        departs_from_opinion description due_on effective_from effective_until elected_on
        ended_on evaluation_id evaluator_id evaluator_name expert_id experts filed_on
        findings fiscal_year flag from_level full_time_staff given_at industry inspected_on
        item_code item_id item_name kind lapsed_on legal_basis level level1 level2 level3
        mandate method milestone_id milestones mode name nature negative_list on opened_on
        organization_id organization_ids organization_name outcome paid_fen pilot position
        provider_credit_code provider_id provider_name provincial_listed publicity_ends_on
        publicity_starts_on published_at raised_on rating reason reasons recommendation
        reference region_code region_name registered_on remind_on resolved_on result
        reviewed_on scores secured_and_stable started_on term_end term_start terminated_on
        to_level total until valid_from valid_until verified_on year""")
        | under("data[].payload.added_milestone", "amount_fen due_on name")
        | under("data[].payload.declarations", COMPLIANCE)
        | under("data[].payload.experts[]", "id name")
        | under("data[].payload.milestones[]", "amount_fen due_on name")
        | under("data[].payload.scores", "产出 决策 效益 过程"),
}
"""Every public GET route and every field path it may answer with."""

NOT_PUBLIC = frozenset({
    "/inbox", "/ledger", "/staffing-requests", "/staffing-requests/{request_id}",
    "/grades/expiring", "/catalogue-items/export.xlsx",
    # Quarterly reporting and the acceptance review (市社工委 and departments only).
    "/quarterly-reports", "/quarterly-reports/{report_id}",
    "/quarterly-reports/{report_id}/report.xlsx", "/city-reports/{quarter_key}",
    "/city-reports/{quarter_key}/report.xlsx", "/acceptance-reviews",
    "/acceptance-reviews/{review_id}", "/departments/{code}/acceptance-reviews",
})
"""GET routes that refuse anonymous callers (401)."""

DOCUMENTATION = frozenset({"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"})

NOT_YET_COVERED: frozenset[str] = frozenset()
"""Public routes whose services this app over the restricted world does not provide yet:
whoever wires them here moves them to ``PUBLIC_FIELDS`` with their fields."""


def web_pages(app: Any) -> set[str]:
    """The web pages (HTML): the pages a visitor may open without signing in are checked
    for restricted values below; the others send the visitor to the sign-in page."""
    return {route for route in get_routes(app) if route == "/" or route.startswith("/web")}


def get_routes(app: Any) -> set[str]:
    """Every path the app answers GET on."""
    return {route.path for route in iter_route_contexts(app.routes)
            if route.methods and "GET" in route.methods and route.path is not None}


# --- the answers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    url: str
    status: int
    text: str
    body: Any


@pytest.fixture(scope="module")
def disclosure(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Disclosure]:
    with disclosure_app(tmp_path_factory.mktemp("disclosure")) as built:
        yield built


@pytest.fixture(scope="module")
async def client(disclosure: Disclosure) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=disclosure.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://govflow.test") as c:
        yield c


def path_values(disclosure: Disclosure) -> dict[str, list[str]]:
    """Every id of the world, by the path parameter that takes it (the draft too)."""
    views = disclosure.views
    everything = 500
    return {
        "item_id": [str(r.id) for r in views[CatalogueProjection].list_items(
            CatalogueFilter(), cursor=None, limit=everything).data]
        + [str(disclosure.world.draft)],
        "organization_id": [str(r.id) for r in views[OrganizationsProjection]
                            .list_organizations(OrganizationFilter(), cursor=None,
                                                limit=everything).data],
        "evaluation_id": [str(r.id) for r in views[EvaluationsProjection].list_evaluations(
            EvaluationFilter(), cursor=None, limit=everything).data],
        "evaluator_id": [str(r.id) for r in views[EvaluationsProjection].list_evaluators(
            cursor=None, limit=everything).data],
        "transfer_id": [str(r.id) for r in views[TransfersProjection].list_transfers(
            TransferFilter(), cursor=None, limit=everything).data],
        "contract_id": [str(r.id) for r in views[ContractsProjection].list_contracts(
            ContractFilter(), cursor=None, limit=everything).data],
        "code": [r.code for r in views[DepartmentsProjection].list_departments(
            DepartmentFilter(), cursor=None, limit=everything).data],
        "agency_id": [str(r.agency.id) for r in views[AgenciesProjection].list_agencies(
            cursor=None, limit=everything).data],
        "ocid": [f"ocds-govflow-{r.id}" for r in views[ContractsProjection].list_contracts(
            ContractFilter(), cursor=None, limit=everything).data],
        # The world opens no quarterly report: an id that names none stands in.
        "report_id": [str(r.id) for r in views[ReportingProjection].list_reports(
            ReportFilter(), cursor=None, limit=everything).data]
        or ["00000000-0000-0000-0000-000000000000"],
        # Nor an acceptance review.
        "review_id": [str(r.id) for r in views[ReportingProjection].list_acceptance_reviews(
            year=None, department=None, cursor=None, limit=everything).data]
        or ["00000000-0000-0000-0000-000000000000"],
    }


EXTRA_QUERIES = {
    "/catalogue-items": ["?status=draft", f"?q={DRAFT_NAME[:4]}", "?limit=200"],
    "/organizations": ["?limit=200"],
    "/purchase-contracts": ["?limit=200"],
    "/feed": ["?limit=500", "?after=0&limit=7"],
    "/ocds/releases": ["?limit=200", "?limit=3"],
}
"""Beside each route as it is: filters a curious caller might try, and whole lists."""


def urls_of(route: str, values: dict[str, list[str]]) -> list[str]:
    urls = [route]
    for name, choices in values.items():
        if f"{{{name}}}" in route:
            urls = [url.replace(f"{{{name}}}", choice) for url in urls for choice in choices]
    assert "{" not in urls[0], f"give the disclosure test values for {route}"
    return urls + [route + query for query in EXTRA_QUERIES.get(route, [])]


@pytest.fixture(scope="module")
async def answers(disclosure: Disclosure, client: httpx.AsyncClient
                  ) -> dict[str, list[Answer]]:
    """Every public route's anonymous answers, for every id of the world (the feed
    followed to its end)."""
    values = path_values(disclosure)
    collected: dict[str, list[Answer]] = {}
    for route in sorted(PUBLIC_FIELDS):
        collected[route] = []
        for url in urls_of(route, values):
            response = await client.get(url)
            collected[route].append(Answer(url, response.status_code, response.text,
                                           response.json()))
    cursor = 0
    while True:
        response = await client.get("/feed", params={"after": cursor, "limit": 50})
        page = response.json()
        collected["/feed"].append(Answer(str(response.url), response.status_code,
                                         response.text, page))
        if not page["data"]:
            break
        cursor = page["next_cursor"]
    return collected


# --- every route is accounted for ------------------------------------------------------------


def test_every_get_route_is_public_with_an_allow_list_or_refuses_anonymous_callers(
    disclosure: Disclosure,
) -> None:
    routes = get_routes(disclosure.app) - web_pages(disclosure.app)
    kinds = [set(PUBLIC_FIELDS), set(NOT_PUBLIC), set(DOCUMENTATION), set(NOT_YET_COVERED)]

    unaccounted = routes - set().union(*kinds)
    assert unaccounted == set(), (
        f"GET routes without a disclosure decision: {sorted(unaccounted)}; list each in "
        f"PUBLIC_FIELDS with its fields, or in NOT_PUBLIC")
    assert set().union(*kinds) <= routes, "the lists name routes the app does not have"
    assert sum(len(kind) for kind in kinds) == len(set().union(*kinds)), "listed twice"
    assert routes >= NOT_YET_COVERED


async def test_non_public_routes_refuse_anonymous_callers(
    disclosure: Disclosure, client: httpx.AsyncClient,
) -> None:
    values = {name: choices[:1] for name, choices in path_values(disclosure).items()}
    some_id = [str(disclosure.world.draft)]
    values |= {"request_id": some_id, "report_id": some_id, "review_id": some_id,
               "quarter_key": ["2027-Q1"]}

    for route in sorted(NOT_PUBLIC):
        response = await client.get(urls_of(route, values)[0])
        assert response.status_code == 401, (route, response.text)
        assert response.headers["content-type"] == "application/problem+json"


# --- each public route shows exactly its allowed fields ------------------------------------


@pytest.mark.parametrize("route", sorted(PUBLIC_FIELDS))
async def test_public_route_answers_anonymous_callers_with_exactly_its_allowed_fields(
    answers: dict[str, list[Answer]], disclosure: Disclosure, route: str,
) -> None:
    draft = str(disclosure.world.draft)
    seen: set[str] = set()
    for answer in answers[route]:
        expected = 404 if draft in answer.url else 200
        assert answer.status == expected, (answer.url, answer.text)
        if answer.status == 200:
            seen |= field_paths(answer.body)

    allowed = PUBLIC_FIELDS[route]
    assert seen - allowed == set(), f"{route} shows fields not on its allow-list"
    assert allowed - seen == set(), f"{route}: allow-listed fields the world never showed"


# --- nothing restricted anywhere ----------------------------------------------------------------


def test_the_world_holds_every_restricted_value(disclosure: Disclosure) -> None:
    application = disclosure.application
    stored = "\n".join(
        notification.topic + json.dumps(
            json_ready(event_values(application.mapper.to_domain_event(notification))),
            ensure_ascii=False)
        for notification in application.recorder.select_notifications(start=1, limit=10_000))

    assert [value for value in RESTRICTED if value not in stored] == []


async def test_no_anonymous_answer_holds_a_restricted_value(
    answers: dict[str, list[Answer]],
) -> None:
    leaks = [(answer.url, value) for route in answers for answer in answers[route]
             for value in RESTRICTED
             if value in answer.text
             or value in json.dumps(answer.body, ensure_ascii=False)]

    assert leaks == []


async def test_insiders_see_what_the_public_does_not(
    disclosure: Disclosure, client: httpx.AsyncClient,
) -> None:
    tokens = Tokens(AUTH)
    committee = tokens.headers(Role.COMMITTEE, user="liu.committee")
    officer = tokens.headers(Role.DEPARTMENT, "440700-MZJ", user="chen.mzj")
    world = disclosure.world

    board = await client.get(f"/organizations/{world.boarded}", headers=committee)
    draft = await client.get(f"/catalogue-items/{world.draft}", headers=officer)
    retained = await client.get(f"/catalogue-items/{world.retained}/history", headers=officer)
    early = await client.get(f"/catalogue-items/{world.published}/history", headers=officer)

    assert board.json()["board"][0]["public_office"] == BOARD_OFFICE
    assert draft.json()["name"] == DRAFT_NAME
    assert RETENTION_JUSTIFICATION in retained.text
    assert "RetentionReviewed" in retained.text
    assert EARLY_DRAFT_NAME in early.text


async def test_public_history_of_an_item_shows_that_it_was_drafted_not_what(
    disclosure: Disclosure, client: httpx.AsyncClient,
) -> None:
    response = await client.get(f"/catalogue-items/{disclosure.world.published}/history")

    entries = response.json()
    assert [(e["event"], e["details"]) for e in entries[:2]] == [
        ("Drafted", {}), ("Revised", {})]
    assert entries[2]["event"] == "Published"


async def test_web_pages_show_a_visitor_nothing_restricted(
    disclosure: Disclosure, client: httpx.AsyncClient,
) -> None:
    values = path_values(disclosure)
    opened: list[str] = []
    leaks: list[tuple[str, str]] = []
    for route in sorted(web_pages(disclosure.app)):
        for url in urls_of(route, values):
            response = await client.get(url, follow_redirects=False)
            if response.status_code in (303, 307) and response.headers["location"].startswith(
                    "/web/sign-in"):
                continue
            if response.status_code != 200:
                continue
            opened.append(url)
            leaks += [(url, value) for value in RESTRICTED if value in response.text]

    assert "/web/sign-in" in opened
    assert leaks == []
