"""Searching the catalogue in Chinese (?q=养老): substrings of names and descriptions,
answered by an index on SQLite (FTS5) and PostgreSQL (GIN)."""

from __future__ import annotations

from typing import Any

import pytest

from projections.catalogue import CatalogueProjection
from projections.rebuild import rebuild
from projections.rows import ALL_DRAFTS, CatalogueFilter
from projections.search import search_terms, search_tokens
from tests.projections.conftest import CZJ, MZJ, Store
from tests.seed import save_bulk_drafts

DESCRIPTIONS = {
    "居家养老服务": "为辖区老年人提供上门照料服务",
    "养老机构评估": "对养老机构开展等级评定",
    "社区矫正辅助服务": "协助司法所开展社区矫正对象教育帮扶",
    "12345政务服务热线运营": "受理市民咨询、投诉",
    "政务App开发与运维": "江门易办事App的升级维护",
}


@pytest.fixture
def catalogue(store: Store) -> Any:
    view = store.view(CatalogueProjection)
    for n, (name, description) in enumerate(DESCRIPTIONS.items()):
        store.draft(CZJ if n % 2 else MZJ, name=name, description=description)
    store.apply_all(CatalogueProjection(view=view))
    return view


def found(view: Any, q: str, **filters: Any) -> set[str]:
    filters.setdefault("drafts_visible_to", ALL_DRAFTS)
    page = view.list_items(CatalogueFilter(q=q, **filters), cursor=None, limit=50)
    return {row.name for row in page.data}


def test_search_two_characters_finds_every_item_containing_them(catalogue: Any) -> None:
    assert found(catalogue, "养老") == {"居家养老服务", "养老机构评估"}


@pytest.mark.parametrize(("q", "names"), [
    ("养", {"居家养老服务", "养老机构评估"}),               # one character
    ("矫", {"社区矫正辅助服务"}),
    ("务", {"居家养老服务", "社区矫正辅助服务", "12345政务服务热线运营", "政务App开发与运维"}),
    ("养老服", {"居家养老服务"}),                          # three
    ("居家养老服", {"居家养老服务"}),                       # five
    ("居家养老服务", {"居家养老服务"}),                     # the whole name
    ("等级评定", {"养老机构评估"}),                         # in the description only
    ("老养", set()),                                       # the characters, not in that order
    ("养服", set()),                                       # the characters, not together
    ("养老院", set()),
])
def test_search_finds_exactly_the_items_containing_the_query(
    catalogue: Any, q: str, names: set[str]
) -> None:
    assert found(catalogue, q) == names


@pytest.mark.parametrize(("q", "names"), [
    ("12345", {"12345政务服务热线运营"}),
    ("345政务", {"12345政务服务热线运营"}),                  # digits running into Chinese
    ("1", {"12345政务服务热线运营"}),
    ("app", {"政务App开发与运维"}),                          # any case
    ("ＡＰＰ开发", {"政务App开发与运维"}),                    # full-width letters (全角)
    ("务App", {"政务App开发与运维"}),
    ("54321", set()),
])
def test_search_with_ascii_letters_and_digits_finds_them_among_chinese(
    catalogue: Any, q: str, names: set[str]
) -> None:
    assert found(catalogue, q) == names


def test_search_with_several_words_finds_items_containing_each(catalogue: Any) -> None:
    assert found(catalogue, "养老 评估") == {"养老机构评估"}
    assert found(catalogue, "养老，上门") == {"居家养老服务"}


@pytest.mark.parametrize("q", ["、、", "——", "%", "\"*"])
def test_search_for_punctuation_alone_finds_nothing(catalogue: Any, q: str) -> None:
    assert found(catalogue, q) == set()


@pytest.mark.parametrize("q", ["", "   "])
def test_search_blank_query_lists_every_item(catalogue: Any, q: str) -> None:
    assert len(found(catalogue, q)) == len(DESCRIPTIONS)


def test_search_combined_with_filters_applies_both(catalogue: Any) -> None:
    assert found(catalogue, "务", department=CZJ) == {"12345政务服务热线运营"}
    assert found(catalogue, "养老", department=MZJ) == {"居家养老服务"}
    assert found(catalogue, "养老", drafts_visible_to=None) == set()  # all are drafts


def test_search_across_pages_returns_every_match_once_in_code_order(catalogue: Any) -> None:
    filters = CatalogueFilter(q="务", drafts_visible_to=ALL_DRAFTS)
    codes: list[str] = []
    cursor = None
    while True:
        page = catalogue.list_items(filters, cursor=cursor, limit=1)
        codes += [row.code for row in page.data]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert len(codes) == len(set(codes)) == 4
    assert codes == sorted(codes)


def test_search_after_revision_finds_the_new_text_only(store: Store, catalogue: Any) -> None:
    item_id = catalogue.list_items(CatalogueFilter(q="矫正", drafts_visible_to=ALL_DRAFTS),
                                   cursor=None, limit=1).data[0].id
    store.revise(item_id, name="安置帮教服务", description="刑满释放人员帮扶")
    store.apply_all(CatalogueProjection(view=catalogue),
                    after=catalogue.max_tracking_id(store.app.name))

    assert found(catalogue, "矫正") == set()
    assert found(catalogue, "帮教") == {"安置帮教服务"}


def test_search_after_rebuild_finds_what_it_found_before(store: Store, catalogue: Any) -> None:
    before = {q: found(catalogue, q) for q in ("养", "养老", "养老服", "app")}

    rebuild(projection_class=CatalogueProjection, view=catalogue, application=store.app)

    assert {q: found(catalogue, q) for q in before} == before
    assert all(before.values())


# --- the index ---------------------------------------------------------------------------


def test_search_tokens_are_each_character_with_the_next() -> None:
    assert search_tokens("居家养老服务") == "居家 家养 养老 老服 服务 务"
    assert search_tokens("政务App", "12") == "政务 务a ap pp p 12 2"
    assert [t.tokens for t in search_terms("养老服 a")] == [("养老", "老服"), ("a",)]


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_search_on_sqlite_is_answered_by_the_fts5_index(store: Store, catalogue: Any) -> None:
    for q in ("养", "养老", "居家养老服"):
        plan = catalogue.list_plan(CatalogueFilter(q=q, drafts_visible_to=ALL_DRAFTS))

        assert "SCAN catalogue_search_fts VIRTUAL TABLE INDEX" in plan, plan
        assert "SCAN catalogue_search " not in f"{plan} "  # the tokens are never scanned


MANY = 3000


@pytest.mark.parametrize(
    "store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_search_on_postgres_is_answered_by_the_gin_index(store: Store) -> None:
    view: Any = store.view(CatalogueProjection)
    save_bulk_drafts(store.app, MANY)  # the planner needs a table where an index pays
    rebuild(projection_class=CatalogueProjection, view=view, application=store.app)
    with view.datastore.transaction(commit=True) as c:
        c.execute(f"ANALYZE {view.dialect.qualified('catalogue_search')}")
        c.execute(f"ANALYZE {view.dialect.qualified('catalogue_items')}")

    for q in ("养", "养老", "居家养老服"):
        filters = CatalogueFilter(q=q, drafts_visible_to=ALL_DRAFTS)
        plan = view.list_plan(filters)

        assert "Bitmap Index Scan on catalogue_search_tokens_gin" in plan, plan
        assert "Seq Scan on catalogue_search" not in plan, plan
        assert len(view.list_items(filters, cursor=None, limit=50).data) == 3

