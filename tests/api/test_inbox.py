"""``GET /inbox``: the caller's tasks by role and scope, due soon or overdue today in China."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest

from domain.actors import Role
from projections.rows import InboxEntry
from tests.api.fakes import Agency, FakeClock, FakeInbox, InboxQuery
from tests.api.helpers import MZJ, PROBLEM_JSON, READ_WAIT_SECONDS, Pipeline, field_errors

TODAY_IN_CHINA = date(2027, 3, 23)
"""The ``clock`` fixture's date in Jiangmen (it is still 22 March in UTC)."""


def entry(role: Role, scope: str | None, **overrides: Any) -> InboxEntry:
    values: dict[str, Any] = {
        "entry_id": f"{uuid4()}:opinion",
        "role": role.value,
        "scope": scope,
        "kind": "opinion",
        "kind_label": "待出具咨询意见",
        "title": "社区居家养老服务",
        "entity_type": "catalogue_item",
        "entity_id": uuid4(),
        "code": "440700-2027-0001",
        "since": datetime(2027, 3, 11, 2, 0, tzinfo=UTC),
        "due_on": date(2027, 3, 26),
        "due_soon_on": date(2027, 3, 23),
        "reminded": False,
        "due_soon": False,
        "overdue": False,
    }
    values.update(overrides)
    return InboxEntry(**values)


async def _inbox(client: httpx.AsyncClient, headers: dict[str, str],
                 **params: Any) -> list[dict[str, Any]]:
    response = await client.get("/inbox", headers=headers, params=params)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


async def test_inbox_without_token_returns_401_with_bearer_challenge(
    client: httpx.AsyncClient, inbox: FakeInbox
) -> None:
    response = await client.get("/inbox")

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"] == PROBLEM_JSON
    assert inbox.queries == []


@pytest.mark.parametrize(("caller", "role"), [
    ("officer", Role.DEPARTMENT), ("agency_staff", Role.AGENCY),
    ("committee", Role.COMMITTEE), ("finance", Role.FINANCE),
])
async def test_inbox_asks_the_view_for_the_callers_role_and_scope_today_in_china(
    client: httpx.AsyncClient, request: pytest.FixtureRequest, inbox: FakeInbox, agency: Agency,
    caller: str, role: Role,
) -> None:
    await _inbox(client, request.getfixturevalue(caller))

    scope = {Role.DEPARTMENT: MZJ, Role.AGENCY: agency.scope}.get(role)
    assert inbox.queries == [InboxQuery(role.value, scope, TODAY_IN_CHINA, None, 50)]


async def test_inbox_shows_only_the_callers_entries(
    client: httpx.AsyncClient, inbox: FakeInbox, agency: Agency, other_agency: Agency,
    agency_staff: dict[str, str],
) -> None:
    mine = entry(Role.AGENCY, agency.scope)
    inbox.add(mine)
    inbox.add(entry(Role.AGENCY, other_agency.scope))
    inbox.add(entry(Role.COMMITTEE, None, kind="escalation"))

    entries = await _inbox(client, agency_staff)

    assert [e["entry_id"] for e in entries] == [mine.entry_id]


async def test_inbox_flags_due_soon_and_overdue_as_of_today_in_china(
    client: httpx.AsyncClient, inbox: FakeInbox, officer: dict[str, str]
) -> None:
    # On 22 March (UTC's date) the first would not be overdue yet; in Jiangmen it is 23 March.
    for title, due_on, due_soon_on in [("逾期", date(2027, 3, 22), date(2027, 3, 19)),
                                       ("即将到期", date(2027, 3, 26), date(2027, 3, 23)),
                                       ("未到期", date(2027, 4, 10), date(2027, 4, 7)),
                                       ("无期限", None, None)]:
        inbox.add(entry(Role.DEPARTMENT, MZJ, entry_id=title, title=title, due_on=due_on,
                        due_soon_on=due_soon_on))

    entries = await _inbox(client, officer)

    flags = {e["title"]: (e["due_soon"], e["overdue"]) for e in entries}
    assert flags == {"逾期": (False, True), "即将到期": (True, False),
                     "未到期": (False, False), "无期限": (False, False)}


