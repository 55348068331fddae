"""What every service wires the same way: its database, checked to be migrated, and the
outbox relay that publishes its events."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table
from sqlalchemy.orm import Session, sessionmaker

from services.common.celery_app import make_celery
from services.common.config import ServiceSettings
from services.common.db import make_engine
from services.common.migrations import ensure_migrated
from services.common.outbox import CeleryEventPublisher, EventPublisher, OutboxRelay, RelayLoop


@dataclass(frozen=True)
class Persistence:
    engine: Engine
    session_factory: sessionmaker[Session]
    relay: OutboxRelay
    relay_loop: RelayLoop

    def parts(self) -> dict[str, Any]:
        """As keyword arguments for a service's app dataclass."""
        return {
            "engine": self.engine,
            "session_factory": self.session_factory,
            "relay": self.relay,
            "relay_loop": self.relay_loop,
        }


def open_persistence(
    settings: ServiceSettings,
    migrations: Path,
    outbox: Table,
    publisher: EventPublisher | None = None,
    check_migrated: bool = True,
) -> Persistence:
    engine = make_engine(
        settings.database_url_or_default(),
        json_serializer=lambda o: json.dumps(o, ensure_ascii=False),
    )
    if check_migrated:
        ensure_migrated(engine, migrations, settings.service_name)
    if publisher is None:
        publisher = CeleryEventPublisher(
            make_celery(settings.service_name, settings.broker_url), settings.event_routes
        )
    relay = OutboxRelay(engine, outbox, publisher)
    return Persistence(
        engine,
        sessionmaker(engine, expire_on_commit=False),
        relay,
        RelayLoop(relay, settings.outbox_poll_seconds),
    )
