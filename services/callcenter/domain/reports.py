"""Report definitions (报表): the period in the company's days, and the figures derived from
what the database aggregates. Pure Python: the sums come in, the rates and the folding of
UTC time buckets into local hours and days happen here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import phonenumbers
from phonenumbers import geocoder

from services.callcenter.domain.model import AgentState, AgentStatus, CallbackTask, SalesResult
from services.common.errors import Violations

MAX_PERIOD_DAYS = 366
DEFAULT_SERVICE_LEVEL_SECONDS = 20
MAX_SERVICE_LEVEL_SECONDS = 600
SERVICE_LEVEL_TARGET = 0.8
# Every time zone in use today is offset from UTC by a multiple of 15 minutes, so calls
# counted per 15-minute UTC bucket fold exactly into local hours and days, DST included.
BUCKET_SECONDS = 900
UNKNOWN_REGION = "未知"
LOGGED_IN_STATES = (
    AgentState.IDLE,
    AgentState.RESERVED,
    AgentState.RINGING,
    AgentState.ON_CALL,
    AgentState.WRAP_UP,
)


def ratio(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


@dataclass(frozen=True)
class ReportPeriod:
    """Whole days in the company time zone, both ends included."""

    start: date
    end: date
    time_zone: str

    @staticmethod
    def of(start: date | None, end: date | None, time_zone: str) -> ReportPeriod:
        v = Violations()
        if start is None:
            v.add("period.start_date", "required")
        if end is None:
            v.add("period.end_date", "required")
        if start is not None and end is not None:
            if end < start:
                v.add("period.end_date", "must not be before start_date")
            elif (end - start).days + 1 > MAX_PERIOD_DAYS:
                v.add("period.end_date", f"a period is at most {MAX_PERIOD_DAYS} days")
        v.raise_if_any()
        assert start is not None and end is not None
        return ReportPeriod(start, end, time_zone)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def starts_at(self) -> datetime:
        """The first instant of the period, in UTC."""
        return datetime.combine(self.start, time(), self.zone).astimezone(UTC)

    @property
    def ends_at(self) -> datetime:
        """The first instant after the period, in UTC."""
        return datetime.combine(self.end + timedelta(days=1), time(), self.zone).astimezone(UTC)

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


# --- per-agent performance --------------------------------------------------------------


@dataclass(frozen=True)
class AgentCallTotals:
    """One agent's call sums over the period, as the database gives them."""

    handled: int = 0
    inbound_handled: int = 0
    outbound_handled: int = 0
    talk_seconds: int = 0
    missed: int = 0


@dataclass(frozen=True)
class CallbackTotals:
    done: int = 0
    seconds_to_callback: float = 0.0  # summed over the tasks done


@dataclass
class AgentPerformance:
    agent_id: str
    display_name: str
    team: str
    calls: AgentCallTotals
    callbacks: CallbackTotals
    # Logged-in seconds per state; break seconds are a part of them.
    state_seconds: dict[AgentState, int]
    on_break_seconds: int

    @property
    def logged_in_seconds(self) -> int:
        return sum(self.state_seconds.values())

    @property
    def wrap_up_seconds(self) -> int:
        return self.state_seconds[AgentState.WRAP_UP]

    @property
    def average_handle_seconds(self) -> float:
        return ratio(self.calls.talk_seconds + self.wrap_up_seconds, self.calls.handled)

    @property
    def average_callback_seconds(self) -> float:
        return ratio(self.callbacks.seconds_to_callback, self.callbacks.done)

    @property
    def occupancy(self) -> float:
        busy = self.state_seconds[AgentState.ON_CALL] + self.wrap_up_seconds
        return ratio(busy, self.logged_in_seconds)


def state_seconds(rows: Iterable[tuple[AgentState, float]]) -> dict[AgentState, int]:
    """Every logged-in state with its seconds, zeros included."""
    found = dict.fromkeys(LOGGED_IN_STATES, 0.0)
    for state, seconds in rows:
        if state in found:
            found[state] += seconds
    return {s: round(v) for s, v in found.items()}


# --- business call statistics -------------------------------------------------------------


@dataclass
class CallVolume:
    inbound: int = 0
    outbound: int = 0
    answered: int = 0
    abandoned: int = 0
    answered_within_threshold: int = 0
    answer_wait_seconds: int = 0

    def add(self, other: CallVolume) -> None:
        self.inbound += other.inbound
        self.outbound += other.outbound
        self.answered += other.answered
        self.abandoned += other.abandoned
        self.answered_within_threshold += other.answered_within_threshold
        self.answer_wait_seconds += other.answer_wait_seconds


