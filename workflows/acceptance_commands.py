"""The acceptance review's scoring (验收考核评分) as a one-shot command workflow.

Like the registry's commands (``workflows.command``): the workflow id is
``command:<command_id>``, so Temporal keeps one run per command id and the gateway
answers a repeat from the first run.  The review itself is opened by the reporting run
after the year's fourth quarter (``workflows.reporting_run``).
"""

from __future__ import annotations

from temporalio import workflow

from workflows.command import execute_command

with workflow.unsafe.imports_passed_through():
    # The command's annotations name Actor and TaskScore, which pydantic resolves through
    # the sandbox's sys.modules: they must pass through too.
    import domain.actors
    import domain.reporting.acceptance  # noqa: F401
    from domain.catalogue.commands import CommandResult
    from domain.reporting.commands import ScoreAcceptanceReview
    from workflows.reporting_activities import ReportingActivities


@workflow.defn
class ScoreAcceptanceReviewWorkflow:
    """验收考核评分 (the committee)."""

    @workflow.run
    async def run(self, command: ScoreAcceptanceReview) -> CommandResult:
        return await execute_command(ReportingActivities.score_acceptance_review, command)


ACCEPTANCE_WORKFLOWS: tuple[type, ...] = (ScoreAcceptanceReviewWorkflow,)
"""The acceptance review's command workflows, for the worker and the replayer."""
