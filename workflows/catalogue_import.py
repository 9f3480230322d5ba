"""The catalogue import workflow (目录导入), id ``catalogue-import:<command id>``.

One run per file: it runs the import activity once (retried until it answers) and
returns what was imported.  The command id follows from the file's content, so the
workflow id does too: the gateway answers a file imported before from that run's
result instead of starting another.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    # The converter rebuilds the input from its classes' annotations, which it resolves
    # in their modules: those must be in the sandbox too, not only the classes.
    import domain.actors
    import domain.catalogue.commands  # noqa: F401
    from domain.catalogue.importing import ImportCatalogueItems, ImportResult
    from workflows.failures import activity_refusals
    from workflows.import_activities import CatalogueImportActivities

# Validating and saving 5,000 rows takes seconds on SQLite and on PostgreSQL; the
# margin is for a loaded database.  A repeat is safe (same command id), so a timed-out
# attempt is simply tried again; a few failed attempts end the run, and the caller
# may send the same file again.
IMPORT_TIMEOUT = timedelta(minutes=5)
IMPORT_RETRY = RetryPolicy(maximum_interval=timedelta(seconds=30), maximum_attempts=3)

IMPORT_DEADLINE = timedelta(minutes=30)
"""A run that has not answered by then (a worker down, say) fails; the file may be sent again."""


def catalogue_import_workflow_id(command_id: str) -> str:
    return f"catalogue-import:{command_id}"


@workflow.defn
class CatalogueImportWorkflow:
    """目录导入: every row of one file drafted in one batch, or none."""

    @workflow.run
    async def run(self, command: ImportCatalogueItems) -> ImportResult:
        with activity_refusals():
            return await workflow.execute_activity_method(
                CatalogueImportActivities.import_catalogue_items, command,
                start_to_close_timeout=IMPORT_TIMEOUT, retry_policy=IMPORT_RETRY,
            )
