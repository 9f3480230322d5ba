"""The OCDS view (开放合同数据标准 1.1), on SQLite and PostgreSQL.

Driven by the real application through a contract's whole life: every release and the
record validate against the official schema (``tests.ocds_schema``), and they say what
happened: the planning, the award, amounts in yuan that are exactly fen / 100,
payments adding up to what was paid, the amendment, milestones met or not, the end of
the contract; the ocid prefix is applied when read; lists page in publication order;
and a repeated event or a rebuild changes nothing.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from api.routers.ocds import record_package, release_package
from domain.catalogue.commands import AllocateBudget
from projections.ocds import OcdsProjection, OcdsView
from projections.ocds_release import money
from projections.paging import InvalidCursorError
from projections.rebuild import rebuild
from projections.views import APPLICATION_NAME
from tests.cases import FINANCE
from tests.ocds_schema import ocds_schema
from tests.projections.conftest import MZJ, Store
from tests.projections.test_contract_views import PJQ, POOR_SCORES, PurchaseDesk

PREFIX = "ocds-govflow"
NOW = datetime(2028, 2, 1, tzinfo=UTC)


def ocds(store: Store) -> tuple[OcdsProjection, OcdsView]:
    projection = OcdsProjection(view=store.view(OcdsProjection))
    return projection, projection.view


def caught_up(store: Store, projection: OcdsProjection) -> OcdsView:
    view = projection.view
    store.apply_all(projection, after=view.max_tracking_id(APPLICATION_NAME) or 0)
    return view


def releases_of(view: OcdsView, *, prefix: str = PREFIX, **filters: Any) -> list[dict[str, Any]]:
    query: dict[str, Any] = {"ocid": None, "department": None, **filters}
    return view.list_releases(ocid_prefix=prefix, cursor=None, limit=200, **query).data


def yuan_of(fen: int) -> Decimal:
    return Decimal(fen) / 100


def amount(value: dict[str, Any]) -> Decimal:
    """A JSON number as the decimal it is written as."""
    assert value["currency"] == "CNY"
    return Decimal(repr(value["amount"]))


def valid_record(view: OcdsView, ocid: str) -> dict[str, Any]:
    """The record of ``ocid``, which validates in a record package."""
    record = view.get_record(ocid, ocid_prefix=PREFIX)
    assert record is not None
    ocds_schema().check_record_package(
        record_package(record, uri=f"https://govflow.example/ocds/records/{ocid}"))
    (packaged,) = record_package(record, uri="https://x.example/r")["records"]
    return packaged  # type: ignore[no-any-return]


def merged(releases: list[dict[str, Any]]) -> dict[str, Any]:
    """The OCDS merge of releases (oldest first): objects merge field by field, arrays of
    objects with ids merge by id, anything else is replaced by the later value."""

    def merge(old: Any, new: Any) -> Any:
        if isinstance(old, dict) and isinstance(new, dict):
            return {**old, **{k: merge(old.get(k), v) for k, v in new.items()}}
        if (isinstance(old, list) and isinstance(new, list) and new
                and all(isinstance(x, dict) and "id" in x for x in [*old, *new])):
            by_id = {x["id"]: x for x in old}
            for x in new:
                by_id[x["id"]] = merge(by_id.get(x["id"]), x)
            return list(by_id.values())
        return new

    result: dict[str, Any] = {}
    for release in releases:
        result = merge(result, {k: v for k, v in release.items() if k not in ("id", "tag")})
    return result


def test_money_is_exactly_fen_over_a_hundred() -> None:
    for fen in (1, 7, 10, 99, 100, 101, 1_005, 12_345_678, 30_000_001, 99_999_999_999,
                100_000_000_000):
        assert amount(money(fen)) == yuan_of(fen), fen


def test_schema_check_catches_what_is_wrong() -> None:
    schema = ocds_schema()
    good = {"ocid": "ocds-x-1", "id": "1", "date": "2027-01-01T00:00:00+08:00",
            "tag": ["planning"], "initiationType": "tender"}
    package = release_package([good], uri="https://govflow.example/ocds/releases",
                              next_uri=None, now=NOW)
    assert schema.errors("release-package", package) == []
    for broken, fragment in (
        ({**good, "tag": ["signed"]}, "tag/0"),
        ({**good, "date": "2027-01-01"}, "date"),
        ({**good, "awards": [{"id": "a", "value": {"amount": "1.00"}}]}, "amount"),
        ({**good, "contracts": [{"id": "c", "status": "closed", "awardID": "a"}]}, "status"),
    ):
        errors = schema.errors("release-package", {**package, "releases": [broken]})
        assert any(fragment in e for e in errors), (broken, errors)
    assert schema.errors("release-package", {**package, "uri": "ocds/releases"}) != []


def test_contract_life_is_published_release_by_release(store: Store) -> None:
    desk = PurchaseDesk(store)
    projection, _ = ocds(store)
    item, centre = desk.item(), desk.centre()
    contract = desk.award(item, centre, announce=False)
    ocid = f"{PREFIX}-{contract}"
    credit_code = store.app.get_organization(centre).credit_code
    item_code = store.app.get_catalogue_item(item).code

    awarded = releases_of(caught_up(store, projection))
    assert [r["tag"] for r in awarded] == [["planning"], ["planningUpdate"],
                                           ["tender", "award", "contract"]]
    budgeted, decided, award = awarded
    assert (budgeted["tender"]["status"], decided["tender"]["status"]) == ("planning", "planned")
    assert amount(budgeted["planning"]["budget"]["amount"]) == Decimal("500000")
    assert "rationale" not in budgeted["planning"]
    assert decided["planning"]["rationale"] == "决定以政府购买服务方式实施"
    assert budgeted["date"] < decided["date"] < award["date"]
    assert award["buyer"] == {"id": MZJ, "name": "江门市民政局"}
    buyer, supplier = award["parties"]
    assert buyer["roles"] == ["buyer", "procuringEntity"]
    assert supplier == {"id": f"CN-USCC-{credit_code}", "name": "蓬江区长者服务中心",
                        "identifier": {"scheme": "CN-USCC", "id": credit_code,
                                       "legalName": "蓬江区长者服务中心"},
                        "roles": ["supplier"]}
    assert (award["tender"]["procurementMethod"],
            award["tender"]["procurementMethodDetails"]) == ("open", "公开招标")
    assert award["tender"]["items"] == [{"id": item_code, "description": "居家养老服务"}]
    (signed,) = award["contracts"]
    assert (signed["status"], award["awards"][0]["status"]) == ("pending", "pending")
    assert (signed["dateSigned"], signed["period"]) == (
        "2026-12-20T00:00:00+08:00",
        {"startDate": "2027-01-01T00:00:00+08:00", "endDate": "2027-12-31T23:59:59+08:00"})
    assert amount(signed["value"]) == yuan_of(30_000_000) == Decimal("300000")
    assert [(m["id"], m["title"], m["status"], m["dueDate"])
            for m in signed["implementation"]["milestones"]] == [
        ("M1", "第一季度服务", "scheduled", "2027-03-31T23:59:59+08:00"),
        ("M2", "全年服务", "scheduled", "2027-12-31T23:59:59+08:00")]

    desk.announce(contract)
    desk.deliver(contract, "M1", centre, on=date(2027, 3, 30))
    desk.accept(contract, "M1", accepted=False, on=date(2027, 4, 1))
    desk.deliver(contract, "M1", centre, on=date(2027, 4, 5))
    desk.accept(contract, "M1", on=date(2027, 4, 8))
    desk.pay(contract, "M1", 4_000_001, on=date(2027, 4, 9))
    desk.pay(contract, "M1", 5_999_999, on=date(2027, 4, 20))
    desk.amend(contract, 3_000_000)
    desk.overdue(contract, "M2")
    desk.grade_changed(contract)
    desk.confirm_provider(contract)
    for later in ("M2", "M3"):
        desk.delivered_and_accepted(contract, later, centre)
    desk.pay(contract, "M3", 3_000_000)
    desk.open_review(contract)
    desk.review(contract)
    desk.pay(contract, "M2", 20_000_000, on=date(2028, 1, 11))
    desk.close(contract)
    view = caught_up(store, projection)
    releases = releases_of(view)

    ocds_schema().check_release_package(release_package(
        releases, uri="https://govflow.example/ocds/releases", next_uri=None, now=NOW))
    assert {r["ocid"] for r in releases} == {ocid}
    assert len({r["id"] for r in releases}) == len(releases)
    assert all(r["id"].startswith(f"{ocid}-") for r in releases)
    assert all(r["date"].endswith("+08:00") for r in releases)
    implementation = ["implementationUpdate"]
    assert [r["tag"] for r in releases[3:]] == [
        ["awardUpdate", "contractUpdate"], ["implementation"], *[implementation] * 5,
        ["contractAmendment"], *[implementation] * 11, ["contractTermination"]]
    events = store.app.recorder.select_notifications(start=0, limit=10_000)
    contract_events = [n.id for n in events if n.originator_id == contract]
    assert [int(r["id"].rsplit("-", 1)[1]) for r in releases[2:]] == contract_events

    def milestone(release: dict[str, Any], milestone_id: str) -> dict[str, Any]:
        found: list[dict[str, Any]] = [
            m for m in release["contracts"][0]["implementation"]["milestones"]
            if m["id"] == milestone_id]
        assert len(found) == 1
        return found[0]

    rejected = milestone(releases[5], "M1")
    assert (rejected["status"], rejected["dateModified"]) == (
        "notMet", "2027-04-01T00:00:00+08:00")
    assert "验收未通过" in rejected["description"]
    met = milestone(releases[7], "M1")
    assert (met["status"], met["dateMet"]) == ("met", "2027-04-08T00:00:00+08:00")

    amended = releases[10]["contracts"][0]
    (amendment,) = amended["amendments"]
    assert (amendment["rationale"], amendment["date"]) == (
        "增加服务对象", "2027-05-01T00:00:00+08:00")
    assert "增加合同金额 30,000.00 元" in amendment["description"]
    assert amount(amended["value"]) == yuan_of(33_000_000)
    assert amount(releases[10]["awards"][0]["value"]) == yuan_of(30_000_000)
    assert milestone(releases[10], "M3")["title"] == "补充服务"
    overdue = milestone(releases[11], "M2")
    assert (overdue["status"], overdue["dateModified"]) == (
        "notMet", "2028-01-01T00:00:00+08:00")

    last = releases[-1]
    (closed,) = last["contracts"]
    assert (closed["status"], closed["description"]) == ("terminated", "合同状态：已结束")
    transactions = closed["implementation"]["transactions"]
    assert [(t["id"], amount(t["value"]), t["date"]) for t in transactions] == [
        ("P1", Decimal("40000.01"), "2027-04-09T00:00:00+08:00"),
        ("P2", Decimal("59999.99"), "2027-04-20T00:00:00+08:00"),
        ("P3", yuan_of(3_000_000), "2027-04-02T00:00:00+08:00"),
        ("P4", yuan_of(20_000_000), "2028-01-11T00:00:00+08:00")]
    assert sum(amount(t["value"]) for t in transactions) == yuan_of(
        store.app.get_contract(contract).paid_fen) == amount(closed["value"])
    assert {(t["payer"]["id"], t["payee"]["id"]) for t in transactions} == {
        (MZJ, f"CN-USCC-{credit_code}")}
    assert [p["roles"] for p in last["parties"]] == [
        ["buyer", "procuringEntity", "payer"], ["supplier", "payee"]]
    assert Counter(m["status"] for m in closed["implementation"]["milestones"]) == {"met": 5}
    assessments = {m["id"]: m for m in closed["implementation"]["milestones"]
                   if m["type"] == "assessment"}
    assert assessments["review"]["description"].startswith("绩效评价 90 分（优；")
    (provider_review,) = [m for k, m in assessments.items() if k.startswith("provider-")]
    assert "复查后继续履行" in provider_review["description"]

    record = valid_record(view, ocid)
    assert record["releases"] == releases
    compiled = record["compiledRelease"]
    assert (compiled["tag"], compiled["id"]) == (["compiled"], f"{ocid}-compiled")
    assert {k: v for k, v in compiled.items() if k not in ("id", "tag")} == merged(releases)


def test_terminated_contract_ends_with_its_open_milestones_not_met(store: Store) -> None:
    desk = PurchaseDesk(store)
    projection, _ = ocds(store)
    centre = desk.centre()
    contract = desk.award(desk.item(), centre)
    desk.delivered_and_accepted(contract, "M1", centre)
    desk.pay(contract, "M1", 10_000_000)
    desk.terminate(contract)
    view = caught_up(store, projection)

    record = valid_record(view, f"{PREFIX}-{contract}")
    last = record["releases"][-1]
    assert last["tag"] == ["contractTermination"]
    (ended,) = last["contracts"]
    assert (ended["status"], ended["description"]) == (
        "terminated", "合同状态：已终止（终止理由：承接方严重违约）")
    assert [(m["id"], m["status"]) for m in ended["implementation"]["milestones"]] == [
        ("M1", "met"), ("M2", "notMet")]
    assert sum(amount(t["value"]) for t in ended["implementation"]["transactions"]) == (
        yuan_of(10_000_000))


def test_ocid_prefix_is_applied_when_read(store: Store) -> None:
    desk = PurchaseDesk(store)
    projection, _ = ocds(store)
    contract = desk.award(desk.item(), desk.centre())
    view = caught_up(store, projection)

    default = releases_of(view)
    renamed = releases_of(view, prefix="ocds-a1b2c3")
    assert {r["ocid"] for r in renamed} == {f"ocds-a1b2c3-{contract}"}
    assert [r["id"].removeprefix("ocds-a1b2c3") for r in renamed] == [
        r["id"].removeprefix(PREFIX) for r in default]
    assert releases_of(view, prefix="ocds-a1b2c3", ocid=f"{PREFIX}-{contract}") == []
    assert releases_of(view, prefix="ocds-a1b2c3", ocid=f"ocds-a1b2c3-{contract}") == renamed
    assert view.get_record(f"{PREFIX}-{contract}", ocid_prefix="ocds-a1b2c3") is None
    record = view.get_record(f"ocds-a1b2c3-{contract}", ocid_prefix="ocds-a1b2c3")
    assert record is not None
    assert record.compiled_release["ocid"] == f"ocds-a1b2c3-{contract}"


def test_releases_page_in_publication_order_and_filter(store: Store) -> None:
    desk = PurchaseDesk(store)
    projection, _ = ocds(store)
    centre, volunteers = desk.centre(), desk.volunteers()
    city = desk.award(desk.item("居家养老服务"), centre)
    district = desk.award(desk.item("长者探访服务", department=PJQ), volunteers,
                          department=PJQ)
    desk.delivered_and_accepted(city, "M1", centre)
    view = caught_up(store, projection)

    everything = releases_of(view)
    assert [r["ocid"].removeprefix(f"{PREFIX}-") for r in everything] == [
        *[str(city)] * 4, *[str(district)] * 4, *[str(city)] * 2]
    paged: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        page = view.list_releases(ocid_prefix=PREFIX, ocid=None, department=None,
                                  cursor=cursor, limit=3)
        paged += page.data
        cursor = page.next_cursor
        if cursor is None:
            break
    assert paged == everything
    assert releases_of(view, department=PJQ) == everything[4:8]
    assert releases_of(view, ocid=f"{PREFIX}-{city}") == everything[:4] + everything[8:]
    for unknown in (f"{PREFIX}-{UUID(int=7)}", f"{PREFIX}-not-a-uuid", str(city)):
        assert releases_of(view, ocid=unknown) == []
        assert view.get_record(unknown, ocid_prefix=PREFIX) is None
    with pytest.raises(InvalidCursorError):
        view.list_releases(ocid_prefix=PREFIX, ocid=None, department=None, cursor="!!",
                           limit=3)


def test_budget_change_after_award_updates_the_live_contracts_of_its_year(
    store: Store,
) -> None:
    desk = PurchaseDesk(store)
    projection, _ = ocds(store)
    centre, volunteers = desk.centre(), desk.volunteers()
    item = desk.item()
    live = desk.award(item, centre, plan=(("全年服务", date(2027, 12, 31), 10_000_000),))
    ended = desk.award(item, volunteers, plan=(("全年服务", date(2027, 12, 31), 5_000_000),))
    desk.terminate(ended)
    caught_up(store, projection)
    before = {c: len(releases_of(projection.view, ocid=f"{PREFIX}-{c}")) for c in (live, ended)}

    desk.cases.app.allocate_catalogue_item_budget(_budget(desk, item, 2027, 60_000_000))
    desk.cases.app.allocate_catalogue_item_budget(_budget(desk, item, 2028, 70_000_000))
    view = caught_up(store, projection)

    updated = releases_of(view, ocid=f"{PREFIX}-{live}")
    assert len(updated) == before[live] + 1
    assert updated[-1]["tag"] == ["planningUpdate"]
    assert amount(updated[-1]["planning"]["budget"]["amount"]) == yuan_of(60_000_000)
    assert updated[-1]["contracts"] == updated[-2]["contracts"]
    assert len(releases_of(view, ocid=f"{PREFIX}-{ended}")) == before[ended]
    valid_record(view, f"{PREFIX}-{live}")


def _budget(desk: PurchaseDesk, item: UUID, fiscal_year: int, amount_fen: int
            ) -> AllocateBudget:
    return AllocateBudget(command_id=desk.cases.command_id(), actor=FINANCE, item_id=item,
                          fiscal_year=fiscal_year, amount_fen=amount_fen)


# --- exactly once, and rebuilds ------------------------------------------------------


def write_contracts(desk: PurchaseDesk) -> None:
    """Contracts closed, terminated, amended, under review, in two departments."""
    centre, volunteers = desk.centre(), desk.volunteers()
    desk.completed(desk.award(desk.item("居家养老服务"), centre), centre, scores=POOR_SCORES)
    amended = desk.award(desk.item("长者探访服务", department=PJQ), volunteers,
                         department=PJQ)
    desk.delivered_and_accepted(amended, "M1", volunteers, department=PJQ)
    desk.pay(amended, "M1", 10_000_000)
    desk.amend(amended, 2_000_000, department=PJQ)
    desk.grade_changed(amended)
    desk.terminate(desk.award(desk.item("社区助餐服务"), volunteers))


def test_process_every_notification_twice_changes_nothing(store: Store) -> None:
    projection, view = ocds(store)
    write_contracts(PurchaseDesk(store))
    store.apply_all(projection)
    before = view.dump()

    store.apply_all(projection)

    assert view.dump() == before
    assert view.max_tracking_id(APPLICATION_NAME) == store.app.recorder.max_notification_id()


def test_rebuild_from_zero_yields_exactly_the_live_view(store: Store) -> None:
    projection, view = ocds(store)
    write_contracts(PurchaseDesk(store))
    store.apply_all(projection)
    live = view.dump()
    last = store.app.recorder.max_notification_id()

    applied = rebuild(projection_class=OcdsProjection, view=view, application=store.app)

    assert applied == last
    assert view.dump() == live
    assert len(live["ocds_releases"]) > 20
