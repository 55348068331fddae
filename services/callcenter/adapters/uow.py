"""The call center's unit of work: its repositories over one session."""

from __future__ import annotations

from typing import Self

from services.callcenter.adapters import orm
from services.callcenter.adapters.repository import (
    AgentRepository,
    CallbackRepository,
    CallRepository,
)
from services.callcenter.domain import model
from services.common.events import Event
from services.common.outbox import claim_event
from services.common.uow import SqlUnitOfWork, idempotency_lookup, idempotency_remember


class CallCenterUnitOfWork(SqlUnitOfWork):
    agents: AgentRepository
    calls: CallRepository
    callbacks: CallbackRepository

    def __enter__(self) -> Self:
        super().__enter__()
        self.agents = AgentRepository(self.session)
        self.calls = CallRepository(self.session)
        self.callbacks = CallbackRepository(self.session)
        return self

    def commit(self) -> list[Event]:
        # Every agent status or state change goes to the state log in the same transaction.
        for entity in [*self.session.new, *self.session.identity_map.values()]:
            if isinstance(entity, model.Agent) and entity.changes:
                self.agents.record_changes(entity)
        return super().commit()

    def claim_event(self, event_id: str, handler: str) -> bool:
        return claim_event(self.session, orm.processed_events, event_id, handler, self.clock())

    def created_before(self, key: str) -> str | None:
        return idempotency_lookup(self.session, orm.idempotency_keys, key)

    def remember_created(self, key: str, resource: str) -> None:
        idempotency_remember(self.session, orm.idempotency_keys, key, resource, self.clock())
