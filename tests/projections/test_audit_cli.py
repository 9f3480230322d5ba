"""``govflow audit verify`` and ``govflow audit head`` on the store the settings name."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from domain.application import GovflowApplication
from govflow.cli import app as cli
from tests.projections.audit_helpers import RawTables, establish_agency, with_actor_user
from tests.projections.conftest import BACKENDS


@dataclass(frozen=True)
class Deployment:
    """The variables govflow's settings read, and the event store they name."""

    settings_env: dict[str, str]
    store_env: dict[str, str]

    def run(self, *args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, ["audit", *args], env=self.settings_env)
        return result.exit_code, result.output


def _server(database: dict[str, str], dbname: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(
        dbname=dbname, host=database["POSTGRES_HOST"], port=database["POSTGRES_PORT"],
        user=database["POSTGRES_USER"], password=database["POSTGRES_PASSWORD"],
        autocommit=True)


@pytest.fixture(params=BACKENDS)
def deployment(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Deployment]:
    if request.param == "sqlite":
        dbname = str(tmp_path / "events.sqlite3")
        yield Deployment(
            settings_env={"GOVFLOW_DATA_DIR": str(tmp_path),
                          "PERSISTENCE_MODULE": "govflow.sqlite_persistence",
                          "SQLITE_DBNAME": dbname},
            store_env={"PERSISTENCE_MODULE": "govflow.sqlite_persistence",
                       "SQLITE_DBNAME": dbname})
        return
    # The settings have no schema: a database of its own, its events in "public".
    database: dict[str, str] = request.getfixturevalue("postgres_database")
    dbname = f"govflow_audit_{uuid.uuid4().hex[:12]}"
    with _server(database, database["POSTGRES_DBNAME"]) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    env = {**database, "POSTGRES_DBNAME": dbname}
    try:
        yield Deployment(
            settings_env={"GOVFLOW_DATA_DIR": str(tmp_path),
                          "PERSISTENCE_MODULE": "govflow.postgres_persistence", **env},
            store_env={"PERSISTENCE_MODULE": "govflow.postgres_persistence",
                       "POSTGRES_SCHEMA": "public", **env})
    finally:
        with _server(database, database["POSTGRES_DBNAME"]) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def record_agencies(deployment: Deployment, count: int) -> GovflowApplication:
    app = GovflowApplication(env=deployment.store_env)
    for n in range(count):
        establish_agency(app, str(n))
    return app


def test_verify_on_an_intact_log_prints_count_and_head_and_exits_0(
    deployment: Deployment,
) -> None:
    record_agencies(deployment, 2).close()

    code, output = deployment.run("verify")
    head_code, head = deployment.run("head")

    assert (code, head_code) == (0, 0)
    position, _, digest = head.strip().partition(":")
    assert position == "6" and len(digest) == 64
    assert output.strip() == f"审计链完整：已核验 6 个事件；链头 位置 6，sha256 {digest}"


def test_verify_on_an_edited_event_names_its_position_and_exits_1(
    deployment: Deployment,
) -> None:
    record_agencies(deployment, 2).close()
    tables = RawTables(deployment.store_env)

    tables.set_state(4, with_actor_user(tables.state(4), "someone.else"))
    code, output = deployment.run("verify")

    assert code == 1
    assert output.startswith("审计链在位置 4 断开：哈希不符")
    assert "此前 3 个事件完好" in output


def test_verify_against_a_recorded_head_catches_recomputed_links(
    deployment: Deployment,
) -> None:
    app = record_agencies(deployment, 2)
    _, recorded = deployment.run("head")
    tables = RawTables(deployment.store_env)
    tables.set_state(2, with_actor_user(tables.state(2), "someone.else"))
    tables.relink_from(app, 2)
    app.close()

    plain_code, _ = deployment.run("verify")
    code, output = deployment.run("verify", "--expect-head", recorded.strip())

    assert plain_code == 0
    assert code == 1
    assert output.startswith("审计链在位置 6 断开：与记录的链头不符")


def test_verify_with_a_malformed_head_is_refused_with_the_expected_form(
    deployment: Deployment,
) -> None:
    code, output = deployment.run("verify", "--expect-head", "6:not-hex")

    assert code == 2
    assert "<位置>:<64 位十六进制哈希>" in output
