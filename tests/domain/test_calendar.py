"""Legal periods in China time."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.calendar import period_after


def test_period_after_publish_in_the_evening_china_time_starts_next_china_day() -> None:
    # 17:00 UTC on 3 March is 01:00 on 4 March in China.
    period = period_after(datetime(2027, 3, 3, 17, 0, tzinfo=UTC), 7)

    assert (period.starts_on, period.ends_on) == (date(2027, 3, 5), date(2027, 3, 11))


def test_period_closes_at_midnight_china_time_after_last_day() -> None:
    period = period_after(datetime(2027, 3, 3, 2, 0, tzinfo=UTC), 7)

    assert period.ends_on == date(2027, 3, 10)
    assert period.closes_at == datetime(2027, 3, 10, 16, 0, tzinfo=UTC)
