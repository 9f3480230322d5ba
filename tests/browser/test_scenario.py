"""A case through the pages, in the browser, on a real ``govflow dev``, each step taken by
the role that takes it: a department officer drafts and publishes an item and refers one
past its publicity to the consulting agency; an expert gives the agency's opinion; finance
allocates the budget; the department decides to purchase and awards a contract with two
milestones; the provider reports the first delivered; the department accepts it; finance
approves its payment, and the contract page shows it paid in 元 (the last milestone's
payment waits for the performance review at the end of the term).  An evaluator scores a grade
evaluation and sees the grade it gives.  Each role's inbox lists the task while it waits
and no longer once done; a visitor finds the published item in the public catalogue but
not a draft; a refused form shows the API's message next to its field.

What a browser cannot do in minutes comes from ``govflow demo`` (the registers, the
agency and its experts, graded organizations, an evaluation with its evaluator) and one
item recorded through the API as published before govflow (``POST
/catalogue-items/existing``): its 7-day publicity cannot be waited out."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.async_api import Locator, expect
from playwright.async_api import TimeoutError as PageTimeout

from domain.actors import Role
from domain.calendar import china_date
from domain.organizations.organization import SocialOrganization
from tests.browser.conftest import DEPARTMENT, WAIT, Govflow, OpenTab, Tab, headers

pytestmark = pytest.mark.e2e

PROVIDER = str(SocialOrganization.create_id("52440784MJM000014W"))
"""鹤山市青少年服务中心: 4A since 2026, eligible to undertake."""
PROVIDER_NAME = "鹤山市青少年服务中心"
EXPERT = "林芳"
"""The demo's expert without affiliations."""

DRAFT = "长者助餐配送服务"
PAST_PUBLICITY = "社区长者食堂运营"
TODAY = china_date(datetime.now(UTC))
YEAR = TODAY.year + 1
"""The catalogue year the items are for, the fiscal year and term of the contract."""


async def record_item_past_publicity(govflow: Govflow) -> dict[str, Any]:
    """An item 江门市民政局 published before govflow, its publicity over, not yet referred."""
    async with httpx.AsyncClient(base_url=govflow.base_url, timeout=30) as http:
        recorded = await http.post("/catalogue-items/existing", json={
            "name": PAST_PUBLICITY, "description": "运营社区长者食堂，提供堂食和送餐",
            "catalogue_year": YEAR,
            "classification": {"level1": "公共服务", "level2": "养老服务", "level3": "助餐服务"},
            "nature": "公共服务", "provincial_listed": False,
            "published_on": (TODAY - timedelta(days=30)).isoformat(),
            "publicity_ends_on": (TODAY - timedelta(days=23)).isoformat(),
            "mode": "", "document": "江民〔2026〕30号", "budget_fen": 0,
        }, headers=headers(Role.DEPARTMENT, DEPARTMENT))
        assert recorded.status_code == 201, recorded.text
        eligibility = await http.get(f"/organizations/{PROVIDER}/eligibility")
        assert eligibility.json()["eligible"], eligibility.text
        return dict(recorded.json())


# --- what a user does ---------------------------------------------------------------


async def submit(tab: Tab, form: Locator) -> None:
    """Press the form's button; the API accepts and the page goes where the form says
    (or the test fails with the messages the form shows)."""
    before = tab.page.url
    await form.locator("button[type=submit]").click()
    try:
        await tab.page.wait_for_url(lambda url: url != before, timeout=WAIT * 1000)
    except PageTimeout:
        shown = await form.locator("[role=alert]").all_inner_texts()
        raise AssertionError(f"the form at {before} was refused: "
                             f"{[text for text in shown if text.strip()]}") from None
    await tab.page.wait_for_load_state("networkidle")


async def inbox_entries(tab: Tab) -> list[tuple[str, str, str]]:
    """The inbox as its user reads it: (kind, title, link) of each entry."""
    await tab.open("/web/inbox")
    entries = []
    for row in await tab.page.locator("table[data-testid=inbox] tbody tr").all():
        cell = row.locator("td").first
        link = cell.locator("a")
        entries.append((await row.get_attribute("data-kind") or "",
                        (await cell.inner_text()).strip(),
                        (await link.get_attribute("href") or "") if await link.count() else ""))
    return entries


