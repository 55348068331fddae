"""The customer service as a process: migrations, refusing an unmigrated database, failing fast
on bad configuration, serving, and stopping gracefully on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import grpc
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.common.db import make_engine
from services.common.migrations import DatabaseNotMigrated, ensure_migrated, upgrade
from services.customer.adapters.orm import metadata
from services.customer.bootstrap import MIGRATIONS
from tests.customer_fixtures import JWT_SECRET
from tests.servers import free_port


def test_migrations_build_exactly_the_tables_the_code_maps(database_url: str) -> None:
    upgrade(MIGRATIONS, database_url)
    engine = make_engine(database_url)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    ensure_migrated(engine, MIGRATIONS, "customer")  # at head: no error
    engine.dispose()


def test_an_unmigrated_database_is_refused_with_what_to_run(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with pytest.raises(DatabaseNotMigrated) as refused:
        ensure_migrated(engine, MIGRATIONS, "customer")
    assert "python -m services.customer migrate" in str(refused.value)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLOPS_")}
    return {**env, "CALLOPS_LOG_LEVEL": "INFO", **extra}


def test_serving_refuses_to_start_on_an_unmigrated_database(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "services.customer", "serve"],
        env=_env(
            CALLOPS_JWT_SECRET=JWT_SECRET,
            CALLOPS_DATABASE_URL=f"sqlite:///{tmp_path / 'c.db'}",
            CALLOPS_GRPC_PORT=str(free_port()),
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "migrate" in result.stderr


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "CALLOPS_JWT_SECRET"),
        ({"CALLOPS_JWT_SECRET": "short"}, "CALLOPS_JWT_SECRET"),
        ({"CALLOPS_JWT_SECRET": JWT_SECRET, "CALLOPS_GRPC_PORT": "99999"}, "CALLOPS_GRPC_PORT"),
        ({"CALLOPS_JWT_SECRET": JWT_SECRET, "CALLOPS_KEY_AMOUNT": "lots"}, "CALLOPS_KEY_AMOUNT"),
    ],
)
def test_bad_configuration_stops_the_process_naming_the_variable(
    env: dict[str, str], named: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "services.customer", "serve"],
        env=_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert named in result.stderr
    assert "Traceback" not in result.stderr


def _health(port: int) -> int | None:
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        try:
            return int(
                health_pb2_grpc.HealthStub(channel)
                .Check(health_pb2.HealthCheckRequest(), timeout=1)
                .status
            )
        except grpc.RpcError:
            return None


def test_serves_health_and_stops_gracefully_on_sigterm(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    upgrade(MIGRATIONS, url)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "services.customer", "serve"],
        env=_env(
            CALLOPS_JWT_SECRET=JWT_SECRET,
            CALLOPS_DATABASE_URL=url,
            CALLOPS_GRPC_PORT=str(port),
            CALLOPS_SHUTDOWN_GRACE_SECONDS="2",
            CALLOPS_BROKER_URL="redis://127.0.0.1:1/0",
        ),
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while _health(port) != health_pb2.HealthCheckResponse.SERVING:
            assert time.monotonic() < deadline, "the service did not become healthy"
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            time.sleep(0.2)
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=20) == 0
    finally:
        if server.poll() is None:
            server.kill()
    logs = server.stderr.read() if server.stderr else ""
    assert '"message": "stopping"' in logs and '"message": "stopped"' in logs
