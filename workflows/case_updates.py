"""A command on a running case workflow (evaluation, transfer, contract) as an update.

The update's id is the command id, so Temporal answers a repeat with the first answer.
A refusal comes back as the domain's own error; a case whose workflow never started, or
whose run ended (the case is over, or an operator ended it), is refused with the case's
own "not found" or "no longer accepts commands" error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from temporalio.client import WorkflowFailureError, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.service import RPCError
from temporalio.workflow import UpdateMethodMultiParam

from domain.catalogue.commands import CommandResult
from domain.errors import DomainError
from workflows.failures import is_not_found, raise_refusal_in


class _Command(Protocol):
    @property
    def command_id(self) -> str: ...


WorkflowT = TypeVar("WorkflowT")
StateT = TypeVar("StateT")
InputT = TypeVar("InputT", bound=_Command)


async def update_case(
    handle: WorkflowHandle[WorkflowT, StateT],
    update: UpdateMethodMultiParam[[WorkflowT, InputT], CommandResult], input: InputT, *,
    not_found: Callable[[], DomainError], terminated: Callable[[], DomainError],
    ended: Callable[[StateT], DomainError],
) -> CommandResult:
    """Send ``input`` to the case's running workflow, or refuse as the case says:
    ``not_found`` (no run, or a run whose first command was refused), ``terminated`` (an
    operator ended it) or ``ended(final state)`` (the case is over)."""
    try:
        return await handle.execute_update(update, input, id=input.command_id)
    except WorkflowUpdateFailedError as error:
        raise_refusal_in(error)
        raise
    except RPCError as error:
        if not is_not_found(error):
            raise
    # No running workflow: none was ever started, or its run has ended.
    try:
        final: Any = await handle.result()
    except RPCError as error:
        if is_not_found(error):
            raise not_found() from None
        raise
    except WorkflowFailureError:  # ended by an operator (terminated, timed out)
        raise terminated() from None
    if getattr(final, "status", None) is None:  # the first command was refused
        raise not_found()
    raise ended(final)
