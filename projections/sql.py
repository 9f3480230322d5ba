"""Tables of the views, written once for SQLite and PostgreSQL.

A view's SQL is written with ``{table}`` for its (schema-qualified) table name and
``:name`` placeholders; a :class:`Dialect` turns it into what its driver expects,
and encodes and decodes values by the column's kind.  The columns come from the
row dataclass the view returns, so the table and the row cannot drift apart.
"""

from __future__ import annotations

import json
import re
import typing
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from functools import cached_property
from types import NoneType, UnionType
from typing import Any, ClassVar, Literal, Protocol
from uuid import UUID

from psycopg.types.json import Jsonb

from projections.search import SearchTerm

Kind = Literal["uuid", "text", "int", "bool", "date", "datetime", "json"]

_KINDS: dict[Any, Kind] = {
    UUID: "uuid", str: "text", int: "int", bool: "bool", date: "date",
    datetime: "datetime", dict: "json", list: "json",
}


class SqlCursor(Protocol):
    """What the views need of a SQLite or psycopg cursor."""

    def execute(self, statement: Any, params: Any = ..., /) -> Any: ...

    def fetchall(self) -> Any: ...


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    nullable: bool


def _column(name: str, hint: Any) -> Column:
    args = typing.get_args(hint)
    nullable = isinstance(hint, UnionType) and NoneType in args
    if nullable:
        (hint,) = (a for a in args if a is not NoneType)
    return Column(name, _KINDS[typing.get_origin(hint) or hint], nullable)