@dataclass
class CallStatistics:
    period: ReportPeriod
    threshold_seconds: int
    total: CallVolume
    by_hour: list[CallVolume]  # 24 entries, local hour of day
    by_day: dict[date, CallVolume]  # every day of the period, in order

    @property
    def answer_rate(self) -> float:
        return ratio(self.total.answered, self.total.inbound)

    @property
    def abandonment_rate(self) -> float:
        return ratio(self.total.abandoned, self.total.inbound)

    @property
    def service_level(self) -> float:
        return ratio(self.total.answered_within_threshold, self.total.inbound)

    @property
    def average_speed_of_answer(self) -> float:
        return ratio(self.total.answer_wait_seconds, self.total.answered)


def fold_buckets(
    period: ReportPeriod, threshold_seconds: int, buckets: Mapping[int, CallVolume]
) -> CallStatistics:
    """Per-bucket counts (bucket = UTC epoch seconds // BUCKET_SECONDS) into local hours and
    days. There are at most 96 buckets a day, whatever the number of calls."""
    zone = period.zone
    by_hour = [CallVolume() for _ in range(24)]
    by_day = {d: CallVolume() for d in period.days()}
    total = CallVolume()
    for bucket, volume in buckets.items():
        local = datetime.fromtimestamp(bucket * BUCKET_SECONDS, UTC).astimezone(zone)
        if local.date() not in by_day:
            continue  # outside the period: the query's bounds already exclude these
        by_hour[local.hour].add(volume)
        by_day[local.date()].add(volume)
        total.add(volume)
    return CallStatistics(period, threshold_seconds, total, by_hour, by_day)


def service_level_threshold(seconds: int) -> int:
    if seconds == 0:
        return DEFAULT_SERVICE_LEVEL_SECONDS
    if not 0 < seconds <= MAX_SERVICE_LEVEL_SECONDS:
        v = Violations()
        v.add("service_level_threshold_seconds", f"from 1 to {MAX_SERVICE_LEVEL_SECONDS}")
        v.raise_if_any()
    return seconds


# --- calls by region ----------------------------------------------------------------------


@dataclass
class RegionCalls:
    region: str
    inbound: int = 0
    answered: int = 0
    abandoned: int = 0
    outbound: int = 0

    @property
    def calls(self) -> int:
        return self.inbound + self.outbound


def region_of(number: str) -> str:
    """The region of an E.164 number in Chinese (北京市, 江苏省连云港市, 美国)."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return UNKNOWN_REGION
    name = geocoder.description_for_number(parsed, "zh")
    return str(name) or UNKNOWN_REGION


def by_region(prefix_rows: Iterable[tuple[str, RegionCalls]]) -> list[RegionCalls]:
    """Counts per number prefix (one sample number each) summed per region, most calls first.
    Numbers that share the prefix share the region: the prefix is at least as long as the
    geocoder's (+86 and the 7-digit mobile block, or the area code of a fixed line)."""
    regions: dict[str, RegionCalls] = {}
    for sample, counts in prefix_rows:
        name = region_of(sample)
        row = regions.setdefault(name, RegionCalls(name))
        row.inbound += counts.inbound
        row.answered += counts.answered
        row.abandoned += counts.abandoned
        row.outbound += counts.outbound
    return sorted(regions.values(), key=lambda r: (-r.calls, r.region))


# --- outbound sales results ---------------------------------------------------------------


@dataclass
class SalesResults:
    agent_id: str  # empty for the total
    display_name: str
    outbound_calls: int = 0
    connected_calls: int = 0
    results: dict[SalesResult, int] = field(default_factory=lambda: dict.fromkeys(SalesResult, 0))

    def add(self, result: SalesResult, calls: int, connected: int) -> None:
        self.outbound_calls += calls
        self.connected_calls += connected
        self.results[result] += calls


@dataclass(frozen=True)
class Wallboard:
    """The supervisor's view now (坐席监控): seats by status and state, the callback backlog
    and its oldest task, and the inbound calls waiting to be answered."""

    read_at: datetime
    agents: list[tuple[AgentStatus, AgentState, int]]
    callback_backlog: int
    oldest_callback: CallbackTask | None
    calls_waiting: int
    longest_wait_since: datetime | None

    @property
    def oldest_callback_age(self) -> int:
        if self.oldest_callback is None:
            return 0
        return max(0, int((self.read_at - self.oldest_callback.first_missed_at).total_seconds()))

    @property
    def longest_wait(self) -> int:
        if self.longest_wait_since is None:
            return 0
        return max(0, int((self.read_at - self.longest_wait_since).total_seconds()))
