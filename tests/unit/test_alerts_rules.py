"""The alert rules in pure Python: threshold windows, overdue weeks, the company's day and
working-day waits, and the delivery backoff."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services.alerts.domain.rules import (
    AlertRules,
    RetryPolicy,
    Window,
    overdue_week,
    threshold_for,
    windows,
)
from services.alerts.domain.watched import approval_key


def test_each_threshold_covers_the_days_down_to_the_next_one() -> None:
    assert windows((30, 15, 7, 1)) == [
        Window(30, 15, 30),
        Window(15, 7, 15),
        Window(7, 1, 7),
        Window(1, -1, 1),
    ]


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [(31, None), (30, 30), (16, 30), (15, 15), (8, 15), (7, 7), (2, 7), (1, 1), (0, 1), (-1, None)],
)
def test_expiry_reminder_for_days_left(days_left: int, expected: int | None) -> None:
    assert threshold_for(days_left, (30, 15, 7, 1)) == expected


def test_thresholds_given_in_any_order_give_the_same_windows() -> None:
    assert windows((1, 7, 3)) == windows((7, 3, 1))


def test_bad_thresholds_are_refused() -> None:
    with pytest.raises(ValueError):
        windows(())
    with pytest.raises(ValueError):
        AlertRules(expiry_days=(30, -1))
    with pytest.raises(ValueError):
        AlertRules(approval_wait_working_days=5, approval_escalation_working_days=3)


@pytest.mark.parametrize(
    ("days_overdue", "week"), [(0, None), (-3, None), (1, 0), (7, 0), (8, 1), (14, 1), (15, 2)]
)
def test_overdue_reminders_are_keyed_by_week_from_the_first_day(
    days_overdue: int, week: int | None
) -> None:
    assert overdue_week(days_overdue) == week


def test_the_day_is_the_company_day_not_utc() -> None:
    rules = AlertRules()
    # 2026-03-01 17:00 UTC is already 2 March in Shanghai.
    assert rules.today(datetime(2026, 3, 1, 17, 0, tzinfo=UTC)) == date(2026, 3, 2)
    assert rules.today(datetime(2026, 3, 1, 15, 59, tzinfo=UTC)) == date(2026, 3, 1)
    assert AlertRules(timezone="UTC").today(datetime(2026, 3, 1, 17, 0, tzinfo=UTC)) == date(
        2026, 3, 1
    )
    with pytest.raises(ValueError):
        rules.today(datetime(2026, 3, 1, 17, 0))


def _sh(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - timedelta(hours=8)


def test_a_wait_of_two_working_days_skips_the_weekend() -> None:
    rules = AlertRules()
    # Monday 2026-11-23 10:00 Shanghai: two working days back is Thursday 10:00.
    assert rules.waited_since_cutoff(_sh(date(2026, 11, 23), 10), 2) == _sh(date(2026, 11, 19), 10)
    # Wednesday 10:00: Monday 10:00.
    assert rules.waited_since_cutoff(_sh(date(2026, 11, 25), 10), 2) == _sh(date(2026, 11, 23), 10)


def test_a_wait_counts_no_working_days_over_national_day_but_counts_the_makeup_saturday() -> None:
    rules = AlertRules()
    # Thursday 8 October 2026, 10:00, the first working day after the holiday (1-7 Oct):
    # one working day back is Wednesday 30 September, 10:00.
    assert rules.waited_since_cutoff(_sh(date(2026, 10, 8), 10), 1) == _sh(date(2026, 9, 30), 10)
    # Saturday 10 October is a 调休 working day: one working day back is Friday 9 October.
    assert rules.waited_since_cutoff(_sh(date(2026, 10, 10), 10), 1) == _sh(date(2026, 10, 9), 10)


def test_on_a_day_off_whole_working_days_count_to_midnight() -> None:
    rules = AlertRules()
    # Saturday 28 November: the last two working days are Thursday and Friday, whole.
    saturday = _sh(date(2026, 11, 28), 15)
    assert rules.waited_since_cutoff(saturday, 2) == _sh(date(2026, 11, 26), 0)


def test_backoff_doubles_with_jitter_in_the_upper_half_and_is_capped() -> None:
    policy = RetryPolicy(max_attempts=5, base_seconds=30, max_seconds=200)
    assert policy.delay(1, 0.0) == timedelta(seconds=15)
    assert policy.delay(1, 0.999) < timedelta(seconds=30)
    assert policy.delay(2, 0.0) == timedelta(seconds=30)
    assert policy.delay(3, 1.0) == timedelta(seconds=120)
    assert policy.delay(10, 1.0) == timedelta(seconds=200)  # capped
    assert not policy.gives_up_after(4)
    assert policy.gives_up_after(5)


def test_a_resubmitted_contract_waits_under_a_new_key() -> None:
    assert approval_key(1, 0) != approval_key(2, 0)
    assert approval_key(1, 1) != approval_key(1, 0)
