"""The agent event stream over real gRPC: a stream that drops while an offer is made gets it
exactly once on reconnect, alerts from the alerts service reach the agent through a real
worker, and the supervisor's wallboard."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker

from callops.callcenter.v1 import callcenter_pb2 as pb
from services.callcenter.domain.model import CallbackState
from services.callcenter.entrypoints.tasks import make_worker
from services.callcenter.service_layer import callbacks
from services.common.config import EVENT_ROUTES
from services.common.outbox import CeleryEventPublisher
from tests.callcenter_fixtures import (
    CallCenterCaller,
    FakeDirectory,
    _serve_callcenter,
    make_callcenter_app,
)
from tests.customer_fixtures import Clock, RecordingPublisher
from tests.e2e.helpers import DENIED, INVALID, expect
from tests.e2e.test_callcenter_flows import new_agent, report


def _stream(
    c: CallCenterCaller, agent: pb.Agent, after: int | None = None, user: str = "wang.wu"
) -> Any:
    request = pb.StreamAgentEventsRequest(agent=agent.name)
    if after is not None:
        request.resume_after_sequence = after
    return c.stub.StreamAgentEvents(request, metadata=c.as_("agent", user=user))


async def _miss(c: CallCenterCaller, agent: pb.Agent, call_id: str, number: str) -> None:
    boss = {"roles": ("supervisor",), "user": "boss"}
    await report(c, agent, call_id, pb.CallEvent.TYPE_INCOMING, peer_uri=number, **boss)  # type: ignore[arg-type]
    await report(
        c,
        agent,
        call_id,
        pb.CallEvent.TYPE_ENDED,
        end_cause=pb.CallEvent.END_CAUSE_NO_ANSWER,
        **boss,  # type: ignore[arg-type]
    )


async def _read_until(stream: Any, kind: str) -> list[pb.AgentEvent]:
    """Every message up to and including the first of `kind`."""
    seen: list[pb.AgentEvent] = []
    while True:
        message = await asyncio.wait_for(stream.read(), 10)
        seen.append(message)
        if message.WhichOneof("kind") == kind:
            return seen


def _offers(messages: list[pb.AgentEvent]) -> list[str]:
    return [m.callback_reserved.name for m in messages if m.HasField("callback_reserved")]


async def test_an_offer_made_while_disconnected_arrives_once_on_resume(
    grpc_callcenter: CallCenterCaller,
) -> None:
    c = grpc_callcenter
    agent = await new_agent(c)
    me = c.as_("agent", user="wang.wu")
    first = _stream(c, agent)
    [hello] = [await asyncio.wait_for(first.read(), 5)]
    assert hello.agent.status == pb.Agent.STATUS_AVAILABLE and hello.sequence == 0
    await _miss(c, agent, "m1", "13800138000")
    assert callbacks.assign_pending(c.app.uow, c.app.deps) == 1
    got = await _read_until(first, "callback_reserved")
    offer = got[-1]
    assert offer.sequence == 1 and offer.callback_reserved.phone_number == "138****8000"
    await c.stub.AcceptCallback(
        pb.AcceptCallbackRequest(name=offer.callback_reserved.name, agent=agent.name), metadata=me
    )
    last = max(m.sequence for m in got)
    first.cancel()  # the desktop loses its connection...

    await _miss(c, agent, "m2", "13900139000")  # ...while a second offer is made
    assert callbacks.assign_pending(c.app.uow, c.app.deps) == 1
    [held] = callbacks.list_callbacks(c.app.uow(), {"state": CallbackState.RESERVED}, None, 5)

    resumed = _stream(c, agent, after=last)
    got = await _read_until(resumed, "callback_reserved")
    assert got[0].HasField("agent") and got[0].sequence == last  # the agent as it is now
    assert _offers(got) == [held.resource_name] and got[-1].sequence == last + 1
    # Nothing is sent twice: later traffic on the stream carries no second copy.
    await c.stub.RejectCallback(
        pb.RejectCallbackRequest(name=held.resource_name, agent=agent.name), metadata=me
    )
    more = [await asyncio.wait_for(resumed.read(), 5)]
    assert more[0].HasField("agent") and more[0].sequence == last + 1
    assert _offers(more) == []
    resumed.cancel()

    # Resuming after the offer it already has: not sent again, though re-offered it is new.
    assert callbacks.assign_pending(c.app.uow, c.app.deps) == 1  # the agent is the only one
    again = _stream(c, agent, after=last + 1)
    got = await _read_until(again, "callback_reserved")
    assert [m.sequence for m in got if m.HasField("callback_reserved")] == [last + 2]
    again.cancel()
    # A new session (no sequence) gets the offer still held, and only that.
    fresh = _stream(c, agent)
    got = await _read_until(fresh, "callback_reserved")
    assert _offers(got) == [held.resource_name] and got[-1].sequence == last + 2
    fresh.cancel()


async def test_resume_sequence_is_checked_and_the_stream_is_the_agents_own(
    grpc_callcenter: CallCenterCaller,
) -> None:
    c = grpc_callcenter
    agent = await new_agent(c)
    await expect(_stream(c, agent, after=-1).read(), INVALID, "resume_after_sequence")
    await expect(_stream(c, agent, after=5, user="li.si").read(), DENIED)


@pytest.fixture
def callcenter_worker(grpc_callcenter: CallCenterCaller, redis_url: str) -> Iterator[Celery]:
    app = grpc_callcenter.app
    app.settings = app.settings.model_copy(update={"broker_url": redis_url})
    celery = make_worker(app)
    with start_worker(celery, pool="solo", perform_ping_check=False, queues=["callcenter"]):
        yield celery


@pytest.mark.redis
async def test_an_alert_for_the_agents_user_arrives_on_its_stream(
    grpc_callcenter: CallCenterCaller, callcenter_worker: Celery
) -> None:
    c = grpc_callcenter
    agent = await new_agent(c)
    stream = _stream(c, agent)
    await asyncio.wait_for(stream.read(), 5)
    publisher = CeleryEventPublisher(callcenter_worker, EVENT_ROUTES)
    raised = {
        "alert": "alerts/42",
        "recipient": "users/wang.wu",
        "kind": "callback_expired",
        "severity": "WARNING",
        "title": "回拨已过期",
        "body": "客户 13800138000 的回拨超过 24 小时未完成",
        "subject": "callbacks/abc",
    }
    await asyncio.to_thread(publisher.publish, "ev-42", "alerts.AlertRaised", raised)
    got = await _read_until(stream, "alert")
    alert = got[-1]
    assert alert.sequence == 1
    assert (alert.alert.alert, alert.alert.kind, alert.alert.severity) == (
        "alerts/42",
        "callback_expired",
        "WARNING",
    )
    assert alert.alert.body == "客户 138****8000 的回拨超过 24 小时未完成"  # agents lack pii
    stream.cancel()
    # A desktop that had seen nothing yet (0) gets the alert on resume; a new session not.
    replay = _stream(c, agent, after=0)
    got = await _read_until(replay, "alert")
    assert [m.sequence for m in got] == [0, 1] and got[-1].alert.alert == "alerts/42"
    replay.cancel()
    await asyncio.to_thread(
        publisher.publish, "ev-43", "alerts.AlertRaised", {**raised, "alert": "alerts/43"}
    )
    resumed = _stream(c, agent, after=1)  # alerts/42 is not sent again
    got = await _read_until(resumed, "alert")
    assert [m.alert.alert for m in got if m.HasField("alert")] == ["alerts/43"]
    resumed.cancel()
    fresh = _stream(c, agent)  # a new session: no past alerts, live ones
    await asyncio.wait_for(fresh.read(), 5)
    await asyncio.to_thread(
        publisher.publish, "ev-44", "alerts.AlertRaised", {**raised, "alert": "alerts/44"}
    )
    got = await _read_until(fresh, "alert")
    assert [m.alert.alert for m in got if m.HasField("alert")] == ["alerts/44"]
    assert got[-1].sequence == 3
    fresh.cancel()


async def test_wallboard_counts_agents_backlog_and_waiting_calls(
    grpc_callcenter: CallCenterCaller,
) -> None:
    c = grpc_callcenter
    boss = c.as_("supervisor", user="boss")
    await expect(c.stub.GetWallboard(pb.GetWallboardRequest(), metadata=c.as_("agent")), DENIED)
    empty = await c.stub.GetWallboard(pb.GetWallboardRequest(), metadata=boss)
    assert (empty.callback_backlog, empty.oldest_callback, empty.calls_waiting) == (0, "", 0)
    wang, li = await new_agent(c), await new_agent(c, "li.si")
    await new_agent(c, "zhao.liu")
    await _miss(c, wang, "m1", "13800138000")
    await _miss(c, wang, "m2", "13900139000")
    # li.si's phone is ringing: a call waiting; so is an outbound dial, which is not.
    await report(c, li, "w1", pb.CallEvent.TYPE_INCOMING, user="li.si", peer_uri="13700137000")
    board = await c.stub.GetWallboard(pb.GetWallboardRequest(), metadata=boss)
    counts = {(a.status, a.state): a.agents for a in board.agents}
    assert counts == {
        (pb.Agent.STATUS_AVAILABLE, pb.Agent.STATE_IDLE): 2,
        (pb.Agent.STATUS_AVAILABLE, pb.Agent.STATE_RINGING): 1,
    }
    tasks = callbacks.list_callbacks(c.app.uow(), {}, None, 5)
    oldest = min(tasks, key=lambda t: t.first_missed_at)
    assert board.callback_backlog == 2
    assert board.oldest_callback == oldest.resource_name
    assert board.oldest_callback_phone_number == "+8613800138000"  # supervisors have pii
    assert board.oldest_callback_age_seconds >= 0 and board.read_time.seconds > 0
    assert board.calls_waiting == 1 and board.longest_wait_seconds >= 0
    # Reserved still counts as backlog; accepted does not. An answered call no longer waits.
    assert callbacks.assign_pending(c.app.uow, c.app.deps) == 2
    board = await c.stub.GetWallboard(pb.GetWallboardRequest(), metadata=boss)
    assert board.callback_backlog == 2
    mine = callbacks.list_callbacks(c.app.uow(), {}, None, 5)[0]
    await c.stub.AcceptCallback(
        pb.AcceptCallbackRequest(name=mine.resource_name, agent=f"agents/{mine.agent_id}"),
        metadata=boss,
    )
    await report(c, li, "w1", pb.CallEvent.TYPE_ANSWERED, user="li.si")
    board = await c.stub.GetWallboard(pb.GetWallboardRequest(), metadata=boss)
    assert (board.callback_backlog, board.calls_waiting) == (1, 0)


async def test_a_change_by_another_replica_reaches_the_stream_through_the_watch(
    tmp_path: Path, clock: Clock, publisher: RecordingPublisher, fake_directory: FakeDirectory
) -> None:
    """Replica A serves the stream, with its agent watch running; replica B (another app on
    the same database, whose commits A's process never hears of) reserves the callback. The
    stream's own safety read is 30 s away, so only the watch can bring the offer quickly."""
    url = f"sqlite:///{tmp_path / 'callcenter.db'}"
    a = make_callcenter_app(url, clock, publisher, fake_directory, agent_stream_poll_ms=100)
    b = make_callcenter_app(url, clock, publisher, fake_directory)
    assert a.watch is not None
    watch = asyncio.create_task(a.watch.run())
    try:
        async for c in _serve_callcenter(a):
            agent = await new_agent(c)
            stream = _stream(c, agent)
            await asyncio.wait_for(stream.read(), 5)
            await _miss(c, agent, "m1", "13800138000")
            assert a.watch.running
            assert await asyncio.to_thread(callbacks.assign_pending, b.uow, b.deps) == 1
            got = await asyncio.wait_for(_read_until(stream, "callback_reserved"), 5)
            assert got[-1].callback_reserved.agent == agent.name
            stream.cancel()
    finally:
        watch.cancel()
        a.engine.dispose()
        b.engine.dispose()
