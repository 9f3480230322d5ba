"""Departments registered before a test drafts: drafting needs a registered department.

Registers through the real registry service, as the committee would, with command ids
that make seeding twice harmless.
"""

from __future__ import annotations

from domain.actors import Actor, Role
from domain.application import GovflowApplication
from domain.catalogue.classification import MOF_102_LEVEL1, Classification
from domain.catalogue.item import CatalogueItem
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


def save_bulk_drafts(app: GovflowApplication, count: int, *, department: str = MZJ) -> int:
    """``count`` drafts of ``department`` (already registered) saved in one ``save()``, as a
    large import lands; one in every thousand is about 养老.  Returns the log position after."""
    actor = Actor(user="li.wei", role=Role.DEPARTMENT, scope=department)
    region = JIANGMEN_DEPARTMENTS[department].region_code
    app.save(*[
        CatalogueItem.draft(
            code=f"{region}-2030-{n:04d}", command_id=f"bulk-{n}", actor=actor,
            department=department,
            name="居家养老服务" if n % 1000 == 0 else f"第{n}号辅助性事务",
            description=f"事项说明{n}：为政府履职提供辅助性服务", catalogue_year=2030,
            classification=Classification("公共服务", "社会服务", "综合服务"),
            nature="公共服务", provincial_listed=False, level1_set=MOF_102_LEVEL1,
        )
        for n in range(count)
    ])
    return app.recorder.max_notification_id() or 0
