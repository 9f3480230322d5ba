"""The catalogue import gateway without Temporal, for the edge tests."""

from __future__ import annotations

from collections.abc import Sequence

from domain.actors import Actor
from domain.application import GovflowApplication
from domain.catalogue.commands import CommandResult, RecordExistingItem
from domain.catalogue.importing import ImportCatalogueItems, ImportResult, ImportRow, RowError


class FakeCatalogueImporter:
    """Gives the import to the domain as the workflow's activity would; remembers each."""

    def __init__(self, application: GovflowApplication) -> None:
        self.application = application
        self.commands: list[ImportCatalogueItems] = []
        self.existing: list[RecordExistingItem] = []

    async def import_items(
        self, *, command_id: str, actor: Actor, department: str, rows: Sequence[ImportRow],
        unreadable: Sequence[RowError] = (),
    ) -> ImportResult:
        command = ImportCatalogueItems(
            command_id=command_id, actor=actor, department=department, rows=tuple(rows),
            unreadable=tuple(unreadable),
        )
        self.commands.append(command)
        return self.application.import_catalogue_items(command)

    async def record_existing(self, command: RecordExistingItem) -> CommandResult:
        self.existing.append(command)
        return self.application.record_existing_catalogue_item(command)
