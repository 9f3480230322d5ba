"""Sign-in, the header and the inbox: what every user meets first."""

from __future__ import annotations

import httpx

from api.auth import TOKEN_COOKIE
from domain.actors import Role
from tests.web.conftest import Web, page_title, signs_in_first, text_of, unlabelled_controls

MZJ = "440700-MZJ"


async def test_a_visitor_is_sent_to_sign_in_before_the_inbox(visitor: httpx.AsyncClient) -> None:
    response = await visitor.get("/web/inbox")

    assert signs_in_first(response)
    assert response.headers["location"] == "/web/sign-in?next=/web/inbox"


async def test_home_sends_visitors_to_the_public_catalogue_and_users_to_their_inbox(
    web: Web, visitor: httpx.AsyncClient,
) -> None:
    async with web.client(Role.FINANCE) as finance:
        mine = await finance.get("/web/")

    assert (await visitor.get("/web/")).headers["location"] == "/web/public/catalogue"
    assert mine.headers["location"] == "/web/inbox"


async def test_development_sign_in_offers_roles_and_registered_units_with_labels(
    visitor: httpx.AsyncClient,
) -> None:
    page = await visitor.get("/web/sign-in")

    assert page.status_code == 200
    assert page_title(page.text) == "登录 · 政府职能转移与购买服务"
    assert "江门市民政局（440700-MZJ）" in page.text and "市社工委" in page.text
    assert unlabelled_controls(page.text) == []


async def test_signing_in_as_a_department_officer_sets_the_cookie_and_goes_on(
    visitor: httpx.AsyncClient,
) -> None:
    response = await visitor.post("/web/sign-in", data={
        "role": "department", "department": MZJ, "user": "li.wei", "next": "/web/catalogue"})

    assert response.status_code == 303 and response.headers["location"] == "/web/catalogue"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{TOKEN_COOKIE}=") and "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "samesite=strict" in cookie.lower()


async def test_signing_in_as_a_department_without_one_says_what_to_choose(
    visitor: httpx.AsyncClient,
) -> None:
    response = await visitor.post("/web/sign-in", data={"role": "department"})

    assert response.status_code == 422
    assert "请选择职能部门所属的单位" in text_of(response.text)


async def test_a_foreign_next_page_is_never_followed(visitor: httpx.AsyncClient) -> None:
    response = await visitor.post("/web/sign-in", data={
        "role": "finance", "next": "https://elsewhere.example/steal"})

    assert response.headers["location"] == "/web/inbox"


async def test_a_pasted_token_that_is_not_valid_is_refused_next_to_the_field(
    visitor: httpx.AsyncClient,
) -> None:
    response = await visitor.post("/web/sign-in", data={"token": "not-a-token"})

    assert response.status_code == 422
    assert "请粘贴统一身份认证平台签发的有效令牌" in response.text


async def test_the_header_shows_who_is_signed_in_and_in_what_role(web: Web) -> None:
    async with web.client(Role.DEPARTMENT, MZJ, user="li.wei") as officer:
        page = await officer.get("/web/inbox")

    header = text_of(page.text.split("<main")[0])
    assert "li.wei" in header and "职能部门（440700-MZJ）" in header and "退出" in header


async def test_the_inbox_lists_the_departments_tasks_linked_to_their_pages(web: Web) -> None:
    async with web.client(Role.DEPARTMENT, MZJ) as officer:
        page = await officer.get("/web/inbox")

    assert page.status_code == 200
    assert 'href="/web/catalogue/' in page.text and "草稿待发布" in page.text
    assert "共 " in text_of(page.text) and "项待办" in text_of(page.text)


async def test_the_api_takes_the_sign_in_cookie_as_the_pages_scripts_send_it(web: Web) -> None:
    async with web.client(Role.DEPARTMENT, MZJ) as officer:
        inbox = await officer.get("/inbox")
    async with web.client() as visitor:
        refused = await visitor.get("/inbox")

    assert inbox.status_code == 200 and inbox.json()["data"]
    assert refused.status_code == 401
