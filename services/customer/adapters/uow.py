"""The customer service's unit of work: its repositories over one session."""

from __future__ import annotations

from typing import Self

from services.common.db import next_in_sequence
from services.common.outbox import claim_event
from services.common.uow import SqlUnitOfWork, idempotency_lookup, idempotency_remember
from services.customer.adapters import orm
from services.customer.adapters.repository import (
    ContactRepository,
    CustomerRepository,
    FollowUpRepository,
    InteractionRepository,
    SurveyRepository,
    TicketRepository,
    TodoRepository,
)


class CustomerUnitOfWork(SqlUnitOfWork):
    customers: CustomerRepository
    contacts: ContactRepository
    interactions: InteractionRepository
    todos: TodoRepository
    tickets: TicketRepository
    surveys: SurveyRepository
    follow_ups: FollowUpRepository

    def __enter__(self) -> Self:
        super().__enter__()
        s = self.session
        self.customers = CustomerRepository(s)
        self.contacts = ContactRepository(s)
        self.interactions = InteractionRepository(s)
        self.todos = TodoRepository(s)
        self.tickets = TicketRepository(s)
        self.surveys = SurveyRepository(s)
        self.follow_ups = FollowUpRepository(s)
        return self

    def next_customer_code(self, year: int) -> str:
        """客户编码 such as KH2026000123: readable, unique, in order of creation."""
        return f"KH{year}{next_in_sequence(self.session.connection(), f'customer_code_{year}'):06d}"

    def claim_event(self, event_id: str, handler: str) -> bool:
        """False when this event was already handled: consumers run at least once."""
        return claim_event(self.session, orm.processed_events, event_id, handler, self.clock())

    def created_before(self, key: str) -> str | None:
        """The resource a retried create made the first time, if any."""
        return idempotency_lookup(self.session, orm.idempotency_keys, key)

    def remember_created(self, key: str, resource: str) -> None:
        idempotency_remember(self.session, orm.idempotency_keys, key, resource, self.clock())
