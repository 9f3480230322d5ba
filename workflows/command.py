"""One-shot commands (登记部门、设立咨询服务机构、聘任专家…): a short workflow per command.

Registry commands are not long-lived cases: each runs one activity and ends.  The
workflow id is ``command:<command_id>``, so Temporal itself keeps one run per command
id and answers a repeat from the first run (see ``workflows.registry_gateway``).  There
is one small workflow class per kind of command, each taking that command's own
dataclass, and all sharing :func:`execute_command`: typed end to end, no dispatch.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    # The commands' annotations name Actor, which pydantic resolves through the
    # sandbox's sys.modules: it must pass through too, or decoding an input fails.
    import domain.actors  # noqa: F401
    from domain.agency.commands import (
        AppointExpert,
        DeclareAffiliations,
        EstablishAgency,
        RemoveExpert,
    )
    from domain.catalogue.commands import CommandResult, RecordExistingItem
    from domain.registry.commands import RegisterDepartment
    from workflows.failures import activity_refusals
    from workflows.import_activities import CatalogueImportActivities
    from workflows.registry_activities import RegistryActivities

ActivitiesT = TypeVar("ActivitiesT")
CommandT = TypeVar("CommandT")
ResultT = TypeVar("ResultT")

# A command is idempotent by its id, so a timed-out or failed attempt is tried again.
# A few failed attempts end the run (failed, not completed): the caller may send the
# same command id again and a new run tries once more.
COMMAND_TIMEOUT = timedelta(seconds=30)
COMMAND_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=10),
    maximum_attempts=5,
)


def command_workflow_id(command_id: str) -> str:
    return f"command:{command_id}"


async def execute_command(
    activity: Callable[[ActivitiesT, CommandT], ResultT], command: CommandT
) -> ResultT:
    """Run one command's activity; a refusal fails the workflow with the domain's own error."""
    with activity_refusals():
        return await workflow.execute_activity_method(
            activity, command, start_to_close_timeout=COMMAND_TIMEOUT, retry_policy=COMMAND_RETRY,
        )


@workflow.defn
class RegisterDepartmentWorkflow:
    """登记部门."""

    @workflow.run
    async def run(self, command: RegisterDepartment) -> CommandResult:
        return await execute_command(RegistryActivities.register_department, command)


@workflow.defn
class EstablishAgencyWorkflow:
    """设立咨询服务机构."""

    @workflow.run
    async def run(self, command: EstablishAgency) -> CommandResult:
        return await execute_command(RegistryActivities.establish_agency, command)


@workflow.defn
class AppointExpertWorkflow:
    """聘任专家."""

    @workflow.run
    async def run(self, command: AppointExpert) -> CommandResult:
        return await execute_command(RegistryActivities.appoint_expert, command)


@workflow.defn
class DeclareAffiliationsWorkflow:
    """申报关联关系."""

    @workflow.run
    async def run(self, command: DeclareAffiliations) -> CommandResult:
        return await execute_command(RegistryActivities.declare_affiliations, command)


@workflow.defn
class RemoveExpertWorkflow:
    """解聘专家."""

    @workflow.run
    async def run(self, command: RemoveExpert) -> CommandResult:
        return await execute_command(RegistryActivities.remove_expert, command)


@workflow.defn
class RecordExistingItemWorkflow:
    """登记既有目录事项."""

    @workflow.run
    async def run(self, command: RecordExistingItem) -> CommandResult:
        return await execute_command(
            CatalogueImportActivities.record_existing_catalogue_item, command)


COMMAND_WORKFLOWS: tuple[type, ...] = (
    RegisterDepartmentWorkflow,
    EstablishAgencyWorkflow,
    AppointExpertWorkflow,
    DeclareAffiliationsWorkflow,
    RemoveExpertWorkflow,
    RecordExistingItemWorkflow,
)
"""The one-shot command workflows, for the worker and the replayer."""
