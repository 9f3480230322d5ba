"""Public pages (信息公开): the catalogue, organizations and their grades, contracts and the
complaint form — what anyone sees without signing in, and what they never see."""

from __future__ import annotations

import re
from uuid import UUID

import httpx
import pytest

from domain.actors import Role
from projections.case_rows import ContractFilter
from projections.contracts import ContractsProjection
from projections.organization_rows import OrganizationFilter, OrganizationRow
from projections.organizations import OrganizationsProjection
from tests.restricted_world import (
    BOARD_MEMBER,
    COMPLAINT_CONTENT,
    DRAFT_NAME,
    EARLY_DRAFT_NAME,
    PUBLISHED_NAME,
    RESTRICTED,
    RETENTION_COMMENT,
    RETENTION_JUSTIFICATION,
)
from tests.web.conftest import Web, page_title, text_of, unlabelled_controls

LISTS = ("/web/public/catalogue", "/web/public/organizations", "/web/public/contracts",
         "/web/public/complaints/new", "/web/public/complaints/thanks")


def organizations(web: Web) -> list[OrganizationRow]:
    rows: list[OrganizationRow] = web.disclosure.views[OrganizationsProjection] \
        .list_organizations(OrganizationFilter(), cursor=None, limit=200).data
    return rows


def organization_named(web: Web, name: str, *, complaints: bool = False) -> OrganizationRow:
    return next(o for o in organizations(web)
                if o.name == name and (bool(o.complaints) or not complaints))


async def opened(visitor: httpx.AsyncClient, url: str) -> str:
    response = await visitor.get(url)
    assert response.status_code == 200, response.text[:500]
    return response.text


def leaks(html: str) -> list[str]:
    return [value for value in RESTRICTED if value in html]


# --- open to everyone ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", LISTS)
async def test_a_public_page_opens_without_sign_in_titled_with_every_control_labelled(
    visitor: httpx.AsyncClient, url: str,
) -> None:
    html = await opened(visitor, url)

    assert page_title(html).endswith(" · 政府职能转移与购买服务")
    assert unlabelled_controls(html) == []
    assert leaks(html) == []


async def test_the_pages_of_an_item_an_organization_and_a_contract_open_without_sign_in(
    web: Web, visitor: httpx.AsyncClient,
) -> None:
    contract = web.disclosure.views[ContractsProjection].list_contracts(
        ContractFilter(), cursor=None, limit=1).data[0]
    for url, title in [
        (f"/web/public/catalogue/{web.world.published}", f"{PUBLISHED_NAME}（440700-2027-"),
        (f"/web/public/organizations/{web.world.boarded}", "蓬江区长者助浴服务中心 · "),
        (f"/web/public/contracts/{contract.id}", f"{contract.item_name} · 购买服务合同"),
    ]:
        html = await opened(visitor, url)
        assert page_title(html).startswith(title), url
        assert unlabelled_controls(html) == []


# --- the catalogue ------------------------------------------------------------------------------


async def test_the_public_catalogue_lists_published_items_and_never_a_draft(
    web: Web, visitor: httpx.AsyncClient,
) -> None:
    html = await opened(visitor, "/web/public/catalogue")
    asked_for_drafts = await opened(visitor, "/web/public/catalogue?status=draft")

    assert f'<a href="/web/public/catalogue/{web.world.published}">{PUBLISHED_NAME}</a>' in html
    assert "养老服务质量监测" in html and "咨询中" in html
    for page in (html, asked_for_drafts):
        assert DRAFT_NAME not in page and str(web.world.draft) not in page


async def test_searching_the_public_catalogue_in_chinese_finds_published_items_only(
    web: Web, visitor: httpx.AsyncClient,
) -> None:
    bathing = await opened(visitor, "/web/public/catalogue?q=助浴")
    draft = await opened(visitor, f"/web/public/catalogue?q={DRAFT_NAME}")

    assert PUBLISHED_NAME in text_of(bathing) and "养老服务质量监测" not in text_of(bathing)
    assert 'data-testid="no-results"' in draft and str(web.world.draft) not in draft


