"""登记既有目录事项: an item published and decided before govflow, recorded by its decision
document, then goes on to transfer or purchase like any decided item."""

from __future__ import annotations

from datetime import date

import pytest

from domain.application import GovflowApplication
from domain.catalogue.commands import AllocateBudget, RecordExistingItem
from domain.catalogue.item import DecisionMode, ItemStatus
from domain.errors import ExistingDecisionDateError, NoBudgetError, StatutoryFunctionError
from tests.cases import FINANCE, Cases, officer, refuses
from tests.domain.conftest import item_fields
from tests.seed import MZJ

RECORDED_ON = date(2026, 11, 29)


def record(app: GovflowApplication, command_id: str = "existing-1", *, mode: str = "购买服务",
           published_on: date = date(2026, 3, 1), ends_on: date = date(2026, 3, 8),
           **fields: object) -> RecordExistingItem:
    command = RecordExistingItem(
        command_id=command_id, actor=officer(), department=MZJ,
        fields=item_fields(catalogue_year=2026, **fields), published_on=published_on,
        publicity_ends_on=ends_on, mode=mode, document="江民〔2026〕12号", recorded_on=RECORDED_ON,
        budget_fen=40_000_000 if mode == "购买服务" else 0)
    return command


@pytest.fixture
def cases() -> Cases:
    return Cases(GovflowApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}))


def test_existing_item_is_recorded_decided_with_its_document_and_dates(cases: Cases) -> None:
    result = cases.app.record_existing_catalogue_item(record(cases.app))

    item = cases.app.get_catalogue_item(result.aggregate_id)
    assert (result.code, item.status, item.publicity_ends_on) == (
        "440700-2026-0001", ItemStatus.DECIDED, date(2026, 3, 8))
    assert item.decision is not None
    assert (item.decision.mode, item.decision.reason) == (
        DecisionMode.PURCHASE, "既有决定（江民〔2026〕12号）")
    again = cases.app.record_existing_catalogue_item(record(cases.app))
    assert again.replayed and again.aggregate_id == result.aggregate_id
    assert item.budget_for(2026) == 40_000_000


def test_existing_purchase_without_its_budget_is_refused(cases: Cases) -> None:
    from dataclasses import replace
    refuses(cases.app, NoBudgetError,
            lambda: cases.app.record_existing_catalogue_item(
                replace(record(cases.app), budget_fen=0)),
            "2026 年度尚未安排预算")


def test_existing_item_whose_publicity_has_not_ended_is_refused(cases: Cases) -> None:
    refuses(cases.app, ExistingDecisionDateError,
            lambda: cases.app.record_existing_catalogue_item(
                record(cases.app, ends_on=RECORDED_ON)),
            "须已在 2026-11-29 前结束")


def test_existing_statutory_item_cannot_have_been_transferred(cases: Cases) -> None:
    refuses(cases.app, StatutoryFunctionError,
            lambda: cases.app.record_existing_catalogue_item(
                record(cases.app, mode="转移", nature="行政许可")),
            "属于法定职能，必须由政府保留")


def test_existing_purchase_item_gets_a_budget_and_a_contract(cases: Cases) -> None:
    item_id = cases.app.record_existing_catalogue_item(record(cases.app)).aggregate_id
    cases.app.allocate_catalogue_item_budget(AllocateBudget(
        command_id="budget", actor=FINANCE, item_id=item_id, fiscal_year=2027,
        amount_fen=50_000_000))

    contract_id = cases.contract(item_id, cases.organization())

    contract = cases.app.get_contract(contract_id)
    assert (contract.item_id, contract.amount_fen) == (str(item_id), 30_000_000)
    assert cases.app.get_catalogue_item(item_id).committed_for(2027) == 30_000_000


def test_existing_item_without_a_decision_waits_to_be_referred(cases: Cases) -> None:
    result = cases.app.record_existing_catalogue_item(record(cases.app, mode=""))

    item = cases.app.get_catalogue_item(result.aggregate_id)
    assert (item.status, item.decision, item.budget_for(2026)) == (
        ItemStatus.PUBLICITY_CLOSED, None, 0)
