"""`python -m services.run` as a user starts it: on free ports and a temporary data dir, it
reports each component ready, loads the demo data through the APIs, and on Ctrl-C or SIGTERM
stops every process it started."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from typer.testing import CliRunner

from services.cli import app
from services.demo import CONTRACTS, CUSTOMERS, demo_phone
from tests.run_command import ProcessOutput, live_processes_in_groups
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
PID_LINE = re.compile(r"^\s+(\S+)\s+pid (\d+)\s")


class RunningSystem:
    """`python -m services.run` in a subprocess, its output read line by line."""

    def __init__(self, tmp_path: Path, services: list[str], *args: str, **env: str) -> None:
        self.data = tmp_path / "var"
        self.ports = {name: free_port() for name in services}
        self.redis_port = free_port()
        self.args = args
        base = {k: v for k, v in os.environ.items() if not k.startswith("CALLOPS_")}
        self.env = {
            **base,
            "PYTHONUNBUFFERED": "1",
            "CALLOPS_DATA_DIR": str(self.data),
            "CALLOPS_REDIS_PORT": str(self.redis_port),
            "CALLOPS_RUN_SERVICES": ",".join(services),
            **{f"CALLOPS_{n.upper()}_PORT": str(p) for n, p in self.ports.items()},
            **env,
        }
        self._start()

    def again(self) -> RunningSystem:
        """The same command on the same data dir and ports, as a user restarting it."""
        twin = object.__new__(RunningSystem)
        twin.data, twin.ports, twin.redis_port = self.data, self.ports, self.redis_port
        twin.args, twin.env = self.args, self.env
        twin._start()
        return twin

    def _start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "services.run", *self.args],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.output = ProcessOutput(self.process)
        self.lines = self.output.lines
        self.wait_for = self.output.wait_for

    def finish(self, timeout: float = 60) -> int:
        code = self.process.wait(timeout=timeout)
        self.output.drain()
        return code

    def pids(self) -> dict[str, int]:
        return {
            m.group(1): int(m.group(2)) for m in map(PID_LINE.match, self.lines) if m is not None
        }

    def address(self, name: str) -> str:
        return f"127.0.0.1:{self.ports[name]}"

    def kill(self) -> None:
        """Cleanup after a failed test: nothing may outlive it."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for pid in self.pids().values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)


@pytest.fixture
def started() -> Iterator[list[RunningSystem]]:
    systems: list[RunningSystem] = []
    yield systems
    for system in systems:
        system.kill()


def healthy(address: str) -> bool:
    with grpc.insecure_channel(address) as channel:
        reply = health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(), timeout=5
        )
    return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["INT", "TERM"])
def test_each_component_is_reported_ready_and_a_signal_stops_them_all(
    tmp_path: Path, started: list[RunningSystem], stop_signal: signal.Signals
) -> None:
    system = RunningSystem(tmp_path, ["customer"])
    started.append(system)
    system.wait_for("Try: callops --help", timeout=120)
    ready = {line.split()[1] for line in system.lines if line.startswith("  ready  ")}
    assert ready == {"redis", "customer", "customer-worker", "customer-beat"}
    assert "  migrated customer" in system.lines
    pids = system.pids()
    assert set(pids) == ready and healthy(system.address("customer"))
    assert any(line.startswith("export CALLOPS_TOKEN=ey") for line in system.lines)
    assert (system.data / "jwt-secret").stat().st_mode & 0o077 == 0
    assert (system.data / "logs" / "customer-worker.log").exists()

    system.process.send_signal(stop_signal)
    assert system.finish() == 0
    assert system.lines[-1] == "callops: stopped"
    # Each component leads its own process group (Celery's pool children are in it).
    assert live_processes_in_groups(set(pids.values())) == []

    if stop_signal == signal.SIGTERM:
        # Started again at once on the same ports and data: everything is ready again.
        restarted = system.again()
        started.append(restarted)
        restarted.wait_for("Try: callops --help", timeout=120)
        assert set(restarted.pids()) == ready
        # Even killed outright, the run command takes its components with it.
        restarted.process.kill()
        restarted.finish()
        groups = set(restarted.pids().values())
        deadline = time.monotonic() + 30
        while live_processes_in_groups(groups) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert live_processes_in_groups(groups) == []


