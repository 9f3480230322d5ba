"""The domain events the projections handle, named so that mypy can see them.

The ``@event`` decorator creates these classes when the aggregate class is
defined, out of a type checker's sight; the projections refer to them from here.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from domain.catalogue.item import CatalogueItem
from domain.catalogue.numbering import CatalogueNumbering

ITEM_DRAFTED: type[Any] = CatalogueItem.Drafted  # type: ignore[attr-defined]
ITEM_REVISED: type[Any] = CatalogueItem.Revised  # type: ignore[attr-defined]
ITEM_PUBLISHED: type[Any] = CatalogueItem.Published  # type: ignore[attr-defined]
ITEM_PUBLICITY_CLOSED: type[Any] = CatalogueItem.PublicityClosed  # type: ignore[attr-defined]
ITEM_WITHDRAWN: type[Any] = CatalogueItem.Withdrawn  # type: ignore[attr-defined]
NUMBERING_STARTED: type[Any] = CatalogueNumbering.Started  # type: ignore[attr-defined]
NUMBERING_ISSUED: type[Any] = CatalogueNumbering.Issued  # type: ignore[attr-defined]


def event_values(event: Any) -> dict[str, Any]:
    """An event's attributes by name (events are frozen dataclasses)."""
    return {f.name: getattr(event, f.name) for f in fields(event)}
