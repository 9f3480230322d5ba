"""Fakes of the social-organization and grade-evaluation ports and views, for the edge tests.

The commands go to the real domain application in memory (as the activities and the
workflow's updates call it, without Temporal) and are remembered, so a test sees exactly
what the API sent.  The grading fake decides the dates a workflow would (publicity,
the appeal's deadline) from the app's clock.  The views serve the rows a test gives them;
the history follows the application's log with the real history view's entries.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.persistence import Tracking

from domain.actors import SYSTEM_ACTOR, Actor
from domain.aggregate import GovAggregate
from domain.application import GovflowApplication
from domain.calendar import china_date
from domain.catalogue.commands import CommandResult
from domain.grading.commands import (
    AnswerAppeal,
    ApplyForEvaluation,
    AssignEvaluator,
    CloseEvaluationPublicity,
    ConfirmGrade,
    DeclareEvaluatorAffiliations,
    DowngradeGrade,
    EscalateAppeal,
    FileAppeal,
    RecordExistingGrade,
    RegisterEvaluator,
    RevokeGrade,
    ScoreEvaluation,
)
from domain.organizations.commands import (
    ClearCreditFlag,
    DeclareCompliance,
    ElectBoardMember,
    FileComplaint,
    RaiseCreditFlag,
    RecordAnnualInspection,
    RecordPenalty,
    RegisterOrganization,
    ResolveComplaint,
    VerifyCompliance,
)
from projections.history import history_entry
from projections.organization_rows import (
    EvaluationFilter,
    EvaluationRow,
    EvaluatorRow,
    GradeRow,
    OrganizationFilter,
    OrganizationRow,
)
from projections.paging import decode_cursor, encode_cursor, invalid_cursor
from projections.rows import HistoryEntry, Page
from projections.views import APPLICATION_NAME
from tests.api.fakes import FakeClock

PUBLICITY_DAYS = 7
APPEAL_ANSWER_DAYS = 15

CommandT = TypeVar("CommandT")
RowT = TypeVar("RowT")


class FakeOrganizationCommands:
    """``api.ports.OrganizationCommands`` over the domain in memory; remembers each command."""

    def __init__(self, application: GovflowApplication) -> None:
        self.application = application
        self.commands: list[Any] = []

    @property
    def command_ids(self) -> list[str]:
        return [c.command_id for c in self.commands]

    def _run(self, handler: Callable[[CommandT], CommandResult], command: CommandT
             ) -> CommandResult:
        self.commands.append(command)
        return handler(command)

    async def register_organization(self, command: RegisterOrganization) -> CommandResult:
        return self._run(self.application.register_organization, command)

    async def declare_compliance(self, command: DeclareCompliance) -> CommandResult:
        return self._run(self.application.declare_compliance, command)

    async def verify_compliance(self, command: VerifyCompliance) -> CommandResult:
        return self._run(self.application.verify_compliance, command)

    async def elect_board_member(self, command: ElectBoardMember) -> CommandResult:
        return self._run(self.application.elect_board_member, command)

    async def record_annual_inspection(self, command: RecordAnnualInspection) -> CommandResult:
        return self._run(self.application.record_annual_inspection, command)

    async def record_penalty(self, command: RecordPenalty) -> CommandResult:
        return self._run(self.application.record_penalty, command)

    async def record_existing_grade(self, command: RecordExistingGrade) -> CommandResult:
        return self._run(self.application.record_existing_grade, command)

    async def raise_credit_flag(self, command: RaiseCreditFlag) -> CommandResult:
        return self._run(self.application.raise_credit_flag, command)

    async def clear_credit_flag(self, command: ClearCreditFlag) -> CommandResult:
        return self._run(self.application.clear_credit_flag, command)

    async def file_complaint(self, command: FileComplaint) -> CommandResult:
        return self._run(self.application.file_complaint, command)

    async def resolve_complaint(self, command: ResolveComplaint) -> CommandResult:
        return self._run(self.application.resolve_complaint, command)

    async def downgrade_grade(self, command: DowngradeGrade) -> CommandResult:
        return self._run(self.application.downgrade_grade, command)

    async def revoke_grade(self, command: RevokeGrade) -> CommandResult:
        return self._run(self.application.revoke_grade, command)

    async def register_evaluator(self, command: RegisterEvaluator) -> CommandResult:
        return self._run(self.application.register_evaluator, command)

    async def declare_evaluator_affiliations(
        self, command: DeclareEvaluatorAffiliations
    ) -> CommandResult:
        return self._run(self.application.declare_evaluator_affiliations, command)


class FakeGradingCommands:
    """``api.ports.GradingCommands`` without Temporal: each update becomes the domain command
    the workflow would give, dated by the app's clock; remembers each command."""

    def __init__(self, application: GovflowApplication, clock: FakeClock) -> None:
        self.application = application
        self.clock = clock
        self.commands: list[Any] = []

    @property
    def command_ids(self) -> list[str]:
        return [c.command_id for c in self.commands]

    @property
    def today(self) -> date:
        return china_date(self.clock())

    def _run(self, handler: Callable[[CommandT], CommandResult], command: CommandT
             ) -> CommandResult:
        self.commands.append(command)
        return handler(command)

    async def apply(self, *, command_id: str, actor: Actor, organization_id: UUID
                    ) -> CommandResult:
        return self._run(self.application.apply_for_evaluation, ApplyForEvaluation(
            command_id=command_id, actor=actor, organization_id=organization_id,
            applied_on=self.today))

    async def assign_evaluator(self, *, evaluation_id: UUID, command_id: str, actor: Actor,
                               evaluator_id: UUID) -> CommandResult:
        return self._run(self.application.assign_evaluator, AssignEvaluator(
            command_id=command_id, actor=actor, evaluation_id=evaluation_id,
            evaluator_id=evaluator_id))

    async def score(self, *, evaluation_id: UUID, command_id: str, actor: Actor,
                    scores: dict[str, int]) -> CommandResult:
        return self._run(self.application.score_evaluation, ScoreEvaluation(
            command_id=command_id, actor=actor, evaluation_id=evaluation_id, scores=scores,
            publicity_starts_on=self.today,
            publicity_ends_on=self.today + timedelta(days=PUBLICITY_DAYS - 1)))

    async def appeal(self, *, evaluation_id: UUID, command_id: str, actor: Actor,
                     reason: str) -> CommandResult:
        return self._run(self.application.file_appeal, FileAppeal(
            command_id=command_id, actor=actor, evaluation_id=evaluation_id, reason=reason,
            filed_on=self.today, answer_due_on=self.today + timedelta(days=APPEAL_ANSWER_DAYS)))

    async def answer_appeal(
        self, *, evaluation_id: UUID, command_id: str, actor: Actor, upheld: bool, answer: str,
        revised_scores: dict[str, int] | None = None,
    ) -> CommandResult:
        return self._run(self.application.answer_appeal, AnswerAppeal(
            command_id=command_id, actor=actor, evaluation_id=evaluation_id, upheld=upheld,
            answer=answer, answered_on=self.today, revised_scores=revised_scores))

    async def confirm(self, *, evaluation_id: UUID, command_id: str, actor: Actor
                      ) -> CommandResult:
        return self._run(self.application.confirm_grade, ConfirmGrade(
            command_id=command_id, actor=actor, evaluation_id=evaluation_id,
            confirmed_on=self.today))

    # --- what the workflow's timers do ----------------------------------------------------

    def close_publicity(self, evaluation_id: UUID) -> None:
        self.application.close_evaluation_publicity(CloseEvaluationPublicity(
            command_id=f"timer:publicity:{evaluation_id}", actor=SYSTEM_ACTOR,
            evaluation_id=evaluation_id))

    def escalate_appeal(self, evaluation_id: UUID) -> None:
        self.application.escalate_appeal(EscalateAppeal(
            command_id=f"timer:appeal:{evaluation_id}", actor=SYSTEM_ACTOR,
            evaluation_id=evaluation_id))


