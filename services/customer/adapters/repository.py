"""Repositories over the customer tables, and the read views the hot paths use."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import (
    ColumnElement,
    Date,
    Row,
    String,
    Table,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql import text

from services.common.db import next_in_sequence
from services.common.errors import NotFound
from services.customer.adapters import orm
from services.customer.domain import model

T = TypeVar("T")


def keyset(
    stmt: Any,
    sort_col: Any,
    id_col: Any,
    descending: bool,
    after: dict[str, Any] | None,
    limit: int,
) -> Any:
    """Orders by (sort, id) and starts after the last row of the previous page."""
    if after is not None:
        key, last_id = after["k"], after["id"]
        if descending:
            stmt = stmt.where(or_(sort_col < key, and_(sort_col == key, id_col < last_id)))
        else:
            stmt = stmt.where(or_(sort_col > key, and_(sort_col == key, id_col > last_id)))
    order = (sort_col.desc(), id_col.desc()) if descending else (sort_col.asc(), id_col.asc())
    return stmt.order_by(*order).limit(limit + 1)


class Repository(Generic[T]):
    """Add and get by id for one entity class; NotFound names the resource."""

    cls: type[T]
    collection: str

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, entity: T) -> None:
        self.session.add(entity)

    def get(self, id_: str, *, for_update: bool = False) -> T:
        entity = self.session.get(self.cls, id_, with_for_update=for_update or None)
        if entity is None:
            raise NotFound(
                f"{self.collection}/{id_} not found",
                metadata={"resource": f"{self.collection}/{id_}"},
            )
        return entity

    def page(self, stmt: Any) -> list[T]:
        return list(self.session.scalars(stmt).all())


class ListableRepository(Repository[T]):
    """Lists with `column = value` terms, keyset-paged on one sort column (then id)."""

    table: Table
    sort_column: str
    newest_first: bool

    def condition(self, key: str, value: Any) -> ColumnElement[bool]:
        return cast(ColumnElement[bool], self.table.c[key] == value)

    def list(self, terms: dict[str, Any], after: dict[str, Any] | None, limit: int) -> list[T]:
        stmt = select(self.cls).where(*(self.condition(k, v) for k, v in terms.items()))
        sort = self.table.c[self.sort_column]
        if after is not None:  # page tokens carry dates and times as ISO text
            parse = date.fromisoformat if isinstance(sort.type, Date) else datetime.fromisoformat
            after = {"k": parse(after["k"]), "id": after["id"]}
        return self.page(keyset(stmt, sort, self.table.c.id, self.newest_first, after, limit))


class CustomerRepository(Repository[model.Customer]):
    cls = model.Customer
    collection = "customers"

    def get(self, id_: str, *, for_update: bool = False) -> model.Customer:
        customer = super().get(id_, for_update=for_update)
        if customer.deleted_at is not None:
            raise NotFound(f"customers/{id_} not found", metadata={"resource": f"customers/{id_}"})
        return customer

    def code_taken(self, code: str) -> bool:
        return (
            self.session.scalar(select(orm.customers.c.id).where(orm.customers.c.code == code))
            is not None
        )

    def lock_identities(self, identity: tuple[str | None, str, Sequence[str]]) -> None:
        """Serializes creates and renames that could duplicate each other, until commit:
        PostgreSQL takes a transaction advisory lock per credit code, name and phone (in a
        fixed order, so two writers cannot deadlock); SQLite has one writer at a time, and
        a write here takes its lock before the duplicate check reads."""
        credit_code, key, phones = identity
        keys = sorted(
            {f"credit:{credit_code}" if credit_code else "", f"name:{key}"}
            | {f"phone:{p}" for p in phones} - {""}
        )
        conn = self.session.connection()
        if conn.dialect.name == "postgresql":
            for k in keys:
                conn.execute(
                    text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"), {"k": k}
                )
        else:
            next_in_sequence(conn, "customer_identity_lock")

    def find_duplicate(
        self, credit_code: str | None, name_key: str, phones: Sequence[str], exclude_id: str = ""
    ) -> tuple[model.Customer, str] | None:
        """The first live customer sharing the credit code, the name key or a phone number."""
        c = orm.customers.c
        live = and_(c.deleted_at.is_(None), c.id != exclude_id)
        checks: list[tuple[str, ColumnElement[bool]]] = []
        if credit_code:
            checks.append(("credit_code", c.credit_code == credit_code))
        if name_key:
            checks.append(("name", c.name_key == name_key))
        if phones:
            owners = select(orm.contact_phones.c.customer_id).where(
                orm.contact_phones.c.e164.in_(list(phones))
            )
            checks.append(("phone_number", c.id.in_(owners)))
        for matched_on, condition in checks:
            found = self.session.scalars(
                select(model.Customer).where(live, condition).order_by(c.created_at).limit(1)
            ).first()
            if found is not None:
                return found, matched_on
        return None

    def move_children(self, source: model.Customer, target: model.Customer) -> dict[str, int]:
        """Repoints everything that belongs to `source` at `target`, set-based; returns counts."""
        self.session.flush()
        source_id, target_id = source.id, target.id
        moved: dict[str, int] = {}
        for table in (
            orm.contacts,
            orm.contact_phones,
            orm.interactions,
            orm.todos,
            orm.tickets,
            orm.surveys,
            orm.follow_ups,
        ):
            result = self.session.execute(
                update(table)
                .where(table.c.customer_id == source_id)
                .values(customer_id=target_id)
                .execution_options(synchronize_session=False)
            )
            moved[table.name] = cast(CursorResult[Any], result).rowcount
        # The bulk update bypassed the identity map: children already loaded (the source's
        # contacts and phones) still say `customer_id == source`; set what the rows now hold.
        for entity in list(self.session.identity_map.values()):
            if getattr(entity, "customer_id", None) == source_id:
                set_committed_value(entity, "customer_id", target_id)
        # Reload both contact lists now, so the entities stay usable after the session closes.
        self.session.refresh(target, ["contacts"])
        self.session.refresh(source, ["contacts"])
        return moved

    def audit(
        self, customer_id: str, action: str, actor: str, at: datetime, detail: dict[str, Any]
    ) -> None:
        self.session.execute(
            insert(orm.customer_audit).values(
                customer_id=customer_id, action=action, actor=actor, at=at, detail=detail
            )
        )

    def audit_entries(self, customer_id: str) -> list[Row[Any]]:
        a = orm.customer_audit.c
        return list(
            self.session.execute(
                select(orm.customer_audit).where(a.customer_id == customer_id).order_by(a.id)
            ).all()
        )

    def lookup_by_phone(self, e164: str) -> list[tuple[Any, Any]]:
        """One indexed SQL statement: the live customers and contacts that have the number,
        with all of each contact's numbers. Read-only views, not entities: loading two ORM
        objects cost more than the rest of the screen-pop together."""
        rows = self.session.connection().execute(_lookup_statement(), {"e164": e164}).all()
        return [_split(row._mapping) for row in rows]

    def list(
        self,
        terms: dict[str, Any],
        order: str,
        descending: bool,
        after: dict[str, Any] | None,
        limit: int,
    ) -> list[model.Customer]:
        c = orm.customers.c
        stmt = select(model.Customer).where(c.deleted_at.is_(None))
        for key, value in terms.items():
            if key == "tag":
                # Tags are JSON text written with ensure_ascii=False, so the quoted tag is a
                # plain substring on SQLite and PostgreSQL alike.
                pattern = f"%{_json_str(value)}%"
                stmt = stmt.where(sql_cast(c.tags, String).like(pattern, escape="\\"))
            elif key == "full_name" and value.endswith("*"):
                stmt = stmt.where(c.full_name.startswith(value[:-1], autoescape=True))
            else:
                stmt = stmt.where(getattr(c, key) == value)
        return self.page(
            keyset(
                stmt,
                getattr(c, order),
                c.id,
                descending,
                _dt(after) if order in ("created_at", "updated_at") else after,
                limit,
            )
        )


_CONTACT = "contact_"


@functools.cache
def _lookup_statement() -> Any:
    # Built once: this is the screen-pop hot path, and building it costs more than running it.
    match, every = orm.contact_phones.alias("match"), orm.contact_phones.alias("every")
    cu, ct = orm.customers, orm.contacts
    numbers = (
        select(func.aggregate_strings(every.c.e164, ","))
        .where(every.c.contact_id == ct.c.id)
        .scalar_subquery()
    )
    return (
        select(cu, *(c.label(_CONTACT + c.name) for c in ct.c), numbers.label("phone_numbers"))
        .select_from(
            match.join(ct, ct.c.id == match.c.contact_id).join(cu, cu.c.id == ct.c.customer_id)
        )
        .where(match.c.e164 == bindparam("e164"), cu.c.deleted_at.is_(None))
        .order_by(cu.c.created_at)
        .limit(20)
    )


def _split(row: Any) -> tuple[SimpleNamespace, SimpleNamespace]:
    """A joined row -> (customer view, contact view) with the entities' attribute names."""
    customer = SimpleNamespace(**{c.name: row[c.name] for c in orm.customers.c})
    contact = SimpleNamespace(
        **{c.name: row[_CONTACT + c.name] for c in orm.contacts.c},
        phone_numbers=sorted(row["phone_numbers"].split(",")),
    )
    return customer, contact


