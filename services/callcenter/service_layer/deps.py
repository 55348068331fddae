"""What the use cases need besides a unit of work: rules' parameters and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from services.callcenter.domain.model import CallbackPolicy


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Deps:
    policy: CallbackPolicy = field(default_factory=CallbackPolicy)
    # A call with no end event after this long is closed by the watchdog.
    call_watchdog: timedelta = timedelta(hours=4)
    region: str = "CN"
    # The company's time zone: report days and hours are cut in it.
    time_zone: str = "Asia/Shanghai"
    clock: Callable[[], datetime] = _utc_now
