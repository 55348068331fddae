"""`make run`: the whole system on one machine, on its embedded defaults, until Ctrl-C."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import redis
from grpc_health.v1 import health_pb2, health_pb2_grpc
from pydantic import SecretStr

from services.common.auth import issue_token
from services.common.config import ServiceSettings

DATA = Path(os.environ.get("CALLOPS_DATA_DIR", "var")).resolve()
REDIS_PORT = int(os.environ.get("CALLOPS_REDIS_PORT", "6390"))
# The gRPC services and their ports; each has `python -m services.<name> serve|migrate`, a
# Celery worker module `services.<name>.worker` and its own SQLite file.
SERVICES = {
    "customer": int(os.environ.get("CALLOPS_CUSTOMER_PORT", "50051")),
    "contract": int(os.environ.get("CALLOPS_CONTRACT_PORT", "50052")),
    "callcenter": int(os.environ.get("CALLOPS_CALLCENTER_PORT", "50053")),
    "search": int(os.environ.get("CALLOPS_SEARCH_PORT", "50054")),
}


@dataclass
class Component:
    """One process of the system and how to tell it is ready."""

    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    grpc_port: int = 0  # ready when its health service says SERVING
    process: subprocess.Popen[bytes] | None = None


def _secret() -> str:
    """The local token secret: from the environment, or made once and kept in var/."""
    if os.environ.get("CALLOPS_JWT_SECRET"):
        return os.environ["CALLOPS_JWT_SECRET"]
    path = DATA / "jwt-secret"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _require(program: str, package: str) -> str:
    found = shutil.which(program)
    if found is None:
        sys.exit(f"callops: {program} is needed and not installed: apt-get install -y {package}")
    return found


def _healthy(port: int) -> bool:
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(), timeout=0.5
            )
        except grpc.RpcError:
            return False
    return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)


def _redis_ready() -> bool:
    try:
        return bool(redis.Redis(port=REDIS_PORT, socket_timeout=0.5).ping())
    except redis.RedisError:
        return False


def main() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    redis_server = _require("redis-server", "redis-server")
    python = sys.executable
    broker = f"redis://127.0.0.1:{REDIS_PORT}/0"
    common = {
        "CALLOPS_JWT_SECRET": _secret(),
        "CALLOPS_BROKER_URL": broker,
        "CALLOPS_DATA_DIR": str(DATA),
        "CALLOPS_GRPC_HOST": "127.0.0.1",
        "CALLOPS_CUSTOMER_ADDRESS": f"127.0.0.1:{SERVICES['customer']}",
        "CALLOPS_CONTRACT_ADDRESS": f"127.0.0.1:{SERVICES['contract']}",
    }
    components = [
        Component(
            "redis",
            [
                redis_server,
                "--port",
                str(REDIS_PORT),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(DATA),
                "--appendonly",
                "yes",
                "--save",
                "",
                "--loglevel",
                "warning",
            ],
        ),
    ]
    for name, port in SERVICES.items():
        env = {
            **common,
            "CALLOPS_GRPC_PORT": str(port),
            "CALLOPS_DATABASE_URL": f"sqlite:///{DATA / (name + '.db')}",
        }
        subprocess.run(
            [python, "-m", f"services.{name}", "migrate"], env={**os.environ, **env}, check=True
        )
        celery = [python, "-m", "celery", "-A", f"services.{name}.worker"]
        components += [
            Component(name, [python, "-m", f"services.{name}", "serve"], env, grpc_port=port),
            Component(
                f"{name}-worker",
                [
                    *celery,
                    "worker",
                    "-Q",
                    name,
                    "--concurrency",
                    # The embedded search index takes one writer at a time.
                    "1" if name == "search" else "2",
                    "--without-gossip",
                    "--without-mingle",
                    "-l",
                    "WARNING",
                ],
                env,
            ),
            Component(
                f"{name}-beat",
                [*celery, "beat", "-s", str(DATA / f"{name}-beat"), "-l", "WARNING"],
                env,
            ),
        ]
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        for component in components:
            component.process = subprocess.Popen(
                component.argv, env={**os.environ, **component.env}, start_new_session=True
            )
            if component.name == "redis":
                _wait(lambda: _redis_ready(), "redis")
        for component in components:
            if component.grpc_port:
                _wait(lambda port=component.grpc_port: _healthy(port), component.name)
        _announce(components, common["CALLOPS_JWT_SECRET"])
        while not stopping:
            for component in components:
                assert component.process is not None
                if component.process.poll() is not None:
                    print(
                        f"callops: {component.name} exited with {component.process.returncode}; "
                        "stopping everything",
                        file=sys.stderr,
                    )
                    stopping = True
            time.sleep(0.5)
    finally:
        for component in reversed(components):
            if component.process and component.process.poll() is None:
                component.process.terminate()
        for component in reversed(components):
            if component.process:
                try:
                    component.process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    component.process.kill()
        print("callops: stopped")


def _wait(check: object, name: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            print(f"  ready  {name}")
            return
        time.sleep(0.2)
    raise SystemExit(f"callops: {name} did not become ready within {timeout:.0f} s")


def _announce(components: list[Component], secret: str) -> None:
    settings = ServiceSettings(jwt_secret=SecretStr(secret))
    token = issue_token(settings, "admin", ["admin"], "", 12 * 3600)
    print("\ncallops is running (Ctrl-C stops everything)")
    for component in components:
        where = f"127.0.0.1:{component.grpc_port}" if component.grpc_port else ""
        pid = component.process.pid if component.process else "-"
        print(f"  {component.name:<16} pid {pid:<8} {where}")
    print(
        f"\nAn admin token for 12 hours (more: `callops token --user ID --role ROLE`, with\n"
        f"CALLOPS_JWT_SECRET=$(cat {DATA / 'jwt-secret'})):\n{token}\n"
    )
    print(f"Try: grpcurl -plaintext 127.0.0.1:{SERVICES['customer']} list", flush=True)


if __name__ == "__main__":
    main()
