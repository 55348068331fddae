"""Composition root of the call center: engine, unit of work, relay, customer client,
servicer and worker."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from services.callcenter.adapters import orm
from services.callcenter.adapters.customer_client import CustomerDirectory, GrpcCustomerDirectory
from services.callcenter.adapters.uow import CallCenterUnitOfWork
from services.callcenter.config import CallCenterSettings
from services.callcenter.entrypoints.servicer import (
    POLICY,
    SERVICE,
    CallCenterServicer,
    add_to_server,
)
from services.callcenter.entrypoints.wakeups import AgentWakeups, AgentWatch, CallbackAssigner
from services.callcenter.service_layer import agents, callbacks
from services.callcenter.service_layer.deps import Deps
from services.callcenter.service_layer.recordings import RecordingDeps
from services.common.outbox import EventPublisher, OutboxRelay, RelayLoop
from services.common.pagination import PageTokens
from services.common.server import ServiceRegistration
from services.common.storage import ObjectStore, object_store_from_url
from services.common.wiring import open_persistence

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass
class CallCenterApp:
    """Everything wired: what the server, the worker and the tests use."""

    settings: CallCenterSettings
    engine: Engine
    session_factory: sessionmaker[Session]
    relay: OutboxRelay
    relay_loop: RelayLoop
    deps: Deps
    directory: CustomerDirectory
    recordings: RecordingDeps
    # Kicked after a commit here with the agents it touched: their streams look now.
    changes: AgentWakeups = field(default_factory=AgentWakeups)
    assigner: CallbackAssigner | None = None
    watch: AgentWatch | None = None

    def __post_init__(self) -> None:
        if self.watch is None:
            self.watch = AgentWatch(
                self.changes,
                lambda ids: agents.change_marks(self.uow(), ids),
                self.settings.agent_stream_poll_ms / 1000,
            )
        if self.assigner is None:
            self.assigner = CallbackAssigner(
                lambda: callbacks.assign_pending(self.uow, self.deps),
                self.settings.callback_assign_poll_seconds,
            )

    def uow(self) -> CallCenterUnitOfWork:
        return CallCenterUnitOfWork(
            self.session_factory,
            orm.outbox,
            after_commit=self.relay_loop.kick,
            clock=self.deps.clock,
            agents_changed=self.changes.kick,
        )

    def servicer(self) -> CallCenterServicer:
        return CallCenterServicer(
            self.uow,
            self.deps,
            PageTokens.for_service(self.settings),
            self.directory,
            self.settings.screen_pop_deadline_ms / 1000,
            self.settings.agent_stream_poll_ms / 1000,
            changes=self.changes,
            assigner=self.assigner,
            recordings=self.recordings,
            watch=self.watch,
        )


def bootstrap(
    settings: CallCenterSettings,
    *,
    publisher: EventPublisher | None = None,
    directory: CustomerDirectory | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    check_migrated: bool = True,
    store: ObjectStore | None = None,
) -> CallCenterApp:
    orm.start_mappers()
    stored = open_persistence(settings, MIGRATIONS, orm.outbox, publisher, check_migrated)
    if store is None:
        store = object_store_from_url(settings.object_store_url, settings.data_dir)
    return CallCenterApp(
        settings=settings,
        **stored.parts(),
        deps=replace(settings.deps(), clock=clock),
        directory=directory or GrpcCustomerDirectory(settings.customer_address),
        recordings=RecordingDeps(store, settings.recording_policy(), clock),
    )


def registration(settings: CallCenterSettings) -> ServiceRegistration:
    app = bootstrap(settings)
    servicer = app.servicer()
    return ServiceRegistration(
        service_names=[SERVICE],
        add_to_server=lambda server: add_to_server(servicer, server),
        policy=POLICY,
        background=[
            app.relay_loop.run,
            *([app.assigner.run] if app.assigner else []),
            *([app.watch.run] if app.watch else []),
        ],
    )
