"""Deadlines (期限) counted in calendar days or working days (工作日), as an activity.

Working days follow China's official holiday schedule, adjusted working days (调休)
included, from the maintained ``chinese-calendar`` package — never a hand-written list.
The State Council publishes a year's schedule late in the year before, so a period may
reach into a year the package does not know yet: such days count Monday to Friday, and
the deadline says so (``schedule_known``) so that people can be told and check it.

A deadline is computed once, in an activity, and its result lives in the workflow's
history: replay never recomputes it, not even after the package learns a new year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar
from temporalio import activity

from domain.catalogue.item import DayBasis

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class DeadlinePolicy:
    """The deadline settings a catalogue item's workflow runs under (DESIGN.md §3.1–3.2).

    Travels in the workflow's input, so that a run keeps the settings it started with.
    """

    publicity_day_basis: DayBasis = DayBasis.CALENDAR
    referral_days: int = 15
    referral_day_basis: DayBasis = DayBasis.CALENDAR
    reminder_fraction: float = 0.8
    """The share of the opinion period after which the agency is reminded (即将到期)."""

    def __post_init__(self) -> None:
        if self.referral_days < 1:
            raise ValueError(f"referral_days must be at least 1, got {self.referral_days}")
        if not 0 < self.reminder_fraction < 1:
            raise ValueError(
                f"reminder_fraction must be between 0 and 1, got {self.reminder_fraction}"
            )


@dataclass(frozen=True)
class DeadlineRequest:
    """A period of ``days`` counted days after ``start`` (``start`` itself is not counted).

    An extension (延期) fixes the due date instead: with ``due_on`` given, the period
    runs from ``start`` to it and ``days`` is ignored.
    """

    start: date
    days: int
    basis: DayBasis
    reminder_fraction: float = 0.8
    due_on: date | None = None


@dataclass(frozen=True)
class Deadline:
    """A period's first counted day, its last (the due date) and the reminder date.

    The reminder is due at 00:00 on ``remind_on``, once ``reminder_fraction`` of the
    period's days have passed, and at least one day before the due date.
    """

    starts_on: date
    due_on: date
    remind_on: date
    schedule_known: bool = True
    """False when a day of the period lies in a year whose official holiday schedule the
    calendar package does not have yet: those days were counted Monday to Friday."""


def official_workday(day: date) -> bool | None:
    """Whether ``day`` is a working day by the official schedule; None if unpublished."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # the package raises this for years it has no data for
        return None


def deadline_for(request: DeadlineRequest) -> Deadline:
    """The deadline ``request`` asks for (pure but for the calendar package's data)."""
    counted: list[date] = []
    known = True
    day = request.start

    def more() -> bool:
        if request.due_on is not None:
            return day < request.due_on
        return len(counted) < max(request.days, 1)

    while more():
        day += ONE_DAY
        if request.basis is DayBasis.CALENDAR:
            counts = True
        else:
            official = official_workday(day)
            known = known and official is not None
            counts = official if official is not None else day.weekday() < 5
        if counts:
            counted.append(day)
    due_on = request.due_on if request.due_on is not None else counted[-1]
    return Deadline(
        starts_on=counted[0] if counted else due_on,
        due_on=due_on,
        remind_on=_remind_on(request.start, counted, due_on, request.reminder_fraction),
        schedule_known=known,
    )


def _remind_on(start: date, counted: list[date], due_on: date, fraction: float) -> date:
    # Rounded first: 0.7 * 10 is 7.000000000000001 in binary floating point.
    passed = math.ceil(round(len(counted) * fraction, 9))
    after = counted[passed - 1] if passed >= 1 else start
    return min(after + ONE_DAY, due_on - ONE_DAY)


@activity.defn
def compute_deadline(request: DeadlineRequest) -> Deadline:
    """期限计算: the due and reminder dates of a period, by the official calendar."""
    return deadline_for(request)