async def waiting(tab: Tab, kind: str, name: str, *, count: int = 1) -> str:
    """The inbox lists ``count`` tasks of ``kind`` whose title names ``name`` (0: none
    any more), once the view has caught up; the first one's link."""
    deadline = time.monotonic() + WAIT
    while True:
        entries = await inbox_entries(tab)
        found = [href for k, title, href in entries if k == kind and name in title]
        if len(found) == count:
            return found[0] if found else ""
        assert time.monotonic() < deadline, (
            f"{tab.name}'s inbox lists {len(found)} {kind} 「{name}」, not {count}: {entries}")
        await tab.page.wait_for_timeout(300)


async def reload_until(tab: Tab, path: str, locator: Locator) -> None:
    """Open ``path`` until ``locator`` shows (a workflow's next step reaches the view)."""
    deadline = time.monotonic() + WAIT
    while True:
        await tab.open(path)
        if await locator.count():
            return
        assert time.monotonic() < deadline, f"{path} never showed {locator}"
        await tab.page.wait_for_timeout(300)


async def visitor_search(tab: Tab, text: str) -> Locator:
    """A visitor searches the public catalogue for ``text``; the page that answers."""
    await tab.open("/web/public/catalogue")
    await tab.page.get_by_label("检索（事项名称、说明）").fill(text)
    async with tab.page.expect_navigation():
        await tab.page.locator("form[data-testid=catalogue-filters] button[type=submit]").click()
    return tab.page.locator("main")


# --- the case --------------------------------------------------------------------------


