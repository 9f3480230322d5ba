"""How a case workflow runs one of its domain commands: an activity retried until it
answers (commands are idempotent by command id, so giving up would leave the workflow
unsure whether the event store changed), a refusal failing the update with the domain's
own error."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy

from workflows.failures import activity_refusals

ACTIVITY_TIMEOUT = timedelta(seconds=30)
ACTIVITY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=1),
)

ResultT = TypeVar("ResultT")
CommandT = TypeVar("CommandT")


async def execute_step(activity: Callable[[Any, CommandT], ResultT], command: CommandT) -> ResultT:
    """Run ``activity`` (a method of an activities class) with ``command``."""
    with activity_refusals():
        return await workflow.execute_activity_method(
            activity, command, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY,
        )


@dataclass(frozen=True)
class Step:
    """A step a case takes by itself at ``at`` (China midnight after a last day)."""

    at: datetime
    name: str


async def first_command(accepted: Callable[[], bool], settled: Callable[[], bool], *,
                        wait: timedelta) -> bool:
    """Wait for the first command sent with the start (update-with-start): False if none
    was accepted within ``wait`` (a refused one leaves no trace); else wait until it has
    been decided, and True (the caller then asks whether it was recorded)."""
    try:
        await workflow.wait_condition(accepted, timeout=wait)
    except TimeoutError:
        return False
    await workflow.wait_condition(settled)
    return True


async def wait_until(moment: datetime, moved_on: Callable[[], bool]) -> bool:
    """Sleep until ``moment``; False as soon as ``moved_on`` (the timer is cancelled and
    the case looks at its new state), True when the moment has come."""
    remaining = moment - workflow.now()
    if remaining > timedelta(0):
        try:
            await workflow.wait_condition(moved_on, timeout=remaining)
        except TimeoutError:
            return True
        return False
    return True
