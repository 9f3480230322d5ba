"""The registry's and the agencies' write side as the HTTP API sees it.

Each command runs as a one-shot workflow whose id follows from the command id
(``command:<command_id>``).  Temporal keeps one run per id: starting a command whose
run completed is refused (``ALLOW_DUPLICATE_FAILED_ONLY``), and one still running is
found by the conflict, so the gateway answers both from that run — the first result,
marked ``replayed``.  A refused command's run *fails* and records nothing, so the same
command id may be sent again (corrected, or once what it needs exists) and is decided
anew.  A refusal is raised as the ``DomainError`` the domain raised.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from temporalio.client import Client

from domain.agency.commands import AppointExpert, DeclareAffiliations, EstablishAgency, RemoveExpert
from domain.catalogue.commands import CommandResult
from domain.registry.commands import RegisterDepartment
from workflows.command import (
    AppointExpertWorkflow,
    DeclareAffiliationsWorkflow,
    EstablishAgencyWorkflow,
    RegisterDepartmentWorkflow,
    RemoveExpertWorkflow,
)
from workflows.once import run_command


class _Command(Protocol):
    @property
    def command_id(self) -> str: ...


CommandT = TypeVar("CommandT", bound=_Command)
WorkflowT = TypeVar("WorkflowT")


class RegistryGateway:
    """登记与咨询服务机构的写入口: departments, agencies and their experts."""

    def __init__(self, client: Client, *, task_queue: str) -> None:
        self._client = client
        self._task_queue = task_queue

    async def register_department(self, command: RegisterDepartment) -> CommandResult:
        """登记部门."""
        return await self._run(RegisterDepartmentWorkflow.run, command)

    async def establish_agency(self, command: EstablishAgency) -> CommandResult:
        """设立咨询服务机构."""
        return await self._run(EstablishAgencyWorkflow.run, command)

    async def appoint_expert(self, command: AppointExpert) -> CommandResult:
        """聘任专家 (the expert's id is ``domain.agency.commands.expert_id_for`` the command id)."""
        return await self._run(AppointExpertWorkflow.run, command)

    async def declare_affiliations(self, command: DeclareAffiliations) -> CommandResult:
        """申报关联关系."""
        return await self._run(DeclareAffiliationsWorkflow.run, command)

    async def remove_expert(self, command: RemoveExpert) -> CommandResult:
        """解聘专家."""
        return await self._run(RemoveExpertWorkflow.run, command)

    async def _run(
        self, run: Callable[[WorkflowT, CommandT], Awaitable[CommandResult]], command: CommandT
    ) -> CommandResult:
        return await run_command(self._client, run, command, task_queue=self._task_queue)
