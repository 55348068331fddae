"""The agent event stream is pushed: a missed call is reserved by the service itself and
offered on the stream at once, long before any poll would have seen it."""

from __future__ import annotations

import asyncio
import time

from google.protobuf import timestamp_pb2

from callops.callcenter.v1 import callcenter_pb2 as pb
from tests.callcenter_fixtures import CallCenterCaller


def now_ts() -> timestamp_pb2.Timestamp:
    ts = timestamp_pb2.Timestamp()
    ts.GetCurrentTime()
    return ts


async def test_missed_call_is_offered_on_the_stream_at_once(
    pushing_callcenter: CallCenterCaller,
) -> None:
    c = pushing_callcenter
    agent = await c.stub.CreateAgent(
        pb.CreateAgentRequest(agent=pb.Agent(user="users/wang.wu", display_name="王五")),
        metadata=c.as_("supervisor", user="boss"),
    )
    me = c.as_("agent", user="wang.wu")
    await c.stub.LoginAgent(pb.LoginAgentRequest(name=agent.name), metadata=me)
    stream = c.stub.StreamAgentEvents(pb.StreamAgentEventsRequest(agent=agent.name), metadata=me)
    first = await asyncio.wait_for(stream.read(), 5)
    assert first.agent.status == pb.Agent.STATUS_AVAILABLE
    for type_ in (pb.CallEvent.TYPE_INCOMING, pb.CallEvent.TYPE_ENDED):
        event = pb.CallEvent(
            call_id="m1",
            type=type_,
            direction=pb.DIRECTION_INBOUND,
            peer_uri="13800138000",
            event_time=now_ts(),
        )
        if type_ == pb.CallEvent.TYPE_ENDED:
            event.end_cause = pb.CallEvent.END_CAUSE_CALLER_HANGUP
        await c.stub.ReportCallEvent(
            pb.ReportCallEventRequest(agent=agent.name, event=event), metadata=me
        )
    missed_at = time.monotonic()
    while True:
        message = await asyncio.wait_for(stream.read(), 3)
        if message.HasField("callback_reserved"):
            break
    assert message.callback_reserved.agent == agent.name
    assert message.callback_reserved.phone_number == "138****8000"
    assert time.monotonic() - missed_at < 2.0  # the polls are 10 s and 1 h
    stream.cancel()
