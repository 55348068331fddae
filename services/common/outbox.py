"""The transactional outbox: events are rows written with the change, published after commit
by a relay that retries until the broker takes them. Consumers dedupe by event id."""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import (
    BigInteger,
    Column,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from services.common.db import UTCDateTime
from services.common.events import Event
from services.common.logging import get_logger

log = get_logger("callops.outbox")


def outbox_tables(metadata: MetaData) -> tuple[Table, Table]:
    """The outbox of events to publish, and the inbox of events already handled."""
    outbox = Table(
        "outbox",
        metadata,
        # Integer order keeps events in commit order per relay batch.
        Column(
            "seq",
            BigInteger().with_variant(Integer, "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("topic", String(120), nullable=False),
        Column("payload", Text, nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
        Column("published_at", UTCDateTime, nullable=True),
        Column("attempts", Integer, nullable=False, default=0),
        Column("next_attempt_at", UTCDateTime, nullable=False),
        Column("last_error", Text, nullable=True),
    )
    # Only unpublished rows are ever scanned: a partial index keeps that cheap forever.
    Index(
        "ix_outbox_pending",
        outbox.c.next_attempt_at,
        sqlite_where=outbox.c.published_at.is_(None),
        postgresql_where=outbox.c.published_at.is_(None),
    )
    inbox = Table(
        "processed_events",
        metadata,
        Column("event_id", String(36), primary_key=True),
        Column("handler", String(120), primary_key=True),
        Column("processed_at", UTCDateTime, nullable=False),
    )
    return outbox, inbox


def add_to_outbox(session: Session, outbox: Table, event: Event, now: datetime) -> str:
    event_id = str(uuid.uuid4())
    # Parameters rather than .values(): the statement compiles once and is cached.
    session.execute(
        insert(outbox),
        {
            "event_id": event_id,
            "topic": event.topic(),
            "payload": json.dumps(event.payload(), ensure_ascii=False),
            "created_at": now,
            "attempts": 0,
            "next_attempt_at": now,
        },
    )
    return event_id


def claim_event(session: Session, inbox: Table, event_id: str, handler: str, now: datetime) -> bool:
    """Records in the caller's transaction that `handler` processed `event_id`; False when it
    already had. A concurrent duplicate fails at commit on the primary key and is retried."""
    seen = session.execute(
        select(inbox.c.event_id).where(inbox.c.event_id == event_id, inbox.c.handler == handler)
    ).first()
    if seen is not None:
        return False
    session.execute(insert(inbox).values(event_id=event_id, handler=handler, processed_at=now))
    return True


class EventPublisher(Protocol):
    def publish(self, event_id: str, topic: str, payload: dict[str, Any]) -> None:
        """Hands one event to the broker or raises."""


class CeleryEventPublisher:
    """Sends an event as the task `<queue>.handle_event` to each queue whose pattern matches
    its topic. Queues are lists in Redis, so an event waits there even while no worker runs."""

    def __init__(self, app: Any, routes: Mapping[str, list[str]]) -> None:
        self._app = app
        self._routes = routes

    def queues_for(self, topic: str) -> list[str]:
        queues: list[str] = []
        for pattern, targets in self._routes.items():
            if fnmatch.fnmatchcase(topic, pattern):
                queues.extend(q for q in targets if q not in queues)
        return queues

    def publish(self, event_id: str, topic: str, payload: dict[str, Any]) -> None:
        for queue in self.queues_for(topic):
            self._app.send_task(
                f"{queue}.handle_event",
                kwargs={"event_id": event_id, "topic": topic, "payload": payload},
                queue=queue,
                retry=False,  # the relay retries; a blocked publish must not stall the batch
            )


class OutboxRelay:
    """Publishes pending outbox rows in order; a failure stops the batch and is retried later
    with backoff, so nothing is dropped and order is kept."""

    def __init__(
        self, engine: Engine, outbox: Table, publisher: EventPublisher, batch_size: int = 200
    ) -> None:
        self._engine = engine
        self._outbox = outbox
        self._publisher = publisher
        self._batch_size = batch_size

    def publish_pending(self, now: datetime | None = None) -> int:
        now = now or datetime.now(UTC)
        ob = self._outbox
        published = 0
        with self._engine.begin() as conn:
            rows = conn.execute(
                select(
                    ob.c.seq,
                    ob.c.event_id,
                    ob.c.topic,
                    ob.c.payload,
                    ob.c.attempts,
                    ob.c.next_attempt_at,
                )
                .where(ob.c.published_at.is_(None))
                .order_by(ob.c.seq)
                .limit(self._batch_size)
                # Several replicas may relay: each row goes to exactly one of them.
                .with_for_update(skip_locked=True)
            ).all()
            for row in rows:
                if row.next_attempt_at > now:
                    break  # a retry not yet due holds back the events after it: order is kept
                try:
                    self._publisher.publish(row.event_id, row.topic, json.loads(row.payload))
                except Exception as exc:
                    delay = min(300, 2 ** min(row.attempts, 8))
                    conn.execute(
                        update(ob)
                        .where(ob.c.seq == row.seq)
                        .values(
                            attempts=row.attempts + 1,
                            last_error=f"{type(exc).__name__}: {exc}"[:2000],
                            next_attempt_at=now + timedelta(seconds=delay),
                        )
                    )
                    log.warning(
                        "event publish failed",
                        event_id=row.event_id,
                        error=str(exc),
                        retry_in_s=delay,
                    )
                    break
                conn.execute(update(ob).where(ob.c.seq == row.seq).values(published_at=now))
                published += 1
        return published


class RelayLoop:
    """Runs the relay in the service process: woken right after a commit, and every
    `poll_seconds` to retry what failed."""

    def __init__(self, relay: OutboxRelay, poll_seconds: float) -> None:
        self._relay = relay
        self._poll = poll_seconds
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def kick(self) -> None:
        """Thread-safe: called by the unit of work after it commits."""
        if self._loop is not None and self._wake is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    async def run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        while True:
            try:
                await asyncio.to_thread(self._relay.publish_pending)
            except Exception as exc:  # the database may be briefly away; try again later
                log.warning("outbox relay failed", error=str(exc))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll)
            self._wake.clear()