async def test_a_signed_in_department_sees_the_public_catalogue_as_the_public_does(
    web: Web,
) -> None:
    async with web.client(Role.DEPARTMENT, "440700-MZJ") as officer:
        html = await opened(officer, "/web/public/catalogue")
        draft = await officer.get(f"/web/public/catalogue/{web.world.draft}")

    assert DRAFT_NAME not in html and draft.status_code == 404


async def test_a_drafts_address_answers_the_not_found_page(
    web: Web, visitor: httpx.AsyncClient,
) -> None:
    response = await visitor.get(f"/web/public/catalogue/{web.world.draft}")
    mistyped = await visitor.get("/web/public/catalogue/not-an-id")

    assert response.status_code == 404 and mistyped.status_code == 404
    assert "不存在或尚未公开" in text_of(response.text)
    assert DRAFT_NAME not in response.text
    assert page_title(response.text) == "未找到 · 政府职能转移与购买服务"


async def test_an_items_page_shows_its_facts_progress_and_public_history(
    web: Web, visitor: httpx.AsyncClient,
) -> None:
    html = await opened(visitor, f"/web/public/catalogue/{web.world.published}")
    text = text_of(html)

    assert '<li class="current" aria-current="step">公示（公示中）</li>' in html
    assert "江门市民政局" in text and "公共服务 / 养老服务 / 居家养老" in text
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 至 \d{4}年\d{1,2}月\d{1,2}日", text)
    history = re.search(r'data-testid="history">(.*?)</ol>', html, re.S)
    assert history is not None and "发布" in history.group(1)
    assert EARLY_DRAFT_NAME not in html  # what the draft said, before publication


async def test_a_retained_items_page_keeps_the_retention_reasons_internal(
    web: Web, visitor: httpx.AsyncClient,
) -> None:
    html = await opened(visitor, f"/web/public/catalogue/{web.world.retained}")

    assert "社区矫正辅助事务" in text_of(html)
    assert '<li class="current" aria-current="step">决定（保留）</li>' in html
    assert RETENTION_JUSTIFICATION not in html and RETENTION_COMMENT not in html
    assert leaks(html) == []
    history = re.search(r'data-testid="history">(.*?)</ol>', html, re.S)
    assert history is not None
    assert "作出决定" in history.group(1) and "保留审批" not in history.group(1)


async def test_an_escalated_referral_shows_the_public_no_escalation(
    web: Web, visitor: httpx.AsyncClient,
) -> None:
    html = await opened(visitor, f"/web/public/catalogue/{web.world.escalated}")

    assert "提交咨询" in text_of(html) and "逾期上报" not in text_of(html)
    assert '<li class="current" aria-current="step">咨询（咨询中）</li>' in html


# --- organizations ------------------------------------------------------------------------------


async def test_public_organizations_show_their_grade_and_its_validity(
    web: Web, visitor: httpx.AsyncClient,
) -> None:
    graded = next(o for o in organizations(web) if o.grade_level)
    html = await opened(visitor, "/web/public/organizations")
    four_a = await opened(visitor, "/web/public/organizations?grade_level=4")

    assert f'href="/web/public/organizations/{graded.id}"' in html
    assert "4A" in text_of(html) and "2026年1月1日 至 2030年12月31日" in text_of(html)
    assert "无等级" in text_of(html)
    assert all(o.name in text_of(four_a) for o in organizations(web) if o.grade_level == 4)
    assert "蓬江区长者助浴服务中心" not in text_of(four_a)


async def test_an_organizations_record_shows_flags_penalties_and_inspections(
    web: Web, visitor: httpx.AsyncClient,
) -> None:
    social = organization_named(web, "台山市社会工作服务中心")
    html = await opened(visitor, f"/web/public/organizations/{social.id}")
    text = text_of(html)

    assert "异常名录" in text and "未按时年检" in text and "已补正年检" in text
    assert "2025年6月1日" in text  # cleared
    assert "台民罚〔2025〕1号" in text


