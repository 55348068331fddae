"""Fixtures of the alert workers: their database, a running alerts service and worker."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import grpc
import pytest
import pytest_asyncio
import redis

from callops.alerts.v1 import alerts_pb2_grpc
from services.alerts.bootstrap import MIGRATIONS, AlertApp, bootstrap
from services.alerts.config import AlertSettings
from services.alerts.domain.alerts import DirectoryEntry
from services.alerts.domain.watched import ApprovalWait, ContractSnapshot, Milestone
from services.alerts.entrypoints.servicer import POLICY, SERVICE, add_to_server
from services.alerts.service_layer import alerts as alert_cases
from services.alerts.service_layer.channels import Channel, Message, Recipient
from services.common.auth import issue_token
from services.common.migrations import upgrade
from services.common.server import ServiceRegistration, build_server
from tests.customer_fixtures import JWT_SECRET, Clock, RecordingPublisher
from tests.servers import free_port


@dataclass
class ScriptedChannel:
    """A channel whose sends fail as scripted: each entry is an exception to raise, or None
    to deliver. Past the script it delivers."""

    name: str
    script: list[BaseException | None] = field(default_factory=list)
    sent: list[tuple[str, str]] = field(default_factory=list)

    def applies_to(self, recipient: Recipient) -> bool:
        return bool(recipient.email if self.name == "email" else recipient.im_webhook_url)

    def send(self, message: Message, recipient: Recipient) -> None:
        outcome = self.script.pop(0) if self.script else None
        if outcome is not None:
            raise outcome
        self.sent.append((message.alert, recipient.user))


def alerts_settings(database_url: str, **overrides: Any) -> AlertSettings:
    return AlertSettings(jwt_secret=JWT_SECRET, database_url=database_url, grpc_port=0, **overrides)


@dataclass
class FakeContracts:
    """The contract service as the projection sees it: what GetContract would answer now."""

    contracts: dict[str, ContractSnapshot] = field(default_factory=dict)
    calls: int = 0

    def get(self, name: str) -> ContractSnapshot | None:
        self.calls += 1
        return self.contracts.get(name)

    def put(self, snap: ContractSnapshot) -> None:
        self.contracts[snap.name] = snap


def contract(
    number: int,
    *,
    state: str = "ACTIVE",
    end_date: date | None = None,
    owner: str = "users/zhang.san",
    version: int = 1,
    milestones: tuple[Milestone, ...] = (),
    approval: ApprovalWait | None = None,
    total: str = "120000.00",
    updated_at: datetime = datetime(2026, 1, 5, 1, 0, tzinfo=UTC),
) -> ContractSnapshot:
    """A contract snapshot as the contract service would give it, with Chinese values."""
    return ContractSnapshot(
        name=f"contracts/c{number:04d}",
        number=f"HT-2026-{number:06d}",
        title=f"智能客服系统采购合同 {number}",
        customer="customers/cu01",
        owner=owner,
        department="华东销售部",
        state=state,
        end_date=end_date,
        total_amount=Decimal(total),
        version=version,
        updated_at=updated_at,
        approval=approval,
        milestones=milestones,
    )


def payment(
    contract_number: int,
    index: int,
    due: date,
    amount: str = "30000.00",
    received: str = "0",
) -> Milestone:
    value, got = Decimal(amount), Decimal(received)
    return Milestone(
        name=f"contracts/c{contract_number:04d}/milestones/m{index}",
        kind="PAYMENT",
        title=f"第{index}期款",
        due_date=due,
        amount=value,
        received_amount=got,
        settled=got >= value,
    )


DIRECTORY = (
    DirectoryEntry(
        user="users/zhang.san",
        display_name="张三",
        email="zhang.san@example.cn",
        supervisor="users/wang.wu",
        groups=("sales",),
    ),
    DirectoryEntry(user="users/wang.wu", display_name="王五", groups=("supervisor",)),
    DirectoryEntry(
        user="users/qian.cai",
        display_name="钱财",
        groups=("finance",),
        im_webhook_url="https://open.feishu.cn/open-apis/bot/v2/hook/x",
    ),
    DirectoryEntry(
        user="users/li.si", display_name="李四", supervisor="users/wang.wu", groups=("legal",)
    ),
    DirectoryEntry(
        user="users/zhao.liu",
        display_name="赵六",
        supervisor="users/wang.wu",
        agent="agents/a1",
        groups=("agent",),
    ),
)


def seed_directory(app: AlertApp, now: datetime) -> None:
    for entry in DIRECTORY:
        alert_cases.put_recipient(app.engine, entry, now)


@pytest.fixture(params=["sqlite", "postgres"])
def alerts_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test that takes this runs once on SQLite and once on a real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'alerts.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def alerts_clock() -> Clock:
    return Clock()


@pytest.fixture
def fake_contracts() -> FakeContracts:
    return FakeContracts()


def make_alerts_app(
    url: str,
    clock: Clock,
    contracts: FakeContracts,
    channels: list[Channel] | None = None,
    publisher: RecordingPublisher | None = None,
    **overrides: Any,
) -> AlertApp:
    upgrade(MIGRATIONS, url)
    return bootstrap(
        alerts_settings(url, **overrides),
        publisher=publisher or RecordingPublisher(),
        contracts=contracts,
        channels=channels or [],
        clock=clock,
    )


@pytest.fixture
def alerts_app(
    alerts_db_url: str, alerts_clock: Clock, fake_contracts: FakeContracts
) -> Iterator[AlertApp]:
    app = make_alerts_app(alerts_db_url, alerts_clock, fake_contracts)
    yield app
    app.engine.dispose()


@pytest.fixture
def sqlite_alerts_app(
    tmp_path: Path, alerts_clock: Clock, fake_contracts: FakeContracts
) -> Iterator[AlertApp]:
    app = make_alerts_app(f"sqlite:///{tmp_path / 'alerts.db'}", alerts_clock, fake_contracts)
    yield app
    app.engine.dispose()


@dataclass
class AlertsCaller:
    """A gRPC client of the running alert service that can act as any user and role."""

    stub: alerts_pb2_grpc.AlertServiceStub
    settings: AlertSettings

    def as_(self, *roles: str, user: str = "zhang.san") -> tuple[tuple[str, str], ...]:
        token = issue_token(self.settings, user, list(roles), "华东销售部")
        return (("authorization", f"Bearer {token}"),)


@pytest_asyncio.fixture
async def grpc_alerts(sqlite_alerts_app: AlertApp) -> AsyncIterator[AlertsCaller]:
    """The alert service behind the real interceptors, on a loopback port."""
    servicer = sqlite_alerts_app.servicer()
    registration = ServiceRegistration(
        [SERVICE], lambda server: add_to_server(servicer, server), POLICY
    )
    server, _, port = build_server(sqlite_alerts_app.settings, registration, access_log=False)
    await server.start()
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        yield AlertsCaller(alerts_pb2_grpc.AlertServiceStub(channel), sqlite_alerts_app.settings)
    await server.stop(None)


# --- a real worker process and a Redis that keeps its data over a restart -------------------


class DurableRedis:
    """redis-server with an append-only file fsynced on every write: what production runs
    for a broker whose queued messages must survive a restart. Restarts on the same port."""

    def __init__(self, directory: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server not found: apt-get install -y redis-server", pytrace=False)
        self.binary = binary
        self.dir = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = (self.dir / "redis.log").open("ab")
        self._proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.dir)],
            stdout=log, stderr=subprocess.STDOUT, cwd=self.dir,
        )  # fmt: skip
        log.close()
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        try:
            while True:
                try:
                    if client.ping():
                        return
                except (redis.ConnectionError, redis.TimeoutError):
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.02)
        finally:
            client.close()

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            self._proc.wait(timeout=10)
        self._proc = None

    def restart(self) -> None:
        self.stop()
        self.start()


class WorkerProcess:
    """`celery -A services.alerts.worker worker` as its own process group, so the test can
    SIGKILL it and its pool children at once, like a machine losing power."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None
        self.crashes = 0
        self.exit_codes: list[int] = []

    def start(self) -> None:
        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "services.alerts.worker", "worker",
             "-Q", "alerts", "--concurrency", "2", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "--loglevel", "WARNING"],
            env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        out.close()

    def revive_if_dead(self) -> bool:
        """What a process supervisor (Kubernetes, systemd) does: start a worker that exited.
        Celery 5.7 can exit on a broker reconnect while a task runs (celery/celery#9250)."""
        if self.proc is not None and self.proc.poll() is not None:
            self.crashes += 1
            self.exit_codes.append(self.proc.returncode)
            self.proc = None
            self.start()
            return True
        return False

    def kill(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.proc = None

    def stop(self) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None
