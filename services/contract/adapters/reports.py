"""The report queries: one set-based SQL statement each, the same on SQLite and PostgreSQL.
Amounts are summed as the scaled integers they are stored as (services.common.db.Amount).
`department`, when given, keeps only that department's contracts (None: all of them)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    case,
    cast,
    distinct,
    extract,
    func,
    literal,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from services.common.db import Amount
from services.contract.adapters import orm
from services.contract.domain.approval import ContractKind
from services.contract.domain.reports import (
    Dimension,
    GoodsRow,
    Period,
    ReceivablesRow,
    SignedAmountRow,
    period_start,
)

T = orm.contracts
LI = orm.contract_line_items
PS = orm.contract_payment_schedule
PAY = orm.contract_payments


def _raw(column: Any) -> ColumnElement[int]:
    """An Amount column as its stored integer, to add and compare in SQL."""
    return type_coerce(column, BigInteger)


def _sum(expr: ColumnElement[Any]) -> ColumnElement[Any]:
    """SUM of scaled integers, read back as Decimal (0 over no rows)."""
    return type_coerce(func.coalesce(func.sum(expr), 0), Amount())


def _buckets(period: Period, day: Any) -> tuple[ColumnElement[int], ColumnElement[int]]:
    """(year, bucket) of a date column: the bucket is the month, the quarter, or 1."""
    year = cast(extract("year", day), Integer)
    month = cast(extract("month", day), Integer)
    if period is Period.MONTH:
        return year, month
    if period is Period.QUARTER:
        return year, (month + 2) // 3
    return year, literal(1, Integer)


def _start(period: Period, year: int, bucket: int) -> date:
    month = {Period.MONTH: bucket, Period.QUARTER: (bucket - 1) * 3 + 1}.get(period, 1)
    return period_start(period, year, month)


def signed_amounts(
    session: Session,
    period: Period,
    start: date,
    end: date,
    dimensions: list[Dimension],
    signed_states: list[str],
    department: str | None = None,
) -> list[SignedAmountRow]:
    year, bucket = _buckets(period, T.c.signed_date)
    by = {
        Dimension.KIND: T.c.kind,
        Dimension.DEPARTMENT: T.c.department,
        Dimension.OWNER: T.c.owner,
    }
    keys = [by[d].label(d.name.lower()) for d in dimensions]
    stmt = (
        select(
            year.label("year"),
            bucket.label("bucket"),
            *keys,
            func.count(T.c.id).label("contract_count"),
            _sum(_raw(T.c.total_amount)).label("signed_amount"),
        )
        .where(
            T.c.state.in_(signed_states),
            T.c.signed_date >= start,
            T.c.signed_date <= end,
        )
        .group_by(year, bucket, *(by[d] for d in dimensions))
        .order_by(year, bucket, *(by[d] for d in dimensions))
    )
    if department is not None:
        stmt = stmt.where(T.c.department == department)
    rows = []
    for r in session.execute(stmt):
        m = r._mapping
        rows.append(
            SignedAmountRow(
                period_start=_start(period, r.year, r.bucket),
                kind=ContractKind[m["kind"]] if "kind" in m else None,
                department=m.get("department"),
                owner=m.get("owner"),
                contract_count=r.contract_count,
                signed_amount=r.signed_amount,
            )
        )
    return rows


def receivables(
    session: Session,
    as_of: date,
    customer_id: str | None,
    signed_states: list[str],
    department: str | None = None,
) -> list[ReceivablesRow]:
    paid = (
        select(
            PAY.c.contract_id,
            PAY.c.milestone_id,
            func.sum(_raw(PAY.c.amount)).label("received"),
        )
        .where(PAY.c.received_date <= as_of)
        .group_by(PAY.c.contract_id, PAY.c.milestone_id)
        .subquery()
    )
    received = func.coalesce(paid.c.received, 0)
    due = _raw(PS.c.amount)
    overdue = (PS.c.due_date < as_of) & (due > received)
    stmt = (
        select(
            T.c.customer_id,
            func.count(distinct(T.c.id)).label("contract_count"),
            _sum(due).label("planned"),
            _sum(received).label("received"),
            _sum(case((overdue, due - received), else_=0)).label("overdue"),
            func.sum(case((overdue, 1), else_=0)).label("overdue_count"),
            func.min(case((overdue, PS.c.due_date), else_=None)).label("oldest_overdue"),
        )
        .select_from(
            PS.join(T, T.c.id == PS.c.contract_id).outerjoin(
                paid,
                (paid.c.contract_id == PS.c.contract_id)
                & (paid.c.milestone_id == PS.c.milestone_id),
            )
        )
        .where(T.c.state.in_(signed_states), T.c.signed_date <= as_of)
        .group_by(T.c.customer_id)
        .order_by(T.c.customer_id)
    )
    if customer_id is not None:
        stmt = stmt.where(T.c.customer_id == customer_id)
    if department is not None:
        stmt = stmt.where(T.c.department == department)
    return [
        ReceivablesRow(
            customer_id=r.customer_id,
            contract_count=r.contract_count,
            planned_amount=r.planned,
            received_amount=r.received,
            overdue_amount=r.overdue,
            overdue_milestone_count=int(r.overdue_count or 0),
            # SQLite gives MIN over a CASE of dates back as text.
            oldest_overdue_due_date=(
                date.fromisoformat(r.oldest_overdue)
                if isinstance(r.oldest_overdue, str)
                else r.oldest_overdue
            ),
        )
        for r in session.execute(stmt)
    ]


def goods(
    session: Session,
    period: Period,
    start: date,
    end: date,
    signed_states: list[str],
    department: str | None = None,
) -> list[GoodsRow]:
    year, bucket = _buckets(period, T.c.signed_date)
    item = (LI.c.display_name, LI.c.model, LI.c.unit)
    stmt = (
        select(
            year.label("year"),
            bucket.label("bucket"),
            *item,
            func.count(distinct(LI.c.contract_id)).label("contract_count"),
            _sum(_raw(LI.c.quantity)).label("quantity"),
            _sum(_raw(LI.c.amount)).label("amount"),
        )
        .select_from(LI.join(T, T.c.id == LI.c.contract_id))
        .where(
            T.c.state.in_(signed_states),
            T.c.signed_date >= start,
            T.c.signed_date <= end,
        )
        .group_by(year, bucket, *item)
        .order_by(year, bucket, *item)
    )
    if department is not None:
        stmt = stmt.where(T.c.department == department)
    return [
        GoodsRow(
            period_start=_start(period, r.year, r.bucket),
            display_name=r.display_name,
            model=r.model,
            unit=r.unit,
            contract_count=r.contract_count,
            quantity=r.quantity,
            amount=r.amount,
        )
        for r in session.execute(stmt)
    ]
