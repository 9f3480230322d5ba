"""The catalogue import as the HTTP API sees it: one workflow per file.

The command id follows from the file's content, and the workflow id from the
command id, so a file sent again finds the run that imported it and answers with
that run's result (``replayed``) instead of importing anything.  A refusal is
raised as the ``CatalogueImportRejectedError`` the domain raised, with every row's
errors.
"""

from __future__ import annotations

from collections.abc import Sequence

from temporalio.client import Client

from domain.actors import Actor
from domain.catalogue.commands import CommandResult, RecordExistingItem
from domain.catalogue.importing import ImportCatalogueItems, ImportResult, ImportRow, RowError
from domain.errors import InvalidCommandError
from workflows.catalogue_import import (
    IMPORT_DEADLINE,
    CatalogueImportWorkflow,
    catalogue_import_workflow_id,
)
from workflows.command import RecordExistingItemWorkflow
from workflows.once import run_command, run_once

MAX_COMMAND_BYTES = 1_900_000
"""How large an import may be once encoded: the rows travel in one Temporal payload,
which a Temporal server refuses above 2 MiB (``limit.blobSize.error``).  About 270
bytes a row with a short description: 5,000 such rows take 1.4 MB."""


class ImportTooLargeError(InvalidCommandError):
    """An import's rows are more than one workflow input can carry."""


class CatalogueImportGateway:
    """目录导入的写入口."""

    def __init__(
        self, client: Client, *, task_queue: str, max_command_bytes: int = MAX_COMMAND_BYTES
    ) -> None:
        self._client = client
        self._task_queue = task_queue
        self._max_command_bytes = max_command_bytes

    async def import_items(
        self, *, command_id: str, actor: Actor, department: str, rows: Sequence[ImportRow],
        unreadable: Sequence[RowError] = (),
    ) -> ImportResult:
        """导入: drafts every row in one batch, or refuses the file listing every bad row."""
        command = ImportCatalogueItems(
            command_id=command_id, actor=actor, department=department, rows=tuple(rows),
            unreadable=tuple(unreadable),
        )
        await self._check_size(command)
        return await run_once(
            self._client, CatalogueImportWorkflow.run, command,
            workflow_id=catalogue_import_workflow_id(command_id), task_queue=self._task_queue,
            execution_timeout=IMPORT_DEADLINE,
        )

    async def record_existing(self, command: RecordExistingItem) -> CommandResult:
        """登记既有目录事项 (a one-shot command, ``command:<command_id>``)."""
        return await run_command(self._client, RecordExistingItemWorkflow.run, command,
                                 task_queue=self._task_queue)

    async def _check_size(self, command: ImportCatalogueItems) -> None:
        payloads = await self._client.data_converter.encode([command])
        size = sum(payload.ByteSize() for payload in payloads)
        if size > self._max_command_bytes:
            raise ImportTooLargeError(
                f"导入内容过大（编码后约 {size / 1e6:.1f} MB，单次导入上限约 "
                f"{self._max_command_bytes / 1e6:.1f} MB）；请将文件拆分为几个较小的文件分批导入",
                field="file",
            )
