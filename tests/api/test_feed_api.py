"""GET /feed: the change feed for integrators, followed page by page with a cursor."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from projections.feed import FeedProjection
from projections.feed_rows import FeedEntry
from tests.api.disclosure_helpers import Disclosure, disclosure_app
from tests.api.helpers import PROBLEM_JSON, bearer


@pytest.fixture(scope="module")
def disclosure(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Disclosure]:
    with disclosure_app(tmp_path_factory.mktemp("feed")) as built:
        yield built


@pytest.fixture(scope="module")
async def public(disclosure: Disclosure) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=disclosure.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://govflow.test") as c:
        yield c


@pytest.fixture(scope="module")
def everything(disclosure: Disclosure) -> list[FeedEntry]:
    entries: list[FeedEntry] = disclosure.views[FeedProjection].changes(after=0, limit=10_000)
    return entries


async def test_following_small_pages_gets_every_public_change_once_in_order(
    public: httpx.AsyncClient, everything: list[FeedEntry],
) -> None:
    followed: list[dict[str, Any]] = []
    cursor = 0
    while True:
        response = await public.get("/feed", params={"after": cursor, "limit": 7})
        assert response.status_code == 200, response.text
        page = response.json()
        if not page["data"]:
            assert page["next_cursor"] == cursor  # nothing new: ask again with the same
            break
        assert len(page["data"]) <= 7
        assert page["next_cursor"] == page["data"][-1]["position"]
        followed += page["data"]
        cursor = page["next_cursor"]

    assert [e["position"] for e in followed] == [e.position for e in everything]
    assert len(everything) > 7 * 10


async def test_feed_entry_names_the_change_in_chinese_with_china_time_and_role_only(
    public: httpx.AsyncClient, disclosure: Disclosure, everything: list[FeedEntry],
) -> None:
    published = next(e for e in everything
                     if e.entity_id == disclosure.world.published and e.event == "Published")

    response = await public.get("/feed", params={"after": published.position - 1,
                                                 "limit": 1})

    (entry,) = response.json()["data"]
    assert entry["position"] == published.position
    assert (entry["entity_type"], entry["entity_id"]) == (
        "catalogue_item", str(disclosure.world.published))
    assert (entry["event"], entry["event_label"]) == ("Published", "发布")
    assert (entry["actor_role"], entry["actor_role_label"]) == ("department", "职能部门")
    assert entry["occurred_at"].endswith("+08:00")
    assert entry["payload"]["name"] == "社区长者助浴服务"


async def test_feed_default_page_is_100_entries(public: httpx.AsyncClient) -> None:
    response = await public.get("/feed")

    assert len(response.json()["data"]) == 100


@pytest.mark.parametrize("params", [{"limit": 501}, {"limit": 0}, {"after": -1}])
async def test_feed_limit_beyond_500_or_negative_cursor_answers_422(
    public: httpx.AsyncClient, params: dict[str, int],
) -> None:
    response = await public.get("/feed", params=params)

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON


async def test_feed_cursor_beyond_what_the_feed_has_applied_answers_503_to_retry(
    public: httpx.AsyncClient, disclosure: Disclosure,
) -> None:
    response = await public.get("/feed", params={"after": disclosure.world.last + 1000})

    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["retry-after"] == "1"


async def test_feed_with_an_invalid_token_answers_401(public: httpx.AsyncClient) -> None:
    response = await public.get("/feed", headers=bearer("not-a-token"))

    assert response.status_code == 401


async def test_feed_is_documented_as_public_with_one_after_parameter(
    disclosure: Disclosure,
) -> None:
    operation = disclosure.app.openapi()["paths"]["/feed"]["get"]

    assert {} in operation["security"]
    assert [p["name"] for p in operation["parameters"]].count("after") == 1


async def test_feed_without_the_feed_view_answers_503(client: httpx.AsyncClient,
                                                      app: FastAPI) -> None:
    response = await client.get("/feed")

    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM_JSON
