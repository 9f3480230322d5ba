"""Who may see what: of the catalogue, of social organizations and grade evaluations.

Drafts: the public never; a department its own; the committee all.  Internal fields
(escalation, retention justification and review): only the item's circle.
"""

from __future__ import annotations

from dataclasses import replace

from domain.actors import PUBLIC_ACTOR, Actor, Role
from domain.catalogue.item import ItemStatus
from projections.organization_rows import EvaluationRow
from projections.rows import ALL_DRAFTS, CatalogueItemRow, HistoryEntry


def drafts_visible_to(actor: Actor | None) -> str | None:
    """``CatalogueFilter.drafts_visible_to`` for this caller."""
    if actor is None:
        return None
    if actor.role is Role.COMMITTEE:
        return ALL_DRAFTS
    if actor.role is Role.DEPARTMENT:
        return actor.scope
    return None


def sees_drafts_of(actor: Actor | None, department: str) -> bool:
    """Whether ``actor`` may see the drafts of ``department``."""
    visible = drafts_visible_to(actor)
    return visible == ALL_DRAFTS or (visible is not None and visible == department)


def may_see(actor: Actor | None, row: CatalogueItemRow) -> bool:
    return row.status != ItemStatus.DRAFT or sees_drafts_of(actor, row.department)


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


_DRAFT_EVENTS = frozenset({"Drafted", "Revised"})
"""A draft's own events: their details are the draft's content."""
_INTERNAL_EVENTS = frozenset({"ReferralEscalated", "RetentionReviewed"})
_INTERNAL_DETAILS = {"Decided": frozenset({"justification"})}


def catalogue_history(entries: list[HistoryEntry], actor: Actor | None,
                      row: CatalogueItemRow) -> list[HistoryEntry]:
    """An item's history as ``actor`` may see it.

    What a draft said (起草, 修改) only for whoever may see the department's drafts; the
    others see that it was drafted, not what (an item is public from its publication on).
    The escalation, the retention review and the retention's justification only inside
    the item's circle, as on the item itself.
    """
    sees_drafts = sees_drafts_of(actor, row.department)
    internal = sees_internal(actor, row)
    shown: list[HistoryEntry] = []
    for entry in entries:
        if entry.event in _INTERNAL_EVENTS and not internal:
            continue
        if entry.event in _DRAFT_EVENTS and not sees_drafts:
            entry = replace(entry, details={})
        cut = _INTERNAL_DETAILS.get(entry.event, frozenset())
        if cut and not internal:
            entry = replace(entry, details={k: v for k, v in entry.details.items()
                                            if k not in cut})
        shown.append(entry)
    return shown


# --- social organizations and grade evaluations -----------------------------------------
#
# Public record (DESIGN.md §3.6): compliance, inspections, penalties, credit flags and the
# outcomes of complaints.  A board member's public-office status and retirement date: the
# committee only.  Who complained: nobody, ever (the views do not hold it; the history
# does, so it is cut out here).


def sees_board_office(actor: Actor | None) -> bool:
    """公职身份 of board members: the committee only."""
    return actor is not None and actor.role is Role.COMMITTEE


def sees_evaluation_internals(actor: Actor | None, row: EvaluationRow) -> bool:
    """Scores and the appeal: the committee, the assigned evaluator and the organization."""
    if actor is None:
        return False
    if actor.role is Role.COMMITTEE:
        return True
    if actor.role is Role.EVALUATOR:
        return row.evaluator_id is not None and actor.scope == str(row.evaluator_id)
    if actor.role is Role.ORGANIZATION:
        return actor.scope == str(row.organization_id)
    return False


_COMPLAINT_FILED = "ComplaintFiled"
_COMPLAINT_DETAILS = frozenset({"complaint_id", "content", "filed_on"})
"""What the history may show of a complaint: what, not who."""
_BOARD_MEMBER_ELECTED = "BoardMemberElected"
_BOARD_OFFICE_DETAILS = frozenset({"person_id", "public_office", "retired_on"})


def organization_history_entry(entry: HistoryEntry, actor: Actor | None) -> HistoryEntry:
    """An organization's history entry as ``actor`` may see it.

    A complaint keeps only what was complained about, and is shown as filed by the
    public whoever sent it; a board election keeps the office status for the committee.
    """
    if entry.event == _COMPLAINT_FILED:
        return replace(
            entry, actor_user=PUBLIC_ACTOR.user, actor_role=PUBLIC_ACTOR.role.value,
            actor_scope=None,
            details={k: v for k, v in entry.details.items() if k in _COMPLAINT_DETAILS})
    if entry.event == _BOARD_MEMBER_ELECTED and not sees_board_office(actor):
        return replace(entry, details={k: v for k, v in entry.details.items()
                                       if k not in _BOARD_OFFICE_DETAILS})
    return entry


# --- staffing requests and the ledger ------------------------------------------------------
#
# Transfers, contracts (with their payments and acceptance findings) and performance
# reviews are public record (DESIGN.md §3.6): nothing of them is cut.  Staffing requests
# are internal to the committee and the requesting department; the ledger is read by
# finance and the committee, and by a department for its own contracts.


def staffing_visible_to(actor: Actor) -> str | None:
    """The department whose staffing requests ``actor`` is confined to; None for all
    (the committee).  Other roles are refused before this is asked."""
    return (actor.scope or "") if actor.role is Role.DEPARTMENT else None


def ledger_visible_to(actor: Actor) -> str | None:
    """The department whose part of the ledger ``actor`` is confined to; None for all
    (finance, the committee).  Other roles are refused before this is asked."""
    return (actor.scope or "") if actor.role is Role.DEPARTMENT else None
