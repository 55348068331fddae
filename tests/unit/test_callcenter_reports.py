"""Report rules without a database: the period, the folding of UTC buckets into local hours
and days, the rates, and regions from phone numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.callcenter.domain.reports import (
    BUCKET_SECONDS,
    CallVolume,
    RegionCalls,
    ReportPeriod,
    by_region,
    fold_buckets,
    region_of,
    service_level_threshold,
)
from services.common.errors import InvalidArgument


def slot(when: datetime) -> int:
    return int(when.timestamp()) // BUCKET_SECONDS


def test_period_bounds_are_the_company_days() -> None:
    p = ReportPeriod.of(date(2026, 11, 23), date(2026, 11, 24), "Asia/Shanghai")
    assert p.starts_at == datetime(2026, 11, 22, 16, tzinfo=UTC)
    assert p.ends_at == datetime(2026, 11, 24, 16, tzinfo=UTC)
    with pytest.raises(InvalidArgument) as bad:
        ReportPeriod.of(date(2026, 11, 23), date(2026, 11, 1), "Asia/Shanghai")
    assert [v.field for v in bad.value.violations] == ["period.end_date"]
    with pytest.raises(InvalidArgument):
        ReportPeriod.of(date(2025, 1, 1), date(2026, 12, 31), "Asia/Shanghai")
    with pytest.raises(InvalidArgument):
        ReportPeriod.of(None, None, "Asia/Shanghai")


def test_buckets_fold_into_local_hours_and_days_across_dst() -> None:
    # Berlin leaves summer time on 2026-10-25: 02:30 local happens twice.
    p = ReportPeriod.of(date(2026, 10, 25), date(2026, 10, 25), "Europe/Berlin")
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 CET
    late = datetime(2026, 10, 25, 22, 59, tzinfo=UTC)  # 23:59 CET, still the 25th
    stats = fold_buckets(
        p,
        20,
        {
            slot(first): CallVolume(inbound=2, answered=1, answered_within_threshold=1),
            slot(second): CallVolume(inbound=1, abandoned=1),
            slot(late): CallVolume(outbound=1),
        },
    )
    assert stats.by_hour[2].inbound == 3 and stats.by_hour[23].outbound == 1
    assert stats.by_day[date(2026, 10, 25)].inbound == 3
    assert (stats.answer_rate, stats.abandonment_rate, stats.service_level) == (
        pytest.approx(1 / 3),
        pytest.approx(1 / 3),
        pytest.approx(1 / 3),
    )


def test_threshold_and_regions() -> None:
    assert service_level_threshold(0) == 20
    with pytest.raises(InvalidArgument):
        service_level_threshold(601)
    assert region_of("+8613800138000") == "北京市"
    assert region_of("+862161234567") == "上海市"
    assert region_of("sip:alice@pbx") == "未知"
    rows = by_region(
        [
            ("+8613800138000", RegionCalls("", inbound=1)),
            ("+8613800138999", RegionCalls("", outbound=2)),
            ("sip:alice@pbx", RegionCalls("", inbound=5)),
        ]
    )
    assert [(r.region, r.calls) for r in rows] == [("未知", 5), ("北京市", 3)]
