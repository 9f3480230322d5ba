"""The catalogue view: what a department officer and the public see in the catalogue."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import pytest

from domain.errors import InvalidCommandError
from projections.catalogue import CatalogueProjection
from projections.paging import InvalidCursorError
from projections.rows import ALL_DRAFTS, CatalogueFilter, CatalogueItemRow
from tests.projections.conftest import CZJ, MZJ, PUBLISHED_AT, Store


@pytest.fixture
def catalogue(store: Store) -> Any:
    return store.view(CatalogueProjection)


def project(store: Store, view: Any) -> None:
    store.apply_all(CatalogueProjection(view=view))


def codes(rows: list[CatalogueItemRow]) -> list[str]:
    return [row.code for row in rows]


def all_pages(view: Any, filters: CatalogueFilter, limit: int) -> Iterator[list[str]]:
    cursor = None
    while True:
        page = view.list_items(filters, cursor=cursor, limit=limit)
        yield codes(page.data)
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def test_get_item_after_draft_shows_row_with_names_and_labels(store: Store, catalogue: Any) -> None:
    result = store.draft(name="社区矫正辅助服务", nature="行政执法", provincial_listed=False)
    project(store, catalogue)

    row = catalogue.get_item(result.aggregate_id)

    assert row is not None
    assert row.code == "440700-2027-0001"
    assert (row.department, row.department_name, row.region_code) == (
        MZJ, "江门市民政局", "440700")
    assert (row.name, row.nature, row.must_be_retained) == ("社区矫正辅助服务", "行政执法", True)
    assert (row.status, row.status_label) == ("draft", "草稿")
    assert row.published_at is None and row.publicity_starts_on is None
    assert row.version == result.version
    assert row.created_at == row.updated_at
    assert row.created_at.tzinfo is not None


def test_get_item_after_revise_and_publish_shows_latest_fields_and_publicity(
    store: Store, catalogue: Any
) -> None:
    item = store.draft().aggregate_id
    store.revise(item, name="居家养老上门服务", level2="养老照护")
    published = store.publish(item)
    project(store, catalogue)

    row = catalogue.get_item(item)

    assert (row.name, row.level2) == ("居家养老上门服务", "养老照护")
    assert (row.status, row.status_label) == ("publicity", "公示中")
    assert row.published_at == PUBLISHED_AT
    assert (row.publicity_starts_on.isoformat(), row.publicity_ends_on.isoformat()) == (
        "2027-03-04", "2027-03-10")
    assert row.version == published.version
    assert row.last_notification_id == published.notification_id
    assert row.updated_at > row.created_at


def test_get_item_after_publicity_closed_and_withdrawn_shows_status_and_reason(
    store: Store, catalogue: Any
) -> None:
    closed = store.draft(name="养老机构评估").aggregate_id
    store.publish(closed)
    store.close_publicity(closed)
    withdrawn = store.draft(name="社区食堂运营").aggregate_id
    store.withdraw(withdrawn, reason="并入其他事项")
    project(store, catalogue)

    closed_row = catalogue.get_item(closed)
    withdrawn_row = catalogue.get_item(withdrawn)

    assert (closed_row.status, closed_row.status_label) == ("publicity_closed", "公示结束")
    assert (withdrawn_row.status, withdrawn_row.status_label) == ("withdrawn", "已撤回")
    assert withdrawn_row.withdrawal_reason == "并入其他事项"


def test_get_item_unknown_id_returns_none(store: Store, catalogue: Any) -> None:
    store.draft()
    project(store, catalogue)

    assert catalogue.get_item(uuid4()) is None


@pytest.fixture
def two_departments(store: Store, catalogue: Any) -> dict[str, str]:
    """MZJ: a draft and a published item; CZJ: the same; named by what they are."""
    items = {
        "mzj_draft": store.draft(MZJ, name="民政草稿").aggregate_id,
        "mzj_published": store.draft(MZJ, name="民政已发布").aggregate_id,
        "czj_draft": store.draft(CZJ, name="财政草稿").aggregate_id,
        "czj_published": store.draft(CZJ, name="财政已发布").aggregate_id,
    }
    store.publish(items["mzj_published"], MZJ)
    store.publish(items["czj_published"], CZJ)
    project(store, catalogue)
    return {key: catalogue.get_item(item_id).name for key, item_id in items.items()}


def names(view: Any, filters: CatalogueFilter) -> set[str]:
    return {row.name for row in view.list_items(filters, cursor=None, limit=100).data}


def test_list_items_for_the_public_hides_every_draft(
    catalogue: Any, two_departments: dict[str, str]
) -> None:
    assert names(catalogue, CatalogueFilter()) == {"民政已发布", "财政已发布"}


def test_list_items_for_a_department_shows_its_own_drafts_only(
    catalogue: Any, two_departments: dict[str, str]
) -> None:
    assert names(catalogue, CatalogueFilter(drafts_visible_to=MZJ)) == {
        "民政草稿", "民政已发布", "财政已发布"}


def test_list_items_with_all_drafts_visible_shows_every_item(
    catalogue: Any, two_departments: dict[str, str]
) -> None:
    assert names(catalogue, CatalogueFilter(drafts_visible_to=ALL_DRAFTS)) == set(
        two_departments.values())


def test_list_items_filtered_by_department_returns_that_department_only(
    catalogue: Any, two_departments: dict[str, str]
) -> None:
    filters = CatalogueFilter(department=CZJ, drafts_visible_to=ALL_DRAFTS)
    assert names(catalogue, filters) == {"财政草稿", "财政已发布"}


def test_list_items_filtered_by_status_returns_items_in_that_status(
    catalogue: Any, two_departments: dict[str, str]
) -> None:
    published = CatalogueFilter(status="publicity", drafts_visible_to=ALL_DRAFTS)
    drafts_for_public = CatalogueFilter(status="draft")

    assert names(catalogue, published) == {"民政已发布", "财政已发布"}
    assert names(catalogue, drafts_for_public) == set()


def test_list_items_filtered_by_year_and_level1_returns_matching_items(
    store: Store, catalogue: Any
) -> None:
    store.draft(name="2027公共服务")
    store.draft(name="2028公共服务", catalogue_year=2028)
    store.draft(name="2028辅助性服务", catalogue_year=2028, level1="政府履职所需辅助性服务")
    project(store, catalogue)
    every = CatalogueFilter(drafts_visible_to=ALL_DRAFTS)

    assert names(catalogue, CatalogueFilter(catalogue_year=2028, drafts_visible_to=ALL_DRAFTS)
                 ) == {"2028公共服务", "2028辅助性服务"}
    assert names(catalogue, CatalogueFilter(level1="公共服务", drafts_visible_to=ALL_DRAFTS)
                 ) == {"2027公共服务", "2028公共服务"}
    assert names(catalogue, CatalogueFilter(catalogue_year=2028, level1="公共服务",
                                            drafts_visible_to=ALL_DRAFTS)) == {"2028公共服务"}
    assert len(names(catalogue, every)) == 3


@pytest.mark.parametrize("limit", [1, 3, 4, 6, 50])
def test_list_items_across_pages_returns_every_item_once_in_code_order(
    store: Store, catalogue: Any, limit: int
) -> None:
    for n in range(6):
        store.draft(MZJ if n % 2 else CZJ, name=f"事项{n}")
    store.draft(name="2028事项", catalogue_year=2028)  # another numbering sequence
    project(store, catalogue)
    every = CatalogueFilter(drafts_visible_to=ALL_DRAFTS)

    pages = list(all_pages(catalogue, every, limit))

    listed = [code for page in pages for code in page]
    assert listed == sorted(listed)
    assert len(listed) == len(set(listed)) == 7
    assert all(len(page) == limit for page in pages[:-1])
    assert 1 <= len(pages[-1]) <= limit
    assert len(pages) == -(-7 // limit)


def test_list_items_with_cursor_from_filtered_list_continues_that_list(
    store: Store, catalogue: Any
) -> None:
    for n in range(5):
        store.draft(MZJ if n % 2 else CZJ, name=f"事项{n}")
    project(store, catalogue)
    filters = CatalogueFilter(department=CZJ, drafts_visible_to=ALL_DRAFTS)

    pages = list(all_pages(catalogue, filters, 2))

    assert [len(page) for page in pages] == [2, 1]
    assert {row.department for row in catalogue.list_items(
        filters, cursor=None, limit=10).data} == {CZJ}


@pytest.mark.parametrize("cursor", ["not a cursor!", "%%%", "zzzz", ""])
def test_list_items_with_forged_cursor_is_refused_with_field(
    catalogue: Any, cursor: str
) -> None:
    with pytest.raises(InvalidCursorError) as refused:
        catalogue.list_items(CatalogueFilter(), cursor=cursor, limit=10)

    assert isinstance(refused.value, InvalidCommandError)
    assert refused.value.field == "cursor"
