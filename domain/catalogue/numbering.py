"""Human codes for catalogue items: ``<region>-<year>-<sequence>``, e.g. 440700-2027-0001."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event
from eventsourcing.persistence import IntegrityError

from domain.aggregate import GovAggregate

_NAMESPACE = uuid5(NAMESPACE_URL, "govflow:catalogue-numbering")

# Concurrent drafts in one region and year race for the same numbering version;
# the loser re-reads and tries again.
NUMBERING_ATTEMPTS = 20

ResultT = TypeVar("ResultT")


class CatalogueNumbering(GovAggregate):
    """The sequence of item codes of one region and catalogue year.

    Saved together with the items it numbers, so optimistic concurrency on this
    aggregate's version guarantees no two items share a code.
    """

    @staticmethod
    def create_id(region_code: str, year: int) -> UUID:
        return uuid5(_NAMESPACE, f"{region_code}:{year}")

    @classmethod
    def resume(
        cls, existing: CatalogueNumbering | None, *, command_id: str, actor: dict[str, Any],
        region_code: str, year: int,
    ) -> CatalogueNumbering:
        """``existing``, or the region and year's numbering started for its first code."""
        if existing is not None:
            return existing
        return cls(command_id=command_id, actor=actor, region_code=region_code, year=year)

    @event("Started")
    def __init__(self, *, command_id: str, actor: dict[str, Any], region_code: str,
                 year: int) -> None:
        self._created_by(command_id)
        self.region_code = region_code
        self.year = year
        self.last = 0

    def next_code(self) -> str:
        return self.next_codes(1)[0]

    def next_codes(self, count: int) -> list[str]:
        """The next ``count`` codes, consecutive."""
        return [f"{self.region_code}-{self.year}-{self.last + n:04d}" for n in range(1, count + 1)]

    @event("Issued")
    def issue(self, *, command_id: str, actor: dict[str, Any], code: str) -> None:
        self._applied(command_id)
        self.last += 1

    @event("RangeIssued")
    def issue_range(self, *, command_id: str, actor: dict[str, Any], first_code: str,
                    last_code: str, count: int) -> None:
        """Codes for a whole import at once: one event, however many items."""
        self._applied(command_id)
        self.last += count


def retry_numbering(
    attempt: Callable[[], ResultT], *, committed: Callable[[], ResultT | None]
) -> ResultT:
    """Run ``attempt`` (read the numbering, issue codes, save) until no concurrent draft
    beats it to the numbering's next version.

    ``committed`` answers a command that a concurrent run of itself (a retried
    activity) committed meanwhile; None when it did not.
    """
    for attempt_number in range(NUMBERING_ATTEMPTS):
        try:
            return attempt()
        except IntegrityError:
            done = committed()
            if done is not None:
                return done
            if attempt_number == NUMBERING_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover
