"""Fakes passed into ``create_app`` for the edge tests.

The command gateway is the real domain application in memory, called as the workflow's
activities call it (without Temporal); the views follow the application's log as the
projections do, and can be paused to play a projection that lags behind.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from domain.actors import Actor
from domain.application import GovflowApplication
from domain.calendar import period_after
from domain.catalogue.commands import (
    CommandResult,
    DraftCatalogueItem,
    ItemFields,
    PublishCatalogueItem,
    ReviseCatalogueItem,
    WithdrawCatalogueItem,
)
from domain.catalogue.item import CatalogueItem
from domain.departments import BuiltinDepartments
from projections.paging import decode_cursor, encode_cursor
from projections.rows import ALL_DRAFTS, CatalogueFilter, CatalogueItemRow, HistoryEntry, Page

PUBLISHED_AT = datetime(2027, 3, 3, 2, 0, tzinfo=UTC)
"""When the fake gateway publishes: 10:00 on 3 March 2027 in Jiangmen."""

PUBLICITY_DAYS = 7

EVENT_LABELS = {
    "Drafted": "起草",
    "Revised": "修改",
    "Published": "发布",
    "PublicityClosed": "公示结束",
    "Withdrawn": "撤回",
}

_NOT_DETAILS = {"originator_id", "originator_version", "originator_topic", "timestamp",
                "command_id", "actor"}


def in_memory_application() -> GovflowApplication:
    return GovflowApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


class FakeCatalogueCommands:
    """The catalogue gateway without Temporal; remembers every command id it was given."""

    def __init__(self, application: GovflowApplication) -> None:
        self.application = application
        self.command_ids: list[str] = []

    async def draft(
        self, *, command_id: str, actor: Actor, department: str, fields: ItemFields
    ) -> CommandResult:
        self.command_ids.append(command_id)
        return self.application.draft_catalogue_item(DraftCatalogueItem(
            command_id=command_id, actor=actor, department=department, fields=fields,
        ))

    async def revise(
        self, *, item_id: UUID, command_id: str, actor: Actor, fields: ItemFields
    ) -> CommandResult:
        self.command_ids.append(command_id)
        return self.application.revise_catalogue_item(ReviseCatalogueItem(
            command_id=command_id, actor=actor, item_id=item_id, fields=fields,
        ))

    async def publish(self, *, item_id: UUID, command_id: str, actor: Actor) -> CommandResult:
        self.command_ids.append(command_id)
        period = period_after(PUBLISHED_AT, PUBLICITY_DAYS)
        return self.application.publish_catalogue_item(PublishCatalogueItem(
            command_id=command_id, actor=actor, item_id=item_id, published_at=PUBLISHED_AT,
            publicity_starts_on=period.starts_on, publicity_ends_on=period.ends_on,
        ))

    async def withdraw(
        self, *, item_id: UUID, command_id: str, actor: Actor, reason: str
    ) -> CommandResult:
        self.command_ids.append(command_id)
        return self.application.withdraw_catalogue_item(WithdrawCatalogueItem(
            command_id=command_id, actor=actor, item_id=item_id, reason=reason,
        ))


class FakeViews:
    """The catalogue and history views in memory (a ``CatalogueReader`` and ``HistoryReader``).

    They remember what they were asked: filters, cursors and limits, and waiting times.
    """

    def __init__(self, application: GovflowApplication) -> None:
        self.application = application
        self.departments = BuiltinDepartments()
        self.following = True
        self.position = 0
        self.rows: dict[UUID, CatalogueItemRow] = {}
        self.entries: dict[UUID, list[HistoryEntry]] = defaultdict(list)
        self.filters_seen: list[CatalogueFilter] = []
        self.pages_asked: list[tuple[str | None, int]] = []
        self.timeouts_seen: list[float] = []

    def pause(self) -> None:
        """Stop following the log, as a projection that has fallen behind."""
        self.following = False

    def resume(self) -> None:
        self.following = True

    # --- the reader protocols ----------------------------------------------------

    def caught_up(self, notification_id: int, timeout: float) -> bool:
        self.timeouts_seen.append(timeout)
        self._follow()
        return self.position >= notification_id

    def get_item(self, item_id: UUID) -> CatalogueItemRow | None:
        self._follow()
        return self.rows.get(item_id)

    def list_items(
        self, filters: CatalogueFilter, *, cursor: str | None, limit: int
    ) -> Page[CatalogueItemRow]:
        self._follow()
        self.filters_seen.append(filters)
        self.pages_asked.append((cursor, limit))
        matching = sorted(
            (row for row in self.rows.values() if _matches(row, filters)),
            key=lambda row: row.code,
        )
        after = decode_cursor(cursor) if cursor is not None else ""
        rest = [row for row in matching if row.code > after]
        page = rest[:limit]
        return Page(data=page, next_cursor=encode_cursor(page[-1].code) if rest[limit:] else None)

    def history(self, entity_id: UUID) -> list[HistoryEntry]:
        self._follow()
        return list(self.entries.get(entity_id, []))

    # --- following the log -------------------------------------------------------

    def _follow(self) -> None:
        while self.following:
            notifications = self.application.recorder.select_notifications(
                self.position + 1, limit=100
            )
            if not notifications:
                return
            for notification in notifications:
                event = self.application.mapper.to_domain_event(notification)
                if isinstance(event, CatalogueItem.Event):
                    self._apply(notification.id, event)
                self.position = notification.id

    def _apply(self, notification_id: int, event: Any) -> None:
        item: CatalogueItem = self.application.repository.get(
            event.originator_id, version=event.originator_version
        )
        self.rows[item.id] = self._row(item, notification_id)
        name = type(event).__name__
        self.entries[item.id].append(HistoryEntry(
            entity_id=item.id, notification_id=notification_id, event=name,
            event_label=EVENT_LABELS.get(name, name), actor_user=event.actor["user"],
            actor_role=event.actor["role"], actor_scope=event.actor["scope"],
            occurred_at=event.timestamp, command_id=event.command_id,
            details={k: v for k, v in vars(event).items() if k not in _NOT_DETAILS},
        ))

    def _row(self, item: CatalogueItem, notification_id: int) -> CatalogueItemRow:
        department = self.departments.get(item.department)
        return CatalogueItemRow(
            id=item.id, code=item.code, department=item.department,
            department_name=department.name if department else item.department,
            region_code=department.region_code if department else "",
            catalogue_year=item.catalogue_year, name=item.name, description=item.description,
            level1=item.classification.level1, level2=item.classification.level2,
            level3=item.classification.level3, nature=item.nature.value,
            must_be_retained=item.must_be_retained, provincial_listed=item.provincial_listed,
            status=item.status.value, status_label=item.status.label,
            publicity_starts_on=item.publicity_starts_on,
            publicity_ends_on=item.publicity_ends_on, published_at=item.published_at,
            withdrawal_reason=getattr(item, "withdrawal_reason", None), version=item.version,
            created_at=item.created_on, updated_at=item.modified_on,
            last_notification_id=notification_id,
        )


def _matches(row: CatalogueItemRow, filters: CatalogueFilter) -> bool:
    if row.status == "draft" and filters.drafts_visible_to not in (ALL_DRAFTS, row.department):
        return False
    wanted = (
        (filters.department, row.department),
        (filters.catalogue_year, row.catalogue_year),
        (filters.status, row.status),
        (filters.level1, row.level1),
    )
    return all(want is None or want == have for want, have in wanted)
