"""The call center's unit of work: its repositories over one session."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Self

from services.callcenter.adapters import orm
from services.callcenter.adapters.report_queries import ReportQueries
from services.callcenter.adapters.repository import (
    AgentRepository,
    CallbackRepository,
    CallRepository,
    NoticeRepository,
    RecordingRepository,
)
from services.callcenter.domain import model
from services.common.events import Event
from services.common.outbox import claim_event
from services.common.uow import SqlUnitOfWork, idempotency_lookup, idempotency_remember


class CallCenterUnitOfWork(SqlUnitOfWork):
    agents: AgentRepository
    calls: CallRepository
    callbacks: CallbackRepository
    notices: NoticeRepository
    recordings: RecordingRepository
    reports: ReportQueries

    def __init__(
        self,
        *args: Any,
        agents_changed: Callable[[set[str]], None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._agents_changed = agents_changed

    def __enter__(self) -> Self:
        super().__enter__()
        self.agents = AgentRepository(self.session)
        self.calls = CallRepository(self.session)
        self.callbacks = CallbackRepository(self.session)
        self.notices = NoticeRepository(self.session)
        self.recordings = RecordingRepository(self.session)
        self.reports = ReportQueries(self.session)
        return self

    def commit(self) -> list[Event]:
        # Every agent status or state change goes to the state log in the same transaction.
        for entity in [*self.session.new, *self.session.identity_map.values()]:
            if isinstance(entity, model.Agent) and entity.changes:
                self.agents.record_changes(entity)
        touched = self._touched_agents()
        events = super().commit()
        if self._agents_changed is not None and touched:
            self._agents_changed(touched)
        return events

    def _touched_agents(self) -> set[str]:
        """The agents whose desktops show something this commit changes: the agent itself, or
        a callback reserved for it."""
        touched: set[str] = set(self.notices.appended_for)
        for entity in [*self.session.new, *self.session.dirty]:
            if isinstance(entity, model.Agent):
                touched.add(entity.id)
            elif isinstance(entity, model.CallbackTask) and entity.agent_id:
                touched.add(entity.agent_id)
        return touched

    def claim_event(self, event_id: str, handler: str) -> bool:
        return claim_event(self.session, orm.processed_events, event_id, handler, self.clock())

    def created_before(self, key: str) -> str | None:
        return idempotency_lookup(self.session, orm.idempotency_keys, key)

    def remember_created(self, key: str, resource: str) -> None:
        idempotency_remember(self.session, orm.idempotency_keys, key, resource, self.clock())