async def test_an_organizations_page_shows_complaint_outcomes_never_who_complained(
    web: Web, visitor: httpx.AsyncClient,
) -> None:
    elderly = organization_named(web, "蓬江区长者服务中心", complaints=True)
    resolved = await opened(visitor, f"/web/public/organizations/{elderly.id}")
    boarded = await opened(visitor, f"/web/public/organizations/{web.world.boarded}")

    assert "服务态度差" in text_of(resolved) and "已约谈整改" in text_of(resolved)
    assert "2025年3月10日" in text_of(resolved)
    assert COMPLAINT_CONTENT in text_of(boarded) and "处理中" in text_of(boarded)
    assert BOARD_MEMBER in text_of(boarded)  # the board is public, the office is not
    assert leaks(resolved) == [] and leaks(boarded) == []


# --- contracts ----------------------------------------------------------------------------------


async def test_public_contracts_show_amounts_in_yuan_announcement_and_review(
    web: Web, visitor: httpx.AsyncClient,
) -> None:
    html = await opened(visitor, "/web/public/contracts")
    text = text_of(html)

    assert "300,000.00 元" in text and "2026年12月21日" in text
    assert "差（49 分）" in text and "台山市义工联合会" in text


async def test_a_contracts_page_shows_milestones_payments_and_its_review(
    web: Web, visitor: httpx.AsyncClient,
) -> None:
    closed = next(c for c in web.disclosure.views[ContractsProjection].list_contracts(
        ContractFilter(), cursor=None, limit=50).data if c.review_rating)
    html = await opened(visitor, f"/web/public/contracts/{closed.id}")
    text = text_of(html)

    assert f"{closed.amount_fen // 100:,}.00 元" in text
    milestones = re.search(r'data-testid="milestones".*?</table>', html, re.S)
    assert milestones is not None
    assert len(re.findall(r"<tr><td>M\d", milestones.group(0))) == len(closed.milestones)
    assert 'data-testid="payments"' in html and len(closed.payments) > 0
    assert "差（49 分）" in text and "评价意见" in text
    assert f'href="/web/public/organizations/{closed.provider_id}"' in html


async def test_an_unknown_organization_or_contract_is_not_found(
    visitor: httpx.AsyncClient,
) -> None:
    for url in (f"/web/public/organizations/{UUID(int=9)}", f"/web/public/contracts/{UUID(int=9)}",
                "/web/public/contracts/9"):
        response = await visitor.get(url)
        assert response.status_code == 404, url


# --- complaints ---------------------------------------------------------------------------------


async def test_the_complaint_form_posts_to_the_chosen_organizations_complaints(
    web: Web, visitor: httpx.AsyncClient,
) -> None:
    boarded = web.world.boarded
    html = await opened(visitor, f"/web/public/complaints/new?organization_id={boarded}")

    form = re.search(r'<form class="api-form".*?</form>', html, re.S)
    assert form is not None
    assert f'data-api-action="/organizations/{boarded}/complaints"' in form.group(0)
    assert re.findall(r'\sname="([^"]+)"', form.group(0)) == [
        "complainant_name", "complainant_contact", "content"]
    assert f'<option value="{boarded}" selected>' in form.group(0)
    assert 'data-redirect="/web/public/complaints/thanks?organization_id={id}' in form.group(0)
    assert "不公开" in text_of(html)


async def test_a_visitors_complaint_with_the_forms_fields_is_accepted_and_thanked(
    web: Web, visitor: httpx.AsyncClient,
) -> None:
    boarded = web.world.boarded
    response = await visitor.post(f"/organizations/{boarded}/complaints", json={
        "complainant_name": "陈女士", "complainant_contact": "13800000001",
        "content": "上门服务时间不固定"})
    answer = response.json()
    thanks = await opened(visitor, "/web/public/complaints/thanks?organization_id="
                                   f"{answer['id']}&complaint_id={answer['complaint_id']}")

    assert response.status_code == 201, answer
    assert answer["complaint_id"] in text_of(thanks)
    assert "处理结果在该社会组织的公开信息中公布" in text_of(thanks)
    assert f'href="/web/public/organizations/{boarded}#complaints"' in thanks