# --- views ------------------------------------------------------------------------------


def page_of(rows: Sequence[RowT], *, cursor: str | None, limit: int) -> Page[RowT]:
    """Keyset pagination over a list in order: the cursor is the position after the last row."""
    start = 0
    if cursor is not None:
        try:
            start = int(decode_cursor(cursor))
        except ValueError:
            raise invalid_cursor(cursor) from None
    page = list(rows[start:start + limit])
    more = start + limit < len(rows)
    return Page(data=page, next_cursor=encode_cursor(str(start + limit)) if more else None)


@dataclass
class _Lagging:
    lagging: bool = False
    """When set, the view has not caught up with any write (``?after=`` answers 503)."""

    def caught_up(self, notification_id: int, timeout: float) -> bool:
        return not self.lagging


@dataclass
class FakeOrganizationViews(_Lagging):
    """``projections.readers.OrganizationReader`` serving the rows the test puts in."""

    organizations: dict[UUID, OrganizationRow] = field(default_factory=dict)
    grades: dict[UUID, list[GradeRow]] = field(default_factory=dict)
    filters: list[OrganizationFilter] = field(default_factory=list)
    expiring_asked: list[tuple[date, int]] = field(default_factory=list)

    def add(self, row: OrganizationRow, *grades: GradeRow) -> OrganizationRow:
        self.organizations[row.id] = row
        self.grades[row.id] = list(grades)
        return row

    def get_organization(self, organization_id: UUID) -> OrganizationRow | None:
        return self.organizations.get(organization_id)

    def list_organizations(
        self, filters: OrganizationFilter, *, cursor: str | None, limit: int
    ) -> Page[OrganizationRow]:
        self.filters.append(filters)
        rows = [r for r in self.organizations.values() if _matches(r, filters)]
        return page_of(rows, cursor=cursor, limit=limit)

    def grades_of(self, organization_id: UUID) -> list[GradeRow]:
        return list(self.grades.get(organization_id, []))

    def expiring_grades(
        self, *, today: date, within_days: int, cursor: str | None, limit: int
    ) -> Page[GradeRow]:
        self.expiring_asked.append((today, within_days))
        last = today + timedelta(days=within_days)
        rows = sorted(
            (g for grades in self.grades.values() for g in grades
             if g.status == "有效" and today <= g.valid_until <= last),
            key=lambda g: g.valid_until)
        return page_of(rows, cursor=cursor, limit=limit)


