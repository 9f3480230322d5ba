"""Reporting periods: calendar quarters (季度) in China time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from domain.reporting.errors import InvalidQuarterError

KEY_PATTERN = re.compile(r"^(?P<year>\d{4})Q(?P<number>[1-4])$")


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter: ``Quarter(2026, 3)`` is 2026年第3季度 (1 July – 30 September)."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise InvalidQuarterError(
                f"季度应为 1 至 4，收到 {self.number}", field="quarter")
        if not 2000 <= self.year <= 2100:
            raise InvalidQuarterError(
                f"年度应在 2000 至 2100 之间，收到 {self.year}", field="year")

    @classmethod
    def of(cls, day: date) -> Quarter:
        """The quarter ``day`` falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def ended_before(cls, day: date) -> Quarter:
        """The last quarter that ended before ``day`` (on 1 January: the year's fourth)."""
        return cls.of(day).previous()

    @classmethod
    def parse(cls, key: str) -> Quarter:
        """``2026Q3`` → ``Quarter(2026, 3)``."""
        match = KEY_PATTERN.match(key.strip())
        if match is None:
            raise InvalidQuarterError(
                f"季度「{key}」的格式不对；应写作 年份Q季度，如 2026Q3", field="quarter")
        return cls(int(match.group("year")), int(match.group("number")))

    @property
    def key(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def label(self) -> str:
        return f"{self.year}年第{self.number}季度"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def next(self) -> Quarter:
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)

    def contains(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day
