"""Bars from poor performance reviews (绩效评价为差): no new award for a while."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class PerformanceBar:
    """A bar from a poor performance review (绩效评价): no award up to ``until`` inclusive."""

    until: date
    reason: str
