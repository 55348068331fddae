"""What raises an alert, when, and under which key: the rules' thresholds and the day and
working-day arithmetic the scans parameterize their queries with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.common.workdays import is_working_day

# Alert kinds, as stored and as the RPC shows them.
CONTRACT_EXPIRY = "CONTRACT_EXPIRY"
PAYMENT_DUE = "PAYMENT_DUE"
PAYMENT_OVERDUE = "PAYMENT_OVERDUE"
PAYMENT_OVERDUE_ESCALATED = "PAYMENT_OVERDUE_ESCALATED"
APPROVAL_WAITING = "APPROVAL_WAITING"
APPROVAL_ESCALATED = "APPROVAL_ESCALATED"
DELIVERY_DUE = "DELIVERY_DUE"
ACCEPTANCE_DUE = "ACCEPTANCE_DUE"
CALLBACK_LATE = "CALLBACK_LATE"
CALLBACK_EXPIRED = "CALLBACK_EXPIRED"
TICKET_RESPONSE_LATE = "TICKET_RESPONSE_LATE"
SURVEY_UNSATISFIED = "SURVEY_UNSATISFIED"
SURVEY_RESPONSE_LATE = "SURVEY_RESPONSE_LATE"
FOLLOW_UP_DUE = "FOLLOW_UP_DUE"

KINDS = (
    CONTRACT_EXPIRY,
    PAYMENT_DUE,
    PAYMENT_OVERDUE,
    PAYMENT_OVERDUE_ESCALATED,
    APPROVAL_WAITING,
    APPROVAL_ESCALATED,
    DELIVERY_DUE,
    ACCEPTANCE_DUE,
    CALLBACK_LATE,
    CALLBACK_EXPIRED,
    TICKET_RESPONSE_LATE,
    SURVEY_UNSATISFIED,
    SURVEY_RESPONSE_LATE,
    FOLLOW_UP_DUE,
)

# The group every supervisor is in: who hears about unanswered surveys and callbacks whose
# agent has no supervisor in the directory.
SUPERVISORS = "supervisor"
FINANCE = "finance"


@dataclass(frozen=True)
class Window:
    """Days-before range that raises one threshold: `low < days_left <= high`."""

    threshold: int
    low: int
    high: int


def windows(thresholds: tuple[int, ...]) -> list[Window]:
    """Each threshold covers the days down to the next smaller one, the smallest down to the
    due day itself: a scan that missed a day (beat down, deploy) still raises the reminder
    it missed, once, instead of skipping it."""
    ordered = sorted(set(thresholds), reverse=True)
    if not ordered or ordered[-1] < 0:
        raise ValueError("thresholds must be non-negative days and at least one")
    lows = [*ordered[1:], -1]
    return [Window(t, low, t) for t, low in zip(ordered, lows, strict=True)]


def threshold_for(days_left: int, thresholds: tuple[int, ...]) -> int | None:
    """The reminder due when `days_left` days remain (None: none is). The scans compute the
    same in SQL; this is the rule stated once, for tests and readers."""
    for w in windows(thresholds):
        if w.low < days_left <= w.high:
            return w.threshold
    return None


def overdue_week(days_overdue: int) -> int | None:
    """The weekly overdue reminder's key: 0 on days 1-7 (raised on the first day overdue),
    1 on days 8-14, ... None while not overdue."""
    if days_overdue < 1:
        return None
    return (days_overdue - 1) // 7


@dataclass(frozen=True)
class AlertRules:
    """Thresholds of every rule (from settings) and the company's time zone."""

    expiry_days: tuple[int, ...] = (30, 15, 7, 1)
    payment_due_days: tuple[int, ...] = (7, 3, 1)
    # Overdue payments: weekly to the owner and finance; after this many days also to the
    # owner's supervisor.
    overdue_escalation_days: int = 30
    # Approvals: working days a step may wait before its approver is reminded, and before
    # the approver's supervisor is.
    approval_wait_working_days: int = 2
    approval_escalation_working_days: int = 4
    milestone_due_days: tuple[int, ...] = (7, 1)
    timezone: str = "Asia/Shanghai"

    def __post_init__(self) -> None:
        for days in (self.expiry_days, self.payment_due_days, self.milestone_due_days):
            windows(days)
        if self.overdue_escalation_days < 1:
            raise ValueError("overdue_escalation_days must be at least 1")
        if not 0 < self.approval_wait_working_days <= self.approval_escalation_working_days:
            raise ValueError("approval waits: 0 < reminder <= escalation (working days)")

    def today(self, as_of: datetime) -> date:
        """The company's calendar day at `as_of`."""
        if as_of.tzinfo is None:
            raise ValueError("as_of must be timezone-aware")
        return as_of.astimezone(ZoneInfo(self.timezone)).date()

    def waited_since_cutoff(self, as_of: datetime, working_days: int) -> datetime:
        """The latest start of a wait that has lasted `working_days` full working days by
        `as_of`: a step waiting since then or earlier is due a reminder. Weekends and public
        holidays do not count; 调休 working weekends do. A wait that started on a non-working
        day counts from the next working day's start."""
        zone = ZoneInfo(self.timezone)
        local = as_of.astimezone(zone)
        day = local.date()
        counted = 0
        cutoff_day = day
        while counted < working_days:
            cutoff_day -= timedelta(days=1)
            if is_working_day(cutoff_day):
                counted += 1
        if is_working_day(day):
            # Same wall-clock time `working_days` working days earlier.
            return datetime.combine(cutoff_day, local.time(), tzinfo=zone).astimezone(UTC)
        # On a day off the last working day ended at midnight: whole days count from there.
        return datetime.combine(cutoff_day, time(0), tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True)
class RetryPolicy:
    """Deliveries: exponential backoff with jitter, up to a number of attempts."""

    max_attempts: int = 6
    base_seconds: float = 30.0
    max_seconds: float = 3600.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.base_seconds <= 0 or self.max_seconds < self.base_seconds:
            raise ValueError("retry policy: max_attempts >= 1, 0 < base_seconds <= max_seconds")

    def delay(self, attempts_made: int, rand: float) -> timedelta:
        """How long to wait after the `attempts_made`-th failure. `rand` in [0, 1) spreads
        retries over the upper half of the window ("equal jitter"), so a channel that comes
        back is not hit by every waiting delivery at once."""
        window = min(self.max_seconds, self.base_seconds * 2 ** max(attempts_made - 1, 0))
        return timedelta(seconds=window / 2 + window / 2 * rand)

    def gives_up_after(self, attempts_made: int) -> bool:
        return attempts_made >= self.max_attempts
