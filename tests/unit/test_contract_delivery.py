"""Delivery (交付) and acceptance (验收) milestones in the domain: checked when drafted, part
of the substance, completed once and only while the contract is in force."""

from __future__ import annotations

from datetime import date

import pytest

from services.common.errors import FailedPrecondition, InvalidArgument, NotFound, Violations
from services.contract.domain import events
from services.contract.domain.model import (
    ContractState,
    DeliveryKind,
    DeliveryState,
    check_consistency,
    validate_fields,
)
from tests.unit.test_contract_model import NOW, RULES, contract, in_state

TODAY = date(2026, 12, 20)


def milestones(*raw: dict[str, object]) -> dict[str, object]:
    v = Violations()
    out = validate_fields(v, "contract", {"delivery_milestones": list(raw)})
    v.raise_if_any()
    return out


def test_milestones_are_checked_field_by_field() -> None:
    v = Violations()
    validate_fields(
        v,
        "contract",
        {
            "delivery_milestones": [
                {
                    "kind": DeliveryKind.DELIVERY,
                    "title": "服务器到货",
                    "due_date": date(2027, 1, 5),
                },
                {"kind": DeliveryKind.UNSPECIFIED, "title": " ", "due_date": None},
            ]
        },
    )
    assert sorted(i.field for i in v.items) == [
        "contract.delivery_milestones[1].due_date",
        "contract.delivery_milestones[1].kind",
        "contract.delivery_milestones[1].title",
    ]


def test_a_milestone_is_not_due_before_the_contract_starts() -> None:
    c = contract(
        **milestones(
            {"kind": DeliveryKind.ACCEPTANCE, "title": "初验", "due_date": date(2026, 11, 30)}
        )
    )
    with pytest.raises(InvalidArgument) as caught:
        check_consistency(c, "contract")
    assert [i.field for i in caught.value.violations] == [
        "contract.delivery_milestones[0].due_date"
    ]


def test_changing_milestones_while_pending_restarts_the_approval() -> None:
    c = contract()
    c.submit(RULES, NOW)
    c.approve("users/x", frozenset({"supervisor"}), "同意", NOW, department="华东销售部")
    before, after = c.edit(
        milestones({"kind": DeliveryKind.DELIVERY, "title": "到货", "due_date": date(2027, 1, 5)}),
        RULES,
        NOW,
    )
    assert before == {"delivery_milestones": []}
    assert after == {
        "delivery_milestones": [{"kind": "DELIVERY", "title": "到货", "due_date": "2027-01-05"}]
    }
    assert c.approval.round == 2 and c.approval.current_index == 0


def test_completing_a_milestone_once_in_force() -> None:
    c = in_state(ContractState.ACTIVE)
    c.delivery_milestones = milestones(
        {"kind": DeliveryKind.DELIVERY, "title": "服务器到货", "due_date": date(2027, 1, 5)},
        {"kind": DeliveryKind.ACCEPTANCE, "title": "系统终验", "due_date": date(2027, 2, 1)},
    )["delivery_milestones"]  # type: ignore[assignment]
    first = c.delivery_milestones[0]
    assert first.state is DeliveryState.PENDING
    c.events.clear()
    done = c.complete_delivery(first.id, date(2026, 12, 18), TODAY, "users/zhang.san", NOW)
    assert done is first and first.state is DeliveryState.COMPLETED
    assert (first.completed_date, first.completed_by) == (date(2026, 12, 18), "users/zhang.san")
    assert c.delivery_milestones[1].state is DeliveryState.PENDING
    assert c.events == [
        events.DeliveryMilestoneCompleted(
            c.resource_name, first.id, "DELIVERY", "服务器到货", date(2026, 12, 18)
        )
    ]
    with pytest.raises(FailedPrecondition) as again:
        c.complete_delivery(first.id, TODAY, TODAY, "users/zhang.san", NOW)
    assert again.value.reason == "MILESTONE_ALREADY_COMPLETED"
    second = c.delivery_milestones[1].id
    with pytest.raises(InvalidArgument) as future:
        c.complete_delivery(second, date(2026, 12, 21), TODAY, "users/zhang.san", NOW)
    assert future.value.violations[0].field == "completed_date"
    with pytest.raises(NotFound):
        c.complete_delivery("x" * 32, TODAY, TODAY, "users/zhang.san", NOW)


@pytest.mark.parametrize("state", [ContractState.DRAFT, ContractState.TERMINATED])
def test_only_a_contract_in_force_records_deliveries(state: ContractState) -> None:
    c = in_state(state)
    c.delivery_milestones = milestones(
        {"kind": DeliveryKind.DELIVERY, "title": "到货", "due_date": date(2027, 1, 5)}
    )["delivery_milestones"]  # type: ignore[assignment]
    with pytest.raises(FailedPrecondition) as caught:
        c.complete_delivery(c.delivery_milestones[0].id, TODAY, TODAY, "users/x", NOW)
    assert caught.value.reason == "CONTRACT_NOT_IN_FORCE"
