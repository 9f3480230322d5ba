"""One-shot commands of the social-organization registry (社会组织登记与监管) and of
third-party evaluators (第三方评估机构): a short workflow per command.

Like the registry's commands (``workflows.command``): the workflow id is
``command:<command_id>``, one small class per kind of command, each running its
activity through :func:`~workflows.command.execute_command`.  A downgrade (降级) or a
revocation (撤销) of a grade then tells every live case of the organization, with
``grade_changed`` signals (``workflows.grade_signals``); a case that has ended is
skipped, and the command's answer is still the domain's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol, TypeVar
from uuid import UUID

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from workflows.command import COMMAND_RETRY, COMMAND_TIMEOUT, execute_command

with workflow.unsafe.imports_passed_through():
    # The commands' annotations name Actor, which pydantic resolves through the
    # sandbox's sys.modules: it must pass through too, or decoding an input fails.
    import domain.actors  # noqa: F401
    from domain.catalogue.commands import CommandResult
    from domain.grading.commands import (
        DeclareEvaluatorAffiliations,
        DowngradeGrade,
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
    from workflows.grade_signals import GRADE_CHANGED_SIGNAL, GradeChanged
    from workflows.organization_activities import GradeChangeRef, OrganizationActivities


TARGET_NOT_FOUND = "ExternalWorkflowExecutionNotFound"
"""The failure of a signal to a workflow that has ended or never started."""


class _GradeCommand(Protocol):
    @property
    def command_id(self) -> str: ...

    @property
    def organization_id(self) -> UUID: ...


GradeCommandT = TypeVar("GradeCommandT", bound=_GradeCommand)


async def change_grade(
    activity: Callable[[OrganizationActivities, GradeCommandT], CommandResult],
    command: GradeCommandT,
) -> CommandResult:
    """Run a downgrade or revocation, then tell the organization's live cases."""
    result = await execute_command(activity, command)
    fan_out = await workflow.execute_activity_method(
        OrganizationActivities.grade_change_fan_out,
        GradeChangeRef(organization_id=command.organization_id, command_id=command.command_id),
        start_to_close_timeout=COMMAND_TIMEOUT, retry_policy=COMMAND_RETRY,
    )
    await asyncio.gather(*(_tell(workflow_id, fan_out.notice)
                           for workflow_id in fan_out.workflow_ids))
    return result


async def _tell(workflow_id: str, notice: GradeChanged) -> None:
    """Signal one live case; one that has ended (or never started) is skipped."""
    try:
        await workflow.get_external_workflow_handle(workflow_id).signal(
            GRADE_CHANGED_SIGNAL, notice)
    except ApplicationError as failure:
        if failure.type != TARGET_NOT_FOUND:
            raise
        workflow.logger.info("grade change not signalled to %s: %s", workflow_id, failure)


# --- social organizations ---------------------------------------------------------------


@workflow.defn
class RegisterOrganizationWorkflow:
    """登记社会组织."""

    @workflow.run
    async def run(self, command: RegisterOrganization) -> CommandResult:
        return await execute_command(OrganizationActivities.register_organization, command)


@workflow.defn
class DeclareComplianceWorkflow:
    """申报“五自四无”."""

    @workflow.run
    async def run(self, command: DeclareCompliance) -> CommandResult:
        return await execute_command(OrganizationActivities.declare_compliance, command)


@workflow.defn
class VerifyComplianceWorkflow:
    """核验“五自四无”."""

    @workflow.run
    async def run(self, command: VerifyCompliance) -> CommandResult:
        return await execute_command(OrganizationActivities.verify_compliance, command)


@workflow.defn
class ElectBoardMemberWorkflow:
    """理事会成员当选."""

    @workflow.run
    async def run(self, command: ElectBoardMember) -> CommandResult:
        return await execute_command(OrganizationActivities.elect_board_member, command)


@workflow.defn
class RecordAnnualInspectionWorkflow:
    """登记年检结论."""

    @workflow.run
    async def run(self, command: RecordAnnualInspection) -> CommandResult:
        return await execute_command(OrganizationActivities.record_annual_inspection, command)


@workflow.defn
class RecordPenaltyWorkflow:
    """登记行政处罚."""

    @workflow.run
    async def run(self, command: RecordPenalty) -> CommandResult:
        return await execute_command(OrganizationActivities.record_penalty, command)


@workflow.defn
class RaiseCreditFlagWorkflow:
    """列入失信名单或异常名录."""

    @workflow.run
    async def run(self, command: RaiseCreditFlag) -> CommandResult:
        return await execute_command(OrganizationActivities.raise_credit_flag, command)


@workflow.defn
class ClearCreditFlagWorkflow:
    """移出失信名单或异常名录."""

    @workflow.run
    async def run(self, command: ClearCreditFlag) -> CommandResult:
        return await execute_command(OrganizationActivities.clear_credit_flag, command)


@workflow.defn
class FileComplaintWorkflow:
    """投诉."""

    @workflow.run
    async def run(self, command: FileComplaint) -> CommandResult:
        return await execute_command(OrganizationActivities.file_complaint, command)


@workflow.defn
class ResolveComplaintWorkflow:
    """办结投诉."""

    @workflow.run
    async def run(self, command: ResolveComplaint) -> CommandResult:
        return await execute_command(OrganizationActivities.resolve_complaint, command)


# --- grades -------------------------------------------------------------------------------


@workflow.defn
class DowngradeGradeWorkflow:
    """降级, then tell the organization's live cases."""

    @workflow.run
    async def run(self, command: DowngradeGrade) -> CommandResult:
        return await change_grade(OrganizationActivities.downgrade_grade, command)


@workflow.defn
class RevokeGradeWorkflow:
    """撤销评估等级, then tell the organization's live cases."""

    @workflow.run
    async def run(self, command: RevokeGrade) -> CommandResult:
        return await change_grade(OrganizationActivities.revoke_grade, command)


# --- evaluators ---------------------------------------------------------------------------


@workflow.defn
class RegisterEvaluatorWorkflow:
    """登记第三方评估机构."""

    @workflow.run
    async def run(self, command: RegisterEvaluator) -> CommandResult:
        return await execute_command(OrganizationActivities.register_evaluator, command)


@workflow.defn
class DeclareEvaluatorAffiliationsWorkflow:
    """登记评估机构的关联关系."""

    @workflow.run
    async def run(self, command: DeclareEvaluatorAffiliations) -> CommandResult:
        return await execute_command(
            OrganizationActivities.declare_evaluator_affiliations, command)


ORGANIZATION_COMMAND_WORKFLOWS: tuple[type, ...] = (
    RegisterOrganizationWorkflow,
    DeclareComplianceWorkflow,
    VerifyComplianceWorkflow,
    ElectBoardMemberWorkflow,
    RecordAnnualInspectionWorkflow,
    RecordPenaltyWorkflow,
    RaiseCreditFlagWorkflow,
    ClearCreditFlagWorkflow,
    FileComplaintWorkflow,
    ResolveComplaintWorkflow,
    DowngradeGradeWorkflow,
    RevokeGradeWorkflow,
    RegisterEvaluatorWorkflow,
    DeclareEvaluatorAffiliationsWorkflow,
)
"""The organization and evaluator command workflows, for the worker and the replayer."""