def test_a_missing_prerequisite_is_one_line_saying_what_to_install(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {**os.environ, "PATH": str(empty), "CALLOPS_DATA_DIR": str(tmp_path / "var")}
    done = subprocess.run(
        [sys.executable, "-m", "services.run"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == (
        "callops: redis-server is needed and not installed: apt-get install -y redis-server\n"
    )


def test_a_port_in_use_names_the_variable_that_moves_it(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {
            **os.environ,
            "CALLOPS_DATA_DIR": str(tmp_path / "var"),
            "CALLOPS_REDIS_PORT": str(free_port()),
            "CALLOPS_RUN_SERVICES": "customer",
            "CALLOPS_CUSTOMER_PORT": str(port),
        }
        done = subprocess.run(
            [sys.executable, "-m", "services.run"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"callops: port {port} for customer is in use: stop what listens there or set "
        "CALLOPS_CUSTOMER_PORT"
    ]


def test_a_failed_migration_says_which_setting_and_where_the_log_is(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "CALLOPS_DATA_DIR": str(tmp_path / "var"),
        "CALLOPS_REDIS_PORT": str(free_port()),
        "CALLOPS_RUN_SERVICES": "customer",
        "CALLOPS_CUSTOMER_PORT": str(free_port()),
        "CALLOPS_GRPC_WORKERS": "0",
    }
    done = subprocess.run(
        [sys.executable, "-m", "services.run"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("callops: migrating customer failed (CALLOPS_GRPC_WORKERS: ")
    assert line.endswith(f"see {tmp_path / 'var' / 'logs' / 'customer-migrate.log'}")


def callops(system: RunningSystem, *args: str) -> Any:
    """`callops --json ...` against the running system, as an admin, signed with the
    secret the run command keeps in its data dir."""
    runner = CliRunner(env={"CALLOPS_DATA_DIR": str(system.data), "CALLOPS_JWT_SECRET": None})
    addresses = [a for n in system.ports for a in (f"--{n}-address", system.address(n))]
    token = runner.invoke(app, ["token", "--user", "fa.wu", "--role", "admin", "--role", "legal"])
    assert token.exit_code == 0, token.stderr
    result = runner.invoke(app, [*addresses, "--token", token.stdout.strip(), "--json", *args])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_the_demo_data_loads_once_and_flows_to_search(
    tmp_path: Path, started: list[RunningSystem]
) -> None:
    system = RunningSystem(tmp_path, ["customer", "contract", "callcenter", "search"], "--demo")
    started.append(system)
    system.wait_for("Try: callops --help", timeout=240)
    assert "  demo   loaded" in system.lines, "\n".join(system.lines)

    found = callops(system, "customers", "find-phone", demo_phone(0))
    assert found["matches"][0]["customer"]["full_name"] == CUSTOMERS[0][0]

    # Loading again (as `callops demo load`) finds everything in place and adds nothing.
    again = callops(system, "demo", "load")
    assert len(again["customers"]) == len(CUSTOMERS) and len(again["templates"]) == 2
    states = [c["state"] for c in again["contracts"]]
    assert len(states) == len(CONTRACTS) == 15
    assert states.count("STATE_ACTIVE") == 6 and states.count("STATE_DRAFT") == 2
    assert {"STATE_SIGNING", "STATE_APPROVED", "STATE_REJECTED"} <= set(states)
    active = next(c["name"] for c in again["contracts"] if c["state"] == "STATE_ACTIVE")
    documents = callops(system, "contracts", "documents", active)["documents"]
    assert len(documents) == 1 and documents[0]["filename"].endswith(".docx")
    agents = callops(system, "agents", "list")["agents"]
    assert len(agents) == 5

    # The contract events travel through Redis to the search worker's index.
    deadline = time.monotonic() + 90
    while True:
        hits = callops(system, "search", "违约责任")
        if hits["total_size"] == len(CONTRACTS) or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert hits["total_size"] == len(CONTRACTS)

    pids = system.pids()
    system.process.send_signal(signal.SIGINT)
    assert system.finish() == 0
    assert live_processes_in_groups(set(pids.values())) == []
