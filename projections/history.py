"""The history view (办理记录): every event of every aggregate — what, who, when, why.

Every govflow aggregate's events carry ``command_id`` and ``actor``
(domain/aggregate.py), so one handler serves them all; any other event only moves
the view's position.  No topic filter, for the reason given in
``projections.catalogue``.

Who complained (投诉人) is private: a ``ComplaintFiled`` entry shows neither the
``complainant`` detail nor the user who filed it (``PRIVATE_USER`` instead).

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
    ACCEPTANCE_OPENED,
    ACCEPTANCE_SCORED,
    AFFILIATIONS_DECLARED,
    AGENCY_ESTABLISHED,
    APPEAL_ANSWERED,
    APPEAL_ESCALATED,
    APPEAL_FILED,
    BOARD_MEMBER_ELECTED,
    COMPLAINT_FILED,
    COMPLAINT_RESOLVED,
    COMPLIANCE_DECLARED,
    COMPLIANCE_VERIFIED,
    CONTRACT_AMENDED,
    CONTRACT_ANNOUNCED,
    CONTRACT_AWARDED,
    CONTRACT_CLOSED,
    CONTRACT_REVIEWED,
    CONTRACT_TERMINATED,
    CREDIT_FLAG_CLEARED,
    CREDIT_FLAG_RAISED,
    DEPARTMENT_REGISTERED,
    EVALUATION_APPLIED,
    EVALUATION_CONFIRMED,
    EVALUATION_OPENED,
    EVALUATION_PUBLICITY_CLOSED,
    EVALUATION_SCORED,
    EVALUATOR_AFFILIATIONS_DECLARED,
    EVALUATOR_ASSIGNED,
    EVALUATOR_REGISTERED,
    EXPERT_APPOINTED,
    EXPERT_REMOVED,
    GRADE_AWARDED,
    GRADE_CERTIFICATE_RECORDED,
    GRADE_DOWNGRADED,
    GRADE_LAPSED,
    GRADE_REVOKED,
    INSPECTION_RECORDED,
    ITEM_BUDGET_ALLOCATED,
    ITEM_COMMITMENT_CHANGED,
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
    ITEM_UNDERTAKEN,
    ITEM_UNDERTAKING_ENDED,
    ITEM_VERSION_PUBLISHED,
    ITEM_WITHDRAWN,
    MILESTONE_ACCEPTED,
    MILESTONE_DELIVERED,
    MILESTONE_OVERDUE,
    MILESTONE_REJECTED,
    NUMBERING_ISSUED,
    NUMBERING_RANGE_ISSUED,
    NUMBERING_STARTED,
    ORGANIZATION_REGISTERED,
    PAYMENT_APPROVED,
    PENALTY_RECORDED,
    PERFORMANCE_BARRED,
    PROVIDER_CONFIRMED,
    PROVIDER_GRADE_CHANGED,
    REPORT_ESCALATED,
    REPORT_NARRATIVE_SAVED,
    REPORT_OPENED,
    REPORT_SUBMITTED,
    REVIEW_OPENED,
    STAFFING_DECIDED,
    STAFFING_FLAGGED,
    STAFFING_REQUESTED,
    TRANSFER_APPROVED,
    TRANSFER_EXPIRED,
    TRANSFER_PROPOSED,
    TRANSFER_REJECTED,
    TRANSFER_RESUMED,
    TRANSFER_REVOKED,
    TRANSFER_SUSPENDED,
    TRANSFER_TOOK_EFFECT,
    UNDERTAKING_ENDED,
    UNDERTAKING_STARTED,
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
    ORGANIZATION_REGISTERED: "登记社会组织",
    COMPLIANCE_DECLARED: "申报“五自四无”",
    COMPLIANCE_VERIFIED: "核验“五自四无”",
    BOARD_MEMBER_ELECTED: "理事会成员当选",
    INSPECTION_RECORDED: "登记年检结论",
    PENALTY_RECORDED: "登记行政处罚",
    CREDIT_FLAG_RAISED: "列入信用名单",
    CREDIT_FLAG_CLEARED: "移出信用名单",
    COMPLAINT_FILED: "收到投诉",
    COMPLAINT_RESOLVED: "办结投诉",
    EVALUATION_OPENED: "开始等级评估",
    GRADE_AWARDED: "授予评估等级",
    GRADE_DOWNGRADED: "降低评估等级",
    GRADE_REVOKED: "撤销评估等级",
    GRADE_LAPSED: "评估等级到期",
    GRADE_CERTIFICATE_RECORDED: "登记既有评估等级证书",
    EVALUATOR_REGISTERED: "登记第三方评估机构",
    EVALUATOR_AFFILIATIONS_DECLARED: "登记评估机构关联关系",
    EVALUATION_APPLIED: "申请等级评估",
    EVALUATOR_ASSIGNED: "指派评估机构",
    EVALUATION_SCORED: "评分",
    EVALUATION_PUBLICITY_CLOSED: "公示期结束",
    APPEAL_FILED: "申请复核",
    APPEAL_ESCALATED: "复核逾期上报",
    APPEAL_ANSWERED: "答复复核",
    EVALUATION_CONFIRMED: "确认评估等级",
    ITEM_UNDERTAKEN: "确定承接主体",
    ITEM_COMMITMENT_CHANGED: "调整预算占用",
    ITEM_UNDERTAKING_ENDED: "承接结束",
    UNDERTAKING_STARTED: "开始承接",
    UNDERTAKING_ENDED: "承接结束",
    PERFORMANCE_BARRED: "因绩效评价为差限制承接",
    TRANSFER_PROPOSED: "提出转移方案",
    TRANSFER_APPROVED: "批准职能转移",
    TRANSFER_REJECTED: "不予批准职能转移",
    TRANSFER_TOOK_EFFECT: "职能转移生效",
    TRANSFER_SUSPENDED: "暂停职能转移",
    TRANSFER_RESUMED: "恢复职能转移",
    TRANSFER_REVOKED: "撤销职能转移",
    TRANSFER_EXPIRED: "职能转移到期",
    STAFFING_REQUESTED: "提出编制申请",
    STAFFING_FLAGGED: "编制申请被标记（倒逼机制）",
    STAFFING_DECIDED: "审查编制申请",
    CONTRACT_AWARDED: "签订购买服务合同",
    CONTRACT_ANNOUNCED: "合同公告",
    MILESTONE_DELIVERED: "报告履约节点交付",
    MILESTONE_ACCEPTED: "验收通过",
    MILESTONE_REJECTED: "验收未通过",
    MILESTONE_OVERDUE: "履约节点逾期",
    PAYMENT_APPROVED: "审批支付",
    CONTRACT_AMENDED: "签订补充合同",
    CONTRACT_TERMINATED: "终止合同",
    REVIEW_OPENED: "合同期满，待绩效评价",
    CONTRACT_REVIEWED: "绩效评价",
    CONTRACT_CLOSED: "合同结束",
    PROVIDER_GRADE_CHANGED: "承接方等级变动，待复查",
    PROVIDER_CONFIRMED: "复查承接方，继续履行",
    REPORT_OPENED: "开启季度报告",
    REPORT_NARRATIVE_SAVED: "保存情况说明",
    REPORT_SUBMITTED: "提交季度报告",
    REPORT_ESCALATED: "逾期未报，提请督办",
    ACCEPTANCE_OPENED: "开启年度验收考核",
    ACCEPTANCE_SCORED: "验收考核评分",
}
"""Chinese labels of the events; an event without one is shown by its class name."""

# Every event has these; the history shows them in their own columns, not as details.
_NOT_DETAILS = frozenset(
    {"originator_id", "originator_version", "timestamp", "originator_topic", "command_id",
     "actor"}
)

PRIVATE_FILERS: frozenset[type[Any]] = frozenset({COMPLAINT_FILED})
"""Events whose filer is private: who complained is kept on the event, never shown
(neither the ``complainant`` detail nor the user who filed it)."""
PRIVATE_DETAILS = frozenset({"complainant"})
PRIVATE_USER = "（不公开）"

ENTRIES = Table(
    name="history_entries",
    row_class=HistoryEntry,
    key="notification_id",
    indexes=(("entity_id", "notification_id"),),
)


def history_entry(event: Any, tracking: Tracking) -> HistoryEntry:
    e = event_values(event)
    actor: dict[str, Any] = e["actor"]
    private = type(event) in PRIVATE_FILERS
    return HistoryEntry(
        entity_id=e["originator_id"],
        notification_id=tracking.notification_id,
        event=type(event).__name__,
        event_label=EVENT_LABELS.get(type(event), type(event).__name__),
        actor_user=PRIVATE_USER if private else str(actor["user"]),
        actor_role=str(actor["role"]),
        actor_scope=None if private else actor.get("scope"),
        occurred_at=e["timestamp"],
        command_id=e["command_id"],
        details=json_ready({k: v for k, v in e.items()
                            if k not in _NOT_DETAILS and k not in PRIVATE_DETAILS}),
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
