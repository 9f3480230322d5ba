"""登记既有评估等级: a grade confirmed before govflow, recorded from its certificate.

The command runs once (``command:<command_id>``), then hands the grade to a child
workflow under the id its evaluation would have had (``grade-evaluation:<grade id>``),
which lets it lapse at 00:00 China time after its validity ends, as a grade govflow
confirmed does.  A revocation signalled to that id (``grade_changed``) ends the wait.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from temporalio import workflow
from temporalio.exceptions import ApplicationError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    import domain.actors  # noqa: F401  (pydantic resolves Actor through sys.modules)
    from domain.actors import SYSTEM_ACTOR
    from domain.calendar import china_date, start_of_day
    from domain.catalogue.commands import CommandResult
    from domain.grading.commands import LapseGrade, RecordExistingGrade
    from domain.grading.grades import validity_for
    from workflows.command import execute_command
    from workflows.grade_signals import (
        GRADE_CHANGED_SIGNAL,
        REVOKED,
        GradeChanged,
        grade_evaluation_workflow_id,
    )
    from workflows.grading_activities import GradingActivities
    from workflows.organization_activities import OrganizationActivities
    from workflows.steps import execute_step


@dataclass(frozen=True)
class GradeExpiryInput:
    """The grade that lapses, and the last day of its validity."""

    organization_id: UUID
    grade_id: UUID
    valid_until: date


@workflow.defn
class RecordExistingGradeWorkflow:
    """登记既有评估等级, then its expiry as a child workflow."""

    @workflow.run
    async def run(self, command: RecordExistingGrade) -> CommandResult:
        result = await execute_command(OrganizationActivities.record_existing_grade, command)
        if not result.replayed:
            await workflow.start_child_workflow(
                GradeExpiryWorkflow.run,
                GradeExpiryInput(organization_id=command.organization_id,
                                 grade_id=command.grade_id,
                                 valid_until=validity_for(command.confirmed_on)[1]),
                id=grade_evaluation_workflow_id(command.grade_id),
                parent_close_policy=ParentClosePolicy.ABANDON,
            )
        return result


@workflow.defn
class GradeExpiryWorkflow:
    """评估等级到期: waits for the end of the validity, or for a revocation."""

    def __init__(self) -> None:
        self._revoked = False

    @workflow.run
    async def run(self, input: GradeExpiryInput) -> bool:
        """True once the grade lapsed; False if it was revoked (or refused to lapse)."""
        lapses_at = start_of_day(input.valid_until + timedelta(days=1))
        remaining = lapses_at - workflow.now()
        if remaining > timedelta(0):
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(lambda: self._revoked, timeout=remaining)
        if self._revoked:
            return False
        try:
            await execute_step(GradingActivities.lapse_evaluated_grade, LapseGrade(
                command_id=f"{workflow.info().workflow_id}:lapse", actor=SYSTEM_ACTOR,
                organization_id=input.organization_id, evaluation_id=input.grade_id,
                lapsed_on=china_date(workflow.now())))
        except ApplicationError as refusal:
            workflow.logger.info("lapse refused: %s", refusal.message)
            return False
        return True

    @workflow.signal(name=GRADE_CHANGED_SIGNAL)
    def grade_changed(self, change: GradeChanged) -> None:
        if change.change == REVOKED:
            self._revoked = True


EXISTING_GRADE_WORKFLOWS: tuple[type, ...] = (RecordExistingGradeWorkflow, GradeExpiryWorkflow)
