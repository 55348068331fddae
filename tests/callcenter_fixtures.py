"""Fixtures for the call center: a migrated database on SQLite or PostgreSQL, the wired app
with a controllable clock and a fake customer directory, and real gRPC servers with real
tokens (the call center, and the customer service behind its screen-pop)."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import pytest
import pytest_asyncio

from callops.callcenter.v1 import callcenter_pb2_grpc
from callops.customer.v1 import customer_pb2_grpc
from services.callcenter.adapters.customer_client import (
    CallerMatch,
    CustomerDirectory,
    CustomerLookupFailed,
    GrpcCustomerDirectory,
    PhoneOwners,
)
from services.callcenter.bootstrap import MIGRATIONS, CallCenterApp, bootstrap
from services.callcenter.config import CallCenterSettings
from services.callcenter.entrypoints.servicer import POLICY, SERVICE, add_to_server
from services.common.auth import issue_token
from services.common.migrations import upgrade
from services.common.server import ServiceRegistration, build_server
from services.common.storage import LocalObjectStore, ObjectStore
from services.customer.bootstrap import CustomerApp
from services.customer.entrypoints import servicer as customer_servicer
from tests.customer_fixtures import JWT_SECRET, Clock, RecordingPublisher


@dataclass
class FakeDirectory:
    """The customer service for unit tests: a dict of numbers, or down, or slow."""

    owners: dict[str, list[CallerMatch]] = field(default_factory=dict)
    down: bool = False
    delay: float = 0.0
    seen_authorization: list[str] = field(default_factory=list)

    async def lookup_by_phone(
        self, phone_number: str, authorization: str, timeout: float
    ) -> PhoneOwners:
        self.seen_authorization.append(authorization)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.down:
            raise CustomerLookupFailed("UNAVAILABLE")
        return PhoneOwners(phone_number, list(self.owners.get(phone_number, [])))


def callcenter_settings(database_url: str, **overrides: Any) -> CallCenterSettings:
    # Recordings go under data_dir: a temp dir, never the checkout's var/.
    overrides.setdefault("data_dir", Path(tempfile.gettempdir()) / "callops-callcenter-tests")
    return CallCenterSettings(
        jwt_secret=JWT_SECRET, database_url=database_url, grpc_port=0, **overrides
    )


@pytest.fixture(params=["sqlite", "postgres"])
def callcenter_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test that takes this runs once on SQLite and once on a real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'callcenter.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def fake_directory() -> FakeDirectory:
    return FakeDirectory()


def make_callcenter_app(
    url: str,
    clock: Clock,
    publisher: RecordingPublisher,
    directory: CustomerDirectory,
    store: ObjectStore | None = None,
    **overrides: Any,
) -> CallCenterApp:
    upgrade(MIGRATIONS, url)
    return bootstrap(
        callcenter_settings(url, **overrides),
        publisher=publisher,
        directory=directory,
        clock=clock,
        store=store,
    )


@pytest.fixture
def callcenter_store(tmp_path: Path) -> ObjectStore:
    """Where the call center keeps recordings in tests; override to use another store."""
    return LocalObjectStore(tmp_path / "objects")


@pytest.fixture
def callcenter_app(
    callcenter_database_url: str,
    clock: Clock,
    publisher: RecordingPublisher,
    fake_directory: FakeDirectory,
    callcenter_store: ObjectStore,
) -> Iterator[CallCenterApp]:
    app = make_callcenter_app(
        callcenter_database_url, clock, publisher, fake_directory, callcenter_store
    )
    yield app
    app.engine.dispose()


@dataclass
class CallCenterCaller:
    """A gRPC client of the running call center that can act as any user and role."""

    stub: callcenter_pb2_grpc.CallCenterServiceStub
    settings: CallCenterSettings
    app: CallCenterApp

    def as_(self, *roles: str, user: str = "zhang.san") -> tuple[tuple[str, str], ...]:
        token = issue_token(self.settings, user, list(roles), "客服部")
        return (("authorization", f"Bearer {token}"),)


async def _serve_callcenter(app: CallCenterApp) -> AsyncIterator[CallCenterCaller]:
    servicer = app.servicer()
    registration = ServiceRegistration(
        [SERVICE], lambda server: add_to_server(servicer, server), POLICY
    )
    server, _, port = build_server(app.settings, registration, access_log=False)
    await server.start()
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        yield CallCenterCaller(
            callcenter_pb2_grpc.CallCenterServiceStub(channel), app.settings, app
        )
    await server.stop(None)


@pytest_asyncio.fixture
async def grpc_callcenter(callcenter_app: CallCenterApp) -> AsyncIterator[CallCenterCaller]:
    """The call center behind the real interceptors, with the fake customer directory."""
    async for caller in _serve_callcenter(callcenter_app):
        yield caller


@dataclass
class LinkedServices:
    """The call center wired to a real customer service over gRPC."""

    callcenter: CallCenterCaller
    customer: customer_pb2_grpc.CustomerServiceStub
    customer_server: grpc.aio.Server


@pytest_asyncio.fixture
async def linked_services(
    customer_app: CustomerApp, tmp_path: Path, clock: Clock, publisher: RecordingPublisher
) -> AsyncIterator[LinkedServices]:
    """A real customer service on a loopback port, and the call center looking callers up
    there through GrpcCustomerDirectory (deadline 300 ms, as in production)."""
    servicer = customer_app.servicer()
    registration = ServiceRegistration(
        [customer_servicer.SERVICE],
        lambda server: customer_servicer.add_to_server(servicer, server),
        customer_servicer.POLICY,
    )
    server, _, port = build_server(customer_app.settings, registration, access_log=False)
    await server.start()
    directory = GrpcCustomerDirectory(f"127.0.0.1:{port}")
    app = make_callcenter_app(
        f"sqlite:///{tmp_path / 'callcenter.db'}", clock, publisher, directory
    )
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        async for caller in _serve_callcenter(app):
            yield LinkedServices(caller, customer_pb2_grpc.CustomerServiceStub(channel), server)
    await server.stop(None)
    await directory.close()
    app.engine.dispose()


@pytest_asyncio.fixture
async def pushing_callcenter(
    tmp_path: Path, clock: Clock, publisher: RecordingPublisher, fake_directory: FakeDirectory
) -> AsyncIterator[CallCenterCaller]:
    """The call center with its in-process callback assigner running and polls so slow
    (10 s stream, 1 h assigner) that only the in-process wake-ups can explain a quick offer."""
    app = make_callcenter_app(
        f"sqlite:///{tmp_path / 'callcenter.db'}",
        clock,
        publisher,
        fake_directory,
        agent_stream_poll_ms=10_000,
        callback_assign_poll_seconds=3600,
    )
    assert app.assigner is not None
    assigner = asyncio.create_task(app.assigner.run())
    async for caller in _serve_callcenter(app):
        yield caller
    assigner.cancel()
    app.engine.dispose()
