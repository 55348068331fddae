"""Scenarios of the call center as processes: the screen-pop of incoming calls with 1,000,000
customers behind it, and a missed call until its callback is offered on an agent's stream."""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import timestamp_pb2
from pydantic import SecretStr

from bench.customer_data import build, phone_of
from bench.customer_lookup import SECRET, _wait_serving, free_port
from bench.loadgen import ClientFactory
from bench.scenarios import Servers
from callops.callcenter.v1 import callcenter_pb2 as pb
from callops.callcenter.v1 import callcenter_pb2_grpc
from services.callcenter.bootstrap import MIGRATIONS
from services.common.auth import issue_token
from services.common.config import ServiceSettings
from services.common.migrations import upgrade

CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", "1000000"))
AGENTS = 64  # more agents than calls in flight: an offer rarely waits for a free agent
OFFER_TIMEOUT_S = 10.0


def _metadata(user: str, *roles: str) -> tuple[tuple[str, str], ...]:
    token = issue_token(ServiceSettings(jwt_secret=SecretStr(SECRET)), user, list(roles))
    return (("authorization", f"Bearer {token}"),)


def _now() -> timestamp_pb2.Timestamp:
    ts = timestamp_pb2.Timestamp()
    ts.GetCurrentTime()
    return ts


def _user(i: int) -> str:
    return f"bench.agent{i}"


