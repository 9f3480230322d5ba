"""The base of govflow's aggregates: every event records who acted and for which command."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.actors import Actor, Role
from domain.errors import RoleNotAllowedError

COMMAND_NAMESPACE = uuid5(NAMESPACE_URL, "govflow:command")


def aggregate_id_for(command_id: str) -> UUID:
    """The deterministic id of the aggregate that a creation command creates."""
    return uuid5(COMMAND_NAMESPACE, command_id)


class GovAggregate(Aggregate):
    """An aggregate that remembers which commands it has applied.

    Every event method takes ``command_id`` and ``actor`` so that each event carries
    them (the "metadata" of DESIGN.md §2), and calls :meth:`_applied` (or
    :meth:`_created_by`) so that a repeated command is recognised and answered
    without recording anything.
    """

    def _created_by(self, command_id: str) -> None:
        # In a creation event the aggregate already has its first version.
        self.applied_commands: dict[str, int] = {command_id: self.version}

    def _applied(self, command_id: str) -> None:
        # In a later event the version is bumped after the body runs.
        self.applied_commands[command_id] = self.version + 1

    def has_applied(self, command_id: str) -> bool:
        return command_id in self.applied_commands

    @staticmethod
    def actor_record(actor: Actor) -> dict[str, Any]:
        return actor.as_dict()

    @staticmethod
    def check_role(actor: Actor, allowed: frozenset[Role], *, action: str) -> None:
        if actor.role not in allowed:
            roles = "、".join(sorted(r.value for r in allowed))
            raise RoleNotAllowedError(
                f"角色 {actor.role.value} 不能{action}；可执行此操作的角色：{roles}"
            )
