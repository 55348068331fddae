"""`callops softphone bridge` as its own process beside a real baresip: the missed call it
bridges is recorded, the callback it accepts by itself (--auto-accept) is dialled and closes
when the customer answers, and it stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import grpc

from callops.callcenter.v1 import callcenter_pb2 as pb
from callops.callcenter.v1 import callcenter_pb2_grpc
from tests.softphone_sip import (
    CUSTOMER_NUMBER,
    CallCenterStack,
    PhoneControl,
    Softphone,
    completed_callback,
    eventually,
    list_calls,
    setup_agents,
    token,
)


async def test_the_command_bridges_a_missed_call_and_calls_back(
    stack: CallCenterStack, phones: tuple[Softphone, Softphone], tmp_path: Path
) -> None:
    customer_phone, agent_phone = phones
    _, agent1, _ = await setup_agents(stack, agent_phone)
    spool = tmp_path / "bridge" / "spool.db"
    printed = tmp_path / "bridge.out"
    output = printed.open("w")
    command = [sys.executable, "-m", "services.softphone", "bridge", "--agent", agent1]
    command += ["--baresip", agent_phone.ctrl_address, "--callcenter", stack.address]
    command += ["--auto-accept"]
    bridge = subprocess.Popen(
        [*command, "--spool", str(spool)],
        env={**os.environ, "CALLOPS_TOKEN": token("agent.one", "agent")},
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    caller = await PhoneControl.open(customer_phone)
    try:
        async with grpc.aio.insecure_channel(stack.address) as channel:
            stub = callcenter_pb2_grpc.CallCenterServiceStub(channel)

            await eventually(
                lambda: _shows(printed, "baresip connected"), "the bridge connected to baresip"
            )
            await caller.command("dial", agent_phone.uri)
            await eventually(lambda: _shows(printed, "来电 138****8000"), "the screen-pop printed")
            await caller.command("hangup")

            # The bridge may already be dialling back by now (it auto-accepts): the outbound
            # callback is a second record, so look at the inbound ones.
            async def missed() -> list[pb.Call] | None:
                calls = await list_calls(stub, agent1)
                inbound = [c for c in calls if c.direction == pb.DIRECTION_INBOUND]
                return inbound if inbound and inbound[0].HasField("end_time") else None

            calls = await eventually(missed, "the missed call recorded")
            assert len(calls) == 1 and calls[0].result == pb.Call.RESULT_MISSED
            assert calls[0].peer_number == "+86" + CUSTOMER_NUMBER

            # agent 1 owns the customer: the offer comes to its bridge, which accepts it and
            # dials the number back; the customer answers and the task is done
            await caller.wait_event("CALL_INCOMING")
            await caller.command("accept")

            task = await eventually(lambda: completed_callback(stub), "the callback completed")
            assert task.agent == agent1 and task.calls == [calls[0].name]
            await caller.command("hangup")
        bridge.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(bridge.wait, 15) == 0
        assert spool.exists()
    finally:
        if bridge.poll() is None:
            bridge.kill()
            bridge.wait(5)
        await caller.close()
        output.close()


async def _shows(printed: Path, text: str) -> bool:
    return text in printed.read_text()
