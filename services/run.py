"""`make run`: the whole system on one machine, on its embedded defaults, until Ctrl-C.

Knobs (environment): CALLOPS_DATA_DIR (default var), CALLOPS_REDIS_PORT (6390),
CALLOPS_<SVC>_PORT for each service (50051-50055), CALLOPS_RUN_SERVICES (a comma-separated
subset of the services, all by default), CALLOPS_READY_TIMEOUT (seconds, default 90).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import grpc
import redis
from celery import Celery
from grpc_health.v1 import health_pb2, health_pb2_grpc
from pydantic import SecretStr

from services.common.auth import issue_token
from services.common.config import ServiceSettings

# The gRPC services and their default ports; each has `python -m services.<name>
# serve|migrate`, a Celery worker module `services.<name>.worker` serving the queue of its
# name, and its own SQLite file.
SERVICES = {
    "customer": 50051,
    "contract": 50052,
    "callcenter": 50053,
    "search": 50054,
    "alerts": 50055,
}
# The embedded search index takes one writer at a time.
WORKER_CONCURRENCY = {"search": "1"}


@dataclass(frozen=True)
class Layout:
    """Where everything lives and listens, from the environment."""

    data: Path
    redis_port: int
    ports: dict[str, int]
    ready_timeout: float

    @classmethod
    def from_env(cls) -> Layout:
        chosen = os.environ.get("CALLOPS_RUN_SERVICES", "")
        names = [n.strip() for n in chosen.split(",") if n.strip()] or list(SERVICES)
        unknown = sorted(set(names) - set(SERVICES))
        if unknown:
            _die(f"CALLOPS_RUN_SERVICES names unknown services {', '.join(unknown)}; "
                 f"known: {', '.join(SERVICES)}")  # fmt: skip
        try:
            ports = {
                n: int(os.environ.get(f"CALLOPS_{n.upper()}_PORT", SERVICES[n])) for n in names
            }
            redis_port = int(os.environ.get("CALLOPS_REDIS_PORT", "6390"))
            timeout = float(os.environ.get("CALLOPS_READY_TIMEOUT", "90"))
        except ValueError as error:
            _die(f"a port or timeout in the environment is not a number: {error}")
        return cls(
            Path(os.environ.get("CALLOPS_DATA_DIR", "var")).resolve(), redis_port, ports, timeout
        )


@dataclass
class Component:
    """One process of the system and how to tell it is ready."""

    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    grpc_port: int = 0  # ready when its health service says SERVING
    worker: str = ""  # a Celery worker's node name: ready when it answers a ping
    beat_schedule: Path | None = None  # a beat: ready once it has written its schedule
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0  # time.monotonic(), for the time it took
    started_at: float = 0.0  # time.time(), to compare with file times
    ready: bool = False


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _stop_with_the_run_command() -> None:
    """Runs in each component before exec: the kernel sends it SIGTERM when the run command
    dies, even by SIGKILL, so that no component outlives it (Linux only)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _die(message: str) -> NoReturn:
    print(f"callops: {message}", file=sys.stderr, flush=True)
    raise SystemExit(1)


def _secret(data: Path) -> str:
    """The local token secret: from the environment, or made once and kept in the data dir."""
    if os.environ.get("CALLOPS_JWT_SECRET"):
        return os.environ["CALLOPS_JWT_SECRET"]
    path = data / "jwt-secret"
    if not path.exists():
        # Created owner-only, so that the secret is never readable by others, even briefly.
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
            out.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _require(program: str, package: str) -> str:
    found = shutil.which(program)
    if found is None:
        _die(f"{program} is needed and not installed: apt-get install -y {package}")
    return found


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # As the servers bind: connections of a previous run in TIME_WAIT do not count.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _check_ports(layout: Layout) -> None:
    wanted = {"redis": layout.redis_port, **layout.ports}
    for name, port in wanted.items():
        if not _port_free(port):
            knob = "CALLOPS_REDIS_PORT" if name == "redis" else f"CALLOPS_{name.upper()}_PORT"
            _die(f"port {port} for {name} is in use: stop what listens there or set {knob}")


def _healthy(port: int) -> bool:
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(), timeout=0.5
            )
        except grpc.RpcError:
            return False
    return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)


def _redis_ready(port: int) -> bool:
    try:
        return bool(redis.Redis(port=port, socket_timeout=0.5).ping())
    except redis.RedisError:
        return False


def _workers_answering(broker: str) -> set[str]:
    """The Celery nodes that answer a broadcast ping within half a second."""
    app = Celery(broker=broker)
    try:
        replies = app.control.ping(timeout=0.5) or []
    except Exception:  # the broker not up yet, or a reply it cannot decode: "not yet"
        return set()
    finally:
        app.close()
    return {node for reply in replies for node in reply}


