"""Mainland China working-day calendar (holidays and 调休) and working-day deadlines."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

__all__ = ["COMPANY_TZ", "add_working_days", "is_working_day"]

COMPANY_TZ = "Asia/Shanghai"

logger = logging.getLogger(__name__)

# Years already warned about, so a scan over many dates logs once per year, not per date.
_warned_years: set[int] = set()


def is_working_day(day: date) -> bool:
    """True on a mainland working day: weekdays minus public holidays, plus 调休 weekend days.

    Outside the years chinese_calendar has data for, falls back to Monday-Friday.
    """
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        # The State Council publishes each year's schedule only late in the year before;
        # until the library is upgraded, a plain week is the least surprising answer.
        if day.year not in _warned_years:
            _warned_years.add(day.year)
            logger.warning(
                "no holiday data for %d in chinese_calendar; assuming Monday-Friday workweek",
                day.year,
            )
        return day.weekday() < 5


def add_working_days(start: datetime, days: int, tz: str = COMPANY_TZ) -> datetime:
    """The instant `days` working days after `start`, at the same wall-clock time in `tz`.

    `start` must be timezone-aware; the result is in UTC. Zero days returns `start` itself
    (in UTC), even on a holiday.
    """
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("start must be a timezone-aware datetime")
    if days < 0:
        raise ValueError(f"days must be zero or more, got {days}")
    zone = ZoneInfo(tz)
    local = start.astimezone(zone)
    day = local.date()
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    # Rebuild from the wall-clock time so a DST change in `tz` keeps "10:00" at 10:00.
    return datetime.combine(day, local.time(), tzinfo=zone).astimezone(UTC)
