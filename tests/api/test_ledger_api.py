"""/ledger: the contracts-and-payments ledger grouped by department, organization or fiscal
year, in fen and yuan; finance and the committee read all of it, a department its own."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import httpx
import pytest
from fastapi import FastAPI

from tests.api.case_fakes import FakeContractViews
from tests.api.case_helpers import contract_row
from tests.api.helpers import CZJ, MZJ, PROBLEM_JSON, field_errors


@pytest.fixture
def app(case_app: FastAPI) -> FastAPI:
    return case_app


def problem(response: httpx.Response, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    found: dict[str, Any] = response.json()
    assert found["type"] == error
    return found


@pytest.fixture
def ledger(contract_views: FakeContractViews) -> FakeContractViews:
    """Three contracts: two of 江门市民政局 (2027, one provider), one of 江门市财政局 (2026)."""
    provider = uuid4()
    contract_views.add_contract(contract_row(provider_id=provider))
    contract_views.add_contract(contract_row(
        provider_id=provider, amount_fen=12_345_678, original_amount_fen=12_345_678,
        accepted_fen=0, paid_fen=0, outstanding_fen=12_345_678, overdue_milestones=1))
    contract_views.add_contract(contract_row(
        department=CZJ, fiscal_year=2026, amount_fen=5_000_000, original_amount_fen=5_000_000,
        accepted_fen=5_000_000, paid_fen=5_000_000, outstanding_fen=0))
    contract_views.labels.update({MZJ: "江门市民政局", CZJ: "江门市财政局",
                                  str(provider): "蓬江区长者服务中心"})
    return contract_views


async def test_finance_reads_the_ledger_by_department_in_fen_and_yuan(
    client: httpx.AsyncClient, finance: dict[str, str], ledger: FakeContractViews,
) -> None:
    response = await client.get("/ledger", headers=finance)

    assert response.status_code == 200, response.text
    shown = response.json()
    assert (shown["group_by"], shown["fiscal_year"], shown["department"]) == (
        "department", None, None)
    assert [(line["key"], line["label"], line["totals"]["contracts"])
            for line in shown["lines"]] == [(CZJ, "江门市财政局", 1), (MZJ, "江门市民政局", 2)]
    mzj = shown["lines"][1]["totals"]
    assert mzj == {
        "contracts": 2, "amount_fen": 42_345_678, "amount_yuan": "423,456.78",
        "accepted_fen": 10_000_000, "accepted_yuan": "100,000.00",
        "paid_fen": 10_000_000, "paid_yuan": "100,000.00",
        "outstanding_fen": 32_345_678, "outstanding_yuan": "323,456.78",
        "overdue_milestones": 1}
    totals = shown["totals"]
    assert (totals["contracts"], totals["amount_fen"], totals["amount_yuan"]) == (
        3, 47_345_678, "473,456.78")
    for name in ("amount_fen", "accepted_fen", "paid_fen", "outstanding_fen"):
        assert totals[name] == sum(line["totals"][name] for line in shown["lines"])
    assert ledger.ledger_asked == [("department", None, None)]


async def test_committee_groups_by_organization_and_by_fiscal_year(
    client: httpx.AsyncClient, committee: dict[str, str], ledger: FakeContractViews,
) -> None:
    by_organization = await client.get("/ledger", params={"group_by": "organization",
                                                          "fiscal_year": 2027},
                                       headers=committee)
    by_year = await client.get("/ledger", params={"group_by": "fiscal_year"},
                               headers=committee)

    assert [(line["label"], line["totals"]["contracts"])
            for line in by_organization.json()["lines"]] == [("蓬江区长者服务中心", 2)]
    assert by_organization.json()["fiscal_year"] == 2027
    assert [(line["key"], line["totals"]["paid_yuan"]) for line in by_year.json()["lines"]] == [
        ("2026", "50,000.00"), ("2027", "100,000.00")]
    assert ledger.ledger_asked == [("organization", 2027, None), ("fiscal_year", None, None)]


async def test_department_reads_its_own_part_only(
    client: httpx.AsyncClient, officer: dict[str, str], ledger: FakeContractViews,
) -> None:
    own = await client.get("/ledger", headers=officer)
    named = await client.get("/ledger", params={"department": MZJ}, headers=officer)
    other = await client.get("/ledger", params={"department": CZJ}, headers=officer)

    assert [line["key"] for line in own.json()["lines"]] == [MZJ]
    assert own.json()["department"] == MZJ
    assert own.json()["totals"]["contracts"] == 2
    assert named.json() == own.json()
    found = problem(other, 403, "OtherDepartmentError")
    assert CZJ in found["detail"]


@pytest.mark.parametrize("who", ["provider_staff", None])
async def test_ledger_is_not_for_organizations_or_the_public(
    client: httpx.AsyncClient, request: pytest.FixtureRequest, who: str | None,
    ledger: FakeContractViews,
) -> None:
    headers = {} if who is None else request.getfixturevalue(who)

    response = await client.get("/ledger", headers=headers)

    if who is None:
        problem(response, 401, "AuthenticationError")
    else:
        assert "查看合同与支付台账" in problem(response, 403, "RoleNotAllowedError")["detail"]
    assert ledger.ledger_asked == []


async def test_ledger_with_unknown_grouping_returns_422(
    client: httpx.AsyncClient, finance: dict[str, str], ledger: FakeContractViews,
) -> None:
    response = await client.get("/ledger", params={"group_by": "provider"}, headers=finance)

    assert field_errors(response) == {
        "group_by": "必须是以下之一：'department'、'organization'、'fiscal_year'"}


async def test_ledger_waits_for_the_view_after_a_write(
    client: httpx.AsyncClient, finance: dict[str, str], ledger: FakeContractViews,
) -> None:
    ledger.lagging = True

    response = await client.get("/ledger", params={"after": 7}, headers=finance)

    problem(response, 503, "ReadNotCaughtUpError")
    assert response.headers["retry-after"] == "1"
