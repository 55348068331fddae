"""The unit of work: one transaction per use case, whose events go to the outbox in it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from services.common import errors
from services.common.events import Event
from services.common.outbox import add_to_outbox


class SqlUnitOfWork:
    """Commits explicitly; leaving the block without commit rolls back.

    Events are gathered from every entity the session knows (each keeps its own `events`
    list) and from `emit`, and written to the outbox in the same transaction.
    """

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        outbox: Table,
        after_commit: Callable[[], None] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._session_factory = session_factory
        self._outbox = outbox
        self._after_commit = after_commit
        self.clock = clock
        self._emitted: list[Event] = []

    def __enter__(self) -> Self:
        self.session = self._session_factory()
        self._emitted = []
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # close() discards what was not committed without expiring what was loaded, so a use
        # case can hand its entities to the caller after the block.
        self.session.close()

    def emit(self, event: Event) -> None:
        self._emitted.append(event)

    def collect_events(self) -> list[Event]:
        events = self._emitted
        self._emitted = []
        for entity in [*self.session.new, *self.session.identity_map.values()]:
            pending = getattr(entity, "events", None)
            if pending:
                events.extend(pending)
                pending.clear()
        return events

    def commit(self) -> list[Event]:
        now = self.clock()
        events = self.collect_events()
        # The outbox inserts autoflush the pending changes, so they are inside the try too.
        try:
            for event in events:
                add_to_outbox(self.session, self._outbox, event, now)
            self.session.commit()
        except IntegrityError as exc:
            self.session.rollback()
            raise errors.AlreadyExists(
                "a concurrent change conflicts with this one; read again and retry",
                reason="CONFLICT",
            ) from exc
        except StaleDataError as exc:
            # A versioned row changed (or went) since this unit of work read it.
            self.session.rollback()
            raise errors.StaleEtag(
                "changed by someone else since it was read; read again and retry"
            ) from exc
        if self._after_commit is not None:
            self._after_commit()
        return events

    def rollback(self) -> None:
        self.session.rollback()


def idempotency_lookup(session: Session, table: Table, key: str) -> str | None:
    return session.execute(select(table.c.resource).where(table.c.key == key)).scalar_one_or_none()


def idempotency_remember(
    session: Session, table: Table, key: str, resource: str, now: datetime
) -> None:
    try:
        session.execute(insert(table).values(key=key, resource=resource, created_at=now))
    except IntegrityError as exc:  # a concurrent retry with the same key got there first
        raise errors.AlreadyExists(
            "another request with this request_id got there first; retry to get its result",
            reason="CONFLICT",
        ) from exc


def idempotency_table(metadata: Any) -> Table:
    from sqlalchemy import Column, String

    from services.common.db import UTCDateTime

    return Table(
        "idempotency_keys",
        metadata,
        Column("key", String(200), primary_key=True),
        Column("resource", String(200), nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
    )
