"""Fixtures shared by every layer's tests: event stores on real SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest
from temporalio.testing import WorkflowEnvironment

from tests.workflows.harness import start_time_skipping

POSTGRES_URL = os.environ.get(
    "GOVFLOW_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
# In CI the PostgreSQL tests must run, never skip: .ci/run sets GOVFLOW_TEST_POSTGRES=required.
POSTGRES_REQUIRED = os.environ.get("GOVFLOW_TEST_POSTGRES") == "required"


def _postgres_reachable() -> bool:
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[dict[str, str]]:
    """A fresh PostgreSQL database for this test session, dropped at the end.

    Yields the eventsourcing POSTGRES_* variables that point at it.
    """
    if not _postgres_reachable():
        if POSTGRES_REQUIRED:
            pytest.fail(f"PostgreSQL is required (GOVFLOW_TEST_POSTGRES=required) but "
                        f"{POSTGRES_URL} is not reachable")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}")
    info = psycopg.conninfo.conninfo_to_dict(POSTGRES_URL)
    name = f"govflow_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {
            "POSTGRES_DBNAME": name,
            "POSTGRES_HOST": str(info.get("host", "127.0.0.1")),
            "POSTGRES_PORT": str(info.get("port", "5432")),
            "POSTGRES_USER": str(info.get("user", "postgres")),
            "POSTGRES_PASSWORD": str(info.get("password", "")),
        }
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    """A fresh SQLite file for one test."""
    return tmp_path / "events.sqlite3"


@pytest.fixture(scope="session")
async def env() -> AsyncIterator[WorkflowEnvironment]:
    """Temporal's time-skipping test server, shared by the session (a fresh task queue per test)."""
    async with await start_time_skipping() as environment:
        yield environment
