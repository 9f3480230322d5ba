"""When the ``quarterly-reporting`` schedule opens the reports: the setting
``GOVFLOW_REPORTING_CALENDAR``, China time (Asia/Shanghai).

Format: one month-day per quarter, separated by commas, then a space and the time of day:

    01-01,04-01,07-01,10-01 01:00      (the default: 01:00 on the first day after each quarter)
    01-02,04-02,07-02,10-02 08:30      (08:30 on the second day)

Each run reports the quarter that ended before it, so every quarter needs exactly one
date (a quarter without one would never be reported).  Plain standard library: the
settings validate with it, the schedule is built from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

DEFAULT_REPORTING_CALENDAR = "01-01,04-01,07-01,10-01 01:00"

_FORMAT = re.compile(
    r"^(?P<dates>\d{2}-\d{2}(?:\s*,\s*\d{2}-\d{2})*)\s+(?P<hour>\d{2}):(?P<minute>\d{2})$")
_EXAMPLE = f"expected one MM-DD per quarter and a time of day, e.g. {DEFAULT_REPORTING_CALENDAR!r}"


@dataclass(frozen=True)
class ReportingCalendar:
    """The days (month, day) and the time of day, China time, of the reporting runs."""

    dates: tuple[tuple[int, int], ...]
    hour: int
    minute: int

    @classmethod
    def parse(cls, text: str) -> ReportingCalendar:
        """The calendar ``text`` describes; ``ValueError`` saying what is wrong otherwise."""
        match = _FORMAT.match(text.strip())
        if match is None:
            raise ValueError(f"reporting calendar {text!r} is malformed: {_EXAMPLE}")
        hour, minute = int(match.group("hour")), int(match.group("minute"))
        if hour > 23 or minute > 59:
            raise ValueError(
                f"reporting calendar {text!r}: {hour:02d}:{minute:02d} is not a time of day")
        dates = tuple(_month_day(part.strip(), text) for part in match.group("dates").split(","))
        quarters = sorted((month - 1) // 3 + 1 for month, _ in dates)
        if quarters != [1, 2, 3, 4]:
            raise ValueError(
                f"reporting calendar {text!r} needs exactly one date in each quarter "
                f"(Jan–Mar, Apr–Jun, Jul–Sep, Oct–Dec); it has dates in quarters "
                f"{quarters}: {_EXAMPLE}")
        return cls(dates=tuple(sorted(dates)), hour=hour, minute=minute)

    def __str__(self) -> str:
        days = ",".join(f"{month:02d}-{day:02d}" for month, day in self.dates)
        return f"{days} {self.hour:02d}:{self.minute:02d}"


def _month_day(part: str, text: str) -> tuple[int, int]:
    month, day = (int(n) for n in part.split("-"))
    try:
        # A common year: 02-29 would skip three years in four.
        date(2027, month, day)
    except ValueError:
        raise ValueError(
            f"reporting calendar {text!r}: {part} is not a day of every year (MM-DD)") from None
    return month, day
