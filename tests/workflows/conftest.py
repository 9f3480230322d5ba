"""Workflow tests run on Temporal's time-skipping server and real SQLite event stores."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from domain.application import GovflowApplication
from tests.seed import CZJ, MZJ, register_departments
from tests.workflows.harness import catalogue_worker, sqlite_env
from workflows.gateway import CatalogueGateway

DEPARTMENTS = (MZJ, CZJ)
"""The departments the ``gateway`` fixture registers (one event each) before a test drafts."""


@pytest.fixture
def app(sqlite_path: Path) -> GovflowApplication:
    return GovflowApplication(sqlite_env(sqlite_path))


@pytest.fixture
async def gateway(
    env: WorkflowEnvironment, app: GovflowApplication
) -> AsyncIterator[CatalogueGateway]:
    register_departments(app, *DEPARTMENTS)
    async with catalogue_worker(env, app) as running:
        yield running