def _components(
    layout: Layout, python: str, redis_server: str, common: dict[str, str]
) -> list[Component]:
    data = layout.data
    components = [
        Component(
            "redis",
            [
                redis_server, "--port", str(layout.redis_port), "--bind", "127.0.0.1",
                "--dir", str(data), "--appendonly", "yes", "--save", "",
                "--loglevel", "warning",
            ],
        ),
    ]  # fmt: skip
    for name, port in layout.ports.items():
        env = {
            **common,
            "CALLOPS_GRPC_PORT": str(port),
            "CALLOPS_DATABASE_URL": f"sqlite:///{data / (name + '.db')}",
        }
        celery = [python, "-m", "celery", "-A", f"services.{name}.worker"]
        node = f"{name}-worker@callops"
        components += [
            Component(name, [python, "-m", f"services.{name}", "serve"], env, grpc_port=port),
            Component(
                f"{name}-worker",
                [
                    *celery,
                    "worker",
                    "-Q",
                    name,
                    "-n",
                    node,
                    "--concurrency",
                    WORKER_CONCURRENCY.get(name, "2"),
                    "--without-gossip",
                    "--without-mingle",
                    "-l",
                    "WARNING",
                ],
                env,
                worker=node,
            ),
            Component(
                f"{name}-beat",
                [*celery, "beat", "-s", str(data / f"{name}-beat"), "-l", "WARNING"],
                env,
                beat_schedule=data / f"{name}-beat",
            ),
        ]
    return components


def _migrate(layout: Layout, python: str, common: dict[str, str]) -> None:
    for name in layout.ports:
        env = {**os.environ, **common,
               "CALLOPS_DATABASE_URL": f"sqlite:///{layout.data / (name + '.db')}"}  # fmt: skip
        log = layout.data / "logs" / f"{name}-migrate.log"
        with log.open("wb") as out:
            done = subprocess.run(
                [python, "-m", f"services.{name}", "migrate"], env=env, stdout=out, stderr=out
            )
        if done.returncode != 0:
            lines = log.read_text(errors="replace").strip().splitlines() or [""]
            _die(f"migrating {name} failed ({lines[-1].strip()}); see {log}")
        print(f"  migrated {name}", flush=True)


def _address(layout: Layout, component: Component) -> str:
    """Where a component listens; workers and beats listen nowhere."""
    if component.name == "redis":
        return f"127.0.0.1:{layout.redis_port}"
    return f"127.0.0.1:{component.grpc_port}" if component.grpc_port else ""


def _beat_started(component: Component) -> bool:
    assert component.beat_schedule is not None
    schedule = component.beat_schedule
    # Beat writes its schedule file (whatever suffix the dbm module adds) when it starts.
    return any(
        path.stat().st_mtime >= component.started_at - 1
        for path in schedule.parent.glob(schedule.name + "*")
    )


class Supervisor:
    """Starts the components, reports each one's readiness, and stops them all."""

    def __init__(self, layout: Layout, components: list[Component], broker: str) -> None:
        self.layout = layout
        self.components = components
        self.broker = broker
        self.stopping = False
        self.failed = False  # a component died or never became ready (not a user's stop)

    def stop(self, *_: object) -> None:
        self.stopping = True

    def start(self) -> bool:
        """Starts redis, waits for it (everything else needs the broker), then the rest."""
        logs = self.layout.data / "logs"
        for component in self.components:
            if self.stopping:
                return False
            with (logs / f"{component.name}.log").open("ab") as log:
                component.process = subprocess.Popen(
                    component.argv,
                    env={**os.environ, **component.env},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # Ctrl-C reaches only us; we stop them in order
                    preexec_fn=_stop_with_the_run_command,  # safe: no threads run yet
                )
            component.started, component.started_at = time.monotonic(), time.time()
            if component.name == "redis":
                if not self._wait(lambda: _redis_ready(self.layout.redis_port)):
                    self.failed = self.failed or not self.stopping
                    return False
                self._ready(component)
        return True

    def _wait(self, check: Callable[[], bool]) -> bool:
        deadline = time.monotonic() + self.layout.ready_timeout
        while not self.stopping and time.monotonic() < deadline:
            if check():
                return True
            self._check_alive()
            time.sleep(0.2)
        return False

    def _ready(self, component: Component) -> None:
        component.ready = True
        took = time.monotonic() - component.started
        where = _address(self.layout, component)
        print(f"  ready  {component.name:<18} {took:5.1f} s  {where}", flush=True)

    def _check_alive(self) -> None:
        for component in self.components:
            if component.process is not None and component.process.poll() is not None:
                log = self.layout.data / "logs" / f"{component.name}.log"
                print(
                    f"callops: {component.name} exited with {component.process.returncode}; "
                    f"see {log}; stopping everything",
                    file=sys.stderr,
                    flush=True,
                )
                self.stopping = self.failed = True
                return

    def await_readiness(self) -> bool:
        """Prints each component as it becomes ready; False when stopped or out of time."""
        deadline = time.monotonic() + self.layout.ready_timeout
        while not self.stopping:
            waiting = [c for c in self.components if not c.ready]
            if not waiting:
                return True
            if time.monotonic() > deadline:
                names = ", ".join(c.name for c in waiting)
                print(
                    f"callops: not ready after {self.layout.ready_timeout:.0f} s: {names}; "
                    f"see {self.layout.data / 'logs'}",
                    file=sys.stderr,
                    flush=True,
                )
                self.failed = True
                return False
            answering = _workers_answering(self.broker) if any(c.worker for c in waiting) else set()
            for component in waiting:
                if (
                    (component.grpc_port and _healthy(component.grpc_port))
                    or (component.worker and component.worker in answering)
                    or (component.beat_schedule and _beat_started(component))
                ):
                    self._ready(component)
            self._check_alive()
            time.sleep(0.3)
        return False

    def run_until_stopped(self) -> None:
        while not self.stopping:
            self._check_alive()
            time.sleep(0.5)

    def shutdown(self) -> None:
        """SIGTERM to each component, newest first; whatever is left after 15 s is killed,
        with its whole process group (Celery pool children, extra server processes)."""
        running = [c for c in reversed(self.components) if c.process is not None]
        for component in running:
            assert component.process is not None
            if component.process.poll() is None:
                component.process.terminate()
        deadline = time.monotonic() + 15
        for component in running:
            assert component.process is not None
            try:
                component.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                print(f"  killing {component.name}", flush=True)
        for component in running:
            assert component.process is not None
            # A group already gone means nothing was left behind.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(component.process.pid, signal.SIGKILL)
            component.process.wait()
        print("callops: stopped", flush=True)


