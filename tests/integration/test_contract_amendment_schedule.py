"""Amendments of line items and milestones against real SQLite and PostgreSQL: the total
follows, paid milestones keep their payments, the report read models follow the approved
change, and a change overtaken by a payment is refused at approval."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from services.common.errors import FailedPrecondition, InvalidArgument
from services.contract.bootstrap import ContractApp
from services.contract.domain.amendment import Amendment, AmendmentState
from services.contract.domain.model import Contract, DeliveryKind
from services.contract.domain.reports import Period
from services.contract.service_layer import amendments, contracts, reports
from tests.integration.test_contract_amendments import known_customer
from tests.integration.test_contract_persistence import (
    FINANCE,
    LEGAL,
    SALES,
    SUPERVISOR,
    active,
    outbox,
)

__all__ = ["known_customer"]  # the autouse fixture: every test here knows the customer
ITEM = {"display_name": "服务器", "model": "R750", "spec": "2U", "unit": "台", "tax_rate": "0.13"}


def items(quantity: str, price: int) -> list[dict[str, Any]]:
    return [ITEM | {"quantity": quantity, "unit_price": Decimal(price)}]


def milestone(name: str, due: date, amount: int, ref: str = "", c: Contract | None = None) -> Any:
    raw: dict[str, Any] = {"display_name": name, "due_date": due, "amount": Decimal(amount)}
    raw["ref"] = (c.id, ref) if c is not None and ref else None
    return raw


def propose(app: ContractApp, c: Contract, values: dict[str, Any], **kw: Any) -> Amendment:
    current = contracts.get_contract(app.uow(), c.id)
    return amendments.amend_contract(
        app.uow(),
        app.deps,
        SALES,
        c.id,
        values,
        list(values),
        current.etag,
        "增购",
        "金额增加",
        [],
        **kw,
    )


def approve(app: ContractApp, c: Contract, a: Amendment) -> Amendment:
    for who in (SUPERVISOR, LEGAL):
        a = amendments.decide_amendment(app.uow(), app.deps, who, c.id, a.id, True, "同意")
    return a


def paid_contract(app: ContractApp) -> Contract:
    """10 x 1,000 with 3,000 and 7,000 due; 3,000 received on the first."""
    c = active(app)
    first = c.payment_milestones[0].id
    return contracts.record_payment(
        app.uow(), app.deps, FINANCE, c.id, first, Decimal(3000), date(2026, 11, 23), ""
    )


def test_more_items_a_new_schedule_and_the_paid_milestone_kept(contract_app: ContractApp) -> None:
    app = contract_app
    c = paid_contract(app)
    first = c.payment_milestones[0]
    a = propose(
        app,
        c,
        {
            "line_items": items("12", 1000),
            "payment_milestones": [
                milestone("预付款", first.due_date, 3000, first.id, c),
                milestone("到货款", date(2027, 1, 10), 4000),
                milestone("尾款", date(2027, 3, 10), 5000),
            ],
            "delivery_milestones": [
                {
                    "kind": DeliveryKind.DELIVERY,
                    "title": "追加两台到货",
                    "due_date": date(2027, 1, 5),
                }
            ],
        },
        expected_total=Decimal(12000),
    )
    assert set(a.changes) == {"line_items", "payment_milestones", "delivery_milestones"}
    # Until approved nothing changes.
    assert contracts.get_contract(app.uow(), c.id).total_amount == Decimal(10000)
    assert approve(app, c, a).state is AmendmentState.APPROVED
    got = contracts.get_contract(app.uow(), c.id)
    assert got.total_amount == Decimal(12000)
    assert [(m.display_name, m.amount, m.received_amount) for m in got.payment_milestones] == [
        ("预付款", Decimal(3000), Decimal(3000)),
        ("到货款", Decimal(4000), Decimal(0)),
        ("尾款", Decimal(5000), Decimal(0)),
    ]
    assert got.payment_milestones[0].id == first.id
    assert [m.title for m in got.delivery_milestones] == ["追加两台到货"]
    # The reports read the amended contract.
    goods = reports.goods_report(
        app.uow(), Period.YEAR, date(2026, 1, 1), date(2026, 12, 31), viewer=FINANCE
    )
    assert [(g.quantity, g.amount) for g in goods] == [(Decimal(12), Decimal(12000))]
    _, (owed,) = reports.receivables_report(
        app.uow(), app.deps, date(2027, 2, 1), None, viewer=FINANCE
    )
    assert (owed.planned_amount, owed.received_amount, owed.overdue_amount) == (
        Decimal(12000),
        Decimal(3000),
        Decimal(4000),
    )
    amended = [p for t, p in outbox(app) if t == "contract.ContractAmended"]
    assert amended[-1]["fields"] == ["delivery_milestones", "line_items", "payment_milestones"]
    versions = amendments.list_versions(app.uow(), c.id)
    assert versions[-1].values["total_amount"] == "12000.00"


def test_what_does_not_add_up_names_the_field(contract_app: ContractApp) -> None:
    app = contract_app
    c = paid_contract(app)
    first, second = c.payment_milestones
    cases: list[tuple[dict[str, Any], dict[str, Any], str]] = [
        # The milestones no longer add up to the new total.
        ({"line_items": items("12", 1000)}, {}, "contract.payment_milestones"),
        # A given total must be the sum of the line items.
        (
            {
                "line_items": items("12", 1000),
                "payment_milestones": [
                    milestone("预付款", first.due_date, 3000, first.id, c),
                    milestone("尾款", second.due_date, 9000, second.id, c),
                ],
            },
            {"expected_total": Decimal(11000)},
            "contract.total_amount",
        ),
        # The paid milestone left out.
        (
            {"payment_milestones": [milestone("全款", date(2027, 1, 1), 10000)]},
            {},
            "contract.payment_milestones",
        ),
        # Below what was received.
        (
            {
                "payment_milestones": [
                    milestone("预付款", first.due_date, 2000, first.id, c),
                    milestone("尾款", second.due_date, 8000, second.id, c),
                ]
            },
            {},
            "contract.payment_milestones[0].amount",
        ),
        # Naming a milestone that is not this contract's.
        (
            {
                "payment_milestones": [
                    milestone("预付款", first.due_date, 3000, "f" * 32, c),
                    milestone("尾款", second.due_date, 7000),
                ]
            },
            {},
            "contract.payment_milestones[0]",
        ),
    ]
    for values, kw, field in cases:
        with pytest.raises(InvalidArgument) as caught:
            propose(app, c, values, **kw)
        assert field in [v.field for v in caught.value.violations], (field, caught.value)


def test_a_payment_after_the_proposal_outdates_it(contract_app: ContractApp) -> None:
    app = contract_app
    c = active(app)
    first, second = c.payment_milestones
    a = propose(
        app,
        c,
        {
            "payment_milestones": [
                milestone("预付款", first.due_date, 3000, first.id, c),
                milestone("尾款", date(2027, 6, 1), 7000),  # replaces the second
            ]
        },
    )
    contracts.record_payment(
        app.uow(), app.deps, FINANCE, c.id, second.id, Decimal(100), date(2026, 11, 23), ""
    )
    amendments.decide_amendment(app.uow(), app.deps, SUPERVISOR, c.id, a.id, True, "同意")
    with pytest.raises(FailedPrecondition) as caught:
        amendments.decide_amendment(app.uow(), app.deps, LEGAL, c.id, a.id, True, "同意")
    assert caught.value.reason == "AMENDMENT_OUTDATED"
    # Nothing was applied; the amendment still waits for the legal decision.
    got = contracts.get_contract(app.uow(), c.id)
    assert [m.id for m in got.payment_milestones] == [first.id, second.id]
