"""Delivery and acceptance milestones against real SQLite and PostgreSQL: stored with the
contract, completed once (also under concurrency), audited, with events in the outbox."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import pytest

from services.common.errors import (
    FailedPrecondition,
    InvalidArgument,
    PermissionDenied,
    StaleEtag,
)
from services.contract.bootstrap import ContractApp
from services.contract.domain.model import Contract, DeliveryKind, DeliveryState
from services.contract.service_layer import contracts
from tests.customer_fixtures import Clock
from tests.integration.test_contract_persistence import (
    FINANCE,
    OTHER_SALES,
    SALES,
    SUPERVISOR,
    active,
    create,
    known_customer,
    outbox,
)

__all__ = ["known_customer"]  # the autouse fixture: every test here knows the customer

DELIVERIES: list[dict[str, Any]] = [
    {"kind": DeliveryKind.DELIVERY, "title": "服务器到货", "due_date": date(2027, 1, 5)},
    {"kind": DeliveryKind.ACCEPTANCE, "title": "系统终验", "due_date": date(2027, 2, 1)},
]


def test_milestones_are_stored_and_edited_with_the_draft(contract_app: ContractApp) -> None:
    app = contract_app
    c = create(app, delivery_milestones=DELIVERIES)
    got = contracts.get_contract(app.uow(), c.id)
    assert [(m.kind, m.title, m.due_date, m.state) for m in got.delivery_milestones] == [
        (DeliveryKind.DELIVERY, "服务器到货", date(2027, 1, 5), DeliveryState.PENDING),
        (DeliveryKind.ACCEPTANCE, "系统终验", date(2027, 2, 1), DeliveryState.PENDING),
    ]
    changed = contracts.update_contract(
        app.uow(),
        app.deps,
        SALES,
        c.id,
        {"delivery_milestones": DELIVERIES[1:]},
        ["delivery_milestones"],
        got.etag,
    )
    again = contracts.get_contract(app.uow(), c.id)
    assert (
        [m.title for m in again.delivery_milestones]
        == ["系统终验"]
        == [m.title for m in changed.delivery_milestones]
    )
    history = contracts.list_history(app.uow(), c.id, 0, 10)
    assert history[-1].action == "updated"
    assert history[-1].before["delivery_milestones"][0]["title"] == "服务器到货"


def completed(app: ContractApp, c: Contract, index: int = 0, **kw: Any) -> Contract:
    who, day = kw.pop("who", SALES), kw.pop("day", None)
    milestone = c.delivery_milestones[index].id
    return contracts.complete_delivery(app.uow(), app.deps, who, c.id, milestone, day, **kw)


def test_completion_is_stored_audited_and_announced(
    contract_app: ContractApp, clock: Clock
) -> None:
    app = contract_app
    c = active(app, delivery_milestones=DELIVERIES)
    clock.advance(days=45)  # 2027-01-07
    done = completed(app, c, day=date(2027, 1, 6))
    got = contracts.get_contract(app.uow(), c.id)
    first = got.delivery_milestones[0]
    assert (first.state, first.completed_date, first.completed_by) == (
        DeliveryState.COMPLETED,
        date(2027, 1, 6),
        "users/zhang.san",
    )
    assert got.delivery_milestones[1].state is DeliveryState.PENDING
    assert done.etag == got.etag
    entry = contracts.list_history(app.uow(), c.id, 0, 50)[-1]
    assert entry.action == "delivery_completed" and entry.actor == "users/zhang.san"
    assert entry.after["completed_date"] == "2027-01-06" and entry.after["kind"] == "DELIVERY"
    events = outbox(app)
    assert (
        "contract.ContractChanged",
        {"contract": c.resource_name, "action": "delivery_completed"},
    ) in events
    assert (
        "contract.DeliveryMilestoneCompleted",
        {
            "contract": c.resource_name,
            "milestone_id": first.id,
            "kind": "DELIVERY",
            "title": "服务器到货",
            "completed_date": "2027-01-06",
        },
    ) in events
    # Without a date it is today (Asia/Shanghai).
    second = completed(app, got, 1)
    assert second.delivery_milestones[1].completed_date == date(2027, 1, 7)
    with pytest.raises(FailedPrecondition) as again:
        completed(app, second, 1)
    assert again.value.reason == "MILESTONE_ALREADY_COMPLETED"


def test_only_the_owner_or_a_supervisor_records_it(contract_app: ContractApp) -> None:
    app = contract_app
    c = active(app, delivery_milestones=DELIVERIES)
    with pytest.raises(PermissionDenied):
        completed(app, c, who=OTHER_SALES)
    assert completed(app, c, who=SUPERVISOR).delivery_milestones[0].completed_by == (
        "users/zhu.guan"
    )


def test_a_stale_etag_and_two_concurrent_completions(contract_app: ContractApp) -> None:
    app = contract_app
    c = active(app, delivery_milestones=DELIVERIES)
    with pytest.raises(StaleEtag):
        completed(app, c, etag="1")

    def attempt(index: int) -> str:
        try:
            completed(app, c, index, etag=c.etag)
            return "ok"
        except StaleEtag:
            return "stale"

    # Two different milestones on the same version: the contract row is compare-and-set,
    # so exactly one of them is written; the other reads again.
    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(attempt, [0, 1]))
    assert outcomes == ["ok", "stale"]
    got = contracts.get_contract(app.uow(), c.id)
    assert sorted(m.state.name for m in got.delivery_milestones) == ["COMPLETED", "PENDING"]


def test_a_renewal_moves_the_milestones_with_the_term(
    contract_app: ContractApp, clock: Clock
) -> None:
    app = contract_app
    c = active(app, delivery_milestones=DELIVERIES)
    clock.advance(days=45)  # 2027-01-07
    c = completed(app, c, day=date(2027, 1, 6))
    paid = c.payment_milestones[0]
    c = contracts.record_payment(
        app.uow(), app.deps, FINANCE, c.id, paid.id, paid.amount, date(2026, 12, 9), ""
    )
    # Term 2026-12-01..2027-11-30 renewed from 2027-12-01: every date moves 365 days.
    successor = contracts.renew_contract(app.uow(), app.deps, SALES, c.id, None, date(2028, 11, 30))
    got = contracts.get_contract(app.uow(), successor.id)
    assert [(m.kind, m.title, m.due_date, m.state) for m in got.delivery_milestones] == [
        (DeliveryKind.DELIVERY, "服务器到货", date(2028, 1, 5), DeliveryState.PENDING),
        (DeliveryKind.ACCEPTANCE, "系统终验", date(2028, 2, 1), DeliveryState.PENDING),
    ]
    assert [(m.display_name, m.due_date, m.amount, m.payments) for m in got.payment_milestones] == [
        (m.display_name, date.fromordinal(m.due_date.toordinal() + 365), m.amount, [])
        for m in c.payment_milestones
    ]
    # New milestones, not the predecessor's (completing one must not touch the other).
    old_ids = {m.id for m in [*c.delivery_milestones, *c.payment_milestones]}
    assert old_ids.isdisjoint(m.id for m in [*got.delivery_milestones, *got.payment_milestones])
    assert got.payment_milestones and got.received_amount == 0
    before = contracts.get_contract(app.uow(), c.id)
    assert before.delivery_milestones[0].state is DeliveryState.COMPLETED
    assert before.payment_milestones[0].received_amount == paid.amount
    # A renewal starting later moves them further.
    later = active(app, delivery_milestones=DELIVERIES)
    moved = contracts.renew_contract(
        app.uow(), app.deps, SALES, later.id, date(2028, 1, 1), date(2028, 12, 31)
    )
    assert [m.due_date for m in moved.delivery_milestones] == [date(2028, 2, 5), date(2028, 3, 3)]
    # Moved past the year 9999: refused, not an internal error.
    far = active(app, delivery_milestones=DELIVERIES)
    with pytest.raises(InvalidArgument):
        contracts.renew_contract(
            app.uow(), app.deps, SALES, far.id, date(9999, 12, 1), date(9999, 12, 31)
        )
