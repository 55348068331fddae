"""Scenario: LookupByPhone (the screen-pop path) over gRPC with 1,000,000 customers loaded."""

from __future__ import annotations

import asyncio
import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from pydantic import SecretStr

from bench.customer_data import build, phone_of
from bench.loadgen import ClientFactory
from bench.scenarios import Servers
from callops.customer.v1 import customer_pb2, customer_pb2_grpc
from services.common.auth import issue_token
from services.common.config import ServiceSettings

SECRET = "bench-secret-bench-secret-bench-secret"
CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", "1000000"))


async def lookup_client(channel: grpc.aio.Channel, count: int) -> Callable[[], Awaitable[object]]:
    """Runs in each client process: an agent looking up random known numbers."""
    stub = customer_pb2_grpc.CustomerServiceStub(channel)
    token = issue_token(ServiceSettings(jwt_secret=SecretStr(SECRET)), "agent1", ["agent"])
    metadata = (("authorization", f"Bearer {token}"),)
    rng = random.Random()

    async def call() -> object:
        number = phone_of(rng.randrange(count))
        reply = await stub.LookupByPhone(
            customer_pb2.LookupByPhoneRequest(phone_number=number[3:]),
            metadata=metadata,
            timeout=5,
        )
        if len(reply.matches) != 1:
            raise AssertionError(f"{number}: {len(reply.matches)} matches")
        return reply

    return call


class CustomerLookupByPhone:
    name = "customer_lookup_by_phone"

    def __init__(self, server_processes: int = 2) -> None:
        self.server_processes = server_processes
        self._procs: list[subprocess.Popen[bytes]] = []

    async def setup(self) -> Servers:
        db = await asyncio.to_thread(
            build, Path("var/bench") / f"customers-{CUSTOMERS}.db", CUSTOMERS
        )
        ports = [free_port() for _ in range(self.server_processes)]
        for port in ports:
            env = {
                **os.environ,
                "CALLOPS_JWT_SECRET": SECRET,
                "CALLOPS_GRPC_PORT": str(port),
                "CALLOPS_DATABASE_URL": f"sqlite:///{db}",
                "CALLOPS_LOG_LEVEL": "WARNING",
                "CALLOPS_BROKER_URL": "redis://127.0.0.1:1/0",
            }
            self._procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "services.customer", "serve"],
                    env=env,
                    stdout=subprocess.DEVNULL,
                )
            )
        for port in ports:
            await _wait_serving(port)
        return Servers(
            "ipv4:" + ",".join(f"127.0.0.1:{p}" for p in ports), tuple(p.pid for p in self._procs)
        )

    def client_factory(self) -> ClientFactory:
        return partial(lookup_client, count=CUSTOMERS)

    async def teardown(self) -> None:
        for proc in self._procs:
            proc.terminate()
        for proc in self._procs:
            proc.wait(timeout=15)
        self._procs.clear()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _wait_serving(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < deadline:
            try:
                reply = await stub.Check(health_pb2.HealthCheckRequest(), timeout=1)
                if reply.status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.aio.AioRpcError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"customer service on port {port} did not start")
