"""The social-organization registry's and the evaluators' write side as the HTTP API sees it.

Each command runs as a one-shot workflow whose id follows from the command id
(``command:<command_id>``), exactly like the registry's (``workflows.registry_gateway``):
a repeated command id is answered from the first run, ``replayed``; a refusal is raised
as the ``DomainError`` the domain raised, and the same command id may be sent again.
A downgrade or revocation also tells the organization's live cases before it answers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from temporalio.client import Client

# Imported for their error classes: a refusal is rebuilt by its class name, which is
# found only among the DomainError subclasses this process has imported.
import domain.grading.errors
import domain.organizations.errors  # noqa: F401
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
from workflows.existing_grade import RecordExistingGradeWorkflow
from workflows.once import run_command
from workflows.organization_commands import (
    ClearCreditFlagWorkflow,
    DeclareComplianceWorkflow,
    DeclareEvaluatorAffiliationsWorkflow,
    DowngradeGradeWorkflow,
    ElectBoardMemberWorkflow,
    FileComplaintWorkflow,
    RaiseCreditFlagWorkflow,
    RecordAnnualInspectionWorkflow,
    RecordPenaltyWorkflow,
    RegisterEvaluatorWorkflow,
    RegisterOrganizationWorkflow,
    ResolveComplaintWorkflow,
    RevokeGradeWorkflow,
    VerifyComplianceWorkflow,
)


class _Command(Protocol):
    @property
    def command_id(self) -> str: ...


CommandT = TypeVar("CommandT", bound=_Command)
WorkflowT = TypeVar("WorkflowT")


class OrganizationGateway:
    """社会组织与第三方评估机构的写入口 (``api.ports.OrganizationCommands``)."""

    def __init__(self, client: Client, *, task_queue: str) -> None:
        self._client = client
        self._task_queue = task_queue

    async def register_organization(self, command: RegisterOrganization) -> CommandResult:
        """登记社会组织 (the id follows from the credit code)."""
        return await self._run(RegisterOrganizationWorkflow.run, command)

    async def declare_compliance(self, command: DeclareCompliance) -> CommandResult:
        """申报“五自四无”."""
        return await self._run(DeclareComplianceWorkflow.run, command)

    async def verify_compliance(self, command: VerifyCompliance) -> CommandResult:
        """核验“五自四无”."""
        return await self._run(VerifyComplianceWorkflow.run, command)

    async def elect_board_member(self, command: ElectBoardMember) -> CommandResult:
        """理事会成员当选."""
        return await self._run(ElectBoardMemberWorkflow.run, command)

    async def record_annual_inspection(self, command: RecordAnnualInspection) -> CommandResult:
        """登记年检结论."""
        return await self._run(RecordAnnualInspectionWorkflow.run, command)

    async def record_penalty(self, command: RecordPenalty) -> CommandResult:
        """登记行政处罚."""
        return await self._run(RecordPenaltyWorkflow.run, command)

    async def raise_credit_flag(self, command: RaiseCreditFlag) -> CommandResult:
        """列入失信名单或异常名录."""
        return await self._run(RaiseCreditFlagWorkflow.run, command)

    async def clear_credit_flag(self, command: ClearCreditFlag) -> CommandResult:
        """移出失信名单或异常名录."""
        return await self._run(ClearCreditFlagWorkflow.run, command)

    async def file_complaint(self, command: FileComplaint) -> CommandResult:
        """投诉 (the complaint's id is ``complaint_id_for`` the command id)."""
        return await self._run(FileComplaintWorkflow.run, command)

    async def resolve_complaint(self, command: ResolveComplaint) -> CommandResult:
        """办结投诉."""
        return await self._run(ResolveComplaintWorkflow.run, command)

    async def downgrade_grade(self, command: DowngradeGrade) -> CommandResult:
        """降级; the organization's live cases are told before the answer."""
        return await self._run(DowngradeGradeWorkflow.run, command)

    async def record_existing_grade(self, command: RecordExistingGrade) -> CommandResult:
        """登记既有评估等级; its expiry then runs as ``grade-evaluation:<grade id>``."""
        return await self._run(RecordExistingGradeWorkflow.run, command)

    async def revoke_grade(self, command: RevokeGrade) -> CommandResult:
        """撤销评估等级; the organization's live cases are told before the answer."""
        return await self._run(RevokeGradeWorkflow.run, command)

    async def register_evaluator(self, command: RegisterEvaluator) -> CommandResult:
        """登记第三方评估机构 (its id is ``aggregate_id_for`` the command id)."""
        return await self._run(RegisterEvaluatorWorkflow.run, command)

    async def declare_evaluator_affiliations(
        self, command: DeclareEvaluatorAffiliations
    ) -> CommandResult:
        """登记评估机构的关联关系."""
        return await self._run(DeclareEvaluatorAffiliationsWorkflow.run, command)

    async def _run(
        self, run: Callable[[WorkflowT, CommandT], Awaitable[CommandResult]], command: CommandT
    ) -> CommandResult:
        return await run_command(self._client, run, command, task_queue=self._task_queue)
