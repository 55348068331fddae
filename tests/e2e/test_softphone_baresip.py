"""Real SIP calls on loopback: a customer's baresip calls agent 1's baresip, whose bridge
reports to the call center; what the call center recorded is asserted."""

from __future__ import annotations

import asyncio
from pathlib import Path

import grpc

from callops.callcenter.v1 import callcenter_pb2 as pb
from callops.callcenter.v1 import callcenter_pb2_grpc
from services.softphone.spool import Spool
from tests.softphone_sip import (
    AGENT1,
    CUSTOMER_NUMBER,
    CallCenterStack,
    PhoneControl,
    Shown,
    Softphone,
    agent_one_bridge,
    completed_callback,
    eventually,
    first,
    list_calls,
    nth,
    running,
    seconds_between,
    setup_agents,
)


async def test_answered_call_then_missed_call_called_back(
    stack: CallCenterStack, phones: tuple[Softphone, Softphone], tmp_path: Path
) -> None:
    customer_phone, agent_phone = phones
    customer, agent1, agent2 = await setup_agents(stack, agent_phone)
    shown = Shown()
    spool = Spool(tmp_path / "spool.db")
    bridge = agent_one_bridge(stack, agent_phone, agent1, spool, shown)
    caller = await PhoneControl.open(customer_phone)
    async with (
        grpc.aio.insecure_channel(stack.address) as channel,
        running(bridge),
    ):
        stub = callcenter_pb2_grpc.CallCenterServiceStub(channel)

        # 1. The customer calls; agent 1 sees who it is while the phone rings, answers,
        # talks a moment and hangs up.
        await caller.command("dial", agent_phone.uri)
        pop = await eventually(lambda: first(shown.pops), "screen-pop of the first call")
        assert [m.customer for m in pop.screen_pop.matches] == [customer]
        assert pop.screen_pop.matches[0].customer_display_name == "杭州西湖软件有限公司"
        assert pop.screen_pop.phone_number == "138****8000"  # an agent sees it masked
        await asyncio.sleep(1.2)  # let it ring a little: a ring time of at least 1 s
        await bridge.command("accept")
        await caller.wait_event("CALL_ESTABLISHED")
        await asyncio.sleep(1.2)  # talk
        await bridge.command("hangup")
        await caller.wait_event("CALL_CLOSED")

        async def first_call_ended() -> pb.Call | None:
            calls = await list_calls(stub, agent1)
            return calls[0] if calls and calls[0].HasField("end_time") else None

        answered = await eventually(first_call_ended, "the answered call's end")
        assert answered.result == pb.Call.RESULT_ANSWERED
        assert answered.direction == pb.DIRECTION_INBOUND
        assert answered.customer == customer
        assert answered.peer_number == "+86" + CUSTOMER_NUMBER
        assert answered.call_id == pop.call_id
        assert (
            answered.ring_seconds == seconds_between(answered.offer_time, answered.answer_time) >= 1
        )
        assert (
            answered.talk_seconds == seconds_between(answered.answer_time, answered.end_time) >= 1
        )
        await stub.WrapUpCall(
            pb.WrapUpCallRequest(name=answered.name, wrap_up_code="inquiry"),
            metadata=AGENT1,
            timeout=10,
        )

        # 2. The customer calls again and gives up while it rings: a missed call, and a
        # callback offered to agent 1, who owns the customer.
        await caller.command("dial", agent_phone.uri)
        await eventually(lambda: nth(shown.pops, 2), "screen-pop of the second call")
        await asyncio.sleep(1.2)
        await caller.command("hangup")
        offer = await eventually(lambda: first(shown.offers), "the callback offer")
        assert offer.agent == agent1
        calls = await list_calls(stub, agent1)
        assert len(calls) == 2
        missed = calls[1]
        assert missed.result == pb.Call.RESULT_MISSED
        assert missed.end_cause == pb.CallEvent.END_CAUSE_CALLER_HANGUP
        assert offer.calls == [missed.name]
        assert offer.customer == customer

        # 3. Agent 1 accepts in the desktop; the bridge dials the customer, who answers:
        # the callback is done by that call.
        await stub.AcceptCallback(
            pb.AcceptCallbackRequest(name=offer.name, agent=agent1), metadata=AGENT1, timeout=10
        )
        await caller.wait_event("CALL_INCOMING")
        dialled = await eventually(lambda: first(shown.dialled), "the bridge's dial answered")
        assert dialled == (offer.name, customer_phone.uri)
        await caller.command("accept")

        done = await eventually(lambda: completed_callback(stub), "the callback task closed")
        assert done.name == offer.name and done.agent == agent1
        assert done.result == "reached_by_outbound_call"
        await asyncio.sleep(0.5)
        await caller.command("hangup")

        async def callback_call_ended() -> pb.Call | None:
            calls = await list_calls(stub, agent1)
            return calls[2] if len(calls) == 3 and calls[2].HasField("end_time") else None

        callback = await eventually(callback_call_ended, "the callback call's end")
        assert callback.direction == pb.DIRECTION_OUTBOUND
        assert callback.result == pb.Call.RESULT_ANSWERED
        assert callback.peer_number == "+86" + CUSTOMER_NUMBER
        assert callback.customer == customer
        assert done.callback_call == callback.name  # the task names the call that reached them
        assert len(await list_calls(stub, agent1)) == 3  # no event doubled into a record
        assert await list_calls(stub, agent2) == []
        assert spool.pending() == []
    await caller.close()
    spool.close()
