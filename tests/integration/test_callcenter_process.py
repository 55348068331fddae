"""The call center as a process: `migrate` builds exactly the mapped tables (SQLite and
PostgreSQL), `serve` refuses an unmigrated database, serves health and stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import grpc
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.callcenter.adapters.orm import metadata
from services.callcenter.config import CallCenterSettings
from services.common.db import make_engine
from tests.customer_fixtures import JWT_SECRET
from tests.servers import free_port


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLOPS_")}
    return {**env, "CALLOPS_JWT_SECRET": JWT_SECRET, **extra}


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "services.callcenter", *args],
        env=_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_migrate_builds_exactly_the_mapped_tables(callcenter_database_url: str) -> None:
    result = _cli("migrate", CALLOPS_DATABASE_URL=callcenter_database_url)
    assert result.returncode == 0, result.stderr
    engine = make_engine(callcenter_database_url)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    engine.dispose()


def test_default_port_is_50053() -> None:
    assert CallCenterSettings(jwt_secret=JWT_SECRET).grpc_port == 50053


def _health(port: int) -> int | None:
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service="callops.callcenter.v1.CallCenterService"),
                timeout=1,
            )
            return int(reply.status)
        except grpc.RpcError:
            return None


def test_serve_refuses_unmigrated_then_serves_and_stops(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cc.db'}"
    port = str(free_port())
    refused = _cli("serve", CALLOPS_DATABASE_URL=url, CALLOPS_GRPC_PORT=port)
    assert refused.returncode != 0 and "python -m services.callcenter migrate" in refused.stderr
    assert _cli("migrate", CALLOPS_DATABASE_URL=url).returncode == 0
    server = subprocess.Popen(
        [sys.executable, "-m", "services.callcenter", "serve"],
        env=_env(
            CALLOPS_DATABASE_URL=url,
            CALLOPS_GRPC_PORT=port,
            CALLOPS_SHUTDOWN_GRACE_SECONDS="1",
            CALLOPS_BROKER_URL="redis://127.0.0.1:1/0",
        ),
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while _health(int(port)) != health_pb2.HealthCheckResponse.SERVING:
            assert time.monotonic() < deadline, "the service did not become healthy"
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            time.sleep(0.2)
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=20) == 0
    finally:
        if server.poll() is None:
            server.kill()
