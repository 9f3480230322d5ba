from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.actors import Actor, Role
from domain.application import GovflowApplication
from domain.catalogue.commands import ItemFields
from tests.seed import register_departments

OFFICER = Actor(user="li.wei", role=Role.DEPARTMENT, scope="440700-MZJ")
DEPARTMENTS = ("440700-MZJ", "440700-CZJ", "440703-MZJ")
"""The departments the ``app`` fixture registers (one event each) before a test drafts."""


@pytest.fixture
def app(tmp_path: Path) -> Iterator[GovflowApplication]:
    application = GovflowApplication(
        env={"PERSISTENCE_MODULE": "eventsourcing.sqlite",
             "SQLITE_DBNAME": str(tmp_path / "events.sqlite3")}
    )
    register_departments(application, *DEPARTMENTS)
    yield application
    application.close()


def item_fields(**overrides: object) -> ItemFields:
    values: dict[str, object] = {
        "name": "居家养老服务",
        "description": "为辖区老年人提供上门照料服务",
        "catalogue_year": 2027,
        "level1": "公共服务",
        "level2": "养老服务",
        "level3": "居家养老",
        "nature": "公共服务",
        "provincial_listed": True,
    }
    values.update(overrides)
    return ItemFields(**values)  # type: ignore[arg-type]
