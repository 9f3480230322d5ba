"""One-shot staffing-request commands (编制申请, seed 三(二)2(4)): a short workflow per command.

Like the registry's commands (``workflows.command``): the workflow id is
``command:<command_id>``, one small class per kind of command, each running its
activity through :func:`~workflows.command.execute_command`.  A request is flagged by
the domain where eligible organizations already provide the service (倒逼); the
committee then decides it.
"""

from __future__ import annotations

from temporalio import workflow

from workflows.command import execute_command

with workflow.unsafe.imports_passed_through():
    # The commands' annotations name Actor, which pydantic resolves through the
    # sandbox's sys.modules: it must pass through too, or decoding an input fails.
    import domain.actors  # noqa: F401
    from domain.catalogue.commands import CommandResult
    from domain.transfer.commands import DecideStaffing, RequestStaffing
    from workflows.transfer_activities import TransferActivities


@workflow.defn
class RequestStaffingWorkflow:
    """编制申请 (the department); flagged where eligible organizations provide the service."""

    @workflow.run
    async def run(self, command: RequestStaffing) -> CommandResult:
        return await execute_command(TransferActivities.request_staffing, command)


@workflow.defn
class DecideStaffingWorkflow:
    """市社工委审查编制申请."""

    @workflow.run
    async def run(self, command: DecideStaffing) -> CommandResult:
        return await execute_command(TransferActivities.decide_staffing_request, command)


STAFFING_WORKFLOWS: tuple[type, ...] = (RequestStaffingWorkflow, DecideStaffingWorkflow)
"""The staffing command workflows, for the worker and the replayer."""
