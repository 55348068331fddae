"""Use cases for the contract reports: check what is asked, run the one query."""

from __future__ import annotations

from datetime import date

from services.common.errors import Violations
from services.contract.adapters import reports as queries
from services.contract.adapters.uow import ContractUnitOfWork
from services.contract.domain.reports import (
    Dimension,
    GoodsRow,
    Period,
    ReceivablesRow,
    SignedAmountRow,
    check_dimensions,
    check_period,
    check_range,
)
from services.contract.service_layer.contracts import SIGNED_STATES, Deps


def signed_amount_report(
    uow: ContractUnitOfWork,
    period: Period,
    start: date | None,
    end: date | None,
    dimensions: list[Dimension],
) -> list[SignedAmountRow]:
    v = Violations()
    check_period(v, period)
    check_range(v, start, end)
    check_dimensions(v, dimensions)
    v.raise_if_any()
    assert start is not None and end is not None
    with uow:
        return queries.signed_amounts(uow.session, period, start, end, dimensions, SIGNED_STATES)


def receivables_report(
    uow: ContractUnitOfWork, deps: Deps, as_of: date | None, customer_id: str | None
) -> tuple[date, list[ReceivablesRow]]:
    day = as_of or deps.today()
    with uow:
        return day, queries.receivables(uow.session, day, customer_id, SIGNED_STATES)


def goods_report(
    uow: ContractUnitOfWork, period: Period, start: date | None, end: date | None
) -> list[GoodsRow]:
    v = Violations()
    check_period(v, period)
    check_range(v, start, end)
    v.raise_if_any()
    assert start is not None and end is not None
    with uow:
        return queries.goods(uow.session, period, start, end, SIGNED_STATES)
