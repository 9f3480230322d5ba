"""Event stores on SQLite files and on PostgreSQL, and the people writing to them.

Each PostgreSQL test gets a fresh schema in the session's database, so tests never
see each other's events, views or tracking records.  Every store starts with the
departments of ``DEPARTMENTS`` registered (drafting needs a registered department).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from domain.actors import SYSTEM_ACTOR, Actor, Role
from domain.agency.agency import ConsultingAgency
from domain.application import GovflowApplication
from domain.catalogue.commands import (
    AllocateBudget,
    ClosePublicity,
    CommandResult,
    DecideCatalogueItem,
    DraftCatalogueItem,
    ExtendReferral,
    GiveOpinion,
    PublishCatalogueItem,
    ReferCatalogueItem,
    ReferralStep,
    ReviewRetention,
    ReviseCatalogueItem,
    WithdrawCatalogueItem,
)
from projections.registry import open_view, sqlite_view_files
from projections.runners import start_runners, stop_runners
from tests.domain.conftest import item_fields
from tests.seed import register_departments

MZJ = "440700-MZJ"
CZJ = "440700-CZJ"
OFFICERS = {
    MZJ: Actor(user="li.wei", role=Role.DEPARTMENT, scope=MZJ),
    CZJ: Actor(user="chen.jing", role=Role.DEPARTMENT, scope=CZJ),
}


def officer(department: str) -> Actor:
    return OFFICERS.get(department) or Actor(user="officer", role=Role.DEPARTMENT,
                                             scope=department)

DEPARTMENTS = (MZJ, CZJ)
COMMITTEE = Actor(user="zhou.min", role=Role.COMMITTEE)
FINANCE = Actor(user="qian.li", role=Role.FINANCE)
PUBLISHED_AT = datetime(2027, 3, 3, 2, 0, tzinfo=UTC)
REFERRED_AT = datetime(2027, 3, 12, 2, 0, tzinfo=UTC)
DUE_ON = date(2027, 3, 27)
REMIND_ON = date(2027, 3, 24)

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@dataclass
class Store:
    """An event store, the application writing to it, and views built on it."""

    env: dict[str, str]
    uses_postgres: bool
    app: GovflowApplication
    _views: list[Any] = field(default_factory=list)
    _commands: int = 0

    def view(self, projection_class: type[Projection[Any]]) -> Any:
        view = open_view(projection_class, env=self.env, uses_postgres=self.uses_postgres)
        self._views.append(view)
        return view

    def apply_all(self, projection: Projection[Any], *, after: int = 0) -> None:
        """Process every notification after ``after``, as a runner would (no threads)."""
        for notification in self.app.recorder.select_notifications(
            start=after, limit=10_000, inclusive_of_start=False
        ):
            event = self.app.mapper.to_domain_event(notification)
            projection.process_event(event, Tracking(self.app.name, notification.id))

    @contextmanager
    def running(self) -> Iterator[None]:
        """Projection runners following this store, as ``govflow dev`` starts them."""
        runners = start_runners(env=self.env, uses_postgres=self.uses_postgres)
        try:
            yield
        finally:
            stop_runners(runners)

    def close(self) -> None:
        for view in self._views:
            view.close()
        self.app.close()

    # --- a department at work ----------------------------------------------------

    def _command_id(self) -> str:
        self._commands += 1
        return f"test-command-{self._commands}"

    def draft(self, department: str = MZJ, **fields: Any) -> CommandResult:
        return self.app.draft_catalogue_item(DraftCatalogueItem(
            command_id=self._command_id(), actor=officer(department), department=department,
            fields=item_fields(**fields),
        ))

    def revise(self, item_id: UUID, department: str = MZJ, **fields: Any) -> CommandResult:
        return self.app.revise_catalogue_item(ReviseCatalogueItem(
            command_id=self._command_id(), actor=officer(department), item_id=item_id,
            fields=item_fields(**fields),
        ))

    def publish(self, item_id: UUID, department: str = MZJ) -> CommandResult:
        return self.app.publish_catalogue_item(PublishCatalogueItem(
            command_id=self._command_id(), actor=officer(department), item_id=item_id,
            published_at=PUBLISHED_AT, publicity_starts_on=date(2027, 3, 4),
            publicity_ends_on=date(2027, 3, 10),
        ))

    def close_publicity(self, item_id: UUID) -> CommandResult:
        return self.app.close_catalogue_item_publicity(ClosePublicity(
            command_id=self._command_id(), actor=SYSTEM_ACTOR, item_id=item_id,
        ))

    def withdraw(self, item_id: UUID, department: str = MZJ,
                 reason: str = "职能已调整") -> CommandResult:
        return self.app.withdraw_catalogue_item(WithdrawCatalogueItem(
            command_id=self._command_id(), actor=officer(department), item_id=item_id,
            reason=reason,
        ))

    def publish_new_version(self, item_id: UUID, department: str = MZJ,
                            **fields: Any) -> CommandResult:
        """Revise a published item: a new version with its own publicity period."""
        return self.app.revise_catalogue_item(ReviseCatalogueItem(
            command_id=self._command_id(), actor=officer(department), item_id=item_id,
            fields=item_fields(**fields), published_at=datetime(2027, 3, 8, 2, 0, tzinfo=UTC),
            publicity_starts_on=date(2027, 3, 9), publicity_ends_on=date(2027, 3, 15),
        ))

    def published_item(self, department: str = MZJ, **fields: Any) -> UUID:
        """An item whose publicity period is over: ready to be referred."""
        item_id = self.draft(department, **fields).aggregate_id
        self.publish(item_id, department)
        self.close_publicity(item_id)
        return item_id

    # --- the committee, an agency, finance --------------------------------------------

    def establish_agency(self, name: str = "江门市政府职能转移咨询委员会") -> Actor:
        """A consulting agency with two experts; returns an officer of it (scope: its id)."""
        agency = ConsultingAgency.establish(
            command_id=self._command_id(), actor=COMMITTEE, name=name,
            mandate="对目录事项的转移、购买提出咨询意见")
        for expert_id, expert in (("expert-1", "陈明"), ("expert-2", "林芳")):
            agency.appoint_expert(command_id=self._command_id(), actor=COMMITTEE,
                                  expert_id=expert_id, name=expert, affiliations=[])
        self.app.save(agency)
        return Actor(user="agency.officer", role=Role.AGENCY, scope=str(agency.id))

    def refer(self, item_id: UUID, agency: Actor, department: str = MZJ, *,
              due_on: date = DUE_ON, remind_on: date = REMIND_ON) -> CommandResult:
        assert agency.scope is not None
        return self.app.refer_catalogue_item(ReferCatalogueItem(
            command_id=self._command_id(), actor=officer(department), item_id=item_id,
            agency_id=UUID(agency.scope), referred_at=REFERRED_AT, due_on=due_on,
            remind_on=remind_on,
        ))

    def remind(self, item_id: UUID) -> CommandResult:
        return self.app.remind_catalogue_item_referral(
            ReferralStep(self._command_id(), SYSTEM_ACTOR, item_id))

    def escalate(self, item_id: UUID) -> CommandResult:
        return self.app.escalate_catalogue_item_referral(
            ReferralStep(self._command_id(), SYSTEM_ACTOR, item_id))

    def extend(self, item_id: UUID, *, due_on: date, remind_on: date) -> CommandResult:
        return self.app.extend_catalogue_item_referral(ExtendReferral(
            command_id=self._command_id(), actor=COMMITTEE, item_id=item_id, due_on=due_on,
            remind_on=remind_on, reason="专家补充调研",
        ))

    def give_opinion(self, item_id: UUID, agency: Actor, recommendation: str = "转移",
                     experts: tuple[str, ...] = ("expert-1", "expert-2")) -> CommandResult:
        return self.app.give_catalogue_item_opinion(GiveOpinion(
            command_id=self._command_id(), actor=agency, item_id=item_id,
            recommendation=recommendation, reasons="社会组织具备承接能力", expert_ids=experts,
            organizations=(), given_at=datetime(2027, 3, 20, 2, 0, tzinfo=UTC),
        ))

    def allocate_budget(self, item_id: UUID, *, fiscal_year: int = 2027,
                        amount_fen: int = 50_000_000) -> CommandResult:
        return self.app.allocate_catalogue_item_budget(AllocateBudget(
            command_id=self._command_id(), actor=FINANCE, item_id=item_id,
            fiscal_year=fiscal_year, amount_fen=amount_fen,
        ))

    def decide(self, item_id: UUID, mode: str, department: str = MZJ, *, reason: str = "",
               justification: str = "") -> CommandResult:
        return self.app.decide_catalogue_item(DecideCatalogueItem(
            command_id=self._command_id(), actor=officer(department), item_id=item_id,
            mode=mode, reason=reason, justification=justification,
        ))

    def review_retention(self, item_id: UUID, *, approved: bool,
                         comment: str = "") -> CommandResult:
        return self.app.review_catalogue_item_retention(ReviewRetention(
            command_id=self._command_id(), actor=COMMITTEE, item_id=item_id,
            approved=approved, comment=comment,
        ))


def sqlite_env(tmp_path: Path) -> dict[str, str]:
    """Events in one file, each view in its own (as ``govflow dev`` keeps them)."""
    return {
        "PERSISTENCE_MODULE": "govflow.sqlite_persistence",
        "SQLITE_DBNAME": str(tmp_path / "events.sqlite3"),
        "SQLITE_LOCK_TIMEOUT": "10",
        "SQLITE_POLL_SECONDS": "0.05",
        **sqlite_view_files(tmp_path),
    }


def _connect(env: dict[str, str]) -> psycopg.Connection[Any]:
    return psycopg.connect(
        dbname=env["POSTGRES_DBNAME"], host=env["POSTGRES_HOST"], port=env["POSTGRES_PORT"],
        user=env["POSTGRES_USER"], password=env["POSTGRES_PASSWORD"], autocommit=True,
    )


@pytest.fixture
def make_env(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[[str], dict[str, str]]]:
    """Builds the event store environment of a backend; a PostgreSQL one in a fresh schema."""
    schemas: list[tuple[dict[str, str], str]] = []

    def make(backend: str) -> dict[str, str]:
        if backend == "sqlite":
            return sqlite_env(tmp_path)
        database: dict[str, str] = request.getfixturevalue("postgres_database")
        schema = f"test_{uuid.uuid4().hex[:12]}"
        with _connect(database) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        schemas.append((database, schema))
        return {
            **database,
            "PERSISTENCE_MODULE": "govflow.postgres_persistence",
            "POSTGRES_SCHEMA": schema,
            "POSTGRES_POOL_SIZE": "2",
            "POSTGRES_POLL_SECONDS": "0.2",
        }

    yield make
    for database, schema in schemas:
        with _connect(database) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, make_env: Callable[[str], dict[str, str]]
          ) -> Iterator[Store]:
    env = make_env(request.param)
    app = GovflowApplication(env=env)
    register_departments(app, *DEPARTMENTS)
    s = Store(env=env, uses_postgres=request.param == "postgres", app=app)
    yield s
    s.close()
