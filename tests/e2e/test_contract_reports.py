"""The contract reports over a real gRPC channel: figures, the right to report, amounts
masked for a reporting role without `contract_amount`, each department's own contracts only
(finance and admins see all), bad input naming the field."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from google.type import date_pb2

from callops.contract.v1 import contract_pb2 as pb
from services.common.rights import DEFAULT_ROLE_RIGHTS
from tests.contract_fixtures import ContractCaller
from tests.e2e.helpers import DENIED, INVALID, cny, day, expect
from tests.e2e.test_contract_flows import approve_all, create, sign_both

# A reporting role that may not see amounts: counts and quantities only.
ROLES = {**DEFAULT_ROLE_RIGHTS, "analyst": frozenset({"contracts.report"})}
pytestmark = pytest.mark.parametrize("contract_overrides", [{"role_rights": ROLES}])
MONTH = pb.REPORT_PERIOD_MONTH


async def signed_book(c: ContractCaller) -> pb.Contract:
    """Two signed contracts of one customer each (today, 2026-11-23) and a payment."""
    first = await sign_both(c, await approve_all(c, await create(c)))
    await sign_both(c, await approve_all(c, await create(c, price=500, quantity="4")))
    await create(c)  # a draft
    await c.stub.RecordPayment(
        pb.RecordPaymentRequest(
            milestone=first.payment_milestones[0].name,
            amount=cny(3000),
            received_date=day(date(2026, 11, 23)),
        ),
        metadata=c.as_("finance", user="cai.wu"),
    )
    return first


# The book's contracts are all of 华东销售部, the department callers have unless told.
EAST = "华东销售部"


def signed(c: ContractCaller, role: str, department: str = EAST, **fields: Any) -> Any:
    fields.setdefault("period", MONTH)
    fields.setdefault("start_date", day(date(2026, 1, 1)))
    fields.setdefault("end_date", day(date(2026, 12, 31)))
    return c.stub.GetSignedAmountReport(
        pb.GetSignedAmountReportRequest(**fields),
        metadata=c.as_(role, user="bao.biao", department=department),
    )


def goods(c: ContractCaller, role: str, department: str = EAST, **fields: Any) -> Any:
    fields.setdefault("period", pb.REPORT_PERIOD_QUARTER)
    fields.setdefault("start_date", day(date(2026, 1, 1)))
    fields.setdefault("end_date", day(date(2026, 12, 31)))
    return c.stub.GetGoodsReport(
        pb.GetGoodsReportRequest(**fields),
        metadata=c.as_(role, user="bao.biao", department=department),
    )


def receivables(c: ContractCaller, role: str, department: str = EAST, **fields: Any) -> Any:
    return c.stub.GetReceivablesReport(
        pb.GetReceivablesReportRequest(**fields),
        metadata=c.as_(role, user="bao.biao", department=department),
    )


async def test_figures_and_masking(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    first = await signed_book(c)
    report = await signed(c, "finance", group_by=[pb.REPORT_DIMENSION_DEPARTMENT])
    assert [
        (r.period, r.department, r.contract_count, r.signed_amount.units) for r in report.rows
    ] == [("2026-11", "华东销售部", 2, 12000)]
    assert (report.total_count, report.total_amount.units) == (2, 12000)
    masked = await signed(c, "analyst")
    assert [(r.period, r.contract_count) for r in masked.rows] == [("2026-11", 2)]
    assert not masked.rows[0].HasField("signed_amount") and not masked.HasField("total_amount")

    items = await goods(c, "sales")
    assert [(r.period, r.display_name, r.quantity, r.amount.units) for r in items.rows] == [
        ("2026-Q4", "服务器", "14", 12000)
    ]
    hidden = await goods(c, "analyst")
    assert hidden.rows[0].quantity == "14" and not hidden.rows[0].HasField("amount")

    owed = await receivables(c, "finance", as_of_date=day(date(2027, 3, 19)))
    assert (owed.as_of_date.year, owed.as_of_date.month, owed.as_of_date.day) == (2027, 3, 19)
    by_customer = {r.customer: r for r in owed.rows}
    row = by_customer[first.customer]
    assert (row.planned_amount.units, row.received_amount.units) == (10000, 3000)
    assert (row.outstanding_amount.units, row.overdue_amount.units) == (7000, 7000)
    assert (row.longest_overdue_days, row.overdue_milestone_count) == (9, 1)  # due 03-10
    one = await receivables(c, "analyst", customer=first.customer)
    (only,) = one.rows
    assert only.longest_overdue_days == 0 and only.contract_count == 1  # as of today
    for field in ("planned_amount", "received_amount", "outstanding_amount", "overdue_amount"):
        assert not only.HasField(field), field


async def test_rights_and_bad_input(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    for role in ("legal", "supervisor", "agent"):
        await expect(signed(c, role), DENIED)
        await expect(goods(c, role), DENIED)
        await expect(receivables(c, role), DENIED)
    await expect(signed(c, "sales", period=0), INVALID, "period")
    await expect(signed(c, "sales", group_by=[7]), INVALID, "group_by[0]")
    await expect(
        signed(c, "sales", group_by=[pb.REPORT_DIMENSION_OWNER, pb.REPORT_DIMENSION_OWNER]),
        INVALID,
        "group_by[1]",
    )
    await expect(signed(c, "sales", end_date=day(date(2025, 1, 1))), INVALID, "end_date")
    await expect(
        goods(c, "sales", start_date=day(date(2026, 1, 1)), end_date=None), INVALID, "end_date"
    )
    await expect(goods(c, "sales", period=9), INVALID, "period")
    await expect(receivables(c, "sales", customer="customer/x"), INVALID, "customer")
    impossible = date_pb2.Date(year=2026, month=2, day=30)
    await expect(receivables(c, "sales", as_of_date=impossible), INVALID, "as_of_date")


async def test_each_department_sees_its_own_contracts(grpc_contract: ContractCaller) -> None:
    c = grpc_contract
    await signed_book(c)
    as_of = {"as_of_date": day(date(2027, 3, 19))}
    for role, department in (("sales", "华南销售部"), ("analyst", "华南销售部")):
        assert not (await signed(c, role, department)).rows
        assert not (await goods(c, role, department)).rows
        assert not (await receivables(c, role, department, **as_of)).rows
    # Finance and admins see every department whatever their own: what 华东's sales see.
    east_owed = (await receivables(c, "sales", **as_of)).rows
    assert len(east_owed) == 2  # the book's two customers
    for role in ("finance", "admin"):
        report = await signed(c, role, "财务部")
        assert [(r.period, r.contract_count) for r in report.rows] == [("2026-11", 2)]
        assert len((await goods(c, role, "财务部")).rows) == 1
        assert (await receivables(c, role, "财务部", **as_of)).rows == east_owed
    # Without a department there is nothing to show: refused, not an empty report.
    await expect(signed(c, "sales", ""), DENIED, reason="NO_DEPARTMENT")
    await expect(goods(c, "analyst", ""), DENIED, reason="NO_DEPARTMENT")
    await expect(receivables(c, "sales", ""), DENIED, reason="NO_DEPARTMENT")
