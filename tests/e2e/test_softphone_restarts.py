"""The bridge across restarts, with real baresip: events read while the call center is down
are spooled and recorded once it is back, even when the bridge itself restarted meanwhile;
a restarted baresip is found again."""

from __future__ import annotations

import asyncio
from pathlib import Path

import grpc

from callops.callcenter.v1 import callcenter_pb2 as pb
from callops.callcenter.v1 import callcenter_pb2_grpc
from services.softphone.bridge import Bridge
from services.softphone.spool import Spool
from tests.softphone_sip import (
    CUSTOMER_NUMBER,
    CallCenterStack,
    PhoneControl,
    Shown,
    Softphone,
    agent_one_bridge,
    eventually,
    first,
    list_calls,
    running,
    setup_agents,
    start_softphone,
)


async def test_events_survive_the_service_and_the_bridge_restarting(
    stack: CallCenterStack, phones: tuple[Softphone, Softphone], tmp_path: Path
) -> None:
    customer_phone, agent_phone = phones
    _, agent1, _ = await setup_agents(stack, agent_phone)
    spool_path = tmp_path / "spool.db"

    def bridge(shown: Shown, spool: Spool) -> Bridge:
        return agent_one_bridge(stack, agent_phone, agent1, spool, shown)

    caller = await PhoneControl.open(customer_phone)
    first_spool = Spool(spool_path)
    async with running(bridge(Shown(), first_spool)):
        await stack.stop_callcenter()
        await caller.command("dial", agent_phone.uri)
        await asyncio.sleep(1.0)
        await caller.command("hangup")

        async def both_spooled() -> list[tuple[int, pb.CallEvent]] | None:
            pending = first_spool.pending()
            return pending if len(pending) == 2 else None

        pending = await eventually(both_spooled, "the ringing and the end spooled")
        assert [e.type for _, e in pending] == [
            pb.CallEvent.TYPE_INCOMING,
            pb.CallEvent.TYPE_ENDED,
        ]
    first_spool.close()

    # The bridge starts again on its spool; then the call center comes back.
    shown = Shown()
    spool = Spool(spool_path)
    second = bridge(shown, spool)
    task = asyncio.create_task(second.run())
    try:
        async with asyncio.timeout(30):
            await second.baresip_connected.wait()
        await stack.start_callcenter()
        async with grpc.aio.insecure_channel(stack.address) as channel:
            stub = callcenter_pb2_grpc.CallCenterServiceStub(channel)

            async def recorded() -> list[pb.Call] | None:
                try:
                    calls = await list_calls(stub, agent1)
                except grpc.aio.AioRpcError as error:  # this channel finds it back later
                    assert error.code() == grpc.StatusCode.UNAVAILABLE
                    return None
                return calls if calls and calls[0].HasField("end_time") else None

            calls = await eventually(recorded, "the spooled call recorded")
            assert len(calls) == 1
            assert calls[0].result == pb.Call.RESULT_MISSED
            assert calls[0].end_cause == pb.CallEvent.END_CAUSE_CALLER_HANGUP
            assert calls[0].peer_number == "+86" + CUSTOMER_NUMBER
            await eventually(lambda: _drained(spool), "the spool drained")
            assert shown.pops == []  # the call was over: no stale screen-pop
            await eventually(lambda: _stream_open(second), "the agent stream opened again")

            # baresip restarts where it was; the bridge finds it again: the next call pops.
            agent_phone.stop()
            await eventually(lambda: _lost(second), "the bridge seeing baresip gone")
            restarted = start_softphone(
                tmp_path, "agent1", ports=(agent_phone.sip_port, agent_phone.ctrl_port)
            )
            agent_phone.process = restarted.process  # the fixture stops this one
            async with asyncio.timeout(30):
                await second.baresip_connected.wait()
            await caller.command("dial", agent_phone.uri)
            pop = await eventually(lambda: first(shown.pops), "the screen-pop after restart")
            await caller.command("hangup")

            async def second_recorded() -> list[pb.Call] | None:
                calls = await list_calls(stub, agent1)
                done = len(calls) == 2 and calls[1].HasField("end_time")
                return calls if done else None

            calls = await eventually(second_recorded, "the call after the restart recorded")
            assert calls[1].call_id == pop.call_id
            assert [c.result for c in calls] == [pb.Call.RESULT_MISSED] * 2
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await caller.close()
        spool.close()


async def _drained(spool: Spool) -> bool:
    return spool.pending() == []


async def _stream_open(bridge: Bridge) -> bool:
    return bridge.stream_open.is_set()


async def _lost(bridge: Bridge) -> bool:
    return not bridge.baresip_connected.is_set()
