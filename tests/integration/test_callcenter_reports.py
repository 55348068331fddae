"""Call-center reports on a real database (SQLite and PostgreSQL): one known day of calls,
played with a controlled clock, and the exact figures each report must give."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.callcenter.bootstrap import CallCenterApp
from services.callcenter.domain.model import (
    AgentState,
    AgentStatus,
    CallEventData,
    Direction,
    EndCause,
    EventType,
    SalesResult,
)
from services.callcenter.domain.reports import ReportPeriod
from services.callcenter.service_layer import agents, callbacks, calls, reports
from services.callcenter.service_layer.agents import AgentValues
from tests.customer_fixtures import Clock

SHANGHAI = ZoneInfo("Asia/Shanghai")
BEIJING_MOBILE = "+8613800138000"  # 北京市
SHANGHAI_LINE = "+862161234567"  # 上海市
LIANYUNGANG_MOBILE = "+8613812345678"  # 江苏省连云港市
DAY = date(2026, 11, 23)


def local(hour: int, minute: int = 0, second: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=SHANGHAI)


class Day:
    """Plays a day: every step moves the clock to the moment it happens (the state log is
    stamped by the server's clock, the calls by the phone's: here they agree)."""

    def __init__(self, app: CallCenterApp, clock: Clock) -> None:
        self.app, self.clock = app, clock
        self.call_ids: dict[str, str] = {}

    def at(self, when: datetime) -> None:
        self.clock.now = when.astimezone(UTC)

    def agent(self, user: str, name: str, team: str) -> str:
        values = AgentValues(f"users/{user}", name, team=team)
        return agents.create_agent(self.app.uow(), self.app.deps, values).id

    def login(self, agent_id: str, when: datetime) -> None:
        self.at(when)
        agents.login_agent(self.app.uow(), self.app.deps, agent_id)

    def status(self, agent_id: str, status: AgentStatus, when: datetime, reason: str = "") -> None:
        self.at(when)
        agents.set_agent_status(self.app.uow(), self.app.deps, agent_id, status, reason)

    def event(
        self, agent_id: str, call: str, type_: EventType, when: datetime, **kw: object
    ) -> None:
        self.at(when)
        data = CallEventData(call, type_, when.astimezone(UTC), **kw)  # type: ignore[arg-type]
        c, _ = calls.report_call_event(self.app.uow(), self.app.deps, agent_id, data)
        self.call_ids[call] = c.id

    def inbound(
        self,
        agent_id: str,
        call: str,
        number: str,
        offered: datetime,
        ring: int,
        talk: int | None,
        wrap: int = 0,
        **wrap_kw: object,
    ) -> None:
        """A call that rings `ring` seconds, then is talked `talk` seconds and wrapped up
        `wrap` seconds later, or (talk None) is abandoned by the caller."""
        self.event(
            agent_id,
            call,
            EventType.INCOMING,
            offered,
            direction=Direction.INBOUND,
            peer_number=number,
        )
        self._rest(agent_id, call, offered, ring, talk, wrap, EndCause.CALLER_HANGUP, **wrap_kw)

    def outbound(
        self,
        agent_id: str,
        call: str,
        number: str,
        dialled: datetime,
        ring: int,
        talk: int | None,
        wrap: int = 0,
        **wrap_kw: object,
    ) -> None:
        self.event(agent_id, call, EventType.OUTBOUND_DIAL, dialled, peer_number=number)
        self._rest(agent_id, call, dialled, ring, talk, wrap, EndCause.NO_ANSWER, **wrap_kw)

    def _rest(
        self,
        agent_id: str,
        call: str,
        start: datetime,
        ring: int,
        talk: int | None,
        wrap: int,
        unanswered: EndCause,
        **wrap_kw: object,
    ) -> None:
        answered = start + timedelta(seconds=ring)
        if talk is None:
            self.event(agent_id, call, EventType.ENDED, answered, end_cause=unanswered)
            return
        self.event(agent_id, call, EventType.ANSWERED, answered)
        ended = answered + timedelta(seconds=talk)
        self.event(agent_id, call, EventType.ENDED, ended)
        if wrap:
            self.at(ended + timedelta(seconds=wrap))
            calls.wrap_up_call(
                self.app.uow(),
                self.app.deps,
                self.call_ids[call],
                str(wrap_kw.get("code", "done")),
                "",
                bool(wrap_kw.get("no_order", False)),
                False,
                wrap_kw.get("sales", SalesResult.UNSPECIFIED),  # type: ignore[arg-type]
            )


@pytest.fixture
def day(callcenter_app: CallCenterApp, clock: Clock) -> dict[str, str]:
    """Monday 2026-11-23 in Shanghai, for 王五 and 李四 (一组) and 赵六 (二组, absent)."""
    d = Day(callcenter_app, clock)
    d.at(local(6, 0, day=DAY - timedelta(days=1)))
    wang = d.agent("wang.wu", "王五", "一组")
    li = d.agent("li.si", "李四", "一组")
    zhao = d.agent("zhao.liu", "赵六", "二组")
    # The evening before: 李四 logs in at 23:00 and stays; 王五, logged out, takes a call
    # that belongs to the 22nd (its UTC date is the 22nd too).
    d.login(li, local(23, 0, day=DAY - timedelta(days=1)))
    d.inbound(wang, "p0", BEIJING_MOBILE, local(23, 50, day=DAY - timedelta(days=1)), 5, 60)
    d.login(wang, local(7, 0))
    # 07:40 local is 23:40 UTC on the 22nd: it must count on the 23rd, hour 7.
    d.inbound(wang, "c1", BEIJING_MOBILE, local(7, 40), 10, 300, 120)
    d.inbound(wang, "c2", SHANGHAI_LINE, local(10, 5), 30, 600, 60)
    d.inbound(li, "c3", LIANYUNGANG_MOBILE, local(10, 20), 15, None)  # missed -> callback
    d.at(local(10, 21))
    task = callbacks.reserve_next(callcenter_app.uow(), callcenter_app.deps)
    assert task is not None and task.agent_id == wang  # idle longest
    d.at(local(10, 21, 10))
    callbacks.accept_callback(callcenter_app.uow(), callcenter_app.deps, task.id, wang)
    # The call back connects at 10:22:20: the task is done 125 s after the miss (10:20:15).
    d.outbound(
        wang, "o1", LIANYUNGANG_MOBILE, local(10, 22), 20, 180, 60, sales=SalesResult.INTERESTED
    )
    d.inbound(li, "c4", "sip:alice@pbx.example.com", local(11, 0), 5, 120, 60)
    d.status(li, AgentStatus.ON_BREAK, local(12, 0), "lunch")
    d.status(li, AgentStatus.AVAILABLE, local(13, 0))
    d.outbound(li, "o2", BEIJING_MOBILE, local(14, 0), 30, None)
    d.outbound(li, "o3", SHANGHAI_LINE, local(14, 10), 10, 300, 60, sales=SalesResult.ORDER_PLACED)
    d.inbound(wang, "c5", BEIJING_MOBILE, local(15, 0), 8, 240, 60, no_order=True)
    d.status(wang, AgentStatus.LOGGED_OUT, local(18, 0))
    d.status(li, AgentStatus.LOGGED_OUT, local(18, 0))
    d.at(local(9, 0, day=DAY + timedelta(days=1)))
    return {"wang": wang, "li": li, "zhao": zhao}


def period(start: date = DAY, end: date = DAY) -> ReportPeriod:
    return ReportPeriod.of(start, end, "Asia/Shanghai")


def test_agent_performance(callcenter_app: CallCenterApp, day: dict[str, str]) -> None:
    app = callcenter_app
    rows = reports.agent_performance(app.uow(), app.deps, period())
    assert [r.display_name for r in rows] == ["李四", "王五", "赵六"]
    li, wang, zhao = rows

    assert (wang.calls.handled, wang.calls.inbound_handled, wang.calls.outbound_handled) == (
        4,
        3,
        1,
    )
    assert (wang.calls.talk_seconds, wang.wrap_up_seconds) == (1320, 300)
    assert wang.average_handle_seconds == 405.0  # (1320 + 300) / 4
    assert wang.calls.missed == 0
    assert (wang.callbacks.done, wang.average_callback_seconds) == (1, 125.0)
    assert wang.state_seconds == {
        AgentState.IDLE: 37902,
        AgentState.RESERVED: 10,
        AgentState.RINGING: 68,
        AgentState.ON_CALL: 1320,
        AgentState.WRAP_UP: 300,
    }
    assert wang.logged_in_seconds == 11 * 3600  # 07:00 to 18:00
    assert wang.on_break_seconds == 0
    assert wang.occupancy == pytest.approx(1620 / 39600)

    # Logged in since 23:00 the evening before: the period starts at midnight.
    assert li.logged_in_seconds == 18 * 3600
    assert li.on_break_seconds == 3600
    assert li.state_seconds == {
        AgentState.IDLE: 64200,
        AgentState.RESERVED: 0,
        AgentState.RINGING: 60,
        AgentState.ON_CALL: 420,
        AgentState.WRAP_UP: 120,
    }
    assert (li.calls.handled, li.calls.missed, li.calls.talk_seconds) == (2, 1, 420)
    assert li.average_handle_seconds == 270.0  # (420 + 120) / 2
    assert li.occupancy == pytest.approx(540 / 64800)
    assert (li.callbacks.done, li.average_callback_seconds) == (0, 0.0)

    assert (zhao.calls.handled, zhao.logged_in_seconds, zhao.occupancy) == (0, 0, 0.0)
    team = reports.agent_performance(app.uow(), app.deps, period(), team="一组")
    assert [r.agent_id for r in team] == [day["li"], day["wang"]]


def test_agent_performance_while_the_day_runs(
    callcenter_app: CallCenterApp, day: dict[str, str], clock: Clock
) -> None:
    """Asked during the day, the open interval of each agent ends now."""
    app = callcenter_app
    clock.now = local(12, 30, day=DAY + timedelta(days=1)).astimezone(UTC)
    agents.login_agent(app.uow(), app.deps, day["zhao"])
    clock.advance(minutes=45)
    [zhao] = reports.agent_performance(app.uow(), app.deps, period(DAY, DAY + timedelta(1)), "二组")
    assert zhao.state_seconds[AgentState.IDLE] == zhao.logged_in_seconds == 45 * 60


def test_call_statistics(callcenter_app: CallCenterApp, day: dict[str, str]) -> None:
    app = callcenter_app
    stats = reports.call_statistics(app.uow(), period(DAY, DAY + timedelta(days=1)), 20)
    t = stats.total
    assert (t.inbound, t.outbound, t.answered, t.abandoned) == (5, 3, 4, 1)
    assert (t.answered_within_threshold, t.answer_wait_seconds) == (3, 53)
    assert stats.answer_rate == 0.8
    assert stats.abandonment_rate == 0.2
    assert stats.service_level == 0.6  # 3 of 5 offered within 20 s
    assert stats.average_speed_of_answer == 13.25  # (10 + 30 + 5 + 8) / 4
    hours = {
        h: (v.inbound, v.outbound, v.answered, v.abandoned) for h, v in enumerate(stats.by_hour)
    }
    assert {h: v for h, v in hours.items() if v != (0, 0, 0, 0)} == {
        7: (1, 0, 1, 0),
        10: (2, 1, 1, 1),
        11: (1, 0, 1, 0),
        14: (0, 2, 0, 0),
        15: (1, 0, 1, 0),
    }
    assert list(stats.by_day) == [DAY, DAY + timedelta(days=1)]
    assert stats.by_day[DAY] == t
    assert stats.by_day[DAY + timedelta(days=1)].inbound == 0
    # A wider threshold takes c2 (30 s) in.
    assert reports.call_statistics(app.uow(), period(), 30).service_level == 0.8
    # The 22nd holds only the evening call, not 07:40 on the 23rd (23:40 UTC on the 22nd).
    eve = DAY - timedelta(days=1)
    before = reports.call_statistics(app.uow(), period(eve, eve), 20)
    assert (before.total.inbound, before.by_hour[23].inbound) == (1, 1)


def test_region_calls(callcenter_app: CallCenterApp, day: dict[str, str]) -> None:
    rows = reports.region_calls(callcenter_app.uow(), period())
    assert [(r.region, r.inbound, r.answered, r.abandoned, r.outbound) for r in rows] == [
        ("北京市", 2, 2, 0, 1),
        ("上海市", 1, 1, 0, 1),
        ("江苏省连云港市", 1, 0, 1, 1),
        ("未知", 1, 1, 0, 0),
    ]


def test_sales_results(callcenter_app: CallCenterApp, day: dict[str, str]) -> None:
    total, rows = reports.sales_results(callcenter_app.uow(), period())
    assert (total.outbound_calls, total.connected_calls) == (3, 2)
    assert {k: v for k, v in total.results.items() if v} == {
        SalesResult.INTERESTED: 1,
        SalesResult.ORDER_PLACED: 1,
        SalesResult.UNSPECIFIED: 1,
    }
    assert [(r.display_name, r.outbound_calls, r.connected_calls) for r in rows] == [
        ("李四", 2, 1),
        ("王五", 1, 1),
    ]
    assert rows[0].results[SalesResult.ORDER_PLACED] == 1
    _, none = reports.sales_results(callcenter_app.uow(), period(), team="二组")
    assert none == []
