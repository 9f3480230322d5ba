"""Departments registered before a test drafts: drafting needs a registered department.

Registers through the real registry service, as the committee would, with command ids
that make seeding twice harmless.
"""

from __future__ import annotations

from domain.actors import Actor, Role
from domain.application import GovflowApplication
from domain.departments import JIANGMEN_DEPARTMENTS
from domain.registry.commands import RegisterDepartment

MZJ = "440700-MZJ"
CZJ = "440700-CZJ"
SEED_COMMITTEE = Actor(user="seed.committee", role=Role.COMMITTEE)


def register_departments(app: GovflowApplication, *codes: str) -> int:
    """Register the built-in Jiangmen departments ``codes``; returns the log position after."""
    for code in codes:
        app.register_department(RegisterDepartment(
            command_id=f"seed:department:{code}", actor=SEED_COMMITTEE, code=code,
            name=JIANGMEN_DEPARTMENTS[code].name,
        ))
    return app.recorder.max_notification_id() or 0
