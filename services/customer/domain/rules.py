"""Business rules with their thresholds: grading, credit rating, maintenance plans, deadlines."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from services.common.workdays import add_working_days


class Grade(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    NORMAL = "NORMAL"  # 普通客户
    KEY = "KEY"  # 重点客户
    STRATEGIC = "STRATEGIC"  # 战略客户


class CreditRating(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    A = "A"
    B = "B"
    C = "C"


class FollowUpKind(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    VISIT = "VISIT"
    PHONE = "PHONE"


class TicketPriority(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    URGENT = "URGENT"  # 紧急需求
    IMPORTANT = "IMPORTANT"  # 重要需求
    ROUTINE = "ROUTINE"  # 常规需求


class SurveyBand(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    UNSATISFIED = "UNSATISFIED"
    SATISFIED = "SATISFIED"
    VERY_SATISFIED = "VERY_SATISFIED"


@dataclass(frozen=True)
class Thresholds:
    """The domain's defaults; each is configuration (see CustomerSettings)."""

    strategic_amount: Decimal = Decimal(500_000)
    key_amount: Decimal = Decimal(100_000)
    rating_b_max_overdue_days: int = 30
    long_term_years: int = 2
    urgent_response_hours: int = 24
    important_response_hours: int = 48
    routine_response_working_days: int = 3
    very_satisfied_from: Decimal = Decimal("4.5")
    satisfied_from: Decimal = Decimal("3.5")
    unsatisfied_response_hours: int = 48


def grade_for(annual_amount: Decimal, t: Thresholds) -> Grade:
    if annual_amount >= t.strategic_amount:
        return Grade.STRATEGIC
    if annual_amount >= t.key_amount:
        return Grade.KEY
    return Grade.NORMAL


def credit_rating_for(longest_overdue_days: int, t: Thresholds) -> CreditRating:
    if longest_overdue_days <= 0:
        return CreditRating.A
    if longest_overdue_days <= t.rating_b_max_overdue_days:
        return CreditRating.B
    return CreditRating.C


def is_long_term(cooperation_start: date | None, today: date, t: Thresholds) -> bool:
    if cooperation_start is None:
        return False
    if cooperation_start.year + t.long_term_years > date.max.year:
        return False  # the anniversary is past year 9999: not a date, and surely not yet
    try:
        anniversary = cooperation_start.replace(year=cooperation_start.year + t.long_term_years)
    except ValueError:  # 29 February
        anniversary = cooperation_start.replace(
            year=cooperation_start.year + t.long_term_years, day=28
        )
    return today >= anniversary


# 维护计划: follow-up kind -> months between follow-ups, by grade.
MAINTENANCE_PLAN: dict[Grade, dict[FollowUpKind, int]] = {
    Grade.STRATEGIC: {FollowUpKind.VISIT: 3, FollowUpKind.PHONE: 1},
    Grade.KEY: {FollowUpKind.VISIT: 6, FollowUpKind.PHONE: 3},
    Grade.NORMAL: {FollowUpKind.PHONE: 12},
    Grade.UNSPECIFIED: {},
}


def add_months(day: date, months: int) -> date:
    """Same day of month `months` later, clamped to the month's last day (31 Jan -> 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def response_deadline(
    priority: TicketPriority, opened: datetime, t: Thresholds, tz: str
) -> datetime:
    if priority is TicketPriority.URGENT:
        return opened + timedelta(hours=t.urgent_response_hours)
    if priority is TicketPriority.IMPORTANT:
        return opened + timedelta(hours=t.important_response_hours)
    return add_working_days(opened, t.routine_response_working_days, tz)


def survey_band(average: Decimal, t: Thresholds) -> SurveyBand:
    if average >= t.very_satisfied_from:
        return SurveyBand.VERY_SATISFIED
    if average >= t.satisfied_from:
        return SurveyBand.SATISFIED
    return SurveyBand.UNSATISFIED
