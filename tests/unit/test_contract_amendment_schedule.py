"""Amendments of line items and milestones in the domain: kept milestones keep their payments
and completions; what cannot be dropped or lowered is named by field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.common.errors import InvalidArgument, Violations
from services.contract.domain.amendment import apply_changes, keep_milestones, snapshot_values
from services.contract.domain.model import (
    ContractState,
    DeliveryKind,
    DeliveryMilestone,
    PaymentMilestone,
    validate_fields,
)
from tests.unit.test_contract_model import NOW, in_state


def test_a_completed_delivery_is_kept_with_its_completion() -> None:
    c = in_state(ContractState.ACTIVE)
    c.delivery_milestones = [
        DeliveryMilestone("d" * 32, DeliveryKind.DELIVERY, "到货", date(2026, 12, 5))
    ]
    c.complete_delivery("d" * 32, date(2026, 11, 20), date(2026, 11, 23), "users/x", NOW)
    raw = [
        {"kind": DeliveryKind.DELIVERY, "title": "到货（含配件）", "due_date": date(2026, 12, 5)},
        {"kind": DeliveryKind.ACCEPTANCE, "title": "终验", "due_date": date(2027, 1, 5)},
    ]
    v = Violations()
    checked = validate_fields(v, "contract", {"delivery_milestones": raw})
    keep_milestones(v, "contract", c, checked, {"delivery_milestones": ["d" * 32, ""]})
    assert v.items == []
    apply_changes(c, snapshot_values(checked), "contract")
    kept, new = c.delivery_milestones
    assert (kept.id, kept.title, kept.completed_date) == (
        "d" * 32,
        "到货（含配件）",
        date(2026, 11, 20),
    )
    assert new.completed_date is None and new.id != kept.id
    # Left out once completed: refused.
    with pytest.raises(InvalidArgument) as caught:
        apply_changes(
            c,
            {
                "delivery_milestones": snapshot_values({"delivery_milestones": [new]})[
                    "delivery_milestones"
                ]
            },
            "contract",
        )
    assert [x.field for x in caught.value.violations] == ["contract.delivery_milestones"]


def test_more_items_need_milestones_that_add_up() -> None:
    c = in_state(ContractState.ACTIVE)
    c.payment_milestones = [PaymentMilestone("m" * 32, "全款", date(2027, 1, 1), Decimal(10000))]
    item = {
        "display_name": "服务器",
        "quantity": "12",
        "unit_price": Decimal(1000),
        "tax_rate": "0.13",
    }
    v = Violations()
    checked = validate_fields(v, "contract", {"line_items": [item]})
    with pytest.raises(InvalidArgument) as caught:
        apply_changes(c, snapshot_values(checked), "contract")
    assert [x.field for x in caught.value.violations] == ["contract.payment_milestones"]


def test_naming_an_unknown_or_the_same_milestone_twice() -> None:
    c = in_state(ContractState.ACTIVE)
    c.payment_milestones = []
    raw = [{"display_name": "款", "due_date": date(2027, 1, 1), "amount": Decimal(5000)}] * 2
    v = Violations()
    checked = validate_fields(v, "contract", {"payment_milestones": raw})
    c.payment_milestones = list(checked["payment_milestones"][:1])
    known = c.payment_milestones[0].id
    keep_milestones(v, "contract", c, checked, {"payment_milestones": [known, known]})
    keep_milestones(v, "contract", c, checked, {"payment_milestones": ["x" * 32]})
    assert [i.field for i in v.items] == [
        "contract.payment_milestones[1]",
        "contract.payment_milestones[0]",
    ]
