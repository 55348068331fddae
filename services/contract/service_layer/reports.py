"""Use cases for the contract reports: check what is asked, run the one query."""

from __future__ import annotations

from datetime import date

from services.common.auth import Principal
from services.common.errors import PermissionDenied, Violations
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

# Who reads the reports of every department: finance chases all receivables, admins run the
# company. Anyone else with the report right (sales, or a role given it by configuration)
# reads only their own department's contracts.
COMPANY_WIDE_ROLES = frozenset({"finance", "admin"})


def visible_department(viewer: Principal) -> str | None:
    """The one department whose contracts `viewer` may count, or None for all of them."""
    if viewer.roles & COMPANY_WIDE_ROLES:
        return None
    if not viewer.department:
        # Fail closed: without a department there is nothing the caller may see.
        raise PermissionDenied(
            "the reports count your department's contracts, and your token names none",
            reason="NO_DEPARTMENT",
        )
    return viewer.department


def signed_amount_report(
    uow: ContractUnitOfWork,
    period: Period,
    start: date | None,
    end: date | None,
    dimensions: list[Dimension],
    *,
    viewer: Principal,
) -> list[SignedAmountRow]:
    v = Violations()
    check_period(v, period)
    check_range(v, start, end)
    check_dimensions(v, dimensions)
    v.raise_if_any()
    assert start is not None and end is not None
    department = visible_department(viewer)
    with uow:
        return queries.signed_amounts(
            uow.session, period, start, end, dimensions, SIGNED_STATES, department
        )


def receivables_report(
    uow: ContractUnitOfWork,
    deps: Deps,
    as_of: date | None,
    customer_id: str | None,
    *,
    viewer: Principal,
) -> tuple[date, list[ReceivablesRow]]:
    day = as_of or deps.today()
    department = visible_department(viewer)
    with uow:
        return day, queries.receivables(uow.session, day, customer_id, SIGNED_STATES, department)


def goods_report(
    uow: ContractUnitOfWork,
    period: Period,
    start: date | None,
    end: date | None,
    *,
    viewer: Principal,
) -> list[GoodsRow]:
    v = Violations()
    check_period(v, period)
    check_range(v, start, end)
    v.raise_if_any()
    assert start is not None and end is not None
    department = visible_department(viewer)
    with uow:
        return queries.goods(uow.session, period, start, end, SIGNED_STATES, department)
