"""Drafting, revising, publishing and withdrawing catalogue items over HTTP."""

from __future__ import annotations

import httpx
import pytest

from domain.actors import Role
from tests.api.fakes import FakeCatalogueCommands
from tests.api.helpers import (
    CZJ,
    MZJ,
    PROBLEM_JSON,
    Tokens,
    draft_item,
    field_errors,
    item_body,
    publish_item,
)

UNKNOWN_ID = "5b0c1a58-8f0e-4a43-9d0b-0d6f2c5a9e11"


async def test_draft_by_officer_returns_201_with_location_of_the_item(
    client: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    response = await client.post("/catalogue-items", json=item_body(), headers=officer)

    assert response.status_code == 201
    accepted = response.json()
    assert accepted["code"] == "440700-2027-0001"
    assert accepted["version"] == 1
    assert response.headers["location"] == f"http://govflow.test/catalogue-items/{accepted['id']}"
    item = await client.get(response.headers["location"], headers=officer)
    assert item.json()["name"] == "社区居家养老服务"


async def test_draft_without_department_is_drafted_in_officers_department(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    czj_officer = tokens.headers(Role.DEPARTMENT, CZJ)

    accepted = await draft_item(client, czj_officer)

    item = (await client.get(f"/catalogue-items/{accepted['id']}", headers=czj_officer)).json()
    assert item["department"] == CZJ
    assert item["department_name"] == "江门市财政局"


async def test_draft_missing_name_returns_422_naming_the_field(
    client: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    body = item_body()
    del body["name"]

    response = await client.post("/catalogue-items", json=body, headers=officer)

    assert field_errors(response) == {"name": "必填"}


async def test_draft_non_integer_year_returns_422_in_chinese(
    client: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    response = await client.post(
        "/catalogue-items", json=item_body(catalogue_year="二〇二七"), headers=officer
    )

    assert field_errors(response) == {"catalogue_year": "必须是整数"}
    problem = response.json()
    assert problem["type"] == "RequestValidationError"
    assert problem["title"] == "提交的内容有误"
    assert problem["status"] == 422
    assert "catalogue_year: 必须是整数" in problem["detail"]


async def test_draft_misspelt_field_returns_422_for_both_names(
    client: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    body = item_body(catalog_year=2027)
    del body["catalogue_year"]

    response = await client.post("/catalogue-items", json=body, headers=officer)

    assert field_errors(response) == {"catalogue_year": "必填", "catalog_year": "不允许此字段"}


async def test_draft_unknown_classification_returns_422_from_the_domain(
    client: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    classification = {"level1": "文化服务", "level2": "文艺演出", "level3": "送戏下乡"}

    response = await client.post(
        "/catalogue-items", json=item_body(classification=classification), headers=officer
    )

    errors = field_errors(response)
    assert list(errors) == ["classification.level1"]
    assert "一级分类 '文化服务' 不在现行分类中" in errors["classification.level1"]
    assert response.json()["type"] == "UnknownClassificationError"


async def test_draft_blank_name_returns_422_from_the_domain(
    client: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    response = await client.post("/catalogue-items", json=item_body(name="  "), headers=officer)

    assert field_errors(response) == {"name": "事项名称不能为空；请填写事项名称"}
    assert response.json()["type"] == "RequiredFieldError"


async def test_draft_malformed_json_returns_422_problem(
    client: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    response = await client.post(
        "/catalogue-items", content=b'{"name": ', headers={**officer,
                                                          "content-type": "application/json"}
    )

    assert field_errors(response) == {"body": "不是有效的 JSON"}


async def test_revise_draft_returns_next_version_with_new_fields(
    client: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    accepted = await draft_item(client, officer)

    response = await client.put(
        f"/catalogue-items/{accepted['id']}", json=item_body(name="社区养老助餐服务"),
        headers=officer,
    )

    assert response.status_code == 200
    assert response.json()["version"] == 2
    item = (await client.get(f"/catalogue-items/{accepted['id']}", headers=officer)).json()
    assert item["name"] == "社区养老助餐服务"


async def test_publish_published_item_returns_409_with_domain_detail(
    client: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    accepted = await draft_item(client, officer)
    await publish_item(client, officer, accepted["id"])

    response = await client.post(f"/catalogue-items/{accepted['id']}/publish", headers=officer)

    assert response.status_code == 409
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json() == {
        "type": "ItemAlreadyPublishedError",
        "title": "当前状态不允许此操作",
        "status": 409,
        "detail": "目录事项 440700-2027-0001 当前状态为「公示中」，只有草稿可以发布",
    }


async def test_revise_published_item_publishes_new_version_with_new_publicity(
    client: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    accepted = await draft_item(client, officer)
    await publish_item(client, officer, accepted["id"])

    response = await client.put(
        f"/catalogue-items/{accepted['id']}", json=item_body(name="社区养老助餐服务"),
        headers=officer,
    )

    assert response.status_code == 200, response.text
    item = (await client.get(f"/catalogue-items/{accepted['id']}")).json()
    assert (item["name"], item["catalogue_version"]) == ("社区养老助餐服务", 2)
    assert (item["status"], item["publicity_starts_on"]) == ("publicity", "2027-03-12")


async def test_withdraw_withdrawn_item_returns_409(
    client: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    accepted = await draft_item(client, officer)
    path = f"/catalogue-items/{accepted['id']}/withdraw"
    await client.post(path, json={"reason": "职能已调整"}, headers=officer)

    response = await client.post(path, json={"reason": "再次撤回"}, headers=officer)

    assert response.status_code == 409
    assert response.json()["type"] == "ItemWithdrawnError"


async def test_withdraw_blank_reason_returns_422_naming_reason(
    client: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    accepted = await draft_item(client, officer)

    response = await client.post(
        f"/catalogue-items/{accepted['id']}/withdraw", json={"reason": " "}, headers=officer
    )

    assert field_errors(response) == {"reason": "撤回目录事项须说明理由"}


async def test_publish_unknown_item_returns_404_problem(
    client: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    response = await client.post(f"/catalogue-items/{UNKNOWN_ID}/publish", headers=officer)

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["type"] == "CatalogueItemNotFoundError"
    assert UNKNOWN_ID in response.json()["detail"]


async def test_publish_malformed_id_returns_422_naming_item_id(
    client: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    response = await client.post("/catalogue-items/0001/publish", headers=officer)

    assert field_errors(response) == {"item_id": "必须是有效的 UUID"}


# --- Idempotency-Key ------------------------------------------------------------


async def test_draft_same_idempotency_key_twice_returns_first_answer(
    client: httpx.AsyncClient, officer: dict[str, str], committee: dict[str, str],
    gateway: FakeCatalogueCommands,
) -> None:
    headers = {**officer, "Idempotency-Key": "import-2027-row-17"}

    first = await client.post("/catalogue-items", json=item_body(), headers=headers)
    second = await client.post("/catalogue-items", json=item_body(), headers=headers)

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["location"] == first.headers["location"]
    assert len(gateway.command_ids) == 2
    assert len(set(gateway.command_ids)) == 1
    listed = await client.get("/catalogue-items", headers=committee)
    assert len(listed.json()["data"]) == 1


async def test_draft_without_idempotency_key_twice_drafts_two_items(
    client: httpx.AsyncClient, officer: dict[str, str], gateway: FakeCatalogueCommands
) -> None:
    first = await draft_item(client, officer)
    second = await draft_item(client, officer)

    assert first["id"] != second["id"]
    assert second["code"] == "440700-2027-0002"
    assert len(set(gateway.command_ids)) == 2


async def test_draft_same_idempotency_key_by_other_user_drafts_another_item(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    key = {"Idempotency-Key": "row-1"}
    chen = {**tokens.headers(Role.DEPARTMENT, MZJ, user="chen"), **key}
    huang = {**tokens.headers(Role.DEPARTMENT, MZJ, user="huang"), **key}

    first = await client.post("/catalogue-items", json=item_body(), headers=chen)
    second = await client.post("/catalogue-items", json=item_body(), headers=huang)

    assert first.json()["id"] != second.json()["id"]


async def test_publish_same_idempotency_key_twice_returns_first_answer_not_409(
    client: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    accepted = await draft_item(client, officer)
    headers = {**officer, "Idempotency-Key": "publish-once"}
    path = f"/catalogue-items/{accepted['id']}/publish"

    first = await client.post(path, headers=headers)
    second = await client.post(path, headers=headers)

    assert first.status_code == second.status_code == 200
    assert second.json()["version"] == first.json()["version"] == 2


async def test_publish_with_key_already_used_to_draft_publishes_the_item(
    client: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    headers = {**officer, "Idempotency-Key": "same-key"}
    drafted = await client.post("/catalogue-items", json=item_body(), headers=headers)

    published = await client.post(
        f"/catalogue-items/{drafted.json()['id']}/publish", headers=headers
    )

    assert published.json()["version"] == 2
    item = (await client.get(f"/catalogue-items/{drafted.json()['id']}")).json()
    assert item["status"] == "publicity"


@pytest.mark.parametrize("key", ["", "k" * 256])
async def test_draft_with_empty_or_overlong_idempotency_key_returns_422(
    client: httpx.AsyncClient, officer: dict[str, str], key: str
) -> None:
    response = await client.post(
        "/catalogue-items", json=item_body(), headers={**officer, "Idempotency-Key": key}
    )

    assert list(field_errors(response)) == ["Idempotency-Key"]
