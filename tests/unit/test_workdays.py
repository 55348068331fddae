"""Tests for the mainland working-day calendar and working-day deadlines."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from services.common.workdays import add_working_days, is_working_day

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _sh(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 9, 24), True),  # Thursday
        (date(2026, 9, 25), False),  # Friday, Mid-Autumn Festival
        (date(2026, 10, 1), False),  # National Day
        (date(2026, 10, 7), False),  # last day of the National Day week
        (date(2026, 10, 8), True),
        (date(2026, 9, 20), True),  # Sunday worked in exchange for National Day (调休)
        (date(2026, 10, 10), True),  # Saturday worked in exchange for National Day
        (date(2026, 10, 11), False),  # ordinary Sunday
        (date(2026, 2, 14), True),  # Saturday worked for Spring Festival
        (date(2026, 2, 17), False),  # 春节 (New Year's Day of the lunar calendar)
        (date(2026, 2, 23), False),  # last day of the Spring Festival break, a Monday
        (date(2026, 2, 24), True),
        (date(2026, 2, 28), True),  # Saturday worked for Spring Festival
        (date(2026, 1, 4), True),  # Sunday worked for New Year's Day
    ],
)
def test_is_working_day_2026(day: date, working: bool) -> None:
    assert is_working_day(day) is working


def test_three_working_days_from_before_mid_autumn() -> None:
    # Thursday 2026-09-24 10:00: Fri 25 to Sun 27 are the Mid-Autumn break, so the
    # third working day is Wednesday 30th, still before National Day.
    due = add_working_days(_sh(2026, 9, 24, 10, 0), 3)
    assert due == _sh(2026, 9, 30, 10, 0)
    assert due.tzinfo is UTC
    assert due == datetime(2026, 9, 30, 2, 0, tzinfo=UTC)


def test_across_national_day() -> None:
    start = _sh(2026, 9, 30, 10, 0)
    assert add_working_days(start, 1) == _sh(2026, 10, 8, 10, 0)
    assert add_working_days(start, 2) == _sh(2026, 10, 9, 10, 0)
    # The third lands on the adjusted working Saturday.
    assert add_working_days(start, 3) == _sh(2026, 10, 10, 10, 0)
    assert add_working_days(start, 4) == _sh(2026, 10, 12, 10, 0)


def test_across_spring_festival() -> None:
    start = _sh(2026, 2, 13, 16, 30)  # Friday before the break
    assert add_working_days(start, 1) == _sh(2026, 2, 14, 16, 30)  # adjusted Saturday
    assert add_working_days(start, 2) == _sh(2026, 2, 24, 16, 30)  # Sun 15 - Mon 23 off
    assert add_working_days(start, 5) == _sh(2026, 2, 27, 16, 30)
    assert add_working_days(start, 6) == _sh(2026, 2, 28, 16, 30)  # adjusted Saturday


def test_adjusted_sunday_counts() -> None:
    assert add_working_days(_sh(2026, 9, 18, 9, 0), 1) == _sh(2026, 9, 20, 9, 0)


def test_start_converted_to_company_zone() -> None:
    # 2026-09-24 20:00 UTC is already Friday 04:00 in Shanghai, a holiday; the count starts
    # from the Shanghai date, not the UTC one.
    start = datetime(2026, 9, 24, 20, 0, tzinfo=UTC)
    assert add_working_days(start, 1) == _sh(2026, 9, 28, 4, 0)


def test_other_zone_keeps_its_wall_clock_across_dst() -> None:
    new_york = ZoneInfo("America/New_York")
    start = datetime(2026, 10, 30, 10, 0, tzinfo=new_york)  # Friday, EDT (UTC-4)
    due = add_working_days(start, 1, tz="America/New_York")
    # Summer time ends Sunday 1 Nov: Monday 10:00 is EST, so 15:00 UTC rather than 14:00.
    assert due == datetime(2026, 11, 2, 10, 0, tzinfo=new_york)
    assert due == datetime(2026, 11, 2, 15, 0, tzinfo=UTC)


def test_zero_days_returns_start_in_utc() -> None:
    start = _sh(2026, 10, 3, 11, 0)
    due = add_working_days(start, 0)
    assert due == start
    assert due.tzinfo is UTC


def test_rejects_naive_and_negative() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        add_working_days(datetime(2026, 9, 24, 10, 0), 1)
    with pytest.raises(ValueError, match="zero or more"):
        add_working_days(_sh(2026, 9, 24, 10, 0), -1)


def test_fallback_outside_library_range(caplog: pytest.LogCaptureFixture) -> None:
    # Years far outside any chinese_calendar release: 2003 precedes its data, 2099 follows.
    with caplog.at_level(logging.WARNING, logger="services.common.workdays"):
        assert is_working_day(date(2099, 1, 1)) is True  # Thursday; holiday unknown
        assert is_working_day(date(2099, 1, 3)) is False  # Saturday
        assert is_working_day(date(2099, 1, 5)) is True
        assert is_working_day(date(2003, 10, 1)) is True  # Wednesday
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert "2099" in warnings[0]
    assert "2003" in warnings[1]


def test_add_working_days_in_fallback_years() -> None:
    # Friday 2098-01-03: the fallback skips the weekend and nothing else.
    start = _sh(2098, 1, 3, 10, 0)
    assert add_working_days(start, 1) == _sh(2098, 1, 6, 10, 0)
    assert add_working_days(start, 5) == _sh(2098, 1, 10, 10, 0)