def _matches(row: OrganizationRow, filters: OrganizationFilter) -> bool:
    wanted: dict[str, Any] = {
        "kind": filters.kind, "category": filters.category,
        "region_code": filters.region_code, "industry": filters.industry,
        "grade_level": filters.grade_level,
    }
    if any(value is not None and getattr(row, name) != value for name, value in wanted.items()):
        return False
    return filters.q is None or filters.q in row.name


@dataclass
class FakeEvaluationViews(_Lagging):
    """``projections.readers.EvaluationReader`` serving the rows the test puts in."""

    evaluations: dict[UUID, EvaluationRow] = field(default_factory=dict)
    evaluators: dict[UUID, EvaluatorRow] = field(default_factory=dict)
    filters: list[EvaluationFilter] = field(default_factory=list)

    def add_evaluation(self, row: EvaluationRow) -> EvaluationRow:
        self.evaluations[row.id] = row
        return row

    def add_evaluator(self, row: EvaluatorRow) -> EvaluatorRow:
        self.evaluators[row.id] = row
        return row

    def get_evaluation(self, evaluation_id: UUID) -> EvaluationRow | None:
        return self.evaluations.get(evaluation_id)

    def list_evaluations(
        self, filters: EvaluationFilter, *, cursor: str | None, limit: int
    ) -> Page[EvaluationRow]:
        self.filters.append(filters)
        rows = [r for r in reversed(self.evaluations.values())
                if (filters.organization_id is None
                    or r.organization_id == filters.organization_id)
                and (filters.evaluator_id is None or r.evaluator_id == filters.evaluator_id)
                and (filters.status is None or r.status == filters.status)]
        return page_of(rows, cursor=cursor, limit=limit)

    def get_evaluator(self, evaluator_id: UUID) -> EvaluatorRow | None:
        return self.evaluators.get(evaluator_id)

    def list_evaluators(self, *, cursor: str | None, limit: int) -> Page[EvaluatorRow]:
        return page_of(list(self.evaluators.values()), cursor=cursor, limit=limit)


class FollowingHistory:
    """``projections.readers.HistoryReader``: the real history view's entries, read from the
    application's log each time (so the API is shown exactly what the view stores)."""

    def __init__(self, application: GovflowApplication) -> None:
        self.application = application

    def caught_up(self, notification_id: int, timeout: float) -> bool:
        return True

    def history(self, entity_id: UUID) -> list[HistoryEntry]:
        entries = []
        for notification in self.application.recorder.select_notifications(
            start=1, limit=10_000
        ):
            event = self.application.mapper.to_domain_event(notification)
            if isinstance(event, GovAggregate.Event) and event.originator_id == entity_id:
                entries.append(history_entry(event, Tracking(APPLICATION_NAME, notification.id)))
        return entries
