"""Grades 1A–5A: the cut-offs that turn a score into a grade, and a grade's validity.

民政部令第39号 and the rules in force since 2026-03-01 (DESIGN.md §3.3): a 1000-point
scale; the cut-offs are settings; a confirmed grade is valid from 1 January of the next
year to 31 December of the fifth year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

MAX_SCORE = 1000
VALIDITY_YEARS = 5
LOWEST_LEVEL = 1
HIGHEST_LEVEL = 5


def grade_label(level: int) -> str:
    """``3`` → ``3A``."""
    return f"{level}A"


@dataclass(frozen=True)
class GradeCutoffs:
    """The lowest total of each grade from 5A down to 2A; anything lower is 1A."""

    five_a: int = 900
    four_a: int = 800
    three_a: int = 700
    two_a: int = 600

    def __post_init__(self) -> None:
        ordered = (self.five_a, self.four_a, self.three_a, self.two_a)
        if not MAX_SCORE >= ordered[0] > ordered[1] > ordered[2] > ordered[3] > 0:
            raise ValueError(
                f"grade cut-offs must fall from 5A to 2A within 1..{MAX_SCORE}, got {ordered}"
            )

    def level_for(self, total: int) -> int:
        """The grade a total of ``total`` points earns."""
        for level, lowest in ((5, self.five_a), (4, self.four_a), (3, self.three_a),
                              (2, self.two_a)):
            if total >= lowest:
                return level
        return LOWEST_LEVEL


def validity_for(confirmed_on: date) -> tuple[date, date]:
    """A grade confirmed on ``confirmed_on`` is valid from 1 January of the next year to
    31 December of the fifth year."""
    first = confirmed_on.year + 1
    return date(first, 1, 1), date(first + VALIDITY_YEARS - 1, 12, 31)
