"""Fixtures for the customer service: a migrated database on SQLite or PostgreSQL, the wired
app with a controllable clock, and a real gRPC server with real tokens."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import grpc
import pytest
import pytest_asyncio

from callops.customer.v1 import customer_pb2_grpc
from services.common.auth import issue_token
from services.common.migrations import upgrade
from services.common.server import ServiceRegistration, build_server
from services.customer.bootstrap import MIGRATIONS, CustomerApp, bootstrap
from services.customer.config import CustomerSettings
from services.customer.entrypoints.servicer import POLICY, SERVICE, add_to_server

JWT_SECRET = "test-secret-that-is-long-enough-for-hs256"


@dataclass
class Clock:
    """A clock the test moves by hand; starts on a Monday morning in Shanghai."""

    now: datetime = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@dataclass
class RecordingPublisher:
    """Stands in for the broker where a test looks only at what was published."""

    published: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    failing: bool = False

    def publish(self, event_id: str, topic: str, payload: dict[str, Any]) -> None:
        if self.failing:
            raise ConnectionError("broker down")
        self.published.append((event_id, topic, payload))

    def topics(self) -> list[str]:
        return [t for _, t, _ in self.published]


def customer_settings(database_url: str, **overrides: Any) -> CustomerSettings:
    return CustomerSettings(
        jwt_secret=JWT_SECRET, database_url=database_url, grpc_port=0, **overrides
    )


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test that takes this runs once on SQLite and once on a real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'customer.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'customer.db'}"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def publisher() -> RecordingPublisher:
    return RecordingPublisher()


@pytest.fixture
def customer_app(
    database_url: str, clock: Clock, publisher: RecordingPublisher
) -> Iterator[CustomerApp]:
    upgrade(MIGRATIONS, database_url)
    app = bootstrap(customer_settings(database_url), publisher=publisher, clock=clock)
    yield app
    app.engine.dispose()


@dataclass
class Caller:
    """A gRPC client of the running service that can act as any user and role."""

    stub: customer_pb2_grpc.CustomerServiceStub
    channel: grpc.aio.Channel
    settings: CustomerSettings

    def token(self, *roles: str, user: str = "zhang.san", department: str = "华东销售部") -> str:
        return issue_token(self.settings, user, list(roles), department)

    def as_(self, *roles: str, user: str = "zhang.san") -> tuple[tuple[str, str], ...]:
        """Call metadata for a user with these roles: `stub.GetCustomer(req, metadata=...)`."""
        return (("authorization", f"Bearer {self.token(*roles, user=user)}"),)


@pytest_asyncio.fixture
async def grpc_customer(customer_app: CustomerApp) -> AsyncIterator[Caller]:
    """The customer service behind the real interceptors, on a loopback port."""
    servicer = customer_app.servicer()
    registration = ServiceRegistration(
        [SERVICE], lambda server: add_to_server(servicer, server), POLICY
    )
    server, _, port = build_server(customer_app.settings, registration, access_log=False)
    await server.start()
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        yield Caller(customer_pb2_grpc.CustomerServiceStub(channel), channel, customer_app.settings)
    await server.stop(None)
