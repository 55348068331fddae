"""Composition root of the contract service: engine, unit of work, relay, servicer, worker."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from services.common.outbox import EventPublisher, OutboxRelay, RelayLoop
from services.common.pagination import PageTokens
from services.common.server import ServiceRegistration
from services.common.storage import ObjectStore, object_store_from_url
from services.common.wiring import open_persistence
from services.contract.adapters import orm
from services.contract.adapters.customer_client import CustomerDirectory, GrpcCustomerDirectory
from services.contract.adapters.uow import ContractUnitOfWork
from services.contract.adapters.write_gate import WriteGate, install_write_gate
from services.contract.config import ContractSettings
from services.contract.entrypoints.servicer import POLICY, SERVICE, ContractServicer, add_to_server
from services.contract.service_layer.contracts import Deps
from services.contract.service_layer.documents import DocumentDeps

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass
class ContractApp:
    """Everything wired: what the server, the worker and the tests use."""

    settings: ContractSettings
    engine: Engine
    session_factory: sessionmaker[Session]
    relay: OutboxRelay
    relay_loop: RelayLoop
    deps: Deps
    documents: DocumentDeps
    # SQLite only: the writers of this process queue here (adapters.write_gate).
    write_gate: WriteGate | None = None

    def uow(self) -> ContractUnitOfWork:
        return ContractUnitOfWork(
            self.session_factory,
            orm.outbox,
            after_commit=self.relay_loop.kick,
            clock=self.deps.clock,
        )

    def servicer(self) -> ContractServicer:
        return ContractServicer(
            self.uow, self.deps, PageTokens.for_service(self.settings), self.documents
        )


def bootstrap(
    settings: ContractSettings,
    *,
    publisher: EventPublisher | None = None,
    customers: CustomerDirectory | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    check_migrated: bool = True,
    store: ObjectStore | None = None,
) -> ContractApp:
    stored = open_persistence(settings, MIGRATIONS, orm.outbox, publisher, check_migrated)
    gate = install_write_gate(stored.engine)
    if customers is None:
        customers = GrpcCustomerDirectory(settings, settings.customer_address)
    if store is None:
        store = object_store_from_url(settings.object_store_url, settings.data_dir)
    return ContractApp(
        settings=settings,
        **stored.parts(),
        deps=Deps(
            settings.rules(),
            customers,
            settings.timezone,
            clock,
            settings.expiry_warning_days,
            settings.company_name,
        ),
        documents=DocumentDeps(store, settings.document_policy(), clock),
        write_gate=gate,
    )


def registration(settings: ContractSettings) -> ServiceRegistration:
    app = bootstrap(settings)
    servicer = app.servicer()
    return ServiceRegistration(
        service_names=[SERVICE],
        add_to_server=lambda server: add_to_server(servicer, server),
        policy=POLICY,
        background=[app.relay_loop.run],
    )
