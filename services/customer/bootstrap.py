"""Composition root of the customer service: engine, unit of work, relay, servicer, worker."""

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
from services.common.wiring import open_persistence
from services.customer.adapters import orm
from services.customer.adapters.uow import CustomerUnitOfWork
from services.customer.config import CustomerSettings
from services.customer.entrypoints.servicer import POLICY, SERVICE, CustomerServicer, add_to_server
from services.customer.service_layer.customers import Deps

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass
class CustomerApp:
    """Everything wired: what the server, the worker and the tests use."""

    settings: CustomerSettings
    engine: Engine
    session_factory: sessionmaker[Session]
    relay: OutboxRelay
    relay_loop: RelayLoop
    deps: Deps

    def uow(self) -> CustomerUnitOfWork:
        return CustomerUnitOfWork(
            self.session_factory,
            orm.outbox,
            after_commit=self.relay_loop.kick,
            clock=self.deps.clock,
        )

    def servicer(self) -> CustomerServicer:
        return CustomerServicer(
            self.uow,
            self.deps,
            PageTokens.for_service(self.settings),
            inline_reads=self.engine.dialect.name == "sqlite",
        )


def bootstrap(
    settings: CustomerSettings,
    *,
    publisher: EventPublisher | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    check_migrated: bool = True,
) -> CustomerApp:
    orm.start_mappers()
    stored = open_persistence(settings, MIGRATIONS, orm.outbox, publisher, check_migrated)
    return CustomerApp(
        settings=settings,
        **stored.parts(),
        deps=Deps(settings.thresholds(), settings.timezone, clock),
    )


def registration(settings: CustomerSettings) -> ServiceRegistration:
    app = bootstrap(settings)
    servicer = app.servicer()
    return ServiceRegistration(
        service_names=[SERVICE],
        add_to_server=lambda server: add_to_server(servicer, server),
        policy=POLICY,
        background=[app.relay_loop.run],
    )
