"""The history view (办理记录): every event of every aggregate — what, who, when, why.

Every govflow aggregate's events carry ``command_id`` and ``actor``
(domain/aggregate.py), so one handler serves them all; any other event only moves
the view's position.  No topic filter, for the reason given in
``projections.catalogue``.

With SQLite the view lives in its own file: ``HISTORY_SQLITE_DBNAME`` overrides
``SQLITE_DBNAME`` (the environment is named after the projection).  With PostgreSQL
it lives beside the events, tracked in ``history_tracking``.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from domain.aggregate import GovAggregate
from projections.events import (
    AFFILIATIONS_DECLARED,
    AGENCY_ESTABLISHED,
    DEPARTMENT_REGISTERED,
    EXPERT_APPOINTED,
    EXPERT_REMOVED,
    ITEM_BUDGET_ALLOCATED,
    ITEM_DECIDED,
    ITEM_DRAFTED,
    ITEM_OPINION_GIVEN,
    ITEM_PUBLICITY_CLOSED,
    ITEM_PUBLISHED,
    ITEM_REFERRAL_ESCALATED,
    ITEM_REFERRAL_EXTENDED,
    ITEM_REFERRAL_REMINDED,
    ITEM_REFERRED,
    ITEM_RETENTION_REVIEWED,
    ITEM_REVISED,
    ITEM_VERSION_PUBLISHED,
    ITEM_WITHDRAWN,
    NUMBERING_ISSUED,
    NUMBERING_RANGE_ISSUED,
    NUMBERING_STARTED,
    event_values,
)
from projections.rows import HistoryEntry
from projections.sql import Table, json_ready
from projections.views import PostgresTrackedView, SQLiteTrackedView, TrackedView

EVENT_LABELS: dict[type[Any], str] = {
    ITEM_DRAFTED: "起草",
    ITEM_REVISED: "修改",
    ITEM_PUBLISHED: "发布",
    ITEM_PUBLICITY_CLOSED: "公示结束",
    ITEM_WITHDRAWN: "撤回",
    ITEM_VERSION_PUBLISHED: "发布新版本",
    ITEM_BUDGET_ALLOCATED: "安排预算",
    ITEM_REFERRED: "提交咨询",
    ITEM_REFERRAL_REMINDED: "到期提醒",
    ITEM_REFERRAL_ESCALATED: "逾期上报",
    ITEM_REFERRAL_EXTENDED: "延长咨询期限",
    ITEM_OPINION_GIVEN: "出具咨询意见",
    ITEM_DECIDED: "作出决定",
    ITEM_RETENTION_REVIEWED: "保留审批",
    NUMBERING_STARTED: "启用编号序列",
    NUMBERING_ISSUED: "发放编号",
    NUMBERING_RANGE_ISSUED: "发放编号段",
    DEPARTMENT_REGISTERED: "登记部门",
    AGENCY_ESTABLISHED: "设立咨询服务机构",
    EXPERT_APPOINTED: "聘任专家",
    AFFILIATIONS_DECLARED: "申报关联关系",
    EXPERT_REMOVED: "解聘专家",
}
"""Chinese labels of the events; an event without one is shown by its class name."""

# Every event has these; the history shows them in their own columns, not as details.
_NOT_DETAILS = frozenset(
    {"originator_id", "originator_version", "timestamp", "originator_topic", "command_id",
     "actor"}
)

ENTRIES = Table(
    name="history_entries",
    row_class=HistoryEntry,
    key="notification_id",
    indexes=(("entity_id", "notification_id"),),
)


def history_entry(event: Any, tracking: Tracking) -> HistoryEntry:
    e = event_values(event)
    actor: dict[str, Any] = e["actor"]
    return HistoryEntry(
        entity_id=e["originator_id"],
        notification_id=tracking.notification_id,
        event=type(event).__name__,
        event_label=EVENT_LABELS.get(type(event), type(event).__name__),
        actor_user=str(actor["user"]),
        actor_role=str(actor["role"]),
        actor_scope=actor.get("scope"),
        occurred_at=e["timestamp"],
        command_id=e["command_id"],
        details=json_ready({k: v for k, v in e.items() if k not in _NOT_DETAILS}),
    )


class HistoryView(TrackedView):
    """Implements ``projections.readers.HistoryReader``."""

    projection_name = "history"
    tables = (ENTRIES,)

    def add_entry(self, entry: HistoryEntry, tracking: Tracking) -> None:
        values = asdict(entry)
        self._write(tracking, ENTRIES, ENTRIES.insert_sql(values), values)

    def history(self, entity_id: UUID) -> list[HistoryEntry]:
        """The entity's events, oldest first."""
        return self._select(
            ENTRIES,
            "SELECT * FROM {table} WHERE entity_id = :entity_id ORDER BY notification_id",
            {"entity_id": entity_id},
        )


class HistoryProjection(Projection[HistoryView]):
    """Records every govflow aggregate event in the history view."""

    name = "history"

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.skip(tracking)

    @process_event.register(GovAggregate.Event)
    def gov_aggregate_event(self, event: Any, tracking: Tracking) -> None:
        self.view.add_entry(history_entry(event, tracking), tracking)


class SQLiteHistoryView(HistoryView, SQLiteTrackedView):
    """The history view in SQLite."""


class PostgresHistoryView(HistoryView, PostgresTrackedView):
    """The history view in PostgreSQL."""
