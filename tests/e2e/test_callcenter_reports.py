"""The report RPCs over real gRPC with real tokens: the calls.report right, bad periods with
field paths, and one call seen through every report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from google.protobuf import timestamp_pb2
from google.type import date_pb2

from callops.callcenter.v1 import callcenter_pb2 as pb
from tests.callcenter_fixtures import CallCenterCaller
from tests.e2e.helpers import DENIED, INVALID, expect

DAY = date_pb2.Date(year=2026, month=11, day=23)
PERIOD = pb.ReportPeriod(start_date=DAY, end_date=DAY)


@pytest.fixture
def callcenter_database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'callcenter.db'}"


def ts(when: datetime) -> timestamp_pb2.Timestamp:
    out = timestamp_pb2.Timestamp()
    out.FromDatetime(when)
    return out


async def answered_call(c: CallCenterCaller) -> pb.Agent:
    """王五 answers 13800138000 at 10:00:12 Shanghai time after 12 s and talks 3 minutes."""
    boss = c.as_("supervisor", user="boss")
    agent = await c.stub.CreateAgent(
        pb.CreateAgentRequest(
            agent=pb.Agent(user="users/wang.wu", display_name="王五", team="一组")
        ),
        metadata=boss,
    )
    start = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    steps = [
        (pb.CallEvent.TYPE_INCOMING, 0),
        (pb.CallEvent.TYPE_ANSWERED, 12),
        (pb.CallEvent.TYPE_ENDED, 192),
    ]
    for type_, seconds in steps:
        event = pb.CallEvent(
            call_id="c1",
            type=type_,
            direction=pb.DIRECTION_INBOUND,
            peer_uri="sip:13800138000@pbx",
            event_time=ts(start + timedelta(seconds=seconds)),
        )
        await c.stub.ReportCallEvent(
            pb.ReportCallEventRequest(agent=agent.name, event=event), metadata=boss
        )
    return agent


async def test_reports_need_the_report_right_and_a_sound_period(
    grpc_callcenter: CallCenterCaller,
) -> None:
    c = grpc_callcenter
    await expect(
        c.stub.GetCallStatisticsReport(
            pb.GetCallStatisticsReportRequest(period=PERIOD), metadata=c.as_("agent")
        ),
        DENIED,
    )
    boss = c.as_("supervisor", user="boss")
    backwards = pb.ReportPeriod(start_date=DAY, end_date=date_pb2.Date(year=2026, month=11, day=1))
    await expect(
        c.stub.GetAgentPerformanceReport(
            pb.GetAgentPerformanceReportRequest(period=backwards), metadata=boss
        ),
        INVALID,
        "period.end_date",
    )
    await expect(
        c.stub.GetRegionCallReport(pb.GetRegionCallReportRequest(), metadata=boss),
        INVALID,
        "period.start_date",
    )
    await expect(
        c.stub.GetCallStatisticsReport(
            pb.GetCallStatisticsReportRequest(period=PERIOD, service_level_threshold_seconds=601),
            metadata=boss,
        ),
        INVALID,
        "service_level_threshold_seconds",
    )


async def test_one_call_through_every_report(grpc_callcenter: CallCenterCaller) -> None:
    c = grpc_callcenter
    agent = await answered_call(c)
    boss = c.as_("supervisor", user="boss")

    stats = await c.stub.GetCallStatisticsReport(
        pb.GetCallStatisticsReportRequest(period=PERIOD), metadata=boss
    )
    assert stats.time_zone == "Asia/Shanghai"
    assert (stats.total.inbound, stats.total.answered, stats.total.answered_within_threshold) == (
        1,
        1,
        1,
    )
    assert (stats.service_level_threshold_seconds, stats.service_level_target) == (20, 0.8)
    assert (stats.answer_rate, stats.service_level) == (1.0, 1.0)
    assert stats.average_speed_of_answer_seconds == 12.0
    assert len(stats.by_hour) == 24 and stats.by_hour[10].volume.inbound == 1
    assert [d.date for d in stats.by_day] == [DAY]

    perf = await c.stub.GetAgentPerformanceReport(
        pb.GetAgentPerformanceReportRequest(period=PERIOD, team="一组"), metadata=boss
    )
    [row] = perf.agents
    assert (row.agent, row.calls_handled, row.talk_seconds) == (agent.name, 1, 180)
    assert [s.state for s in row.state_times][:2] == [pb.Agent.STATE_IDLE, pb.Agent.STATE_RESERVED]

    regions = await c.stub.GetRegionCallReport(
        pb.GetRegionCallReportRequest(period=PERIOD), metadata=boss
    )
    assert [(r.region, r.inbound, r.answered) for r in regions.regions] == [("北京市", 1, 1)]

    sales = await c.stub.GetSalesResultReport(
        pb.GetSalesResultReportRequest(period=PERIOD), metadata=boss
    )
    assert sales.total.outbound_calls == 0 and not sales.agents
    assert len(sales.total.results) == len(pb.Call.SalesResult.keys())
