"""The contract service's unit of work: the repository, numbers, history and idempotency."""

from __future__ import annotations

from typing import Any, Self

from sqlalchemy import insert, select, update

from services.common.db import next_in_sequence
from services.common.events import Event
from services.common.uow import SqlUnitOfWork, idempotency_lookup, idempotency_remember
from services.contract.adapters import orm
from services.contract.adapters.repository import (
    AmendmentRepository,
    ContractRepository,
    DocumentRepository,
    TemplateRepository,
)
from services.contract.domain.events import ContractChanged, CustomerFiguresChanged

H = orm.contract_history


class ContractUnitOfWork(SqlUnitOfWork):
    contracts: ContractRepository
    templates: TemplateRepository
    documents: DocumentRepository
    amendments: AmendmentRepository

    def __enter__(self) -> Self:
        super().__enter__()
        self.contracts = ContractRepository(self.session)
        self.templates = TemplateRepository(self.session)
        self.documents = DocumentRepository(self.session)
        self.amendments = AmendmentRepository(self.session)
        return self

    def commit(self) -> list[Event]:
        # Contracts are written with Core, not the ORM session: write them and hand their
        # events to the outbox before the base class commits.
        self.contracts.flush()
        happened: list[Event] = []
        for contract in self.contracts.seen():
            happened.extend(contract.events)
            contract.events.clear()
        # What happened to the contracts goes before what was derived from it (figures).
        self._emitted = [*happened, *self._emitted]
        return super().commit()

    def next_contract_number(self, year: int) -> str:
        """合同编号 such as HT-2026-000123: per year, in order of creation, without gaps."""
        n = next_in_sequence(self.session.connection(), f"contract_number_{year}")
        return f"HT-{year}-{n:06d}"

    def record_history(
        self,
        contract_id: str,
        action: str,
        actor: str,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        # Parameters rather than .values(): one compiled statement reused for every row.
        self.session.execute(
            insert(H),
            {
                "contract_id": contract_id,
                "action": action,
                "actor": actor,
                "at": self.clock(),
                "before": before or {},
                "after": after or {},
            },
        )
        # Every audited change is also a change event, in the same transaction.
        self.emit(ContractChanged(f"contracts/{contract_id}", action))

    def report_figures(self, figures: CustomerFiguresChanged) -> bool:
        """Emits the customer's figures when they differ from the last reported; the row is
        locked so two concurrent reports of one customer cannot both think they are first."""
        cf = orm.customer_figures
        customer_id = figures.customer.removeprefix("customers/")
        values = {
            "annual_contract_amount": figures.annual_contract_amount,
            "longest_overdue_days": figures.longest_overdue_days,
            "cooperation_start_date": figures.cooperation_start_date,
        }
        last = self.session.execute(
            select(cf).where(cf.c.customer_id == customer_id).with_for_update()
        ).first()
        if last is None:
            self.session.execute(
                insert(cf).values(customer_id=customer_id, reported_at=self.clock(), **values)
            )
        elif all(getattr(last, k) == v for k, v in values.items()):
            return False
        else:
            self.session.execute(
                update(cf)
                .where(cf.c.customer_id == customer_id)
                .values(reported_at=self.clock(), **values)
            )
        self.emit(figures)
        return True

    def history(self, contract_id: str, after_id: int, limit: int) -> list[Any]:
        return list(
            self.session.execute(
                select(H)
                .where(H.c.contract_id == contract_id, H.c.id > after_id)
                .order_by(H.c.id)
                .limit(limit + 1)
            ).all()
        )

    def created_before(self, key: str) -> str | None:
        return idempotency_lookup(self.session, orm.idempotency_keys, key)

    def remember_created(self, key: str, resource: str) -> None:
        idempotency_remember(self.session, orm.idempotency_keys, key, resource, self.clock())