@dataclass(frozen=True)
class Table:
    """A view table whose columns are the fields of ``row_class``."""

    name: str
    row_class: type[Any]
    key: str
    unique: tuple[str, ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()
    text_search: str | None = None
    """A column of ``projections.search`` tokens for the database's full-text index."""

    @cached_property
    def columns(self) -> tuple[Column, ...]:
        hints = typing.get_type_hints(self.row_class)
        return tuple(_column(f.name, hints[f.name]) for f in fields(self.row_class))

    @cached_property
    def _kinds(self) -> dict[str, Kind]:
        return {c.name: c.kind for c in self.columns}

    def kind_of(self, name: str) -> Kind | None:
        return self._kinds.get(name)

    def insert_sql(self, values: Mapping[str, Any]) -> str:
        names = ", ".join(values)
        params = ", ".join(f":{name}" for name in values)
        return f"INSERT INTO {{table}} ({names}) VALUES ({params})"

    def upsert_sql(self, values: Mapping[str, Any]) -> str:
        """Insert the row, or update the one with the same key (both databases say it so)."""
        assignments = ", ".join(f"{name} = excluded.{name}" for name in values
                                if name != self.key)
        return f"{self.insert_sql(values)} ON CONFLICT ({self.key}) DO UPDATE SET {assignments}"

    def update_sql(self, values: Mapping[str, Any]) -> str:
        """Update the row whose key is the ``:key`` parameter."""
        assignments = ", ".join(f"{name} = :{name}" for name in values)
        return f"UPDATE {{table}} SET {assignments} WHERE {self.key} = :key"


class Dialect(ABC):
    """How one database names tables, takes parameters and stores each kind of value."""

    types: ClassVar[Mapping[Kind, str]]
    explain: ClassVar[str]
    """What asks the database for a statement's query plan."""
    plan_column: ClassVar[str]
    """The column of the plan's rows that describes each step."""

    @abstractmethod
    def qualified(self, table: str) -> str: ...

    @abstractmethod
    def text_search_statements(self, table: Table, column: str) -> list[str]:
        """What indexes ``column`` of ``table`` for full-text search."""

    @abstractmethod
    def text_match(self, table: Table, column: str) -> str:
        """A condition on the rows of ``table`` whose ``column`` matches ``:search``."""

    @abstractmethod
    def text_query(self, terms: Sequence[SearchTerm]) -> str:
        """The ``:search`` parameter that finds every one of ``terms``."""

    @abstractmethod
    def placeholders(self, statement: str) -> str:
        """``statement`` with ``:name`` placeholders in the driver's style."""

    @abstractmethod
    def encode(self, kind: Kind, value: Any) -> Any: ...

    @abstractmethod
    def decode(self, kind: Kind, value: Any) -> Any: ...

    def statement(self, table: Table, sql: str) -> str:
        return self.placeholders(sql.format(table=self.qualified(table.name)))

    def params(self, table: Table, params: Mapping[str, Any]) -> dict[str, Any]:
        """Parameters named after a column are encoded as that column's kind.

        ``:key`` is the table's key.
        """
        encoded: dict[str, Any] = {}
        for name, value in params.items():
            kind = table.kind_of(table.key if name == "key" else name)
            encoded[name] = value if kind is None or value is None else self.encode(kind, value)
        return encoded

    def row(self, table: Table, row: Any) -> Any:
        """The row dataclass of a fetched row (a ``sqlite3.Row`` or a psycopg dict)."""
        values = {
            c.name: None if row[c.name] is None else self.decode(c.kind, row[c.name])
            for c in table.columns
        }
        return table.row_class(**values)

    def create_statements(self, table: Table) -> list[str]:
        columns = ", ".join(
            f"{c.name} {self.types[c.kind]}{'' if c.nullable else ' NOT NULL'}"
            for c in table.columns
        )
        name = self.qualified(table.name)
        statements = [f"CREATE TABLE IF NOT EXISTS {name} ({columns}, PRIMARY KEY ({table.key}))"]
        statements += [
            f"CREATE UNIQUE INDEX IF NOT EXISTS {table.name}_{column}_key ON {name} ({column})"
            for column in table.unique
        ]
        statements += [
            f"CREATE INDEX IF NOT EXISTS {table.name}_{'_'.join(cols)}_idx "
            f"ON {name} ({', '.join(cols)})"
            for cols in table.indexes
        ]
        if table.text_search is not None:
            statements += self.text_search_statements(table, table.text_search)
        return statements

    def drop_statements(self, table: Table) -> list[str]:
        """Drop the table with its indexes (a rebuild creates it anew)."""
        return [f"DROP TABLE IF EXISTS {self.qualified(table.name)}"]


def json_ready(value: Any) -> Any:
    """``value`` with dates, times and ids as ISO strings, ready for JSON."""
    if isinstance(value, Mapping):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [json_ready(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value


class SQLiteDialect(Dialect):
    """SQLite keeps ids, dates and JSON as text, and booleans as integers."""

    types: ClassVar[Mapping[Kind, str]] = {
        "uuid": "TEXT", "text": "TEXT", "int": "INTEGER", "bool": "INTEGER", "date": "TEXT",
        "datetime": "TEXT", "json": "TEXT",
    }
    explain = "EXPLAIN QUERY PLAN"
    plan_column = "detail"

    def qualified(self, table: str) -> str:
        return table

    # Full-text search: an FTS5 index over the table (external content, kept in step by
    # triggers), whose rowids are the table's integer key.

    def text_search_statements(self, table: Table, column: str) -> list[str]:
        if table.kind_of(table.key) != "int":
            raise TypeError(f"{table.name}: FTS5 needs an integer key, not {table.key}")
        t, fts, key = table.name, f"{table.name}_fts", table.key
        add = f"INSERT INTO {fts}(rowid, {column}) VALUES (new.{key}, new.{column});"
        remove = (f"INSERT INTO {fts}({fts}, rowid, {column}) "
                  f"VALUES ('delete', old.{key}, old.{column});")
        return [
            # unicode61 keeps every token whole (CJK letters are token characters);
            # prefix='1' indexes first characters for one-character queries.
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({column}, content='{t}', "
            f"content_rowid='{key}', tokenize='unicode61', prefix='1')",
            f"CREATE TRIGGER IF NOT EXISTS {t}_inserted AFTER INSERT ON {t} BEGIN {add} END",
            f"CREATE TRIGGER IF NOT EXISTS {t}_deleted AFTER DELETE ON {t} BEGIN {remove} END",
            f"CREATE TRIGGER IF NOT EXISTS {t}_updated AFTER UPDATE ON {t} "
            f"BEGIN {remove} {add} END",
        ]

    def drop_statements(self, table: Table) -> list[str]:
        fts = [f"DROP TABLE IF EXISTS {table.name}_fts"] if table.text_search else []
        return fts + super().drop_statements(table)

    def text_match(self, table: Table, column: str) -> str:
        fts = f"{table.name}_fts"
        return f"{table.key} IN (SELECT rowid FROM {fts} WHERE {fts} MATCH :search)"

    def text_query(self, terms: Sequence[SearchTerm]) -> str:
        return " AND ".join(
            f'"{term.tokens[0]}"*' if term.prefix else f'"{" ".join(term.tokens)}"'
            for term in terms
        )

    def placeholders(self, statement: str) -> str:
        return statement

    def encode(self, kind: Kind, value: Any) -> Any:
        if kind == "json":
            return json.dumps(json_ready(value), ensure_ascii=False, sort_keys=True)
        if kind in ("uuid", "date", "datetime"):
            return json_ready(value)
        if kind == "bool":
            return int(value)
        return value

    _DECODERS: ClassVar[Mapping[Kind, Callable[[Any], Any]]] = {
        "uuid": UUID, "bool": bool, "date": date.fromisoformat,
        "datetime": datetime.fromisoformat, "json": json.loads,
    }

    def decode(self, kind: Kind, value: Any) -> Any:
        decoder = self._DECODERS.get(kind)
        return value if decoder is None else decoder(value)


class PostgresDialect(Dialect):
    """PostgreSQL stores every kind natively; JSON goes in as ``jsonb``."""

    types: ClassVar[Mapping[Kind, str]] = {
        "uuid": "uuid", "text": "text", "int": "bigint", "bool": "boolean", "date": "date",
        "datetime": "timestamptz", "json": "jsonb",
    }
    explain = "EXPLAIN"
    plan_column = "QUERY PLAN"
    _PLACEHOLDER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")

    def __init__(self, schema: str) -> None:
        self.schema = schema

    def qualified(self, table: str) -> str:
        return f'"{self.schema}"."{table}"'

    def placeholders(self, statement: str) -> str:
        return self._PLACEHOLDER.sub(r"%(\1)s", statement.replace("%", "%%"))

    # Full-text search: a GIN index over the tokens as a tsvector.  The 'simple'
    # configuration keeps every token as it is (no stemming, no stop words), and the
    # tokens hold only letters and digits, which its parser leaves whole.

    def _vector(self, column: str) -> str:
        return f"to_tsvector('simple'::regconfig, {column})"

    def text_search_statements(self, table: Table, column: str) -> list[str]:
        return [f"CREATE INDEX IF NOT EXISTS {table.name}_{column}_gin "
                f"ON {self.qualified(table.name)} USING gin ({self._vector(column)})"]

    def text_match(self, table: Table, column: str) -> str:
        return f"{self._vector(column)} @@ to_tsquery('simple'::regconfig, :search)"

    def text_query(self, terms: Sequence[SearchTerm]) -> str:
        return " & ".join(
            f"'{term.tokens[0]}':*" if term.prefix
            else "(" + " <-> ".join(f"'{token}'" for token in term.tokens) + ")"
            for term in terms
        )

    def encode(self, kind: Kind, value: Any) -> Any:
        return Jsonb(json_ready(value)) if kind == "json" else value

    def decode(self, kind: Kind, value: Any) -> Any:
        # Timestamps come back in the session's time zone; answer in UTC as SQLite does.
        return value.astimezone(UTC) if kind == "datetime" else value
