"""PERSISTENCE_MODULE=govflow.sqlite_persistence / govflow.postgres_persistence build
event stores whose recorders can be followed, honouring eventsourcing's own settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest
from eventsourcing.persistence import InfrastructureFactory
from eventsourcing.utils import Environment

from govflow import postgres_persistence, sqlite_persistence
from govflow.postgres_persistence import GuardedPostgresApplicationRecorder
from govflow.sqlite_persistence import PollingSQLiteApplicationRecorder
from tests.projections.conftest import BACKENDS


class AuditedSQLiteRecorder(PollingSQLiteApplicationRecorder):
    """Stands for a recorder chosen with APPLICATION_RECORDER_TOPIC."""


class AuditedPostgresRecorder(GuardedPostgresApplicationRecorder):
    """Stands for a recorder chosen with APPLICATION_RECORDER_TOPIC."""


MODULES: dict[str, tuple[ModuleType, type[Any], type[Any], str]] = {
    "sqlite": (sqlite_persistence, PollingSQLiteApplicationRecorder, AuditedSQLiteRecorder,
               "SQLITE_POLL_SECONDS"),
    "postgres": (postgres_persistence, GuardedPostgresApplicationRecorder,
                 AuditedPostgresRecorder, "POSTGRES_POLL_SECONDS"),
}


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def construct(
    backend: str, make_env: Callable[[str], dict[str, str]]
) -> Iterator[Callable[..., Any]]:
    """Builds the factory that eventsourcing picks for the backend's PERSISTENCE_MODULE."""
    env = make_env(backend)
    factories: list[Any] = []

    def build(**extra: str) -> Any:
        factory = InfrastructureFactory.construct(Environment("govflow", {**env, **extra}))
        factories.append(factory)
        return factory

    yield build
    for factory in factories:
        factory.close()


def test_construct_from_module_name_gives_recorders_the_poll_interval(
    backend: str, construct: Callable[..., Any]
) -> None:
    module, recorder_class, _, key = MODULES[backend]
    factory = construct(**{key: "0.7"})

    application_recorder = factory.application_recorder()
    process_recorder = factory.process_recorder()

    assert type(factory) is module.Factory
    assert isinstance(application_recorder, recorder_class)
    assert isinstance(process_recorder, recorder_class)
    assert application_recorder.poll_seconds == process_recorder.poll_seconds == 0.7


def test_construct_with_recorder_topic_uses_that_recorder_with_the_interval(
    backend: str, construct: Callable[..., Any]
) -> None:
    _, _, audited_class, key = MODULES[backend]
    topic = f"{__name__}:{audited_class.__name__}"

    recorder = construct(APPLICATION_RECORDER_TOPIC=topic, **{key: "0.3"}).application_recorder()

    assert type(recorder) is audited_class
    assert recorder.poll_seconds == 0.3


@pytest.mark.parametrize("value", ["0", "-1", "soon"])
def test_construct_with_invalid_poll_interval_is_refused_naming_the_key(
    backend: str, construct: Callable[..., Any], value: str
) -> None:
    key = MODULES[backend][3]

    with pytest.raises(OSError, match=key):
        construct(**{key: value}).application_recorder()
