"""Searching the catalogue: ``GET /catalogue-items?q=养老``."""

from __future__ import annotations

import httpx

from projections.rows import CatalogueFilter
from tests.api.fakes import FakeViews
from tests.api.helpers import MZJ, Pipeline, field_errors


def _names(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["data"]]


async def test_search_passes_the_trimmed_text_to_the_view(
    client: httpx.AsyncClient, pipeline: Pipeline, views: FakeViews
) -> None:
    await pipeline.published(name="社区居家养老服务")
    await pipeline.published(name="流浪乞讨人员救助", description="街面巡查与护送返乡")

    response = await client.get("/catalogue-items", params={"q": "　养老 "})

    assert _names(response) == ["社区居家养老服务"]
    assert views.filters_seen[-1].q == "养老"


async def test_search_combined_with_filters_and_paging_passes_them_all(
    client: httpx.AsyncClient, views: FakeViews
) -> None:
    response = await client.get("/catalogue-items", params={
        "q": "养老", "department": MZJ, "catalogue_year": 2027, "status": "referred",
        "level1": "公共服务", "limit": 10,
    })

    assert response.status_code == 200
    assert views.filters_seen[-1] == CatalogueFilter(
        department=MZJ, catalogue_year=2027, status="referred", level1="公共服务", q="养老",
    )
    assert views.pages_asked[-1] == (None, 10)


async def test_search_of_blank_text_lists_everything(
    client: httpx.AsyncClient, views: FakeViews
) -> None:
    response = await client.get("/catalogue-items", params={"q": "   "})

    assert response.status_code == 200
    assert views.filters_seen[-1].q is None


async def test_search_longer_than_50_characters_returns_422_and_asks_nothing(
    client: httpx.AsyncClient, views: FakeViews
) -> None:
    response = await client.get("/catalogue-items", params={"q": "养" * 51})

    assert field_errors(response) == {"q": "不能超过 50 个字符"}
    assert views.filters_seen == []


async def test_search_of_50_characters_with_spaces_around_is_accepted(
    client: httpx.AsyncClient, views: FakeViews
) -> None:
    response = await client.get("/catalogue-items", params={"q": f"  {'养' * 50}  "})

    assert response.status_code == 200
    assert views.filters_seen[-1].q == "养" * 50
