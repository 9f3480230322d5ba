"""The reporting schedule's calendar (GOVFLOW_REPORTING_CALENDAR): what it accepts, and the
nonsense it refuses with a message that says what would be right."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from govflow.settings import Settings
from workflows.reporting_calendar import DEFAULT_REPORTING_CALENDAR, ReportingCalendar


def test_default_calendar_is_01_00_on_the_first_day_after_each_quarter() -> None:
    calendar = ReportingCalendar.parse(DEFAULT_REPORTING_CALENDAR)

    assert calendar == ReportingCalendar(dates=((1, 1), (4, 1), (7, 1), (10, 1)), hour=1,
                                         minute=0)
    assert Settings().reporting_calendar == "01-01,04-01,07-01,10-01 01:00"
    assert Settings().report_due_days == 15


def test_calendar_in_any_order_and_spacing_is_normalised() -> None:
    settings = Settings(reporting_calendar=" 10-02 , 07-02,04-02,01-02   08:30 ")

    assert settings.reporting_calendar == "01-02,04-02,07-02,10-02 08:30"


def test_calendar_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVFLOW_REPORTING_CALENDAR", "01-03,04-03,07-03,10-03 09:00")
    monkeypatch.setenv("GOVFLOW_REPORT_DUE_DAYS", "20")

    settings = Settings()

    assert (settings.reporting_calendar, settings.report_due_days) == (
        "01-03,04-03,07-03,10-03 09:00", 20)


@pytest.mark.parametrize(("text", "says"), [
    ("quarterly", "is malformed: expected one MM-DD per quarter and a time of day"),
    ("01-01,04-01,07-01,10-01", "is malformed"),
    ("01-01,04-01,07-01 01:00", "needs exactly one date in each quarter"),
    ("01-01,02-01,07-01,10-01 01:00", "it has dates in quarters [1, 1, 3, 4]"),
    ("01-01,04-01,07-01,10-01,12-01 01:00", "needs exactly one date in each quarter"),
    ("01-01,04-31,07-01,10-01 01:00", "04-31 is not a day of every year"),
    ("02-29,04-01,07-01,10-01 01:00", "02-29 is not a day of every year"),
    ("13-01,04-01,07-01,10-01 01:00", "13-01 is not a day of every year"),
    ("01-01,04-01,07-01,10-01 24:00", "24:00 is not a time of day"),
    ("01-01,04-01,07-01,10-01 01:60", "01:60 is not a time of day"),
])
def test_nonsense_calendar_is_refused_saying_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(ValueError, match="reporting calendar") as parsed:
        ReportingCalendar.parse(text)
    assert says in str(parsed.value)

    with pytest.raises(ValidationError) as configured:
        Settings(reporting_calendar=text)
    assert says in str(configured.value)


@pytest.mark.parametrize("days", [0, 91])
def test_due_days_out_of_range_are_refused(days: int) -> None:
    with pytest.raises(ValidationError, match="report_due_days"):
        Settings(report_due_days=days)
