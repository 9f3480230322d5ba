"""How a case workflow runs one of its domain commands: an activity retried until it
answers (commands are idempotent by command id, so giving up would leave the workflow
unsure whether the event store changed), a refusal failing the update with the domain's
own error."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
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
