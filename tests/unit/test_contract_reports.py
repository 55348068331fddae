"""The report definitions on their own: periods, labels, ranges, receivables arithmetic."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.common.errors import Violations
from services.contract.domain.reports import (
    Dimension,
    Period,
    ReceivablesRow,
    check_dimensions,
    check_period,
    check_range,
    period_label,
    period_start,
)


@pytest.mark.parametrize(
    ("period", "month", "start", "label"),
    [
        (Period.MONTH, 11, date(2026, 11, 1), "2026-11"),
        (Period.QUARTER, 11, date(2026, 10, 1), "2026-Q4"),
        (Period.QUARTER, 3, date(2026, 1, 1), "2026-Q1"),
        (Period.QUARTER, 4, date(2026, 4, 1), "2026-Q2"),
        (Period.YEAR, 11, date(2026, 1, 1), "2026"),
    ],
)
def test_periods(period: Period, month: int, start: date, label: str) -> None:
    assert period_start(period, 2026, month) == start
    assert period_label(period, start) == label


def test_what_is_asked_is_checked_field_by_field() -> None:
    v = Violations()
    check_period(v, Period.UNSPECIFIED)
    check_range(v, date(2026, 2, 1), date(2026, 1, 31))
    check_dimensions(v, [Dimension.OWNER, Dimension.OWNER, Dimension.UNSPECIFIED])
    assert [i.field for i in v.items] == ["period", "end_date", "group_by[1]", "group_by[2]"]
    ok = Violations()
    check_period(ok, Period.MONTH)
    check_range(ok, date(2026, 1, 1), date(2026, 1, 1))
    check_dimensions(ok, [Dimension.KIND, Dimension.DEPARTMENT])
    assert ok.items == []


def test_outstanding_and_longest_overdue() -> None:
    row = ReceivablesRow("c" * 32, 1, Decimal(100), Decimal(30), Decimal(70), 1, date(2026, 3, 1))
    assert row.outstanding_amount == Decimal(70)
    assert row.longest_overdue_days(date(2026, 3, 31)) == 30
    none = ReceivablesRow("c" * 32, 1, Decimal(100), Decimal(100), Decimal(0), 0, None)
    assert none.longest_overdue_days(date(2026, 3, 31)) == 0
