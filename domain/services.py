"""The mechanics every service of the application shares: get → decide → save, idempotently."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, Recording

from domain.aggregate import GovAggregate
from domain.catalogue.commands import CommandResult
from domain.errors import DomainError, NotFoundError

TAggregate = TypeVar("TAggregate", bound=GovAggregate)


class ServiceBase(Application[UUID]):
    """What the services (catalogue, registry, agency, …) are built on."""

    def _get_or_none(self, cls: type[TAggregate], aggregate_id: UUID) -> TAggregate | None:
        try:
            aggregate: Any = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        if not isinstance(aggregate, cls):
            return None
        return aggregate

    def _require(self, cls: type[TAggregate], aggregate_id: UUID,
                 missing: Callable[[], NotFoundError]) -> TAggregate:
        aggregate = self._get_or_none(cls, aggregate_id)
        if aggregate is None:
            raise missing()
        return aggregate

    def _command(
        self, cls: type[TAggregate], aggregate_id: UUID, command_id: str,
        decide: Callable[[TAggregate], None], missing: Callable[[], NotFoundError],
    ) -> CommandResult:
        """Load, decide, save; a command already applied is answered without recording."""
        aggregate = self._require(cls, aggregate_id, missing)
        if aggregate.has_applied(command_id):
            return self._replayed(aggregate, command_id)
        decide(aggregate)
        try:
            recordings = self.save(aggregate)
        except IntegrityError:
            # Another writer got there first; if it was this very command, answer as it did.
            fresh = self._require(cls, aggregate_id, missing)
            if fresh.has_applied(command_id):
                return self._replayed(fresh, command_id)
            raise
        return self._result(aggregate, recordings)

    def _create(
        self, cls: type[TAggregate], aggregate_id: UUID, command_id: str,
        create: Callable[[], TAggregate],
        taken: Callable[[TAggregate], DomainError] | None = None,
    ) -> CommandResult:
        """Create an aggregate whose id follows from the command; a repeat is answered.

        ``taken`` is the refusal when another command created the aggregate already (an id
        that follows from a natural key); it is raised after ``create``'s own guards.
        """
        existing = self._get_or_none(cls, aggregate_id)
        if existing is not None and existing.has_applied(command_id):
            return self._replayed(existing, command_id)
        aggregate = create()
        if existing is not None and taken is not None:
            raise taken(existing)
        try:
            recordings = self.save(aggregate)
        except IntegrityError:
            fresh = self._get_or_none(cls, aggregate_id)
            if fresh is not None and fresh.has_applied(command_id):
                return self._replayed(fresh, command_id)
            if fresh is not None and taken is not None:
                raise taken(fresh) from None
            raise
        return self._result(aggregate, recordings)

    def _command_together(
        self, cls: type[TAggregate], aggregate_id: UUID, command_id: str,
        decide: Callable[[TAggregate], Sequence[GovAggregate] | None],
        missing: Callable[[], NotFoundError],
    ) -> CommandResult:
        """As :meth:`_command`, where the decision may also record on other aggregates (the
        organization, the catalogue item): ``decide`` returns them (or None), all are saved
        at once."""
        aggregate = self._require(cls, aggregate_id, missing)
        if aggregate.has_applied(command_id):
            return self._replayed(aggregate, command_id)
        others = decide(aggregate) or ()
        return self._save_together(aggregate, others, command_id)

    def _save_together(self, primary: TAggregate, others: Sequence[GovAggregate],
                       command_id: str) -> CommandResult:
        """One transaction for ``primary`` and ``others``; a concurrent repeat of the
        command is answered from ``primary``."""
        try:
            recordings = self.save(primary, *others)
        except IntegrityError:
            fresh = self._get_or_none(type(primary), primary.id)
            if fresh is not None and fresh.has_applied(command_id):
                return self._replayed(fresh, command_id)
            raise
        return self._result(primary, recordings)

    def _result(self, aggregate: Any, recordings: list[Recording[UUID]]) -> CommandResult:
        return CommandResult(
            aggregate_id=aggregate.id,
            version=aggregate.version,
            notification_id=recordings[-1].notification.id,
            code=getattr(aggregate, "code", ""),
        )

    def _replayed(self, aggregate: Any, command_id: str) -> CommandResult:
        return CommandResult(
            aggregate_id=aggregate.id,
            version=aggregate.applied_commands[command_id],
            notification_id=self.recorder.max_notification_id() or 0,
            code=getattr(aggregate, "code", ""),
            replayed=True,
        )
