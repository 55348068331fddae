"""Measures the softphone bridge: from the moment it reads baresip's ringing event (the agent's
phone starts to ring, CALL_INCOMING) to the moment it has the screen-pop to show, over real
SIP calls on loopback. The customer and call-center services run as their own processes.

python -m bench.softphone_ringing --calls 30
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path

import grpc

from bench.customer_lookup import _wait_serving
from callops.callcenter.v1 import callcenter_pb2 as pb
from callops.callcenter.v1 import callcenter_pb2_grpc
from services.callcenter.bootstrap import MIGRATIONS as CALLCENTER_MIGRATIONS
from services.common.migrations import upgrade
from services.customer.bootstrap import MIGRATIONS as CUSTOMER_MIGRATIONS
from services.softphone.bridge import Bridge
from services.softphone.spool import Spool
from tests.softphone_sip import (
    AGENT1,
    CUSTOMER_NUMBER,
    JWT_SECRET,
    PhoneControl,
    Shown,
    create_customer_and_agents,
    eventually,
    free_port,
    nth,
    start_softphone,
    token,
)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _services(root: Path) -> tuple[list[subprocess.Popen[bytes]], int, int]:
    customer_url = f"sqlite:///{root / 'customer.db'}"
    callcenter_url = f"sqlite:///{root / 'callcenter.db'}"
    upgrade(CUSTOMER_MIGRATIONS, customer_url)
    upgrade(CALLCENTER_MIGRATIONS, callcenter_url)
    common = {
        **os.environ,
        "CALLOPS_JWT_SECRET": JWT_SECRET,
        "CALLOPS_LOG_LEVEL": "WARNING",
        "CALLOPS_BROKER_URL": "redis://127.0.0.1:1/0",  # unreachable: the relay retries later
    }
    customer_port, callcenter_port = free_port(), free_port()
    customer = subprocess.Popen(
        [sys.executable, "-m", "services.customer", "serve"],
        env={
            **common,
            "CALLOPS_GRPC_PORT": str(customer_port),
            "CALLOPS_DATABASE_URL": customer_url,
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # the unreachable broker's retries
    )
    callcenter = subprocess.Popen(
        [sys.executable, "-m", "services.callcenter", "serve"],
        env={
            **common,
            "CALLOPS_GRPC_PORT": str(callcenter_port),
            "CALLOPS_DATABASE_URL": callcenter_url,
            "CALLOPS_CUSTOMER_ADDRESS": f"127.0.0.1:{customer_port}",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # the unreachable broker's retries
    )
    return [customer, callcenter], customer_port, callcenter_port


async def measure(root: Path, calls: int) -> list[float]:
    processes, customer_port, callcenter_port = _services(root)
    customer_phone = start_softphone(root, CUSTOMER_NUMBER)
    agent_phone = start_softphone(root, "agent1")
    spool = Spool(root / "spool.db")
    try:
        await _wait_serving(customer_port)
        await _wait_serving(callcenter_port)
        callcenter = f"127.0.0.1:{callcenter_port}"
        _, agent1, _ = await create_customer_and_agents(
            f"127.0.0.1:{customer_port}", callcenter, agent_phone
        )
        shown = Shown()
        bridge = Bridge(
            agent_phone.ctrl_address,
            callcenter,
            token("agent.one", "agent"),
            agent1,
            spool,
            shown.display(),
        )
        runner = asyncio.create_task(bridge.run())
        caller = await PhoneControl.open(customer_phone)
        try:
            async with asyncio.timeout(30):
                await bridge.baresip_connected.wait()
                await bridge.stream_open.wait()
            async with grpc.aio.insecure_channel(callcenter) as channel:
                stub = callcenter_pb2_grpc.CallCenterServiceStub(channel)
                for i in range(1, calls + 2):  # the first call warms the connections up
                    await caller.command("dial", agent_phone.uri)
                    pop = await eventually(partial(nth, shown.pops, i), f"screen-pop {i}")
                    if not pop.screen_pop.matches:
                        raise AssertionError(f"call {i}: the screen-pop found no customer")
                    await bridge.command("accept")
                    await caller.wait_event("CALL_ESTABLISHED", count=i)
                    await bridge.command("hangup")
                    await caller.wait_event("CALL_CLOSED", count=i)
                    # the agent's after-call work, so the next call finds it idle
                    await eventually(lambda: _drained(spool), f"call {i} reported")
                    await stub.WrapUpCall(
                        pb.WrapUpCallRequest(name=pop.call.name, wrap_up_code="bench"),
                        metadata=AGENT1,
                        timeout=10,
                    )
        finally:
            runner.cancel()
            await asyncio.gather(runner, return_exceptions=True)
            await caller.close()
        return [(p.shown_at - p.read_at) * 1000 for p in shown.pops]
    finally:
        spool.close()
        customer_phone.stop()
        agent_phone.stop()
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=15)


async def _drained(spool: Spool) -> bool:
    return spool.pending() == []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=30)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="softphone-bench-"))
    try:
        waits = asyncio.run(measure(root, args.calls))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    cold, waits = waits[0], waits[1:]
    print(f"softphone ringing -> screen-pop shown, {len(waits)} real SIP calls (baresip):")
    print(f"  first call (cold connections) {cold:.1f} ms")
    print(
        f"  p50 {percentile(waits, 0.50):.1f} ms  p99 {percentile(waits, 0.99):.1f} ms"
        f"  mean {statistics.fmean(waits):.1f} ms  max {max(waits):.1f} ms"
    )


if __name__ == "__main__":
    main()
