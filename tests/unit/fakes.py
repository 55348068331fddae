"""In-memory stand-ins for the customer unit of work and its repositories.

They behave like the SQL ones where the use cases can tell the difference:

- each `with uow:` block is a session with its own identity map: entities are copies of the
  committed rows, so leaving the block without `commit()` discards every change;
- `commit()` collects `events` from every entity the session touched (like
  `SqlUnitOfWork.collect_events`), bumps `version` of changed customers, contacts and tickets
  (the mappers' version_id_col) and records the events in `committed_events`;
- contacts live inside their customer and to-dos inside their interaction, so getting one
  loads its parent, and the same object is seen through both;
- queries see what the session added before commit (autoflush) and return `limit + 1` rows,
  as the keyset queries do.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from types import TracebackType
from typing import Any, Self

from services.common.errors import AlreadyExists, NotFound
from services.common.events import Event
from services.customer.domain import model

# Attributes that are relationships or bookkeeping, not columns of the entity's own row.
_NOT_COLUMNS = frozenset({"events", "version", "contacts", "phones", "todos"})
_TABLES = ("customers", "interactions", "tickets", "surveys", "follow_ups")


def _columns(entity: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(entity).items() if k not in _NOT_COLUMNS}


def _stored(entity: Any) -> Any:
    """A copy for the "database": no pending events."""
    kept = copy.deepcopy(entity)
    _fresh_events(kept)
    return kept


def _fresh_events(entity: Any) -> None:
    # Like the ORM's load listener: an entity read from the database has no pending events.
    if hasattr(entity, "events"):
        entity.events = []
    for child in getattr(entity, "todos", []):
        child.events = []


@dataclass
class FakeDatabase:
    """Committed state shared by every unit of work made on it."""

    tables: dict[str, dict[str, Any]] = field(default_factory=lambda: {t: {} for t in _TABLES})
    idempotency: dict[str, str] = field(default_factory=dict)
    sequences: dict[str, int] = field(default_factory=dict)
    audit: list[dict[str, Any]] = field(default_factory=list)
    outbox: list[Event] = field(default_factory=list)


class _Session:
    def __init__(self, db: FakeDatabase) -> None:
        self.db = db
        self.identity: dict[tuple[str, str], Any] = {}
        self.idempotency: dict[str, str] = {}
        self.audit: list[dict[str, Any]] = []

    def load(self, table: str, id_: str) -> Any | None:
        key = (table, id_)
        if key not in self.identity:
            stored = self.db.tables[table].get(id_)
            if stored is None:
                return None
            entity = copy.deepcopy(stored)
            _fresh_events(entity)
            self.identity[key] = entity
        return self.identity[key]

    def add(self, table: str, entity: Any) -> None:
        self.identity[(table, entity.id)] = entity

    def all(self, table: str) -> list[Any]:
        ids = set(self.db.tables[table]) | {i for t, i in self.identity if t == table}
        return [self.load(table, i) for i in sorted(ids)]


class _Repository:
    table: str
    collection: str

    def __init__(self, session: _Session) -> None:
        self._s = session

    def _not_found(self, id_: str) -> NotFound:
        name = f"{self.collection}/{id_}"
        return NotFound(f"{name} not found", metadata={"resource": name})

    def add(self, entity: Any) -> None:
        self._s.add(self.table, entity)

    def get(self, id_: str, *, for_update: bool = False) -> Any:
        entity = self._s.load(self.table, id_)
        if entity is None:
            raise self._not_found(id_)
        return entity

    def _where(self, terms: dict[str, Any]) -> list[Any]:
        return [
            e for e in self._s.all(self.table) if all(getattr(e, k) == v for k, v in terms.items())
        ]


def _keyset(
    rows: Iterable[Any],
    sort: Callable[[Any], Any],
    descending: bool,
    after: dict[str, Any] | None,
    limit: int,
) -> list[Any]:
    """Orders by (sort, id), starts after `after` and returns up to limit + 1 rows."""
    ordered = sorted(rows, key=lambda e: (sort(e), e.id), reverse=descending)
    if after is not None:
        last = (after["k"], after["id"])
        ordered = [
            e for e in ordered if ((sort(e), e.id) < last if descending else (sort(e), e.id) > last)
        ]
    return ordered[: limit + 1]


def _dt(after: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if after is None else {"k": datetime.fromisoformat(after["k"]), "id": after["id"]}


def _date(after: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if after is None else {"k": date.fromisoformat(after["k"]), "id": after["id"]}


class FakeCustomerRepository(_Repository):
    table, collection = "customers", "customers"

    def get(self, id_: str, *, for_update: bool = False) -> model.Customer:
        customer: model.Customer = super().get(id_)
        if customer.deleted_at is not None:
            raise self._not_found(id_)
        return customer

    def _live(self, exclude_id: str = "") -> list[model.Customer]:
        found = [c for c in self._s.all(self.table) if c.deleted_at is None and c.id != exclude_id]
        return sorted(found, key=lambda c: (c.created_at, c.id))

    def code_taken(self, code: str) -> bool:
        return any(c.code == code for c in self._s.all(self.table))

    def lock_identities(self, identity: tuple[str | None, str, Sequence[str]]) -> None:
        """One thread uses the fakes: there is nobody to wait for."""

    def find_duplicate(
        self, credit_code: str | None, name_key: str, phones: Sequence[str], exclude_id: str = ""
    ) -> tuple[model.Customer, str] | None:
        live = self._live(exclude_id)
        checks: list[tuple[str, Callable[[model.Customer], bool]]] = []
        if credit_code:
            checks.append(("credit_code", lambda c: c.credit_code == credit_code))
        if name_key:
            checks.append(("name", lambda c: c.name_key == name_key))
        if phones:
            wanted = set(phones)
            checks.append(
                (
                    "phone_number",
                    lambda c: any(
                        p.e164 in wanted for contact in c.contacts for p in contact.phones
                    ),
                )
            )
        for matched_on, matches in checks:
            for customer in live:
                if matches(customer):
                    return customer, matched_on
        return None

    def list(
        self,
        terms: dict[str, Any],
        order: str,
        descending: bool,
        after: dict[str, Any] | None,
        limit: int,
    ) -> list[model.Customer]:
        rows = self._live()
        for key, value in terms.items():
            if key == "tag":
                rows = [c for c in rows if value in c.tags]
            elif key == "full_name" and value.endswith("*"):
                rows = [c for c in rows if c.full_name.startswith(value[:-1])]
            else:
                rows = [c for c in rows if getattr(c, key) == value]
        position = _dt(after) if order in ("created_at", "updated_at") else after
        return _keyset(rows, lambda c: getattr(c, order), descending, position, limit)

    def move_children(self, source: model.Customer, target: model.Customer) -> dict[str, int]:
        moved = {
            "contacts": len(source.contacts),
            "contact_phones": sum(len(c.phones) for c in source.contacts),
        }
        for contact in source.contacts:
            contact.customer_id = target.id
            for phone in contact.phones:
                phone.customer_id = target.id
        target.contacts = [*target.contacts, *source.contacts]
        source.contacts = []
        todos = 0
        for table in ("interactions", "tickets", "surveys", "follow_ups"):
            rows = [e for e in self._s.all(table) if e.customer_id == source.id]
            for entity in rows:
                entity.customer_id = target.id
                for todo in getattr(entity, "todos", []):
                    if todo.customer_id == source.id:
                        todo.customer_id = target.id
                        todos += 1
            moved[table] = len(rows)
        moved["todos"] = todos
        return moved

    def audit(
        self, customer_id: str, action: str, actor: str, at: datetime, detail: dict[str, Any]
    ) -> None:
        self._s.audit.append(
            {
                "customer_id": customer_id,
                "action": action,
                "actor": actor,
                "at": at,
                "detail": detail,
            }
        )

    def audit_entries(self, customer_id: str) -> list[dict[str, Any]]:
        return [a for a in [*self._s.db.audit, *self._s.audit] if a["customer_id"] == customer_id]

    def lookup_by_phone(self, e164: str) -> list[tuple[model.Customer, model.Contact]]:
        return [
            (customer, contact)
            for customer in self._live()
            for contact in customer.contacts
            if e164 in contact.phone_numbers
        ][:20]


class FakeContactRepository(_Repository):
    table, collection = "customers", "contacts"

    def add(self, entity: Any) -> None:  # contacts are added through their customer
        raise NotImplementedError

    def get(self, id_: str, *, for_update: bool = False) -> model.Contact:
        for customer in self._s.all("customers"):
            for contact in customer.contacts:
                if contact.id == id_:
                    return contact  # type: ignore[no-any-return]
        raise self._not_found(id_)


class FakeInteractionRepository(_Repository):
    table, collection = "interactions", "interactions"

    def list_for(
        self, customer_id: str, after: dict[str, Any] | None, limit: int
    ) -> list[model.Interaction]:
        return _keyset(
            self._where({"customer_id": customer_id}),
            lambda i: i.occurred_at,
            True,
            _dt(after),
            limit,
        )


class FakeTodoRepository(_Repository):
    table, collection = "interactions", "todos"

    def add(self, entity: Any) -> None:  # to-dos are added through their interaction
        raise NotImplementedError

    def _all(self) -> list[model.Todo]:
        return [t for i in self._s.all("interactions") for t in i.todos]

    def get(self, id_: str, *, for_update: bool = False) -> model.Todo:
        for todo in self._all():
            if todo.id == id_:
                return todo
        raise self._not_found(id_)

    def list(
        self, terms: dict[str, Any], after: dict[str, Any] | None, limit: int
    ) -> list[model.Todo]:
        rows = [t for t in self._all() if all(getattr(t, k) == v for k, v in terms.items())]
        return _keyset(rows, lambda t: t.due_date, False, _date(after), limit)


class FakeTicketRepository(_Repository):
    table, collection = "tickets", "tickets"

    def list(
        self, terms: dict[str, Any], after: dict[str, Any] | None, limit: int
    ) -> list[model.Ticket]:
        return _keyset(self._where(terms), lambda t: t.created_at, True, _dt(after), limit)


class FakeSurveyRepository(_Repository):
    table, collection = "surveys", "surveys"

    def list(
        self, terms: dict[str, Any], after: dict[str, Any] | None, limit: int
    ) -> list[model.Survey]:
        terms = dict(terms)
        rows = self._where({k: v for k, v in terms.items() if k != "responded"})
        if "responded" in terms:
            rows = [s for s in rows if (s.responded_at is not None) == terms["responded"]]
        return _keyset(rows, lambda s: s.created_at, True, _dt(after), limit)


class FakeFollowUpRepository(_Repository):
    table, collection = "follow_ups", "followUps"

    def open_for(self, customer_id: str) -> list[model.FollowUp]:
        return [f for f in self._where({"customer_id": customer_id}) if f.open]

    def coming_due(self, today: date, limit: int) -> list[model.FollowUp]:
        due = [
            f
            for f in self._s.all(self.table)
            if f.state is model.FollowUpState.PLANNED and f.due_date <= today
        ]
        return sorted(due, key=lambda f: (f.due_date, f.id))[:limit]

    def list(
        self, terms: dict[str, Any], after: dict[str, Any] | None, limit: int
    ) -> list[model.FollowUp]:
        return _keyset(self._where(terms), lambda f: f.due_date, False, _date(after), limit)


class FakeCustomerUnitOfWork:
    """What the use cases see of CustomerUnitOfWork, in memory.

    `committed` says whether the last `with` block committed; `committed_events` holds every
    event committed so far, in order (the outbox).
    """

    customers: FakeCustomerRepository
    contacts: FakeContactRepository
    interactions: FakeInteractionRepository
    todos: FakeTodoRepository
    tickets: FakeTicketRepository
    surveys: FakeSurveyRepository
    follow_ups: FakeFollowUpRepository

    def __init__(self, db: FakeDatabase | None = None) -> None:
        self.db = db or FakeDatabase()
        self.committed = False
        self.commits = 0
        self._session: _Session | None = None
        self._emitted: list[Event] = []

    @property
    def committed_events(self) -> list[Event]:
        return self.db.outbox

    def __enter__(self) -> Self:
        s = self._session = _Session(self.db)
        self._emitted = []
        self.committed = False
        self.customers = FakeCustomerRepository(s)
        self.contacts = FakeContactRepository(s)
        self.interactions = FakeInteractionRepository(s)
        self.todos = FakeTodoRepository(s)
        self.tickets = FakeTicketRepository(s)
        self.surveys = FakeSurveyRepository(s)
        self.follow_ups = FakeFollowUpRepository(s)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._session = None  # whatever was not committed is gone

    def _open(self) -> _Session:
        if self._session is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return self._session

    def emit(self, event: Event) -> None:
        self._emitted.append(event)

    def collect_events(self) -> list[Event]:
        found, self._emitted = self._emitted, []
        for entity in self._open().identity.values():
            for holder in [entity, *getattr(entity, "todos", [])]:
                pending = getattr(holder, "events", None)
                if pending:
                    found.extend(pending)
                    pending.clear()
        return found

    def commit(self) -> list[Event]:
        s = self._open()
        events = self.collect_events()
        taken = [k for k in s.idempotency if k in self.db.idempotency]
        if taken:
            raise AlreadyExists(
                "a concurrent change conflicts with this one; read again and retry",
                reason="CONFLICT",
            )
        for (table, id_), entity in s.identity.items():
            before = self.db.tables[table].get(id_)
            if before is not None:
                _bump_versions(entity, before)
            self.db.tables[table][id_] = _stored(entity)
        self.db.idempotency.update(s.idempotency)
        self.db.audit.extend(s.audit)
        s.idempotency, s.audit = {}, []
        self.db.outbox.extend(events)
        self.committed = True
        self.commits += 1
        return events

    def rollback(self) -> None:
        self._session = _Session(self.db)

    def next_customer_code(self, year: int) -> str:
        # A database sequence: not rolled back with the transaction.
        name = f"customer_code_{year}"
        self.db.sequences[name] = self.db.sequences.get(name, 0) + 1
        return f"KH{year}{self.db.sequences[name]:06d}"

    def created_before(self, key: str) -> str | None:
        s = self._open()
        return s.idempotency.get(key) or self.db.idempotency.get(key)

    def remember_created(self, key: str, resource: str) -> None:
        self._open().idempotency[key] = resource

    # --- for tests: read committed state without going through a use case --------------------

    def stored(self, table: str, id_: str) -> Any:
        """A copy of the committed row, as a new session would load it."""
        return copy.deepcopy(self.db.tables[table][id_])

    def topics(self) -> list[str]:
        return [e.topic() for e in self.committed_events]

    def events_of(self, kind: type[Event]) -> list[Any]:
        return [e for e in self.committed_events if isinstance(e, kind)]


def _bump_versions(entity: Any, before: Any) -> None:
    """version_id_col: a row whose own columns changed is written with version + 1."""
    if hasattr(entity, "version") and _columns(entity) != _columns(before):
        entity.version = before.version + 1
    if isinstance(entity, model.Customer):
        earlier = {c.id: c for c in before.contacts}
        for contact in entity.contacts:
            old = earlier.get(contact.id)
            if old is not None and _columns(contact) != _columns(old):
                contact.version = old.version + 1


_ids = itertools.count(1)


def hex_id() -> str:
    """A well-formed, predictable id for a resource that does not exist."""
    return f"{next(_ids):032x}"


@dataclass
class Clock:
    """A clock the test sets by hand."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now