async def test_inbox_today_follows_the_clock(
    client: httpx.AsyncClient, inbox: FakeInbox, clock: FakeClock, officer: dict[str, str]
) -> None:
    inbox.add(entry(Role.DEPARTMENT, MZJ, due_on=date(2027, 3, 26)))
    clock.now = datetime(2027, 3, 26, 16, 0, tzinfo=UTC)  # 00:00 on 27 March in Jiangmen

    entries = await _inbox(client, officer)

    assert inbox.queries[-1].today == date(2027, 3, 27)
    assert entries[0]["overdue"] is True


async def test_inbox_entry_links_to_the_item_it_is_about(
    client: httpx.AsyncClient, inbox: FakeInbox, pipeline: Pipeline
) -> None:
    item_id = await pipeline.referred()
    inbox.add(entry(Role.AGENCY, pipeline.agency.scope, entity_id=UUID(item_id)))

    [shown] = await _inbox(client, pipeline.agency_staff)

    assert shown["link"] == f"/catalogue-items/{item_id}"
    linked = await client.get(shown["link"], headers=pipeline.agency_staff)
    assert linked.json()["status_label"] == "咨询中"


async def test_inbox_entry_of_an_entity_without_a_resource_has_no_link(
    client: httpx.AsyncClient, inbox: FakeInbox, committee: dict[str, str]
) -> None:
    inbox.add(entry(Role.COMMITTEE, None, entity_type="city_plan"))

    [shown] = await _inbox(client, committee)

    assert shown["link"] is None


async def test_inbox_entry_shows_kind_in_chinese_and_times_in_china(
    client: httpx.AsyncClient, inbox: FakeInbox, officer: dict[str, str]
) -> None:
    inbox.add(entry(Role.DEPARTMENT, MZJ, kind="decide", kind_label="待作出决定"))

    [shown] = await _inbox(client, officer)

    assert (shown["kind"], shown["kind_label"]) == ("decide", "待作出决定")
    assert shown["since"] == "2027-03-11T10:00:00+08:00"
    assert (shown["due_on"], shown["due_soon_on"]) == ("2027-03-26", "2027-03-23")


async def test_inbox_next_cursor_leads_to_the_rest(
    client: httpx.AsyncClient, inbox: FakeInbox, officer: dict[str, str]
) -> None:
    for n in range(3):
        inbox.add(entry(Role.DEPARTMENT, MZJ, entry_id=f"entry-{n}"))

    first = await client.get("/inbox", headers=officer, params={"limit": 2})
    cursor = first.json()["next_cursor"]
    rest = await client.get("/inbox", headers=officer, params={"limit": 2, "cursor": cursor})

    assert [e["entry_id"] for e in first.json()["data"]] == ["entry-0", "entry-1"]
    assert [e["entry_id"] for e in rest.json()["data"]] == ["entry-2"]
    assert rest.json()["next_cursor"] is None
    assert inbox.queries[-1].cursor == cursor


async def test_inbox_limit_over_200_returns_422(
    client: httpx.AsyncClient, inbox: FakeInbox, officer: dict[str, str]
) -> None:
    response = await client.get("/inbox", headers=officer, params={"limit": 201})

    assert field_errors(response) == {"limit": "不能大于 200"}
    assert inbox.queries == []


async def test_inbox_after_a_write_the_view_has_not_processed_returns_503(
    client: httpx.AsyncClient, inbox: FakeInbox, officer: dict[str, str]
) -> None:
    inbox.position = 4

    behind = await client.get("/inbox", headers=officer, params={"after": 5})
    inbox.position = 5
    caught_up = await client.get("/inbox", headers=officer, params={"after": 5})

    assert behind.status_code == 503
    assert behind.json()["type"] == "ReadNotCaughtUpError"
    assert caught_up.status_code == 200
    assert inbox.timeouts_seen == [READ_WAIT_SECONDS, READ_WAIT_SECONDS]
