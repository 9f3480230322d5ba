"""The event store's tables as someone with database access sees them: edited directly in
SQL, behind the application's back (for the audit chain's tests)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg

from domain.agency.agency import ConsultingAgency
from domain.application import GovflowApplication
from govflow.audit_chain import GENESIS, ChainedRecorder, chain_links
from tests.projections.conftest import COMMITTEE


@dataclass(frozen=True)
class RawTables:
    """The events table and its chain table of the store ``env`` describes."""

    env: dict[str, str]

    @property
    def uses_postgres(self) -> bool:
        return "postgres" in self.env["PERSISTENCE_MODULE"]

    @property
    def events(self) -> str:
        if self.uses_postgres:
            return f'"{self.env["POSTGRES_SCHEMA"]}".govflow_events'
        return "stored_events"

    @property
    def chain(self) -> str:
        if self.uses_postgres:
            return f'"{self.env["POSTGRES_SCHEMA"]}".govflow_events_chain'
        return "stored_events_chain"

    @property
    def position(self) -> str:
        return "notification_id" if self.uses_postgres else "rowid"

    def execute(self, statement: str, params: Sequence[Any] = ()) -> list[Any]:
        """Runs ``statement`` (placeholders written ``?``) and commits it."""
        if self.uses_postgres:
            with psycopg.connect(
                dbname=self.env["POSTGRES_DBNAME"], host=self.env["POSTGRES_HOST"],
                port=self.env["POSTGRES_PORT"], user=self.env["POSTGRES_USER"],
                password=self.env["POSTGRES_PASSWORD"], autocommit=True,
            ) as conn:
                cursor = conn.execute(statement.replace("?", "%s"), params)
                return cursor.fetchall() if cursor.description else []
        database = sqlite3.connect(self.env["SQLITE_DBNAME"])
        try:
            with database:
                return database.execute(statement, params).fetchall()
        finally:
            database.close()

    def state(self, position: int) -> bytes:
        rows = self.execute(f"SELECT state FROM {self.events} WHERE {self.position} = ?",
                            (position,))
        return bytes(rows[0][0])

    def set_state(self, position: int, state: bytes) -> None:
        self.execute(f"UPDATE {self.events} SET state = ? WHERE {self.position} = ?",
                     (state, position))

    def delete_event(self, position: int) -> None:
        self.execute(f"DELETE FROM {self.events} WHERE {self.position} = ?", (position,))

    def delete_link(self, position: int) -> None:
        self.execute(f"DELETE FROM {self.chain} WHERE position = ?", (position,))

    def drop_chain(self) -> None:
        self.execute(f"DROP TABLE {self.chain}")

    def count_events(self) -> int:
        return int(self.execute(f"SELECT COUNT(*) FROM {self.events}")[0][0])

    def count_links(self) -> int:
        return int(self.execute(f"SELECT COUNT(*) FROM {self.chain}")[0][0])

    def relink_from(self, app: GovflowApplication, position: int) -> None:
        """Recomputes every link from ``position`` on, as someone covering an edit would."""
        rows = self.execute(f"SELECT hash FROM {self.chain} WHERE position < ? "
                            "ORDER BY position DESC LIMIT 1", (position,))
        previous = bytes(rows[0][0]) if rows else GENESIS
        events = app.recorder.select_notifications(start=position, limit=100_000)
        for link in chain_links(previous, [(e.id, e) for e in events]):
            self.execute(f"UPDATE {self.chain} SET hash = ? WHERE position = ?",
                         (link.hash, link.position))


def chained(app: GovflowApplication) -> ChainedRecorder:
    """The application's recorder, which keeps the audit chain."""
    recorder = app.recorder
    assert isinstance(recorder, ChainedRecorder), type(recorder)
    return recorder


def with_actor_user(state: bytes, user: str) -> bytes:
    """The event's state with someone else named as the person who acted."""
    fields = json.loads(state)
    fields["actor"] = {**fields["actor"], "user": user}
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()


def establish_agency(app: GovflowApplication, key: str) -> UUID:
    """One save of three events: an agency established with two experts appointed."""
    agency = ConsultingAgency.establish(
        command_id=f"agency-{key}", actor=COMMITTEE, name=f"咨询服务机构{key}",
        mandate="对目录事项的转移、购买提出咨询意见")
    for n in (1, 2):
        agency.appoint_expert(command_id=f"agency-{key}-expert-{n}", actor=COMMITTEE,
                              expert_id=f"expert-{n}", name=f"专家{n}", affiliations=[])
    app.save(agency)
    return agency.id