async def test_a_case_from_draft_to_payment_through_the_pages(
    govflow: Govflow, open_tab: OpenTab,
) -> None:
    past = await record_item_past_publicity(govflow)
    officer = await open_tab(Role.DEPARTMENT, user="li.wei")
    visitor = await open_tab(None)
    page = officer.page

    # A department officer drafts an item.
    await officer.open("/web/catalogue/new")
    draft = page.locator("form[data-testid=draft-form]")
    await draft.locator('[name="name"]').fill(DRAFT)
    await draft.locator('[name="description"]').fill("为高龄独居老人配送午餐")
    await draft.locator('[name="catalogue_year"]').fill(str(YEAR))
    await draft.locator('[name="classification.level1"]').fill("公共服务")
    await draft.locator('[name="classification.level2"]').fill("养老服务")
    await draft.locator('[name="classification.level3"]').fill("助餐服务")
    await draft.locator('[name="nature"]').select_option("公共服务")
    await officer.screenshot("draft-form")
    await submit(officer, draft)
    await expect(page.locator("h1")).to_contain_text(DRAFT)
    await expect(page.locator("main")).to_contain_text("草稿")
    draft_path = page.url.split("?")[0].removeprefix(govflow.base_url)
    await officer.screenshot("drafted")

    # A visitor reads the catalogue but finds no draft, not even by its address.
    await visitor.open("/web/public/catalogue")
    catalogue = visitor.page.locator("table[data-testid=public-catalogue]")
    await expect(catalogue).to_contain_text("养老服务补贴对象评估")  # the demo's, in publicity
    await expect(catalogue).not_to_contain_text("社区志愿服务组织培育")  # the demo's draft
    await visitor.screenshot("public-catalogue")
    results = await visitor_search(visitor, DRAFT)
    await expect(results.locator("[data-testid=no-results]")).to_be_visible()
    public_draft = draft_path.replace("/web/catalogue/", "/web/public/catalogue/")
    visitor.expect_refusal(public_draft, 404)
    assert await visitor.open(public_draft) == 404
    await visitor.screenshot("draft-not-public")

    # The draft waits in the officer's inbox; publishing it there starts its publicity.
    link = await waiting(officer, "publish", DRAFT)
    assert link == draft_path
    await officer.screenshot("inbox-draft")
    await officer.open(link)
    await submit(officer, page.locator("form[data-testid=publish-form]"))
    await expect(page.locator("main")).to_contain_text("公示中")
    await officer.screenshot("published")
    await waiting(officer, "publish", DRAFT, count=0)

    # Now a visitor finds it.
    results = await visitor_search(visitor, DRAFT)
    await expect(results.locator("table[data-testid=public-catalogue]")).to_contain_text(DRAFT)
    await visitor.screenshot("published-item-in-public-catalogue")

    # The item past its publicity waits to be referred; the officer refers it.
    link = await waiting(officer, "refer", PAST_PUBLICITY)
    assert link == f"/web/catalogue/{past['id']}"
    await officer.open(link)
    referral = page.locator("form[data-testid=referral-form]")
    await referral.locator('[name="agency_id"]').select_option(govflow.agency_id)
    await submit(officer, referral)
    await expect(page.locator("main")).to_contain_text("江门市政府职能转移咨询委员会")
    await officer.screenshot("referred")
    await waiting(officer, "refer", PAST_PUBLICITY, count=0)

    # An expert of the agency finds it in the inbox and gives the opinion (咨询事项).
    expert = await open_tab(Role.AGENCY, user="lin.fang")
    await waiting(expert, "opinion", PAST_PUBLICITY)
    await expert.screenshot("inbox-referral")
    await expert.open("/web/referrals")
    await expert.page.locator("table[data-testid=referrals]").get_by_role(
        "link", name=PAST_PUBLICITY).click()
    opinion = expert.page.locator("form[data-testid=opinion-form]")
    await opinion.locator('[name="recommendation"]').select_option("购买服务")
    await opinion.locator('[name="reasons"]').fill("辖区内已有多家社会组织具备助餐服务能力")
    await opinion.get_by_label(EXPERT, exact=False).check()
    await expert.screenshot("opinion-form")
    await submit(expert, opinion)
    await expect(expert.page.locator("[data-testid=opinion]")).to_contain_text("购买服务")
    await expert.screenshot("opinion-given")
    await waiting(expert, "opinion", PAST_PUBLICITY, count=0)

    # Finance allocates the budget of the item's year, which the purchase needs.
    finance = await open_tab(Role.FINANCE, user="wang.finance")
    await finance.open("/web/budgets")
    row = finance.page.locator(f"table[data-testid=budgets] tr[data-item='{past['id']}']")
    budget = row.locator("form[data-testid=budget-form]")
    await budget.locator('[name="fiscal_year"]').fill(str(YEAR))
    await budget.locator('[name="amount_fen"]').fill("300000.00")
    await submit(finance, budget)
    await expect(finance.page.locator(f"tr[data-item='{past['id']}']")).to_contain_text(
        "300,000.00 元")
    await finance.screenshot("budget-allocated")

    # The department decides to purchase, then awards a contract with two milestones.
    link = await waiting(officer, "decide", PAST_PUBLICITY)
    await officer.open(link)
    decision = page.locator("form[data-testid=decision-form]")
    await decision.locator('[name="mode"]').select_option("购买服务")
    await submit(officer, decision)
    award = page.locator("form[data-testid=award-form]")
    await expect(award).to_contain_text(f"{YEAR} 年度预算 300,000.00 元")
    await officer.screenshot("decided")
    await waiting(officer, "decide", PAST_PUBLICITY, count=0)
    await officer.open(link)
    await award.locator('[name="organization_id"]').select_option(PROVIDER)
    await award.locator('[name="method"]').select_option("竞争性磋商")
    await award.locator('[name="amount_fen"]').fill("120,000.00")
    await award.locator('[name="term_start"]').fill(f"{YEAR}-01-01")
    await award.locator('[name="term_end"]').fill(f"{YEAR}-12-31")
    await award.locator('[name="milestones.0.name"]').fill("第一季度助餐服务")
    await award.locator('[name="milestones.0.due_on"]').fill(f"{YEAR}-03-31")
    await award.locator('[name="milestones.0.amount_fen"]').fill("40000")
    await award.locator('[name="milestones.1.name"]').fill("全年助餐服务")
    await award.locator('[name="milestones.1.due_on"]').fill(f"{YEAR}-12-31")
    await award.locator('[name="milestones.1.amount_fen"]').fill("80,000.00")
    await officer.screenshot("award-form")
    await submit(officer, award)
    contract_path = page.url.split("?")[0].removeprefix(govflow.base_url)
    contract_id = contract_path.rsplit("/", 1)[-1]
    facts = page.locator("[data-testid=facts]")
    await expect(facts).to_contain_text(PROVIDER_NAME)
    await expect(facts).to_contain_text("120,000.00 元")
    await officer.screenshot("contract-awarded")

    # The provider reports the first milestone delivered.
    provider = await open_tab(Role.ORGANIZATION, PROVIDER, user="heshan.youth")
    await waiting(provider, "deliver_milestone", PAST_PUBLICITY, count=2)
    first = provider.page.locator(f"section[data-contract='{contract_id}'] tr",
                                  has_text="M1 第一季度助餐服务")
    delivery = first.locator("form[data-testid=delivery-form]")
    await reload_until(provider, "/web/organization", delivery)
    await delivery.locator('[name="report"]').fill("已完成第一季度助餐服务 3,600 人次")
    await submit(provider, delivery)
    await expect(first).to_contain_text("已交付")
    await provider.screenshot("delivered")
    await waiting(provider, "deliver_milestone", PAST_PUBLICITY, count=1)

    # The department accepts it, from its inbox.
    link = await waiting(officer, "accept_milestone", PAST_PUBLICITY)
    assert link == contract_path
    await officer.open(link)
    acceptance = page.locator("form[data-testid=acceptance-form-M1]")
    await acceptance.locator('[name="accepted"]').select_option("true")
    await acceptance.locator('[name="findings"]').fill("送餐记录完整，抽查回访满意")
    await submit(officer, acceptance)
    await expect(page.locator("table[data-testid=milestones] tr[data-milestone=M1]")
                 ).to_contain_text("已验收")
    await officer.screenshot("accepted")
    await waiting(officer, "accept_milestone", PAST_PUBLICITY, count=0)

    # Finance approves the payment; the contract shows it paid, in 元.
    await waiting(finance, "approve_payment", PAST_PUBLICITY)
    await finance.screenshot("inbox-payment")
    await finance.open("/web/payments")
    payment = finance.page.locator(
        f"tr[data-contract='{contract_id}'][data-milestone=M1] form[data-testid=payment-form]")
    await expect(payment.locator('[name="amount_fen"]')).to_have_value("40000.00")
    await finance.screenshot("payments")
    await submit(finance, payment)
    await waiting(finance, "approve_payment", PAST_PUBLICITY, count=0)
    await finance.open(contract_path)
    paid = finance.page.locator("[data-testid=facts] dt:text-is('已支付') + dd")
    await expect(paid).to_have_text("40,000.00 元")
    await expect(finance.page.locator("table[data-testid=payments]")).to_contain_text(
        "40,000.00 元")
    await finance.screenshot("contract-paid")

    for tab in (officer, visitor, expert, finance, provider):
        assert tab.problems == [], f"{tab.name}: {tab.problems}"


