"""What the API needs from the write side: the gateway the workflows package provides."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from domain.actors import Actor
from domain.catalogue.commands import CommandResult, ItemFields


class CatalogueCommands(Protocol):
    """Commands on catalogue items (目录事项).

    Each raises a ``domain.errors.DomainError`` subclass when the command is refused;
    repeating a ``command_id`` returns the first answer and records nothing.
    """

    async def draft(
        self, *, command_id: str, actor: Actor, department: str, fields: ItemFields
    ) -> CommandResult: ...

    async def revise(
        self, *, item_id: UUID, command_id: str, actor: Actor, fields: ItemFields
    ) -> CommandResult: ...

    async def publish(self, *, item_id: UUID, command_id: str, actor: Actor) -> CommandResult: ...

    async def withdraw(
        self, *, item_id: UUID, command_id: str, actor: Actor, reason: str
    ) -> CommandResult: ...
