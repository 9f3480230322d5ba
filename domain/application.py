"""The one application that owns every aggregate (DESIGN.md §2).

Service layer: get → decide (guards) → save.  Commands are idempotent by command id:
a command already applied returns its original result and records nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Recording

from domain.aggregate import GovAggregate, aggregate_id_for
from domain.catalogue.classification import MOF_102_LEVEL1, Classification
from domain.catalogue.commands import (
    ClosePublicity,
    CommandResult,
    DraftCatalogueItem,
    ItemFields,
    PublishCatalogueItem,
    ReviseCatalogueItem,
    WithdrawCatalogueItem,
)
from domain.catalogue.item import CatalogueItem
from domain.catalogue.numbering import CatalogueNumbering
from domain.departments import BuiltinDepartments, DepartmentDirectory, require_department
from domain.errors import CatalogueItemNotFoundError
from domain.transcodings import DateAsISO

TAggregate = TypeVar("TAggregate", bound=GovAggregate)

# Concurrent drafts in one region and year race for the same numbering version;
# the loser re-reads and tries again.
_NUMBERING_ATTEMPTS = 20


@dataclass(frozen=True)
class CataloguePolicy:
    """Catalogue settings that differ by city (DESIGN.md §3.1)."""

    level1_classes: tuple[str, ...] = MOF_102_LEVEL1


class GovflowApplication(Application[UUID]):
    """政府职能转移与购买服务 — every aggregate, one totally ordered log."""

    name = "govflow"

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        departments: DepartmentDirectory | None = None,
        catalogue_policy: CataloguePolicy | None = None,
    ) -> None:
        super().__init__(env)
        self.departments: DepartmentDirectory = departments or BuiltinDepartments()
        self.catalogue_policy = catalogue_policy or CataloguePolicy()

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    # --- catalogue items -------------------------------------------------------

    def draft_catalogue_item(self, cmd: DraftCatalogueItem) -> CommandResult:
        """起草目录事项: create a draft item with the next code of its region and year."""
        item_id = aggregate_id_for(cmd.command_id)
        existing = self._get_or_none(CatalogueItem, item_id)
        if existing is not None:
            return self._replayed(existing, cmd.command_id)
        department = require_department(self.departments, cmd.department)
        f = cmd.fields
        numbering_id = CatalogueNumbering.create_id(department.region_code, f.catalogue_year)
        for attempt in range(_NUMBERING_ATTEMPTS):
            numbering = self._get_or_none(CatalogueNumbering, numbering_id)
            if numbering is None:
                numbering = CatalogueNumbering(
                    command_id=cmd.command_id, actor=cmd.actor.as_dict(),
                    region_code=department.region_code, year=f.catalogue_year,
                )
            code = numbering.next_code()
            item = CatalogueItem.draft(
                code=code, command_id=cmd.command_id, actor=cmd.actor,
                department=department.code, name=f.name, description=f.description,
                catalogue_year=f.catalogue_year, classification=_classification(f),
                nature=f.nature, provincial_listed=f.provincial_listed,
                level1_set=self.catalogue_policy.level1_classes,
            )
            numbering.issue(command_id=cmd.command_id, actor=cmd.actor.as_dict(), code=code)
            try:
                recordings = self.save(item, numbering)
            except IntegrityError:
                if self._get_or_none(CatalogueItem, item_id) is not None:
                    # The same command committed concurrently (a retried activity).
                    return self._replayed(self.repository.get(item_id), cmd.command_id)
                if attempt == _NUMBERING_ATTEMPTS - 1:
                    raise
                continue
            return self._result(item, recordings)
        raise AssertionError("unreachable")  # pragma: no cover

    def revise_catalogue_item(self, cmd: ReviseCatalogueItem) -> CommandResult:
        """修改目录事项 (only drafts are revised in place)."""
        f = cmd.fields
        return self._command(
            cmd.item_id, cmd.command_id,
            lambda item: item.revise(
                command_id=cmd.command_id, actor=cmd.actor, name=f.name,
                description=f.description, catalogue_year=f.catalogue_year,
                classification=_classification(f), nature=f.nature,
                provincial_listed=f.provincial_listed,
                level1_set=self.catalogue_policy.level1_classes,
            ),
        )

    def publish_catalogue_item(self, cmd: PublishCatalogueItem) -> CommandResult:
        """发布目录事项 and open its publicity period (公示)."""
        return self._command(
            cmd.item_id, cmd.command_id,
            lambda item: item.publish(
                command_id=cmd.command_id, actor=cmd.actor, published_at=cmd.published_at,
                publicity_starts_on=cmd.publicity_starts_on,
                publicity_ends_on=cmd.publicity_ends_on,
            ),
        )

    def close_catalogue_item_publicity(self, cmd: ClosePublicity) -> CommandResult:
        """公示期满: the publicity period is over."""
        return self._command(
            cmd.item_id, cmd.command_id,
            lambda item: item.close_publicity(command_id=cmd.command_id, actor=cmd.actor),
        )

    def withdraw_catalogue_item(self, cmd: WithdrawCatalogueItem) -> CommandResult:
        """撤回目录事项."""
        return self._command(
            cmd.item_id, cmd.command_id,
            lambda item: item.withdraw(
                command_id=cmd.command_id, actor=cmd.actor, reason=cmd.reason
            ),
        )

    def get_catalogue_item(self, item_id: UUID) -> CatalogueItem:
        item = self._get_or_none(CatalogueItem, item_id)
        if item is None:
            raise CatalogueItemNotFoundError(f"目录事项 {item_id} 不存在", field="item_id")
        return item

    # --- mechanics -------------------------------------------------------------

    def _command(
        self, item_id: UUID, command_id: str, decide: Callable[[CatalogueItem], None]
    ) -> CommandResult:
        item = self.get_catalogue_item(item_id)
        if item.has_applied(command_id):
            return self._replayed(item, command_id)
        decide(item)
        try:
            recordings = self.save(item)
        except IntegrityError:
            # Another writer got there first; if it was this very command, answer as it did.
            fresh = self.get_catalogue_item(item_id)
            if fresh.has_applied(command_id):
                return self._replayed(fresh, command_id)
            raise
        return self._result(item, recordings)

    def _get_or_none(self, cls: type[TAggregate], aggregate_id: UUID) -> TAggregate | None:
        try:
            aggregate: Any = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        if not isinstance(aggregate, cls):
            return None
        return aggregate

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


def _classification(fields: ItemFields) -> Classification:
    return Classification(fields.level1, fields.level2, fields.level3)
