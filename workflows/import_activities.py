"""The catalogue import's activity: a thin adapter from Temporal to the application.

Synchronous, like eventsourcing: the worker runs it on a thread pool.  A retry is
safe because the application answers a repeated import (same command id) with the
first result and records nothing; a refusal is final (non-retryable) and carries
every bad row.
"""

from __future__ import annotations

from temporalio import activity

from domain.application import GovflowApplication
from domain.catalogue.commands import CommandResult, RecordExistingItem
from domain.catalogue.importing import ImportCatalogueItems, ImportResult
from workflows.failures import refusals_as_failures


class CatalogueImportActivities:
    """目录导入的活动 — built once per worker with the application it drives."""

    def __init__(self, application: GovflowApplication) -> None:
        self._application = application

    @activity.defn
    def import_catalogue_items(self, command: ImportCatalogueItems) -> ImportResult:
        with refusals_as_failures():
            return self._application.import_catalogue_items(command)

    @activity.defn
    def record_existing_catalogue_item(self, command: RecordExistingItem) -> CommandResult:
        with refusals_as_failures():
            return self._application.record_existing_catalogue_item(command)
