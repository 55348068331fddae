"""Fixtures for the contract service: a migrated database on SQLite or PostgreSQL, the wired
app with a fake customer directory and a controllable clock, and real gRPC servers (the
contract service calling a real customer service) with real tokens."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import pytest
import pytest_asyncio

from callops.contract.v1 import contract_pb2_grpc
from callops.customer.v1 import customer_pb2_grpc
from services.common.auth import issue_token
from services.common.errors import InvalidArgument
from services.common.migrations import upgrade
from services.common.server import ServiceRegistration, build_server
from services.common.storage import LocalObjectStore, ObjectStore
from services.contract.adapters.customer_client import CustomerSummary, GrpcCustomerDirectory
from services.contract.bootstrap import MIGRATIONS, ContractApp, bootstrap
from services.contract.config import ContractSettings
from services.contract.entrypoints import servicer as contract_servicer
from services.customer.bootstrap import CustomerApp
from services.customer.entrypoints import servicer as customer_servicer
from tests.customer_fixtures import JWT_SECRET, Clock, RecordingPublisher


@dataclass
class FakeCustomerDirectory:
    """Knows the customers a test adds; anything else does not exist."""

    known: set[str] = field(default_factory=set)
    names: dict[str, CustomerSummary] = field(default_factory=dict)

    def check_exists(self, customer: str, field: str) -> None:
        if customer not in self.known:
            raise InvalidArgument.of(field, f"no customer {customer}", reason="UNKNOWN_CUSTOMER")

    def describe(self, customer: str) -> CustomerSummary | None:
        return self.names.get(customer)


def contract_settings(database_url: str, **overrides: Any) -> ContractSettings:
    # Tests pass their own object store; this keeps any default one out of the repository.
    overrides.setdefault("data_dir", Path(tempfile.gettempdir()) / "callops-contract-tests")
    return ContractSettings(
        jwt_secret=JWT_SECRET, database_url=database_url, grpc_port=0, **overrides
    )


@pytest.fixture(params=["sqlite", "postgres"])
def contract_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test that takes this runs once on SQLite and once on a real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'contract.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def customer_directory() -> FakeCustomerDirectory:
    return FakeCustomerDirectory()


@pytest.fixture
def contract_store(tmp_path: Path) -> ObjectStore:
    """Where the contract service keeps documents; a test module may override it (MinIO)."""
    return LocalObjectStore(tmp_path / "contract-objects")


@pytest.fixture
def contract_overrides() -> dict[str, Any]:
    """Settings for the gRPC contract service; parametrize this name to change some."""
    return {}


@pytest.fixture
def contract_app(
    contract_database_url: str,
    clock: Clock,
    publisher: RecordingPublisher,
    customer_directory: FakeCustomerDirectory,
    contract_store: ObjectStore,
) -> Iterator[ContractApp]:
    upgrade(MIGRATIONS, contract_database_url)
    app = bootstrap(
        contract_settings(contract_database_url),
        publisher=publisher,
        customers=customer_directory,
        clock=clock,
        store=contract_store,
    )
    yield app
    app.engine.dispose()


@dataclass
class ContractCaller:
    """gRPC clients of both running services that can act as any user and role."""

    stub: contract_pb2_grpc.ContractServiceStub
    customers: customer_pb2_grpc.CustomerServiceStub
    settings: ContractSettings
    app: ContractApp

    def as_(
        self, *roles: str, user: str = "zhang.san", department: str = "华东销售部"
    ) -> tuple[tuple[str, str], ...]:
        token = issue_token(self.settings, user, list(roles), department)
        return (("authorization", f"Bearer {token}"),)


async def _start(settings: Any, registration: ServiceRegistration) -> tuple[grpc.aio.Server, int]:
    server, _, port = build_server(settings, registration, access_log=False)
    await server.start()
    return server, port


@pytest_asyncio.fixture
async def grpc_contract(
    tmp_path: Path,
    customer_app: CustomerApp,
    clock: Clock,
    publisher: RecordingPublisher,
    contract_store: ObjectStore,
    contract_overrides: dict[str, Any],
) -> AsyncIterator[ContractCaller]:
    """The customer service and the contract service (which asks it through a real gRPC
    client) behind the real interceptors, on loopback ports, on SQLite."""
    cust_servicer = customer_app.servicer()
    cust_server, cust_port = await _start(
        customer_app.settings,
        ServiceRegistration(
            [customer_servicer.SERVICE],
            lambda s: customer_servicer.add_to_server(cust_servicer, s),
            customer_servicer.POLICY,
        ),
    )
    url = f"sqlite:///{tmp_path / 'contract.db'}"
    upgrade(MIGRATIONS, url)
    settings = contract_settings(
        url, customer_address=f"127.0.0.1:{cust_port}", **contract_overrides
    )
    directory = GrpcCustomerDirectory(settings, settings.customer_address)
    app = bootstrap(
        settings, publisher=publisher, customers=directory, clock=clock, store=contract_store
    )
    servicer = app.servicer()
    server, port = await _start(
        settings,
        ServiceRegistration(
            [contract_servicer.SERVICE],
            lambda s: contract_servicer.add_to_server(servicer, s),
            contract_servicer.POLICY,
        ),
    )
    async with (
        grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel,
        grpc.aio.insecure_channel(f"127.0.0.1:{cust_port}") as cust_channel,
    ):
        yield ContractCaller(
            contract_pb2_grpc.ContractServiceStub(channel),
            customer_pb2_grpc.CustomerServiceStub(cust_channel),
            settings,
            app,
        )
    await server.stop(None)
    await cust_server.stop(None)
    directory.close()
    app.engine.dispose()
