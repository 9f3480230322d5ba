"""Who may see what of the catalogue.

Drafts: the public never; a department its own; the committee all.  Internal fields
(escalation, retention justification and review): only the item's circle.
"""

from __future__ import annotations

from domain.actors import Actor, Role
from domain.catalogue.item import ItemStatus
from projections.rows import ALL_DRAFTS, CatalogueItemRow


def drafts_visible_to(actor: Actor | None) -> str | None:
    """``CatalogueFilter.drafts_visible_to`` for this caller."""
    if actor is None:
        return None
    if actor.role is Role.COMMITTEE:
        return ALL_DRAFTS
    if actor.role is Role.DEPARTMENT:
        return actor.scope
    return None


def may_see(actor: Actor | None, row: CatalogueItemRow) -> bool:
    if row.status != ItemStatus.DRAFT:
        return True
    visible = drafts_visible_to(actor)
    return visible == ALL_DRAFTS or (visible is not None and visible == row.department)


def sees_internal(actor: Actor | None, row: CatalogueItemRow) -> bool:
    """The item's department, the committee, finance and the agency it is referred to."""
    if actor is None:
        return False
    if actor.role in (Role.COMMITTEE, Role.FINANCE):
        return True
    if actor.role is Role.DEPARTMENT:
        return actor.scope == row.department
    if actor.role is Role.AGENCY:
        return row.agency_id is not None and actor.scope == row.agency_id
    return False
