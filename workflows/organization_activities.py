"""Social-organization and evaluator activities: thin adapters from Temporal to the application.

Synchronous, like eventsourcing: the worker runs them on a thread pool.  A retry is
safe because the application answers a repeated command id with the first result and
records nothing; a refusal is final (non-retryable).

A downgrade or revocation is followed by :meth:`OrganizationActivities.grade_change_fan_out`,
which reads what the command recorded and names the live cases to tell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from temporalio import activity
from temporalio.exceptions import ApplicationError

from domain.application import GovflowApplication
from domain.catalogue.commands import CommandResult
from domain.grading.commands import (
    DeclareEvaluatorAffiliations,
    DowngradeGrade,
    RecordExistingGrade,
    RegisterEvaluator,
    RevokeGrade,
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
from domain.organizations.records import UndertakingKind
from workflows.case_ids import purchase_contract_workflow_id, transfer_workflow_id
from workflows.failures import refusals_as_failures
from workflows.grade_signals import (
    DOWNGRADED,
    REVOKED,
    GradeChanged,
    grade_evaluation_workflow_id,
)

# The workflow of each kind of undertaking (承接), by the case's id.
_CASE_WORKFLOW_IDS: dict[UndertakingKind, Callable[[UUID], str]] = {
    UndertakingKind.TRANSFER: transfer_workflow_id,
    UndertakingKind.PURCHASE: purchase_contract_workflow_id,
}

# The organization's events that change a grade, and the change each one is.
_GRADE_CHANGES = {"GradeDowngraded": DOWNGRADED, "GradeRevoked": REVOKED}


@dataclass(frozen=True)
class GradeChangeRef:
    """The grade change that command ``command_id`` recorded on ``organization_id``."""

    organization_id: UUID
    command_id: str


@dataclass(frozen=True)
class GradeFanOut:
    """What to tell (``notice``) and whom (the ids of the live workflows)."""

    notice: GradeChanged
    workflow_ids: tuple[str, ...]


class OrganizationActivities:
    """社会组织登记、监管记录与第三方评估机构登记的活动 — built once per worker."""

    def __init__(self, application: GovflowApplication) -> None:
        self._application = application

    # --- social organizations ------------------------------------------------------------

    @activity.defn
    def register_organization(self, command: RegisterOrganization) -> CommandResult:
        with refusals_as_failures():
            return self._application.register_organization(command)

    @activity.defn
    def declare_compliance(self, command: DeclareCompliance) -> CommandResult:
        with refusals_as_failures():
            return self._application.declare_compliance(command)

    @activity.defn
    def verify_compliance(self, command: VerifyCompliance) -> CommandResult:
        with refusals_as_failures():
            return self._application.verify_compliance(command)

    @activity.defn
    def elect_board_member(self, command: ElectBoardMember) -> CommandResult:
        with refusals_as_failures():
            return self._application.elect_board_member(command)

    @activity.defn
    def record_annual_inspection(self, command: RecordAnnualInspection) -> CommandResult:
        with refusals_as_failures():
            return self._application.record_annual_inspection(command)

    @activity.defn
    def record_penalty(self, command: RecordPenalty) -> CommandResult:
        with refusals_as_failures():
            return self._application.record_penalty(command)

    @activity.defn
    def raise_credit_flag(self, command: RaiseCreditFlag) -> CommandResult:
        with refusals_as_failures():
            return self._application.raise_credit_flag(command)

    @activity.defn
    def clear_credit_flag(self, command: ClearCreditFlag) -> CommandResult:
        with refusals_as_failures():
            return self._application.clear_credit_flag(command)

    @activity.defn
    def file_complaint(self, command: FileComplaint) -> CommandResult:
        with refusals_as_failures():
            return self._application.file_complaint(command)

    @activity.defn
    def resolve_complaint(self, command: ResolveComplaint) -> CommandResult:
        with refusals_as_failures():
            return self._application.resolve_complaint(command)

    # --- grades --------------------------------------------------------------------------

    @activity.defn
    def downgrade_grade(self, command: DowngradeGrade) -> CommandResult:
        with refusals_as_failures():
            return self._application.downgrade_grade(command)

    @activity.defn
    def revoke_grade(self, command: RevokeGrade) -> CommandResult:
        with refusals_as_failures():
            return self._application.revoke_grade(command)

    @activity.defn
    def record_existing_grade(self, command: RecordExistingGrade) -> CommandResult:
        with refusals_as_failures():
            return self._application.record_existing_grade(command)

    @activity.defn
    def grade_change_fan_out(self, ref: GradeChangeRef) -> GradeFanOut:
        """The grade change ``ref`` recorded, and the live workflows to tell of it."""
        notice = self._grade_change(ref)
        return GradeFanOut(notice=notice, workflow_ids=self._live_cases(notice))

    def _grade_change(self, ref: GradeChangeRef) -> GradeChanged:
        """The ``GradeDowngraded`` / ``GradeRevoked`` event of the command, as a notice.

        Found by the command id (the organization remembers the version each command
        recorded), so a repeated command tells the same notice as the first.
        """
        organization = self._application.get_organization(ref.organization_id)
        version = organization.applied_commands.get(ref.command_id)
        events = ([] if version is None else list(self._application.events.get(
            ref.organization_id, gt=version - 1, lte=version)))
        change = _GRADE_CHANGES.get(type(events[0]).__name__) if events else None
        if change is None:
            # Only a workflow bug gets here (it asks after its own successful command).
            raise ApplicationError(
                f"command {ref.command_id} recorded no grade change on organization "
                f"{ref.organization_id}", type="GradeChangeNotRecorded", non_retryable=True)
        recorded: dict[str, Any] = vars(events[0])
        return GradeChanged(
            organization_id=ref.organization_id,
            evaluation_id=UUID(str(recorded["evaluation_id"])),
            change=change,
            from_level=int(recorded["from_level"] if change == DOWNGRADED else recorded["level"]),
            to_level=int(recorded["to_level"]) if change == DOWNGRADED else None,
            reason=str(recorded["reason"]),
            decided_on=recorded["decided_on"],
            command_id=ref.command_id,
        )

    def _live_cases(self, notice: GradeChanged) -> tuple[str, ...]:
        """The live workflows of the organization that a grade change concerns: the grade's
        own evaluation, and every transfer (``transfer:<id>``) and purchase contract
        (``purchase-contract:<id>``) the organization undertakes now, which then review
        whether it may go on.  A workflow named here that has ended is skipped by the
        sender, so this list may err on the side of too many.
        """
        organization = self._application.get_organization(notice.organization_id)
        undertaken = tuple(
            _CASE_WORKFLOW_IDS[undertaking.kind](UUID(case_id))
            for case_id, undertaking in sorted(organization.undertakings.items())
        )
        return (grade_evaluation_workflow_id(notice.evaluation_id), *undertaken)

    # --- evaluators ----------------------------------------------------------------------

    @activity.defn
    def register_evaluator(self, command: RegisterEvaluator) -> CommandResult:
        with refusals_as_failures():
            return self._application.register_evaluator(command)

    @activity.defn
    def declare_evaluator_affiliations(
        self, command: DeclareEvaluatorAffiliations
    ) -> CommandResult:
        with refusals_as_failures():
            return self._application.declare_evaluator_affiliations(command)


def organization_activities(application: GovflowApplication) -> list[Callable[..., Any]]:
    """Every activity of the organization and evaluator commands, bound to ``application``."""
    activities = OrganizationActivities(application)
    return [
        activities.register_organization,
        activities.declare_compliance,
        activities.verify_compliance,
        activities.elect_board_member,
        activities.record_annual_inspection,
        activities.record_penalty,
        activities.raise_credit_flag,
        activities.clear_credit_flag,
        activities.file_complaint,
        activities.resolve_complaint,
        activities.downgrade_grade,
        activities.revoke_grade,
        activities.record_existing_grade,
        activities.grade_change_fan_out,
        activities.register_evaluator,
        activities.declare_evaluator_affiliations,
    ]
