"""Keyset pagination (DESIGN.md §5a) over one ordered, unique column of a view table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from projections.paging import decode_cursor, encode_cursor, invalid_cursor
from projections.rows import Page

RowT = TypeVar("RowT")


def select_page(
    select: Callable[[str, dict[str, Any]], list[RowT]], *, column: str,
    key_of: Callable[[RowT], str | int], conditions: list[str], params: dict[str, Any],
    cursor: str | None, limit: int, parse: Callable[[str], str | int] = str,
) -> Page[RowT]:
    """The rows after ``cursor`` in ``column`` order, at most ``limit`` of them.

    ``select`` runs a statement written with ``{table}`` and ``:name`` placeholders;
    ``parse`` turns a cursor's key back into the column's type (a bad one is refused).
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    conditions, params = list(conditions), dict(params)
    if cursor is not None:
        conditions.append(f"{column} > :after")
        try:
            params["after"] = parse(decode_cursor(cursor))
        except ValueError:
            raise invalid_cursor(cursor) from None
    where = f"WHERE {' AND '.join(conditions)} " if conditions else ""
    # One row more than asked tells whether there is a next page.
    params["limit"] = limit + 1
    rows = select(f"SELECT * FROM {{table}} {where}ORDER BY {column} LIMIT :limit", params)
    page = rows[:limit]
    next_cursor = encode_cursor(str(key_of(page[-1]))) if len(rows) > limit else None
    return Page(data=page, next_cursor=next_cursor)
