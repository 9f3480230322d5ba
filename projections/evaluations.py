"""The evaluations view (等级评估): each grade evaluation, and the evaluators with workloads.

Two tables: the grade evaluations, newest application first, and the third-party
evaluators (第三方评估机构), in the order they were registered, with how many
evaluations each has open (assigned, not yet confirmed) and has had confirmed.  An
assignment and a confirmation change the evaluation's row and its evaluator's
workload in one transaction with the tracking record.  Any other event only moves
the view's position.

With SQLite, ``EVALUATIONS_SQLITE_DBNAME`` overrides ``SQLITE_DBNAME``; with
PostgreSQL it is tracked in ``evaluations_tracking``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any
from uuid import UUID

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from domain.grading.stages import EvaluationStatus
from projections.events import (
    APPEAL_ANSWERED,
    APPEAL_ESCALATED,
    APPEAL_FILED,
    EVALUATION_APPLIED,
    EVALUATION_CONFIRMED,
    EVALUATION_PUBLICITY_CLOSED,
    EVALUATION_SCORED,
    EVALUATOR_AFFILIATIONS_DECLARED,
    EVALUATOR_ASSIGNED,
    EVALUATOR_REGISTERED,
    event_values,
)
from projections.keyset import select_page
from projections.organization_rows import EvaluationFilter, EvaluationRow, EvaluatorRow
from projections.paging import decode_cursor, encode_cursor, invalid_cursor
from projections.rows import Page
from projections.sql import SqlCursor, Table
from projections.views import PostgresTrackedView, SQLiteTrackedView, TrackedView

EVALUATIONS = Table(
    name="grade_evaluations",
    row_class=EvaluationRow,
    key="id",
    unique=("position",),
    indexes=(("organization_id", "position"), ("evaluator_id", "position"),
             ("status", "position")),
)
EVALUATORS = Table(name="evaluators", row_class=EvaluatorRow, key="id", unique=("position",))

_FILTERS = ("organization_id", "evaluator_id", "status")

EvaluationChange = Callable[[EvaluationRow], dict[str, Any]]


class EvaluationsView(TrackedView):
    """Implements ``projections.readers.EvaluationReader``."""

    projection_name = "evaluations"
    tables = (EVALUATIONS, EVALUATORS)

    # --- writes ----------------------------------------------------------------

    def add_evaluation(self, row: dict[str, Any], tracking: Tracking) -> None:
        self._write(tracking, EVALUATIONS, EVALUATIONS.insert_sql(row), row)

    def change_evaluation(self, evaluation_id: UUID, tracking: Tracking,
                          values: EvaluationChange, *, workload: dict[str, int] | None = None
                          ) -> None:
        """Set the ``values`` that follow from the evaluation's row before the event; with
        ``workload``, add to the counts of the evaluation's evaluator (after the change)."""

        def write(c: SqlCursor) -> None:
            (row,) = self._fetch(c, EVALUATIONS, "SELECT * FROM {table} WHERE id = :key",
                                 {"key": evaluation_id})
            changed = values(row)
            self._execute(c, EVALUATIONS, EVALUATIONS.update_sql(changed),
                          {**changed, "key": evaluation_id})
            evaluator_id = changed.get("evaluator_id", row.evaluator_id)
            if workload and evaluator_id is not None:
                counts = ", ".join(f"{name} = {name} + :{name}_delta" for name in workload)
                self._execute(c, EVALUATORS, f"UPDATE {{table}} SET {counts} WHERE id = :key", {
                    "key": evaluator_id,
                    **{f"{name}_delta": delta for name, delta in workload.items()},
                })

        self._apply(tracking, write)

    def add_evaluator(self, row: dict[str, Any], tracking: Tracking) -> None:
        self._write(tracking, EVALUATORS, EVALUATORS.insert_sql(row), row)

    def change_evaluator(self, evaluator_id: UUID, values: dict[str, Any],
                         tracking: Tracking) -> None:
        self._write(tracking, EVALUATORS, EVALUATORS.update_sql(values),
                    {**values, "key": evaluator_id})

    # --- reads -----------------------------------------------------------------

    def get_evaluation(self, evaluation_id: UUID) -> EvaluationRow | None:
        rows = self._select(EVALUATIONS, "SELECT * FROM {table} WHERE id = :id",
                            {"id": evaluation_id})
        return rows[0] if rows else None

    def list_evaluations(
        self, filters: EvaluationFilter, *, cursor: str | None, limit: int
    ) -> Page[EvaluationRow]:
        """Evaluations, newest application (in log order) first, after ``cursor``."""
        if limit < 1:
            raise ValueError(f"limit must be at least 1, not {limit}")
        conditions: list[str] = []
        params: dict[str, Any] = {"limit": limit + 1}
        for column in _FILTERS:
            value = getattr(filters, column)
            if value is not None:
                conditions.append(f"{column} = :{column}")
                params[column] = value
        if cursor is not None:
            conditions.append("position < :before")
            try:
                params["before"] = int(decode_cursor(cursor))
            except ValueError:
                raise invalid_cursor(cursor) from None
        where = f"WHERE {' AND '.join(conditions)} " if conditions else ""
        rows: list[EvaluationRow] = self._select(
            EVALUATIONS, f"SELECT * FROM {{table}} {where}ORDER BY position DESC LIMIT :limit",
            params)
        page = rows[:limit]
        next_cursor = encode_cursor(str(page[-1].position)) if len(rows) > limit else None
        return Page(data=page, next_cursor=next_cursor)

    def get_evaluator(self, evaluator_id: UUID) -> EvaluatorRow | None:
        rows = self._select(EVALUATORS, "SELECT * FROM {table} WHERE id = :id",
                            {"id": evaluator_id})
        return _with_uuids(rows[0]) if rows else None

    def list_evaluators(self, *, cursor: str | None, limit: int) -> Page[EvaluatorRow]:
        """Evaluators in registration order, with their workloads, after ``cursor``."""
        page = select_page(
            lambda sql, values: self._select(EVALUATORS, sql, values),
            column="position", key_of=lambda row: row.position, conditions=[], params={},
            cursor=cursor, limit=limit, parse=int,
        )
        return Page(data=[_with_uuids(row) for row in page.data], next_cursor=page.next_cursor)

    def dump(self) -> dict[str, list[Any]]:
        tables = super().dump()
        tables[EVALUATORS.name] = [_with_uuids(row) for row in tables[EVALUATORS.name]]
        return tables


