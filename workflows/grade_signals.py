"""What a grade change tells the live cases of an organization (降级、撤销 → 在办事项).

A downgrade or a revocation of an organization's grade is signalled, as
``grade_changed`` with a :class:`GradeChanged`, to every live workflow of that
organization: its grade evaluation (which stops waiting for the expiry of a revoked
grade) and, from the transfer and purchase stages on, every live transfer and purchase
contract, which then review whether the organization may go on (DESIGN.md §3.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

GRADE_CHANGED_SIGNAL = "grade_changed"
DOWNGRADED = "降级"
REVOKED = "撤销"
"""The changes a ``grade_changed`` signal carries (``GradeChanged.change``)."""


@dataclass(frozen=True)
class GradeChanged:
    """降级 or 撤销 of the grade ``evaluation_id`` awarded ``organization_id``."""

    organization_id: UUID
    evaluation_id: UUID
    change: str
    """``降级`` or ``撤销``."""
    from_level: int
    to_level: int | None
    """The grade after a downgrade; None once revoked."""
    reason: str
    decided_on: date
    command_id: str


def grade_evaluation_workflow_id(evaluation_id: UUID) -> str:
    """The id of the grade-evaluation workflow of ``evaluation_id``."""
    return f"grade-evaluation:{evaluation_id}"
