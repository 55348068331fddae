"""Scenario protocol, the registry `python -m bench` runs, and the echo scenario.

How to add a scenario
=====================
1. Write a module, e.g. bench/customer_lookup.py, with a class that has:

   - ``name: str`` and ``server_processes: int`` (the echo baseline it is compared with
     runs the same number of server processes);
   - ``async def setup(self) -> Servers``: start the servers (in their own processes, on
     free ports of 127.0.0.1, loading their data), return once they answer, and return
     the target the client dials plus the server pids (for the CPU column);
   - ``def client_factory(self) -> ClientFactory``: an ``async def f(channel) -> call``
     that runs INSIDE each client process. It gets a grpc.aio channel the harness opened,
     builds stubs and request data there, and returns a zero-argument callable that
     performs one RPC (set a deadline on it). It must pickle: a module-level function, or
     ``functools.partial(module_level_fn, seed=..., count=...)`` with small arguments;
     derive big data (1,000,000 phone numbers) from them in the client, not in the parent;
   - ``async def teardown(self) -> None``: stop what setup started.

2. Add one line to SCENARIOS below: ``"my_name": "bench.my_module:MyScenario"``. The class
   is imported only when that scenario runs, and built with no arguments.

The harness (bench/__main__.py) needs no change: for every scenario and concurrency it
runs the client processes, and the report gives each figure next to its ratio to the
echo service measured in the same run. See EchoScenario below for a complete example.
"""

from __future__ import annotations

import asyncio
import importlib
from dataclasses import dataclass
from typing import Protocol

from bench.echo import ServerProcess, echo_client, start_echo_server
from bench.loadgen import ClientFactory


@dataclass(frozen=True)
class Servers:
    """Where the client dials and which processes serve.

    target: a gRPC target, e.g. "127.0.0.1:5001", or "ipv4:127.0.0.1:5001,127.0.0.1:5002"
    for several server processes (the client channel balances calls round-robin over them).
    """

    target: str
    pids: tuple[int, ...] = ()


class Scenario(Protocol):
    name: str
    server_processes: int

    async def setup(self) -> Servers: ...

    def client_factory(self) -> ClientFactory: ...

    async def teardown(self) -> None: ...


SCENARIOS: dict[str, str] = {
    "echo": "bench.scenarios:EchoScenario",
    "customer_lookup_by_phone": "bench.customer_lookup:CustomerLookupByPhone",
    "contract_document_upload": "bench.contract_documents:ContractDocumentUpload",
    "callcenter_screen_pop": "bench.callcenter_calls:CallCenterScreenPop",
    "callcenter_missed_offer": "bench.callcenter_calls:CallCenterMissedOffer",
    "contract_creation": "bench.contract_creation:ContractCreation",
}


def load(name: str) -> Scenario:
    """Build the registered scenario `name` (imports its module on demand)."""
    module, _, attr = SCENARIOS[name].partition(":")
    scenario: Scenario = getattr(importlib.import_module(module), attr)()
    return scenario


class EchoScenario:
    """The bare echo service: the baseline every other scenario is divided by."""

    name = "echo"

    def __init__(self, server_processes: int = 1) -> None:
        self.server_processes = server_processes
        self._servers: list[ServerProcess] = []

    async def setup(self) -> Servers:
        # Distinct ports + round-robin give each server process an even share of calls;
        # one shared SO_REUSEPORT port would hash a few connections unevenly.
        for _ in range(self.server_processes):
            self._servers.append(await asyncio.to_thread(start_echo_server, 0))
        addresses = ",".join(f"127.0.0.1:{s.port}" for s in self._servers)
        return Servers(f"ipv4:{addresses}", tuple(s.pid for s in self._servers))

    def client_factory(self) -> ClientFactory:
        return echo_client

    async def teardown(self) -> None:
        for server in self._servers:
            server.stop()
        self._servers.clear()
