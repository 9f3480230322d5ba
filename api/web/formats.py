"""How pages show dates and amounts to people: 2026年3月1日, 12,345.67 元."""

from __future__ import annotations

from datetime import date, datetime

from domain.calendar import CHINA_TZ


def zh_date(value: date | datetime | str | None) -> str:
    """``2026-03-01`` → ``2026年3月1日``; a moment is shown on its date in China."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.astimezone(CHINA_TZ).date()
    return f"{value.year}年{value.month}月{value.day}日"


def zh_datetime(value: datetime | None) -> str:
    """A moment in China time: ``2026年3月1日 09:05``."""
    if value is None:
        return "—"
    local = value.astimezone(CHINA_TZ)
    return f"{zh_date(local.date())} {local:%H:%M}"


def yuan(fen: int | None) -> str:
    """Fen as yuan with two decimals and thousands separators: ``1234567`` → ``12,345.67 元``."""
    if fen is None:
        return "—"
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d} 元"