def _json_str(value: str) -> str:
    quoted = json.dumps(value, ensure_ascii=False)
    return quoted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class ContactRepository(Repository[model.Contact]):
    cls = model.Contact
    collection = "contacts"


class InteractionRepository(Repository[model.Interaction]):
    cls = model.Interaction
    collection = "interactions"

    def list_for(
        self, customer_id: str, after: dict[str, Any] | None, limit: int
    ) -> list[model.Interaction]:
        i = orm.interactions.c
        stmt = select(model.Interaction).where(i.customer_id == customer_id)
        return self.page(keyset(stmt, i.occurred_at, i.id, True, _dt(after), limit))


class TodoRepository(ListableRepository[model.Todo]):
    cls = model.Todo
    collection = "todos"
    table, sort_column, newest_first = orm.todos, "due_date", False


class TicketRepository(ListableRepository[model.Ticket]):
    cls = model.Ticket
    collection = "tickets"
    table, sort_column, newest_first = orm.tickets, "created_at", True


class SurveyRepository(ListableRepository[model.Survey]):
    cls = model.Survey
    collection = "surveys"
    table, sort_column, newest_first = orm.surveys, "created_at", True

    def condition(self, key: str, value: Any) -> ColumnElement[bool]:
        if key == "responded":
            answered = self.table.c.responded_at
            return answered.isnot(None) if value else answered.is_(None)
        return super().condition(key, value)


class FollowUpRepository(ListableRepository[model.FollowUp]):
    cls = model.FollowUp
    collection = "followUps"
    table, sort_column, newest_first = orm.follow_ups, "due_date", False

    def open_for(self, customer_id: str) -> list[model.FollowUp]:
        f = orm.follow_ups.c
        return list(
            self.session.scalars(
                select(model.FollowUp).where(
                    f.customer_id == customer_id,
                    f.state.in_([model.FollowUpState.PLANNED, model.FollowUpState.DUE]),
                )
            ).all()
        )

    def coming_due(self, today: date, limit: int) -> list[model.FollowUp]:
        """Planned follow-ups whose day has come: one indexed range scan."""
        f = orm.follow_ups.c
        return list(
            self.session.scalars(
                select(model.FollowUp)
                .where(f.state == model.FollowUpState.PLANNED, f.due_date <= today)
                .order_by(f.due_date, f.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).all()
        )


def _dt(after: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if after is None else {"k": datetime.fromisoformat(after["k"]), "id": after["id"]}
