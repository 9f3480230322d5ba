"""Deadlines in calendar and working days (工作日), by the official holiday schedule (调休 too)."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from temporalio.testing import ActivityEnvironment

from domain.catalogue.item import DayBasis
from workflows.deadlines import Deadline, DeadlinePolicy, DeadlineRequest, compute_deadline


def _compute(request: DeadlineRequest) -> Deadline:
    """As the worker runs it: the activity, in an activity context."""
    result: Deadline = ActivityEnvironment().run(compute_deadline, request)
    return result


def test_compute_deadline_over_national_day_2025_skips_holidays_counts_adjusted_workdays() -> None:
    # 国庆、中秋 2025: 10-01..10-08 off; Sunday 09-28 and Saturday 10-11 are working days.
    assert chinese_calendar.is_workday(date(2025, 9, 28))
    assert chinese_calendar.is_workday(date(2025, 10, 11))
    assert not chinese_calendar.is_workday(date(2025, 10, 6))  # a Monday, 中秋节

    deadline = _compute(DeadlineRequest(
        start=date(2025, 9, 26), days=15, basis=DayBasis.WORKING, reminder_fraction=0.8,
    ))

    # 09-28, 09-29, 09-30, 10-09, 10-10, 10-11, 10-13 … 10-17, 10-20 … 10-23: fifteen.
    assert deadline == Deadline(
        starts_on=date(2025, 9, 28), due_on=date(2025, 10, 23),
        remind_on=date(2025, 10, 21),  # the day after the 12th working day (10-20)
        schedule_known=True,
    )


def test_compute_deadline_over_spring_festival_2025_counts_adjusted_saturday() -> None:
    # 春节 2025: 01-28..02-04 off; Sunday 01-26 and Saturday 02-08 are working days.
    deadline = _compute(DeadlineRequest(
        start=date(2025, 1, 24), days=5, basis=DayBasis.WORKING, reminder_fraction=0.8,
    ))

    # 01-26, 01-27, 02-05, 02-06, 02-07: the holiday weekdays do not count.
    assert (deadline.starts_on, deadline.due_on) == (date(2025, 1, 26), date(2025, 2, 7))
    # After the 4th working day (02-06) would be the due date itself: one day earlier.
    assert deadline.remind_on == date(2025, 2, 6)
    later = _compute(DeadlineRequest(
        start=date(2025, 1, 24), days=6, basis=DayBasis.WORKING, reminder_fraction=0.8,
    ))
    assert later.due_on == date(2025, 2, 8)  # the adjusted Saturday counts


def test_compute_deadline_calendar_days_reminds_after_eighty_percent() -> None:
    deadline = _compute(DeadlineRequest(
        start=date(2027, 3, 20), days=15, basis=DayBasis.CALENDAR, reminder_fraction=0.8,
    ))

    assert deadline == Deadline(
        starts_on=date(2027, 3, 21), due_on=date(2027, 4, 4), remind_on=date(2027, 4, 2),
        schedule_known=True,  # calendar days need no holiday schedule
    )


def test_compute_deadline_year_without_published_schedule_falls_back_to_weekdays() -> None:
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2099, 1, 1))  # no schedule for 2099

    deadline = _compute(DeadlineRequest(
        start=date(2099, 6, 5), days=10, basis=DayBasis.WORKING, reminder_fraction=0.8,
    ))

    # 2099-06-05 is a Friday: ten weekdays are 06-08 … 06-12 and 06-15 … 06-19.
    assert (deadline.starts_on, deadline.due_on) == (date(2099, 6, 8), date(2099, 6, 19))
    assert deadline.remind_on == date(2099, 6, 18)
    assert deadline.schedule_known is False


def test_compute_deadline_running_into_unknown_year_says_schedule_unknown() -> None:
    last_known = max(chinese_calendar.holidays).year
    start = date(last_known, 12, 20)

    deadline = _compute(DeadlineRequest(
        start=start, days=15, basis=DayBasis.WORKING, reminder_fraction=0.8,
    ))
    within = _compute(DeadlineRequest(
        start=start, days=5, basis=DayBasis.WORKING, reminder_fraction=0.8,
    ))

    assert deadline.due_on.year == last_known + 1
    assert deadline.schedule_known is False
    assert within.due_on.year == last_known
    assert within.schedule_known is True


@pytest.mark.parametrize("days", [1, 2, 3])
def test_compute_deadline_short_period_reminds_at_least_a_day_before_due(days: int) -> None:
    start = date(2027, 3, 20)

    deadline = _compute(DeadlineRequest(
        start=start, days=days, basis=DayBasis.CALENDAR, reminder_fraction=0.8,
    ))

    assert deadline.due_on == start + timedelta(days=days)
    assert deadline.remind_on == deadline.due_on - timedelta(days=1)


def test_compute_deadline_fixed_due_date_reminds_within_new_period() -> None:
    # An extension on 2025-09-26 to 2025-10-17 (working days): the new period is the
    # eleven working days 09-28 … 10-17; the reminder comes after nine (ceil 8.8) of them.
    deadline = _compute(DeadlineRequest(
        start=date(2025, 9, 26), days=0, basis=DayBasis.WORKING, reminder_fraction=0.8,
        due_on=date(2025, 10, 17),
    ))

    assert deadline.due_on == date(2025, 10, 17)
    assert deadline.remind_on == date(2025, 10, 16)  # the day after 10-15, the 9th


def test_deadline_policy_out_of_range_refused() -> None:
    with pytest.raises(ValueError, match="reminder_fraction"):
        DeadlinePolicy(reminder_fraction=1.0)
    with pytest.raises(ValueError, match="referral_days"):
        DeadlinePolicy(referral_days=0)
