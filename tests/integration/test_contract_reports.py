"""The contract reports against real SQLite and PostgreSQL: signed amounts by period and
split, receivables as of a day, goods by item; the read models follow every change."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from alembic import command
from sqlalchemy import create_engine, insert, select

from services.common.auth import Principal, principal_for
from services.common.errors import InvalidArgument, PermissionDenied
from services.common.migrations import alembic_config
from services.common.rights import DEFAULT_ROLE_RIGHTS
from services.contract.adapters import orm
from services.contract.adapters.repository import to_row
from services.contract.bootstrap import MIGRATIONS, ContractApp
from services.contract.domain.approval import ContractKind
from services.contract.domain.model import (
    Contract,
    LineItem,
    Party,
    Payment,
    PaymentMilestone,
)
from services.contract.domain.reports import Dimension, Period
from services.contract.service_layer import contracts, reports
from tests.contract_fixtures import FakeCustomerDirectory
from tests.integration.test_contract_persistence import (
    ADMIN,
    CUSTOMER_ID,
    FINANCE,
    LEGAL,
    OTHER_SALES,
    SALES,
    SUPERVISOR,
    create,
    known_customer,
)

__all__ = ["known_customer"]  # the autouse fixture: every test here knows the customer
OTHER_CUSTOMER = "b" * 32
NOW = datetime(2026, 1, 1, tzinfo=UTC)
SOUTH_SUPERVISOR = principal_for("nan.zhu.guan", ["supervisor"], "华南销售部", DEFAULT_ROLE_RIGHTS)


def signed_on(app: ContractApp, day: date, owner: Principal = SALES, **extra: Any) -> Contract:
    c = create(app, owner=owner.user_name, **extra)
    contracts.submit_contract(app.uow(), app.deps, owner, c.id)
    head = SUPERVISOR if c.department == SUPERVISOR.department else SOUTH_SUPERVISOR
    for who in (head, LEGAL, ADMIN):
        c = contracts.decide(app.uow(), app.deps, who, c.id, True, "同意")
        if c.approval.current_index == -1:
            break
    for party in (Party.OURS, Party.CUSTOMER):
        c = contracts.sign_contract(app.uow(), app.deps, owner, c.id, party, "签字人", day)
    assert c.signed_date == day
    return c


def pay(app: ContractApp, c: Contract, index: int, amount: str, day: date) -> None:
    milestone = c.payment_milestones[index].id
    contracts.record_payment(
        app.uow(), app.deps, FINANCE, c.id, milestone, Decimal(amount), day, ""
    )


@pytest.fixture
def book(
    contract_app: ContractApp, customer_directory: FakeCustomerDirectory
) -> dict[str, Contract]:
    """Three signed contracts of two customers, a draft, and payments."""
    app = contract_app
    customer_directory.known.add(f"customers/{OTHER_CUSTOMER}")
    c1 = signed_on(app, date(2026, 11, 23))  # 10 x 1,000; 3,000 due 12-10, 7,000 due 03-01
    c2 = signed_on(app, date(2027, 1, 15), price="500", quantity="4")  # 600 and 1,400
    service = {
        "display_name": "运维服务",
        "model": "",
        "spec": "",
        "quantity": "2.5",
        "unit": "人月",
        "unit_price": Decimal(20000),
        "tax_rate": "0.06",
    }
    c3 = signed_on(
        app,
        date(2026, 11, 30),
        customer_id=OTHER_CUSTOMER,
        kind=ContractKind.SERVICE_OUTSOURCING,
        department="华南销售部",
        owner=OTHER_SALES,
        line_items=[service],
        payment_milestones=[
            {"display_name": "服务费", "due_date": date(2027, 6, 30), "amount": Decimal(50000)}
        ],
    )
    create(app)  # a draft: in no report
    pay(app, c1, 0, "3000", date(2026, 12, 5))
    pay(app, c1, 1, "2000", date(2027, 2, 1))
    return {"c1": c1, "c2": c2, "c3": c3}


def test_signed_amounts_by_period_and_split(
    contract_app: ContractApp, book: dict[str, Contract]
) -> None:
    uow = contract_app.uow
    start, end = date(2026, 1, 1), date(2027, 12, 31)
    months = reports.signed_amount_report(uow(), Period.MONTH, start, end, [], viewer=FINANCE)
    assert [(r.period_start, r.contract_count, r.signed_amount) for r in months] == [
        (date(2026, 11, 1), 2, Decimal(60000)),
        (date(2027, 1, 1), 1, Decimal(2000)),
    ]
    quarters = reports.signed_amount_report(uow(), Period.QUARTER, start, end, [], viewer=FINANCE)
    assert [(r.period_start, r.contract_count) for r in quarters] == [
        (date(2026, 10, 1), 2),
        (date(2027, 1, 1), 1),
    ]
    years = reports.signed_amount_report(
        uow(),
        Period.YEAR,
        start,
        end,
        [Dimension.DEPARTMENT, Dimension.KIND, Dimension.OWNER],
        viewer=FINANCE,
    )
    assert [
        (r.period_start.year, r.department, r.kind, r.owner, r.contract_count, r.signed_amount)
        for r in years
    ] == [
        (2026, "华东销售部", ContractKind.PRODUCT_SALE, "users/zhang.san", 1, Decimal(10000)),
        (2026, "华南销售部", ContractKind.SERVICE_OUTSOURCING, "users/li.si", 1, Decimal(50000)),
        (2027, "华东销售部", ContractKind.PRODUCT_SALE, "users/zhang.san", 1, Decimal(2000)),
    ]
    # The range is on the sign date, both ends included.
    one_day = reports.signed_amount_report(
        uow(), Period.MONTH, date(2026, 11, 30), date(2026, 11, 30), [], viewer=FINANCE
    )
    assert [(r.contract_count, r.signed_amount) for r in one_day] == [(1, Decimal(50000))]


def test_receivables_as_of_a_day(contract_app: ContractApp, book: dict[str, Contract]) -> None:
    uow, deps = contract_app.uow, contract_app.deps
    day, rows = reports.receivables_report(uow(), deps, date(2027, 3, 10), None, viewer=FINANCE)
    assert day == date(2027, 3, 10)
    first, second = rows
    assert first.customer_id == CUSTOMER_ID and second.customer_id == OTHER_CUSTOMER
    assert (first.contract_count, first.planned_amount, first.received_amount) == (
        2,
        Decimal(12000),
        Decimal(5000),
    )
    # Unpaid past due: 5,000 of c1's second milestone, all 600 + 1,400 of c2.
    assert (first.outstanding_amount, first.overdue_amount) == (Decimal(7000), Decimal(7000))
    assert first.overdue_milestone_count == 3
    assert first.longest_overdue_days(day) == 90  # since 2026-12-10
    assert (second.planned_amount, second.received_amount, second.overdue_amount) == (
        Decimal(50000),
        Decimal(0),
        Decimal(0),
    )
    assert second.longest_overdue_days(day) == 0
    # Earlier: c2 not yet signed, the February payment not yet received.
    day, rows = reports.receivables_report(
        uow(), deps, date(2027, 1, 1), CUSTOMER_ID, viewer=FINANCE
    )
    (only,) = rows
    assert (only.contract_count, only.planned_amount, only.received_amount) == (
        1,
        Decimal(10000),
        Decimal(3000),
    )
    assert (only.overdue_amount, only.overdue_milestone_count) == (Decimal(0), 0)
    # Without a day: today in Shanghai (the test clock's 2026-11-23).
    day, _ = reports.receivables_report(uow(), deps, None, None, viewer=FINANCE)
    assert day == date(2026, 11, 23)


def test_goods_by_item_and_period(contract_app: ContractApp, book: dict[str, Contract]) -> None:
    uow = contract_app.uow
    rows = reports.goods_report(
        uow(), Period.MONTH, date(2026, 1, 1), date(2027, 12, 31), viewer=FINANCE
    )
    assert [
        (r.period_start, r.display_name, r.model, r.unit, r.contract_count, r.quantity, r.amount)
        for r in rows
    ] == [
        (date(2026, 11, 1), "服务器", "R750", "台", 1, Decimal(10), Decimal(10000)),
        (date(2026, 11, 1), "运维服务", "", "人月", 1, Decimal("2.5"), Decimal(50000)),
        (date(2027, 1, 1), "服务器", "R750", "台", 1, Decimal(4), Decimal(2000)),
    ]
    per_year = reports.goods_report(
        uow(), Period.YEAR, date(2026, 1, 1), date(2027, 12, 31), viewer=FINANCE
    )
    assert [(r.period_start.year, r.display_name, r.quantity) for r in per_year] == [
        (2026, "服务器", Decimal(10)),
        (2026, "运维服务", Decimal("2.5")),
        (2027, "服务器", Decimal(4)),
    ]


def test_the_read_models_follow_edits(contract_app: ContractApp) -> None:
    app = contract_app
    c = create(app)
    item = {"display_name": "交换机", "model": "S5735", "spec": "", "quantity": "3"}
    item |= {"unit": "台", "unit_price": Decimal(3000), "tax_rate": "0.13"}
    milestone = {"display_name": "全款", "due_date": date(2026, 12, 31), "amount": Decimal(9000)}
    contracts.update_contract(
        app.uow(),
        app.deps,
        SALES,
        c.id,
        {"line_items": [item], "payment_milestones": [milestone]},
        ["line_items", "payment_milestones"],
        c.etag,
    )
    for who in (SUPERVISOR, LEGAL):
        if who is SUPERVISOR:
            contracts.submit_contract(app.uow(), app.deps, SALES, c.id)
        contracts.decide(app.uow(), app.deps, who, c.id, True, "同意")
    for party in (Party.OURS, Party.CUSTOMER):
        c = contracts.sign_contract(
            app.uow(), app.deps, SALES, c.id, party, "签字人", date(2026, 11, 23)
        )
    rows = reports.goods_report(
        app.uow(), Period.MONTH, date(2026, 11, 1), date(2026, 11, 30), viewer=FINANCE
    )
    assert [(r.display_name, r.quantity, r.amount) for r in rows] == [
        ("交换机", Decimal(3), Decimal(9000))
    ]
    pay(app, c, 0, "4000", date(2026, 11, 23))
    _, (row,) = reports.receivables_report(
        app.uow(), app.deps, date(2027, 1, 5), None, viewer=FINANCE
    )
    assert (row.planned_amount, row.received_amount, row.overdue_amount) == (
        Decimal(9000),
        Decimal(4000),
        Decimal(5000),
    )


def test_bad_requests_name_the_field(contract_app: ContractApp) -> None:
    uow = contract_app.uow
    cases: list[tuple[Any, list[str]]] = [
        (
            lambda: reports.signed_amount_report(
                uow(), Period.UNSPECIFIED, None, None, [], viewer=FINANCE
            ),
            ["end_date", "period", "start_date"],
        ),
        (
            lambda: reports.goods_report(
                uow(), Period.MONTH, date(2027, 1, 1), date(2026, 1, 1), viewer=FINANCE
            ),
            ["end_date"],
        ),
        (
            lambda: reports.goods_report(
                uow(), Period.MONTH, date(2000, 1, 1), date(2026, 1, 1), viewer=FINANCE
            ),
            ["end_date"],
        ),
        (
            lambda: reports.signed_amount_report(
                uow(),
                Period.MONTH,
                date(2026, 1, 1),
                date(2026, 2, 1),
                [Dimension.KIND, Dimension.UNSPECIFIED, Dimension.KIND],
                viewer=FINANCE,
            ),
            ["group_by[1]", "group_by[2]"],
        ),
    ]
    for call, fields in cases:
        with pytest.raises(InvalidArgument) as caught:
            call()
        assert sorted(v.field for v in caught.value.violations) == fields


def test_the_migration_derives_the_rows_of_existing_contracts(contract_database_url: str) -> None:
    """Contracts stored before the read models existed get their rows from migration 0005."""
    url = contract_database_url
    command.upgrade(alembic_config(MIGRATIONS, url), "0004")
    old = Contract(
        id="e" * 32,
        number="HT-2026-000009",
        title="旧合同",
        kind=ContractKind.PRODUCT_SALE,
        customer_id=CUSTOMER_ID,
        line_items=[LineItem("服务器", Decimal(3), Decimal("999.99"), Decimal("0.13"))],
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
        owner="users/zhang.san",
        created_at=NOW,
        updated_at=NOW,
        payment_milestones=[
            PaymentMilestone(
                "m" * 32,
                "全款",
                date(2026, 3, 1),
                Decimal("2999.97"),
                [Payment(Decimal(1000), date(2026, 2, 1), "users/cai.wu")],
            )
        ],
    )
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(insert(orm.contracts).values(**to_row(old)))
    command.upgrade(alembic_config(MIGRATIONS, url), "head")
    with engine.connect() as conn:
        items = conn.execute(select(orm.contract_line_items)).all()
        schedule = conn.execute(select(orm.contract_payment_schedule)).all()
        paid = conn.execute(select(orm.contract_payments)).all()
    engine.dispose()
    assert [(i.display_name, i.quantity, i.amount) for i in items] == [
        ("服务器", Decimal(3), Decimal("2999.97"))
    ]
    assert [(s.milestone_id, s.due_date, s.amount) for s in schedule] == [
        ("m" * 32, date(2026, 3, 1), Decimal("2999.97"))
    ]
    assert [(p.amount, p.received_date) for p in paid] == [(Decimal(1000), date(2026, 2, 1))]


def test_a_caller_without_company_wide_sight_counts_only_their_department(
    contract_app: ContractApp, book: dict[str, Contract]
) -> None:
    """Sales (华东销售部) do not see 华南销售部's c3 in any report; finance and admins see
    every department; a caller whose token names no department sees nothing."""
    uow, deps = contract_app.uow, contract_app.deps
    start, end = date(2026, 1, 1), date(2027, 12, 31)
    everyone = [Dimension.DEPARTMENT]

    def signed(viewer: Principal) -> list[tuple[Any, ...]]:
        rows = reports.signed_amount_report(uow(), Period.YEAR, start, end, everyone, viewer=viewer)
        return [(r.period_start.year, r.department, r.signed_amount) for r in rows]

    def owed(viewer: Principal) -> list[str]:
        _, rows = reports.receivables_report(uow(), deps, date(2027, 3, 10), None, viewer=viewer)
        return [r.customer_id for r in rows]

    def goods(viewer: Principal) -> list[str]:
        rows = reports.goods_report(uow(), Period.YEAR, start, end, viewer=viewer)
        return [r.display_name for r in rows]

    east = [(2026, "华东销售部", Decimal(10000)), (2027, "华东销售部", Decimal(2000))]
    assert signed(SALES) == east
    assert (owed(SALES), goods(SALES)) == ([CUSTOMER_ID], ["服务器", "服务器"])
    assert signed(OTHER_SALES) == [(2026, "华南销售部", Decimal(50000))]
    assert (owed(OTHER_SALES), goods(OTHER_SALES)) == ([OTHER_CUSTOMER], ["运维服务"])
    # Asking for the other department's customer gives nothing rather than its figures.
    _, rows = reports.receivables_report(uow(), deps, None, OTHER_CUSTOMER, viewer=SALES)
    assert rows == []
    for wide in (FINANCE, ADMIN):
        assert signed(wide) == sorted([*east, (2026, "华南销售部", Decimal(50000))])
        assert owed(wide) == [CUSTOMER_ID, OTHER_CUSTOMER]
        assert goods(wide) == ["服务器", "运维服务", "服务器"]
    nowhere = principal_for("wu.bu.men", ["sales"], "", DEFAULT_ROLE_RIGHTS)
    for call in (signed, owed, goods):
        with pytest.raises(PermissionDenied) as caught:
            call(nowhere)
        assert caught.value.reason == "NO_DEPARTMENT"