class CallCenterServices:
    """A redis for the outbox, the customer service on the 1,000,000 customers, and the call
    center on a fresh SQLite database looking callers up there; AGENTS agents logged in."""

    server_processes = 2

    def __init__(self) -> None:
        self._procs: list[subprocess.Popen[bytes]] = []
        self._dir = Path("var/bench") / f"callcenter-{os.getpid()}"
        self.agents: list[str] = []

    def _spawn(self, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(args, env={**os.environ, **env}, stdout=subprocess.DEVNULL)
        self._procs.append(proc)
        return proc

    async def setup(self) -> Servers:
        customers = await asyncio.to_thread(
            build, Path("var/bench") / f"customers-{CUSTOMERS}.db", CUSTOMERS
        )
        self._dir.mkdir(parents=True, exist_ok=True)
        callcenter_url = f"sqlite:///{self._dir / 'callcenter.db'}"
        await asyncio.to_thread(upgrade, MIGRATIONS, callcenter_url)
        broker = "redis://127.0.0.1:1/0"  # unreachable: the relay only retries later
        if redis := shutil.which("redis-server"):
            port = free_port()
            args = [redis, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
            self._spawn([*args, "--appendonly", "no", "--dir", str(self._dir)], {})
            broker = f"redis://127.0.0.1:{port}/0"
        common = {
            "CALLOPS_JWT_SECRET": SECRET,
            "CALLOPS_LOG_LEVEL": "WARNING",
            "CALLOPS_BROKER_URL": broker,
        }
        customer_port, callcenter_port = free_port(), free_port()
        customer = self._spawn(
            [sys.executable, "-m", "services.customer", "serve"],
            {
                **common,
                "CALLOPS_GRPC_PORT": str(customer_port),
                "CALLOPS_DATABASE_URL": f"sqlite:///{customers}",
            },
        )
        callcenter = self._spawn(
            [sys.executable, "-m", "services.callcenter", "serve"],
            {
                **common,
                "CALLOPS_GRPC_PORT": str(callcenter_port),
                "CALLOPS_DATABASE_URL": callcenter_url,
                "CALLOPS_CUSTOMER_ADDRESS": f"127.0.0.1:{customer_port}",
            },
        )
        await _wait_serving(customer_port)
        await _wait_serving(callcenter_port)
        self.agents = await _create_agents(f"127.0.0.1:{callcenter_port}")
        return Servers(f"127.0.0.1:{callcenter_port}", (customer.pid, callcenter.pid))

    async def teardown(self) -> None:
        for proc in self._procs:
            proc.terminate()
        for proc in self._procs:
            proc.wait(timeout=15)
        self._procs.clear()
        shutil.rmtree(self._dir, ignore_errors=True)


async def _create_agents(target: str) -> list[str]:
    boss = _metadata("bench.boss", "supervisor")
    async with grpc.aio.insecure_channel(target) as channel:
        stub = callcenter_pb2_grpc.CallCenterServiceStub(channel)
        names = []
        for i in range(AGENTS):
            agent = await stub.CreateAgent(
                pb.CreateAgentRequest(
                    agent=pb.Agent(user=f"users/{_user(i)}", display_name=f"坐席{i}"),
                    request_id=f"bench-{i}",
                ),
                metadata=boss,
                timeout=10,
            )
            await stub.LoginAgent(pb.LoginAgentRequest(name=agent.name), metadata=boss, timeout=10)
            names.append(agent.name)
    return names


# --- screen-pop ---------------------------------------------------------------------------


async def screen_pop_client(
    channel: grpc.aio.Channel, count: int, agents: tuple[str, ...]
) -> Callable[[], Awaitable[object]]:
    """Runs in each client process: a call from a random known number rings at a random
    agent's softphone, which reports INCOMING or RINGING and needs the screen-pop."""
    stub = callcenter_pb2_grpc.CallCenterServiceStub(channel)
    tokens = [_metadata(_user(i), "agent") for i in range(len(agents))]
    rng = random.Random()
    types = (pb.CallEvent.TYPE_INCOMING, pb.CallEvent.TYPE_RINGING)

    async def call() -> object:
        i = rng.randrange(len(agents))
        number = phone_of(rng.randrange(count))
        event = pb.CallEvent(
            call_id=uuid.uuid4().hex,
            type=rng.choice(types),
            direction=pb.DIRECTION_INBOUND,
            peer_uri=f"sip:{number[3:]}@pbx.example.com",
            event_time=_now(),
        )
        reply = await stub.ReportCallEvent(
            pb.ReportCallEventRequest(agent=agents[i], event=event),
            metadata=tokens[i],
            timeout=5,
        )
        pop = reply.screen_pop
        if pop.partial or len(pop.matches) != 1:
            raise AssertionError(f"{number}: partial={pop.partial}, {len(pop.matches)} matches")
        return reply

    return call


class CallCenterScreenPop(CallCenterServices):
    name = "callcenter_screen_pop"

    def client_factory(self) -> ClientFactory:
        return partial(screen_pop_client, count=CUSTOMERS, agents=tuple(self.agents))


# --- missed call -> offer on the stream ---------------------------------------------------


class _Offers:
    """What the agents' streams delivered, by missed call; a miss waits on its future."""

    def __init__(self) -> None:
        self.waiting: dict[str, asyncio.Future[float]] = {}
        self.early: dict[str, float] = {}

    def arrived(self, call: str) -> None:
        future = self.waiting.pop(call, None)
        if future is None:
            self.early[call] = time.monotonic()  # before its ReportCallEvent answer
        elif not future.done():
            future.set_result(time.monotonic())

    def wait_for(self, call: str) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        if call in self.early:
            future.set_result(self.early.pop(call))
        else:
            self.waiting[call] = future
        return future


async def _follow(
    stub: Any, agent: str, metadata: tuple[tuple[str, str], ...], offers: _Offers
) -> None:
    """One agent's desktop: reads its stream, and accepts and completes each callback it is
    offered so that it is free for the next."""
    stream = stub.StreamAgentEvents(pb.StreamAgentEventsRequest(agent=agent), metadata=metadata)
    async for message in stream:
        if not message.HasField("callback_reserved"):
            continue
        task = message.callback_reserved
        for call in task.calls:
            offers.arrived(call)
        try:
            await stub.AcceptCallback(
                pb.AcceptCallbackRequest(name=task.name, agent=agent), metadata=metadata, timeout=5
            )
            await stub.CompleteCallback(
                pb.CompleteCallbackRequest(name=task.name, agent=agent, result="reached"),
                metadata=metadata,
                timeout=5,
            )
        except grpc.aio.AioRpcError:
            pass  # lapsed or taken meanwhile: the service offers it again


async def missed_offer_client(
    channel: grpc.aio.Channel, agents: tuple[str, ...]
) -> Callable[[], Awaitable[object]]:
    """Runs in each client process: every agent's stream is open; one call is a caller
    hanging up unanswered (ENDED, cause CALLER_HANGUP, from a new number) until the callback
    made of it is offered on some agent's stream."""
    stub = callcenter_pb2_grpc.CallCenterServiceStub(channel)
    tokens = [_metadata(_user(i), "agent") for i in range(len(agents))]
    offers = _Offers()
    followers = [
        asyncio.create_task(_follow(stub, agent, tokens[i], offers))
        for i, agent in enumerate(agents)
    ]
    rng = random.Random()

    async def call() -> object:
        i = rng.randrange(len(agents))
        event = pb.CallEvent(
            call_id=uuid.uuid4().hex,
            type=pb.CallEvent.TYPE_ENDED,
            end_cause=pb.CallEvent.END_CAUSE_CALLER_HANGUP,
            direction=pb.DIRECTION_INBOUND,
            peer_uri=f"+86139{rng.randrange(10**8):08d}",
            event_time=_now(),
        )
        reply = await stub.ReportCallEvent(
            pb.ReportCallEventRequest(agent=agents[i], event=event),
            metadata=tokens[i],
            timeout=5,
        )
        return await asyncio.wait_for(offers.wait_for(reply.call.name), OFFER_TIMEOUT_S)

    call.followers = followers  # type: ignore[attr-defined]  # kept alive with the call
    return call


class CallCenterMissedOffer(CallCenterServices):
    name = "callcenter_missed_offer"

    def client_factory(self) -> ClientFactory:
        return partial(missed_offer_client, agents=tuple(self.agents))
