"""Commands on the committee's registry of departments (部门登记)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.actors import Actor


@dataclass(frozen=True)
class RegisterDepartment:
    """登记部门: the region, and whether it is a pilot district, follow from the code."""

    command_id: str
    actor: Actor
    code: str
    name: str