def _with_uuids(row: EvaluatorRow) -> EvaluatorRow:
    """The row with its affiliations as ids (a JSON column keeps them as strings)."""
    return replace(row, affiliations=[UUID(str(a)) for a in row.affiliations])


class SQLiteEvaluationsView(EvaluationsView, SQLiteTrackedView):
    """The evaluations view in SQLite."""


class PostgresEvaluationsView(EvaluationsView, PostgresTrackedView):
    """The evaluations view in PostgreSQL."""


# --- events → column values --------------------------------------------------

OPEN = {"open_evaluations": 1}
CONFIRMED = {"open_evaluations": -1, "confirmed_evaluations": 1}


class EvaluationsProjection(Projection[EvaluationsView]):
    """Keeps the evaluations view up to date: one handler per evaluation and evaluator
    event."""

    name = "evaluations"

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.skip(tracking)

    @process_event.register(EVALUATOR_REGISTERED)
    def evaluator_registered(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self.view.add_evaluator({
            "id": e["originator_id"], "name": e["name"], "contact": e["contact"],
            "affiliations": [], "open_evaluations": 0, "confirmed_evaluations": 0,
            "registered_at": e["timestamp"], "position": tracking.notification_id,
            **_stamp(e, tracking),
        }, tracking)

    @process_event.register(EVALUATOR_AFFILIATIONS_DECLARED)
    def evaluator_affiliations_declared(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self.view.change_evaluator(e["originator_id"], {
            "affiliations": list(e["organization_ids"]), **_stamp(e, tracking)}, tracking)

    @process_event.register(EVALUATION_APPLIED)
    def applied(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self.view.add_evaluation({
            "id": e["originator_id"], "organization_id": UUID(e["organization_id"]),
            **{name: e[name] for name in ("organization_name", "credit_code", "category",
                                          "applied_on")},
            "applied_by_role": e["actor"]["role"], "status": EvaluationStatus.APPLIED.value,
            "evaluator_id": None, "evaluator_name": None, "scores": {}, "total": None,
            "level": None, "publicity_starts_on": None, "publicity_ends_on": None,
            "publicity_closed": False, "appeal_reason": None, "appeal_filed_on": None,
            "appeal_answer_due_on": None, "appeal_escalated": False, "appeal_outcome": None,
            "appeal_answer": None, "appeal_answered_on": None, "confirmed_on": None,
            "created_at": e["timestamp"], "position": tracking.notification_id,
            **_stamp(e, tracking),
        }, tracking)

    @process_event.register(EVALUATOR_ASSIGNED)
    def evaluator_assigned(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self._change(e, tracking, lambda _: {
            "evaluator_id": UUID(e["evaluator_id"]), "evaluator_name": e["evaluator_name"],
            "status": EvaluationStatus.ASSIGNED.value,
        }, workload=OPEN)

    @process_event.register(EVALUATION_SCORED)
    def scored(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self._change(e, tracking, lambda _: {
            **{name: e[name] for name in ("scores", "total", "level", "publicity_starts_on",
                                          "publicity_ends_on")},
            "status": EvaluationStatus.PUBLICITY.value,
        })

    @process_event.register(EVALUATION_PUBLICITY_CLOSED)
    def publicity_closed(self, event: Any, tracking: Tracking) -> None:
        # Under appeal the evaluation waits for the answer; otherwise for confirmation.
        self._change(event_values(event), tracking, lambda row: {
            "publicity_closed": True,
            "status": EvaluationStatus.AWAITING_CONFIRMATION.value
            if row.status == EvaluationStatus.PUBLICITY.value else row.status,
        })

    @process_event.register(APPEAL_FILED)
    def appeal_filed(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self._change(e, tracking, lambda _: {
            "appeal_reason": e["reason"], "appeal_filed_on": e["filed_on"],
            "appeal_answer_due_on": e["answer_due_on"],
            "status": EvaluationStatus.APPEALED.value,
        })

    @process_event.register(APPEAL_ESCALATED)
    def appeal_escalated(self, event: Any, tracking: Tracking) -> None:
        self._change(event_values(event), tracking, lambda _: {"appeal_escalated": True})

    @process_event.register(APPEAL_ANSWERED)
    def appeal_answered(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        revised = {} if e["revised_scores"] is None else {"scores": e["revised_scores"]}
        self._change(e, tracking, lambda row: {
            **revised, "total": e["total"], "level": e["level"],
            "appeal_outcome": e["outcome"], "appeal_answer": e["answer"],
            "appeal_answered_on": e["answered_on"],
            "status": (EvaluationStatus.AWAITING_CONFIRMATION if row.publicity_closed
                       else EvaluationStatus.PUBLICITY).value,
        })

    @process_event.register(EVALUATION_CONFIRMED)
    def confirmed(self, event: Any, tracking: Tracking) -> None:
        e = event_values(event)
        self._change(e, tracking, lambda _: {
            "level": e["level"], "confirmed_on": e["confirmed_on"],
            "status": EvaluationStatus.CONFIRMED.value,
        }, workload=CONFIRMED)

    def _change(self, e: dict[str, Any], tracking: Tracking, values: EvaluationChange, *,
                workload: dict[str, int] | None = None) -> None:
        self.view.change_evaluation(e["originator_id"], tracking,
                                    lambda row: {**values(row), **_stamp(e, tracking)},
                                    workload=workload)


def _stamp(e: dict[str, Any], tracking: Tracking) -> dict[str, Any]:
    """What every event changes on its row: the version, the time and the log position."""
    return {"version": e["originator_version"], "updated_at": e["timestamp"],
            "last_notification_id": tracking.notification_id}
