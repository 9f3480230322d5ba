"""The README walk-through on a real `govflow dev`: create, publish, read, restart, read again."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from api.auth import AuthConfig, issue_token
from domain.actors import Role
from tests.e2e.conftest import E2E_SECRET, DevProcess

pytestmark = pytest.mark.e2e


def officer_headers(department: str = "440700-MZJ") -> dict[str, str]:
    token = issue_token(AuthConfig(secret=E2E_SECRET, issuer="govflow", ttl=timedelta(hours=1)),
                        role=Role.DEPARTMENT, scope=department, user="li.wei")
    return {"Authorization": f"Bearer {token}"}


NEW_ITEM = {
    "name": "居家养老服务",
    "description": "为辖区老年人提供上门照料服务",
    "catalogue_year": 2027,
    "classification": {"level1": "公共服务", "level2": "养老服务", "level3": "居家养老"},
    "nature": "公共服务",
    "provincial_listed": True,
}


def test_dev_created_and_published_item_survives_restart(govflow_dev: DevProcess) -> None:
    govflow_dev.start()
    with httpx.Client(base_url=govflow_dev.base_url, timeout=30) as http:
        created = http.post("/catalogue-items", json=NEW_ITEM, headers=officer_headers())
        assert created.status_code == 201, created.text
        item_id = created.json()["id"]

        published = http.post(f"/catalogue-items/{item_id}/publish", headers=officer_headers())
        assert published.status_code == 200, published.text
        after = published.json()["notification_id"]

        shown = http.get(f"/catalogue-items/{item_id}", params={"after": after})
        assert shown.status_code == 200, shown.text
        assert shown.json()["status"] == "publicity"
        assert shown.json()["code"] == "440700-2027-0001"

        listed = http.get("/catalogue-items", params={"department": "440700-MZJ",
                                                      "after": after})
        assert [i["id"] for i in listed.json()["data"]] == [item_id]

        history = http.get(f"/catalogue-items/{item_id}/history", params={"after": after})
        assert [e["event"] for e in history.json()] == ["Drafted", "Published"]

    assert govflow_dev.stop() == 0

    govflow_dev.start()
    with httpx.Client(base_url=govflow_dev.base_url, timeout=30) as http:
        again = http.get(f"/catalogue-items/{item_id}")
        assert again.status_code == 200, again.text
        assert again.json()["status"] == "publicity"
        # The workflow survived too: publishing again is refused by the running workflow.
        twice = http.post(f"/catalogue-items/{item_id}/publish", headers=officer_headers())
        assert twice.status_code == 409, twice.text
        assert twice.json()["type"] == "ItemAlreadyPublishedError"
    assert govflow_dev.stop() == 0
