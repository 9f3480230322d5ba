"""Human codes for catalogue items: ``<region>-<year>-<sequence>``, e.g. 440700-2027-0001."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.aggregate import GovAggregate

_NAMESPACE = uuid5(NAMESPACE_URL, "govflow:catalogue-numbering")


class CatalogueNumbering(GovAggregate):
    """The sequence of item codes of one region and catalogue year.

    Saved together with the item it numbers, so optimistic concurrency on this
    aggregate's version guarantees no two items share a code.
    """

    @staticmethod
    def create_id(region_code: str, year: int) -> UUID:
        return uuid5(_NAMESPACE, f"{region_code}:{year}")

    @event("Started")
    def __init__(self, *, command_id: str, actor: dict[str, Any], region_code: str,
                 year: int) -> None:
        self._created_by(command_id)
        self.region_code = region_code
        self.year = year
        self.last = 0

    def next_code(self) -> str:
        return f"{self.region_code}-{self.year}-{self.last + 1:04d}"

    @event("Issued")
    def issue(self, *, command_id: str, actor: dict[str, Any], code: str) -> None:
        self._applied(command_id)
        self.last += 1
