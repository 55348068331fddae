"""Contract reports: signed amounts, receivables, goods. What is asked (periods, dimensions,
date ranges) and what a row holds; the sums themselves are SQL in the adapters."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.common.errors import Violations
from services.contract.domain.approval import ContractKind

# A report covers at most this many days: its rows stay a readable size.
MAX_RANGE_DAYS = 366 * 10


class Period(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    MONTH = "MONTH"
    QUARTER = "QUARTER"
    YEAR = "YEAR"


class Dimension(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    KIND = "KIND"
    DEPARTMENT = "DEPARTMENT"
    OWNER = "OWNER"


def check_range(v: Violations, start: date | None, end: date | None) -> None:
    if start is None:
        v.add("start_date", "required")
    if end is None:
        v.add("end_date", "required")
    if start is not None and end is not None:
        if end < start:
            v.add("end_date", "must not be before the start date")
        elif (end - start).days > MAX_RANGE_DAYS:
            v.add("end_date", "a report covers at most ten years")


def check_period(v: Violations, period: Period) -> None:
    if period is Period.UNSPECIFIED:
        v.add("period", "required: PERIOD_MONTH, PERIOD_QUARTER or PERIOD_YEAR")


def check_dimensions(v: Violations, dimensions: list[Dimension]) -> None:
    for i, d in enumerate(dimensions):
        if d is Dimension.UNSPECIFIED:
            v.add(f"group_by[{i}]", "KIND, DEPARTMENT or OWNER")
        elif d in dimensions[:i]:
            v.add(f"group_by[{i}]", f"{d.name} is named twice")


def period_start(period: Period, year: int, month: int) -> date:
    """The first day of the period holding (year, month)."""
    if period is Period.YEAR:
        return date(year, 1, 1)
    if period is Period.QUARTER:
        return date(year, (month - 1) // 3 * 3 + 1, 1)
    return date(year, month, 1)


def period_label(period: Period, start: date) -> str:
    """`2026`, `2026-Q4` or `2026-11`."""
    if period is Period.YEAR:
        return f"{start.year}"
    if period is Period.QUARTER:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


@dataclass(frozen=True)
class SignedAmountRow:
    period_start: date
    kind: ContractKind | None
    department: str | None
    owner: str | None
    contract_count: int
    signed_amount: Decimal


@dataclass(frozen=True)
class ReceivablesRow:
    customer_id: str
    contract_count: int
    planned_amount: Decimal
    received_amount: Decimal
    overdue_amount: Decimal
    overdue_milestone_count: int
    # The due date of the oldest milestone still (partly) unpaid past it; None when none.
    oldest_overdue_due_date: date | None

    @property
    def outstanding_amount(self) -> Decimal:
        return self.planned_amount - self.received_amount

    def longest_overdue_days(self, as_of: date) -> int:
        if self.oldest_overdue_due_date is None:
            return 0
        return (as_of - self.oldest_overdue_due_date).days


@dataclass(frozen=True)
class GoodsRow:
    period_start: date
    display_name: str
    model: str
    unit: str
    contract_count: int
    quantity: Decimal
    amount: Decimal
