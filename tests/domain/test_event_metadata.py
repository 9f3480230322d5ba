"""Every event of every aggregate records who acted and for which command (the audit
trail relies on it: ``govflow audit verify`` reports an event without them)."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil

import pytest
from eventsourcing.domain import CommandMethodDecorator

import domain
from domain.aggregate import GovAggregate


def _aggregates() -> list[type[GovAggregate]]:
    for module in pkgutil.walk_packages(domain.__path__, prefix="domain."):
        importlib.import_module(module.name)
    found: list[type[GovAggregate]] = []
    pending = list(GovAggregate.__subclasses__())
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return sorted(found, key=lambda c: c.__qualname__)


def _recorded_event_classes(aggregate: type[GovAggregate]) -> list[type[object]]:
    """The event classes an aggregate records: its own subclasses of its ``Event``, less
    the base and the default ``Created`` when ``__init__`` names its own creation event."""
    init_names_its_event = isinstance(aggregate.__dict__.get("__init__"), CommandMethodDecorator)
    return [
        value for name, value in vars(aggregate).items()
        if inspect.isclass(value) and issubclass(value, aggregate.Event)
        and value is not aggregate.Event
        and not (name == "Created" and init_names_its_event)
    ]


EVENT_CLASSES = [
    pytest.param(event_class, id=event_class.__qualname__)
    for aggregate in _aggregates() for event_class in _recorded_event_classes(aggregate)
]


def test_every_aggregate_of_the_domain_is_found() -> None:
    names = {a.__name__ for a in _aggregates()}

    assert {"CatalogueItem", "PurchaseContract", "FunctionTransfer", "GradeEvaluation",
            "SocialOrganization", "ConsultingAgency", "RegisteredDepartment"} <= names
    assert len(EVENT_CLASSES) > 50


@pytest.mark.parametrize("event_class", EVENT_CLASSES)
def test_event_records_actor_and_command_id(event_class: type[object]) -> None:
    fields = {f.name for f in dataclasses.fields(event_class)}  # type: ignore[arg-type]
    parameters = set(inspect.signature(event_class.__init__).parameters)

    assert {"actor", "command_id"} <= fields
    assert {"actor", "command_id"} <= parameters