def _load_demo(layout: Layout, secret: str) -> None:
    # Imported here: only --demo needs python-docx and the demo data.
    from services.demo import DemoLoader

    addresses = {name: f"127.0.0.1:{port}" for name, port in layout.ports.items()}
    loader = DemoLoader(
        addresses,
        ServiceSettings(jwt_secret=SecretStr(secret)),
        report=lambda line: print(f"  demo   {line}", flush=True),
    )
    try:
        loader.load()
        print("  demo   loaded", flush=True)
    except grpc.RpcError as error:
        detail = error.details() if isinstance(error, grpc.Call) else str(error)
        print(f"callops: the demo data did not load: {detail}", file=sys.stderr, flush=True)
    finally:
        loader.close()


def _announce(layout: Layout, components: list[Component], secret: str) -> None:
    settings = ServiceSettings(jwt_secret=SecretStr(secret))
    token = issue_token(settings, "admin", ["admin"], "", 12 * 3600)
    print("\ncallops is running (Ctrl-C stops everything)")
    for component in components:
        pid = component.process.pid if component.process else "-"
        print(f"  {component.name:<18} pid {pid:<8} {_address(layout, component)}")
    print(f"\nLogs: {layout.data / 'logs'}")
    print(
        "\nAn admin token for 12 hours (more: `callops token --user ID --role ROLE`, which\n"
        f"signs with {layout.data / 'jwt-secret'}):\n"
        f"export CALLOPS_TOKEN={token}\n"
    )
    first = next(iter(layout.ports.values()), 50051)
    print(f"Try: callops --help, or grpcurl -plaintext 127.0.0.1:{first} list", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m services.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--demo", action="store_true", help="load the demo data once ready")
    args = parser.parse_args(argv)

    layout = Layout.from_env()
    redis_server = _require("redis-server", "redis-server")
    (layout.data / "logs").mkdir(parents=True, exist_ok=True)
    _check_ports(layout)
    python = sys.executable
    broker = f"redis://127.0.0.1:{layout.redis_port}/0"
    secret = _secret(layout.data)
    common = {
        "CALLOPS_JWT_SECRET": secret,
        "CALLOPS_BROKER_URL": broker,
        "CALLOPS_DATA_DIR": str(layout.data),
        "CALLOPS_GRPC_HOST": "127.0.0.1",
        **{
            f"CALLOPS_{name.upper()}_ADDRESS": f"127.0.0.1:{port}"
            for name, port in layout.ports.items()
        },
    }
    components = _components(layout, python, redis_server, common)
    supervisor = Supervisor(layout, components, broker)
    signal.signal(signal.SIGINT, supervisor.stop)
    signal.signal(signal.SIGTERM, supervisor.stop)
    print(f"callops: {len(components)} components, data in {layout.data}", flush=True)
    _migrate(layout, python, common)
    try:
        if supervisor.start() and supervisor.await_readiness():
            if args.demo:
                _load_demo(layout, secret)
            _announce(layout, components, secret)
            supervisor.run_until_stopped()
    finally:
        supervisor.shutdown()
    if supervisor.failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
