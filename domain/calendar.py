"""Legal dates and periods, in China Standard Time.

China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact
and keeps these functions pure (they run inside Temporal workflow code too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")


def china_date(moment: datetime) -> date:
    """The calendar date in China at ``moment`` (which must be timezone-aware)."""
    return moment.astimezone(CHINA_TZ).date()


def start_of_day(day: date) -> datetime:
    """00:00 China time on ``day``, as an aware datetime in UTC."""
    return datetime.combine(day, time(0), CHINA_TZ).astimezone(UTC)


@dataclass(frozen=True)
class Period:
    """A period of whole calendar days: from ``starts_on`` to ``ends_on`` inclusive."""

    starts_on: date
    ends_on: date

    @property
    def closes_at(self) -> datetime:
        """The moment the period is over: midnight (China time) after its last day."""
        return start_of_day(self.ends_on + timedelta(days=1))


def period_after(moment: datetime, days: int) -> Period:
    """A period of ``days`` calendar days that starts the day after ``moment``.

    公示期 practice: an item published on 3 March with a 7-day period is publicised
    from 4 March to 10 March inclusive.
    """
    if days < 1:
        raise ValueError(f"a period needs at least one day, got {days}")
    first = china_date(moment) + timedelta(days=1)
    return Period(starts_on=first, ends_on=first + timedelta(days=days - 1))
