"""Run a one-shot command workflow exactly once, whatever the client retries."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any, Protocol, TypeVar

from temporalio.client import Client, WorkflowFailureError
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from workflows.command import command_workflow_id
from workflows.failures import raise_refusal_in


class Replayable(Protocol):
    """A command's result (a frozen dataclass) that can say it answers a repeat."""

    @property
    def replayed(self) -> bool: ...


ResultT = TypeVar("ResultT", bound=Replayable)
ArgT = TypeVar("ArgT")


async def run_once(
    client: Client, run: Callable[[Any, ArgT], Awaitable[ResultT]], arg: ArgT, *,
    workflow_id: str, task_queue: str, execution_timeout: timedelta | None = None,
) -> ResultT:
    """Start the command's workflow, or answer with the run that already did the command.

    A refused (failed) command may run again under the same id once what was wrong is
    fixed elsewhere (a department registered, say); a completed one never runs twice.
    Refusals come back as the domain's own errors.
    """
    try:
        try:
            return await client.execute_workflow(
                run, arg, id=workflow_id, task_queue=task_queue,
                execution_timeout=execution_timeout,
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
            )
        except WorkflowAlreadyStartedError:
            # Completed before, or running right now: that run's answer.
            handle = client.get_workflow_handle_for(run, workflow_id)
            return replace(await handle.result(), replayed=True)  # type: ignore[type-var]
    except WorkflowFailureError as error:
        raise_refusal_in(error)
        raise


class _Command(Protocol):
    @property
    def command_id(self) -> str: ...


CommandT = TypeVar("CommandT", bound=_Command)


COMMAND_EXECUTION_TIMEOUT = timedelta(minutes=10)
"""A one-shot command that has not finished by then (no worker running, say) ends as
timed out; the same command id may then be sent again."""


async def run_command(
    client: Client, run: Callable[[Any, CommandT], Awaitable[ResultT]], command: CommandT, *,
    task_queue: str,
) -> ResultT:
    """Run a one-shot command's workflow (``command:<command_id>``) exactly once."""
    return await run_once(client, run, command, workflow_id=command_workflow_id(command.command_id),
                          task_queue=task_queue, execution_timeout=COMMAND_EXECUTION_TIMEOUT)