async def test_an_evaluator_scores_an_evaluation_and_sees_the_grade_it_gives(
    govflow: Govflow, open_tab: OpenTab,
) -> None:
    evaluator = await open_tab(Role.EVALUATOR, user="ping.gu")
    name = "蓬江区社会工作服务中心"

    link = await waiting(evaluator, "score", name)
    assert link == f"/web/evaluations/{govflow.evaluation_id}"
    await evaluator.screenshot("inbox-score")
    await evaluator.open(link)
    form = evaluator.page.locator("form[data-testid=score-form]")
    # A 民办非企业单位 is scored on the four dimensions of social service organizations.
    for dimension, score in (("基础条件", 70), ("内部治理", 330), ("业务活动和诚信建设", 400),
                             ("社会评价", 90)):
        await form.locator(f'[name="scores.{dimension}"]').fill(str(score))
    await expect(form.locator("output[data-score-total]")).to_have_text("890 分，对应等级 4A")
    await evaluator.screenshot("scores")
    await submit(evaluator, form)

    facts = evaluator.page.locator("[data-testid=evaluation-facts]")
    await expect(facts).to_contain_text("890 分")
    await expect(facts).to_contain_text("4A")
    await evaluator.screenshot("scored")
    await waiting(evaluator, "score", name, count=0)
    assert evaluator.problems == []


async def test_a_refused_draft_shows_the_apis_message_next_to_the_field(
    open_tab: OpenTab,
) -> None:
    officer = await open_tab(Role.DEPARTMENT)
    await officer.open("/web/catalogue/new")
    draft = officer.page.locator("form[data-testid=draft-form]")
    await draft.locator('[name="description"]').fill("名称漏填的草稿")
    await draft.locator('[name="classification.level1"]').fill("公共服务")
    await draft.locator('[name="classification.level2"]').fill("养老服务")
    await draft.locator('[name="classification.level3"]').fill("助餐服务")
    await draft.locator('[name="nature"]').select_option("公共服务")
    officer.expect_refusal("/catalogue-items", 422)

    async with officer.page.expect_response("**/catalogue-items") as answered:
        await draft.locator("button[type=submit]").click()
    problem = await (await answered.value).json()

    (error,) = [e for e in problem["errors"] if e["field"].endswith("name")]
    name = draft.locator('[name="name"]')
    message = draft.locator('[data-error-for="name"]')
    await expect(message).to_have_text(error["message"])
    await expect(name).to_have_attribute("aria-invalid", "true")
    described_by = (await name.get_attribute("aria-describedby") or "").split()
    assert await message.get_attribute("id") in described_by
    await officer.screenshot("refused-draft")
    assert officer.page.url.endswith("/web/catalogue/new")
    assert officer.problems == []
