"""What of an item is disclosed to whom: public fields for everyone, internal ones inside
the item's circle (its department, the committee, finance, the agency it is referred to)."""

from __future__ import annotations

from uuid import UUID

import httpx
import pytest

from domain.actors import Role
from tests.api.fakes import FakeCatalogueCommands
from tests.api.helpers import RETAIN_DECISION, Pipeline, Tokens

INTERNAL = {"referral_escalated", "retention_justification", "retention_review_comment"}
INSIDERS = ["officer", "committee", "finance", "agency_staff"]
OUTSIDERS = ["anonymous", "other_officer", "other_agency_staff", "evaluator", "organization"]
CALLERS = [(caller, True) for caller in INSIDERS] + [(caller, False) for caller in OUTSIDERS]


@pytest.fixture
def evaluator(tokens: Tokens) -> dict[str, str]:
    return tokens.headers(Role.EVALUATOR, "evaluator-1")


@pytest.fixture
def organization(tokens: Tokens) -> dict[str, str]:
    return tokens.headers(Role.ORGANIZATION, "51440700MJL000016A")


@pytest.fixture
async def escalated_id(pipeline: Pipeline, gateway: FakeCatalogueCommands) -> str:
    """Referred, and the opinion deadline passed: escalated to the committee."""
    item_id = await pipeline.referred()
    gateway.escalate_referral(UUID(item_id))
    return item_id


def _headers(request: pytest.FixtureRequest, caller: str) -> dict[str, str] | None:
    return None if caller == "anonymous" else request.getfixturevalue(caller)


@pytest.mark.parametrize(("caller", "inside"), CALLERS)
async def test_get_item_shows_internal_fields_only_inside_its_circle(
    client: httpx.AsyncClient, request: pytest.FixtureRequest, escalated_id: str, caller: str,
    inside: bool,
) -> None:
    response = await client.get(f"/catalogue-items/{escalated_id}",
                                headers=_headers(request, caller))

    item = response.json()
    assert response.status_code == 200, response.text
    assert item["agency_name"] == "江门市政府职能转移咨询委员会"
    assert INTERNAL & set(item) == (INTERNAL if inside else set())
    assert item.get("referral_escalated") is (True if inside else None)


async def test_list_anonymous_omits_internal_fields_of_every_item(
    client: httpx.AsyncClient, pipeline: Pipeline
) -> None:
    await pipeline.retention_pending()
    await pipeline.published()

    response = await client.get("/catalogue-items")

    items = response.json()["data"]
    assert len(items) == 2
    assert all(not INTERNAL & set(item) for item in items)


async def test_list_by_agency_shows_internal_fields_only_of_items_referred_to_it(
    client: httpx.AsyncClient, pipeline: Pipeline
) -> None:
    referred = await pipeline.referred()
    not_referred = await pipeline.published()

    response = await client.get("/catalogue-items", headers=pipeline.agency_staff)

    internal = {item["id"]: set(item) >= INTERNAL for item in response.json()["data"]}
    assert internal == {referred: True, not_referred: False}


async def test_retention_justification_shown_to_committee_hidden_from_public(
    client: httpx.AsyncClient, pipeline: Pipeline, committee: dict[str, str]
) -> None:
    item_id = await pipeline.retention_pending()

    public = (await client.get(f"/catalogue-items/{item_id}")).json()
    internal = (await client.get(f"/catalogue-items/{item_id}", headers=committee)).json()

    assert "retention_justification" not in public
    assert public["decision_mode"] == "保留"
    assert internal["retention_justification"] == RETAIN_DECISION["justification"]
