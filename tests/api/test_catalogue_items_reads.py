"""Reading the catalogue: lists, items, history, and waiting for one's own writes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from domain.actors import Role
from projections.rows import ALL_DRAFTS, CatalogueFilter
from tests.api.fakes import FakeViews
from tests.api.helpers import (
    CZJ,
    MZJ,
    PROBLEM_JSON,
    READ_WAIT_SECONDS,
    Tokens,
    draft_item,
    field_errors,
    publish_item,
)


async def _published(
    client: httpx.AsyncClient, headers: dict[str, str], **overrides: Any
) -> dict[str, Any]:
    accepted = await draft_item(client, headers, **overrides)
    await publish_item(client, headers, accepted["id"])
    return accepted


def _codes(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["code"] for item in response.json()["data"]]


# --- lists ----------------------------------------------------------------------


async def test_list_anonymous_excludes_drafts(
    client: httpx.AsyncClient, officer: dict[str, str], views: FakeViews
) -> None:
    published = await _published(client, officer, name="社区居家养老服务")
    await draft_item(client, officer, name="未发布的草稿")

    response = await client.get("/catalogue-items")

    assert _codes(response) == [published["code"]]
    assert views.filters_seen[-1].drafts_visible_to is None


async def test_list_by_officer_includes_own_departments_drafts_only(
    client: httpx.AsyncClient, officer: dict[str, str], tokens: Tokens, views: FakeViews
) -> None:
    own = await draft_item(client, officer)
    await draft_item(client, tokens.headers(Role.DEPARTMENT, CZJ))

    response = await client.get("/catalogue-items", headers=officer)

    assert _codes(response) == [own["code"]]
    assert views.filters_seen[-1].drafts_visible_to == MZJ


async def test_list_by_committee_includes_every_draft(
    client: httpx.AsyncClient, officer: dict[str, str], tokens: Tokens,
    committee: dict[str, str], views: FakeViews,
) -> None:
    await draft_item(client, officer)
    await draft_item(client, tokens.headers(Role.DEPARTMENT, CZJ))

    response = await client.get("/catalogue-items", headers=committee)

    assert len(_codes(response)) == 2
    assert views.filters_seen[-1].drafts_visible_to == ALL_DRAFTS


async def test_list_by_finance_excludes_drafts(
    client: httpx.AsyncClient, officer: dict[str, str], finance: dict[str, str],
    views: FakeViews,
) -> None:
    await draft_item(client, officer)

    response = await client.get("/catalogue-items", headers=finance)

    assert _codes(response) == []
    assert views.filters_seen[-1].drafts_visible_to is None


async def test_list_with_filters_passes_them_to_the_view(
    client: httpx.AsyncClient, officer: dict[str, str], views: FakeViews
) -> None:
    wanted = await _published(client, officer, catalogue_year=2027)
    await _published(client, officer, catalogue_year=2028)

    response = await client.get("/catalogue-items", params={
        "department": MZJ, "catalogue_year": 2027, "status": "publicity", "level1": "公共服务",
    })

    assert _codes(response) == [wanted["code"]]
    assert views.filters_seen[-1] == CatalogueFilter(
        department=MZJ, catalogue_year=2027, status="publicity", level1="公共服务",
    )


async def test_list_unknown_status_returns_422_listing_the_statuses(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/catalogue-items", params={"status": "published"})

    message = field_errors(response)["status"]
    assert message.startswith("必须是以下之一：")
    assert "'publicity'" in message


async def test_list_without_limit_asks_the_view_for_50(
    client: httpx.AsyncClient, views: FakeViews
) -> None:
    await client.get("/catalogue-items")

    assert views.pages_asked == [(None, 50)]


async def test_list_limit_of_200_is_accepted(
    client: httpx.AsyncClient, views: FakeViews
) -> None:
    response = await client.get("/catalogue-items", params={"limit": 200})

    assert response.status_code == 200
    assert views.pages_asked == [(None, 200)]


@pytest.mark.parametrize(("limit", "message"), [(201, "不能大于 200"), (0, "不能小于 1")])
async def test_list_limit_out_of_range_returns_422(
    client: httpx.AsyncClient, views: FakeViews, limit: int, message: str
) -> None:
    response = await client.get("/catalogue-items", params={"limit": limit})

    assert field_errors(response) == {"limit": message}
    assert views.pages_asked == []


async def test_list_next_cursor_leads_to_the_rest(
    client: httpx.AsyncClient, officer: dict[str, str], views: FakeViews
) -> None:
    codes = [(await _published(client, officer))["code"] for _ in range(3)]

    first = await client.get("/catalogue-items", params={"limit": 2})
    cursor = first.json()["next_cursor"]
    rest = await client.get("/catalogue-items", params={"limit": 2, "cursor": cursor})

    assert _codes(first) == codes[:2]
    assert cursor is not None
    assert _codes(rest) == codes[2:]
    assert rest.json()["next_cursor"] is None
    assert views.pages_asked[-1] == (cursor, 2)


async def test_list_with_cursor_not_handed_out_returns_422_naming_cursor(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/catalogue-items", params={"cursor": "%%%"})

    assert "分页游标 '%%%' 无效" in field_errors(response)["cursor"]
    assert response.json()["type"] == "InvalidCursorError"


# --- one item and its history ---------------------------------------------------


async def test_get_published_item_shows_times_in_china_and_legal_dates_plain(
    client: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    accepted = await _published(client, officer)

    item = (await client.get(f"/catalogue-items/{accepted['id']}")).json()

    assert item["published_at"] == "2027-03-03T10:00:00+08:00"
    assert item["created_at"].endswith("+08:00")
    assert item["publicity_starts_on"] == "2027-03-04"
    assert item["publicity_ends_on"] == "2027-03-10"
    assert (item["status"], item["status_label"]) == ("publicity", "公示中")
    assert item["department_name"] == "江门市民政局"
    assert item["classification"] == {
        "level1": "公共服务", "level2": "养老服务", "level3": "居家养老服务",
    }


async def test_get_statutory_item_says_it_must_be_retained(
    client: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    accepted = await _published(client, officer, nature="行政许可")

    item = (await client.get(f"/catalogue-items/{accepted['id']}")).json()

    assert item["must_be_retained"] is True


async def test_get_unknown_item_returns_404_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/catalogue-items/5b0c1a58-8f0e-4a43-9d0b-0d6f2c5a9e11")

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["title"] == "找不到指定的对象"


async def test_history_lists_every_event_with_who_and_when(
    client: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    accepted = await _published(client, officer)
    await client.post(f"/catalogue-items/{accepted['id']}/withdraw",
                      json={"reason": "职能已调整"}, headers=officer)

    response = await client.get(f"/catalogue-items/{accepted['id']}/history")

    entries = response.json()
    assert [(e["event"], e["event_label"]) for e in entries] == [
        ("Drafted", "起草"), ("Published", "发布"), ("Withdrawn", "撤回"),
    ]
    assert entries[0]["actor"] == {
        "user": "chen.mzj", "role": "department", "role_label": "职能部门", "scope": MZJ,
    }
    assert all(e["occurred_at"].endswith("+08:00") for e in entries)
    assert entries[2]["details"] == {"reason": "职能已调整"}


# --- ?after= (read your writes) -------------------------------------------------

READ_PATHS = ["/catalogue-items", "/catalogue-items/{id}", "/catalogue-items/{id}/history"]


@pytest.mark.parametrize("path", READ_PATHS)
async def test_read_after_a_write_the_view_has_processed_succeeds(
    client: httpx.AsyncClient, officer: dict[str, str], views: FakeViews, path: str
) -> None:
    accepted = await draft_item(client, officer)

    response = await client.get(
        path.format(id=accepted["id"]), params={"after": accepted["notification_id"]},
        headers=officer,
    )

    assert response.status_code == 200, response.text
    assert views.timeouts_seen and set(views.timeouts_seen) == {READ_WAIT_SECONDS}


@pytest.mark.parametrize("path", READ_PATHS)
async def test_read_after_a_write_the_view_has_not_processed_returns_503(
    client: httpx.AsyncClient, officer: dict[str, str], views: FakeViews, path: str
) -> None:
    views.pause()
    accepted = await draft_item(client, officer)

    response = await client.get(
        path.format(id=accepted["id"]), params={"after": accepted["notification_id"]},
        headers=officer,
    )

    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["retry-after"] == "1"
    assert response.json()["type"] == "ReadNotCaughtUpError"


async def test_read_after_the_view_catches_up_sees_the_write(
    client: httpx.AsyncClient, officer: dict[str, str], views: FakeViews
) -> None:
    views.pause()
    accepted = await draft_item(client, officer)
    path = f"/catalogue-items/{accepted['id']}"
    behind = await client.get(path, params={"after": accepted["notification_id"]},
                              headers=officer)

    views.resume()
    caught_up = await client.get(path, params={"after": accepted["notification_id"]},
                                 headers=officer)

    assert behind.status_code == 503
    assert caught_up.status_code == 200
    assert caught_up.json()["code"] == accepted["code"]


async def test_read_after_negative_notification_returns_422(client: httpx.AsyncClient) -> None:
    response = await client.get("/catalogue-items", params={"after": -1})

    assert field_errors(response) == {"after": "不能小于 0"}
