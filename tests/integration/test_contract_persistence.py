"""Contract use cases against real SQLite and PostgreSQL: numbers, compare-and-set approval
under concurrency, history, payments and the events in the outbox."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from services.common.auth import principal_for
from services.common.errors import (
    FailedPrecondition,
    InvalidArgument,
    PermissionDenied,
    StaleEtag,
)
from services.common.rights import DEFAULT_ROLE_RIGHTS
from services.contract.adapters import orm
from services.contract.bootstrap import ContractApp
from services.contract.domain.approval import ContractKind
from services.contract.domain.model import Contract, ContractState, Party
from services.contract.service_layer import contracts
from tests.contract_fixtures import FakeCustomerDirectory
from tests.customer_fixtures import Clock

SALES = principal_for("zhang.san", ["sales"], "华东销售部", DEFAULT_ROLE_RIGHTS)
OTHER_SALES = principal_for("li.si", ["sales"], "华南销售部", DEFAULT_ROLE_RIGHTS)
SUPERVISOR = principal_for("zhu.guan", ["supervisor"], "华东销售部", DEFAULT_ROLE_RIGHTS)
SUPERVISOR_2 = principal_for("fu.zhu.guan", ["supervisor"], "华东销售部", DEFAULT_ROLE_RIGHTS)
LEGAL = principal_for("fa.wu", ["legal"], "法务部", DEFAULT_ROLE_RIGHTS)
ADMIN = principal_for("zong.jing.li", ["admin"], "总经办", DEFAULT_ROLE_RIGHTS)
FINANCE = principal_for("cai.wu", ["finance"], "财务部", DEFAULT_ROLE_RIGHTS)
CUSTOMER_ID = "a" * 32


@pytest.fixture(autouse=True)
def known_customer(customer_directory: FakeCustomerDirectory) -> None:
    customer_directory.known.add(f"customers/{CUSTOMER_ID}")


def values(price: str = "1000", quantity: str = "10", **extra: Any) -> dict[str, Any]:
    amount = Decimal(price) * Decimal(quantity)
    v: dict[str, Any] = {
        "title": "服务器采购合同",
        "kind": ContractKind.PRODUCT_SALE,
        "customer_id": CUSTOMER_ID,
        "owner": "users/zhang.san",
        "department": "华东销售部",
        "start_date": date(2026, 12, 1),
        "end_date": date(2027, 11, 30),
        "line_items": [
            {
                "display_name": "服务器",
                "model": "R750",
                "spec": "2U",
                "quantity": quantity,
                "unit": "台",
                "unit_price": Decimal(price),
                "tax_rate": "0.13",
            }
        ],
        "payment_milestones": [
            {"display_name": "预付款", "due_date": date(2026, 12, 10), "amount": amount * 3 / 10},
            {"display_name": "尾款", "due_date": date(2027, 3, 1), "amount": amount * 7 / 10},
        ],
    }
    return v | extra


def create(app: ContractApp, **extra: Any) -> Contract:
    return contracts.create_contract(app.uow(), app.deps, SALES, values(**extra))


def approved(app: ContractApp, **extra: Any) -> Contract:
    c = create(app, **extra)
    contracts.submit_contract(app.uow(), app.deps, SALES, c.id)
    for who in (SUPERVISOR, LEGAL, ADMIN)[: len(c.approval.steps) or 3]:
        c = contracts.decide(app.uow(), app.deps, who, c.id, True, "同意")
        if c.state is ContractState.APPROVED:
            break
    assert c.state is ContractState.APPROVED
    return c


def active(app: ContractApp, **extra: Any) -> Contract:
    c = approved(app, **extra)
    for party in (Party.OURS, Party.CUSTOMER):
        c = contracts.sign_contract(
            app.uow(), app.deps, SALES, c.id, party, "签字人", date(2026, 11, 23)
        )
    assert c.state is ContractState.ACTIVE
    return c


def outbox(app: ContractApp) -> list[tuple[str, dict[str, Any]]]:
    with app.engine.connect() as conn:
        rows = conn.execute(
            select(orm.outbox.c.topic, orm.outbox.c.payload).order_by(orm.outbox.c.seq)
        ).all()
    return [(t, json.loads(p)) for t, p in rows]


def test_created_contract_comes_back_as_stored_with_a_yearly_number(
    contract_app: ContractApp,
) -> None:
    first = create(contract_app)
    second = create(contract_app)
    assert first.number == "HT-2026-000001" and second.number == "HT-2026-000002"
    got = contracts.get_contract(contract_app.uow(), first.id)
    assert got.total_amount == Decimal("10000.00")
    assert got.line_items[0].unit_price == Decimal(1000)
    assert got.line_items[0].tax_rate == Decimal("0.13")
    assert [m.amount for m in got.payment_milestones] == [Decimal(3000), Decimal(7000)]
    assert got.state is ContractState.DRAFT and got.version == 1
    with contract_app.engine.connect() as conn:
        total = conn.scalar(select(orm.contracts.c.total_amount))
    assert total == Decimal("10000.00")


def test_a_retried_create_returns_the_first_contract(contract_app: ContractApp) -> None:
    app = contract_app
    a = contracts.create_contract(app.uow(), app.deps, SALES, values(), "req-1")
    b = contracts.create_contract(app.uow(), app.deps, SALES, values(), "req-1")
    assert a.id == b.id


def test_an_unknown_customer_is_refused_naming_the_field(contract_app: ContractApp) -> None:
    with pytest.raises(InvalidArgument) as caught:
        create(contract_app, customer_id="b" * 32)
    assert caught.value.violations[0].field == "contract.customer"


def test_a_given_total_must_match_the_line_items(contract_app: ContractApp) -> None:
    with pytest.raises(InvalidArgument) as caught:
        create(contract_app, total_amount=Decimal("9999.99"))
    assert caught.value.violations[0].field == "contract.total_amount"
    assert create(contract_app, total_amount=Decimal("10000")).total_amount == Decimal(10000)


def test_concurrent_approvals_of_one_step_exactly_one_wins(
    contract_app: ContractApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = contract_app
    c = create(app)
    contracts.submit_contract(app.uow(), app.deps, SALES, c.id)
    # Both approvers read the same version before either writes.
    barrier = threading.Barrier(2, timeout=10)
    original = Contract.approve

    def approve_after_both_read(self: Contract, *args: Any, **kwargs: Any) -> Any:
        barrier.wait()
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Contract, "approve", approve_after_both_read)

    def attempt(who: Any) -> str:
        try:
            contracts.decide(app.uow(), app.deps, who, c.id, True, f"{who.user_id} 同意")
        except StaleEtag:
            return "lost"
        return "won"

    with ThreadPoolExecutor(2) as pool:
        results = sorted(pool.map(attempt, [SUPERVISOR, SUPERVISOR_2]))
    assert results == ["lost", "won"]
    got = contracts.get_contract(app.uow(), c.id)
    assert len(got.approval.decisions) == 1
    assert got.approval.current_index == 1 and got.version == 3


def test_only_the_current_step_approver_decides(contract_app: ContractApp) -> None:
    app = contract_app
    c = create(app)
    contracts.submit_contract(app.uow(), app.deps, SALES, c.id)
    with pytest.raises(PermissionDenied):
        contracts.decide(app.uow(), app.deps, LEGAL, c.id, True, "")


def test_a_change_while_pending_restarts_approval_and_is_in_the_history(
    contract_app: ContractApp,
) -> None:
    app = contract_app
    c = create(app)
    contracts.submit_contract(app.uow(), app.deps, SALES, c.id)
    contracts.decide(app.uow(), app.deps, SUPERVISOR, c.id, True, "部门同意")
    c = contracts.update_contract(
        app.uow(),
        app.deps,
        SALES,
        c.id,
        values(price="100000", quantity="6"),
        ["line_items", "payment_milestones"],
        "",
    )
    got = contracts.get_contract(app.uow(), c.id)
    assert got.approval.round == 2 and got.approval.current_index == 0
    assert [s.approver_role for s in got.approval.steps] == ["supervisor", "legal", "admin"]
    assert [d.opinion for d in got.approval.decisions] == ["部门同意"]
    rows = contracts.list_history(app.uow(), c.id, 0, 50)
    assert [r.action for r in rows] == ["created", "submitted", "approved", "updated"]
    assert rows[-1].before["total_amount"] == "10000.00"
    assert rows[-1].after["total_amount"] == "600000.00"
    topics = [t for t, _ in outbox(app)]
    assert topics.count("contract.ContractSubmitted") == 2


def test_a_stale_etag_is_refused(contract_app: ContractApp) -> None:
    app = contract_app
    c = create(app)
    contracts.update_contract(app.uow(), app.deps, SALES, c.id, {"title": "新"}, ["title"], "1")
    with pytest.raises(StaleEtag):
        contracts.update_contract(app.uow(), app.deps, SALES, c.id, {"title": "旧"}, ["title"], "1")


def test_others_sales_may_not_edit(contract_app: ContractApp) -> None:
    app = contract_app
    c = create(app)
    with pytest.raises(PermissionDenied):
        contracts.update_contract(
            app.uow(), app.deps, OTHER_SALES, c.id, {"title": "x"}, ["title"], ""
        )


def test_signing_payments_and_customer_figures(contract_app: ContractApp) -> None:
    app = contract_app
    c = active(app)
    figures = [p for t, p in outbox(app) if t == "contract.CustomerFiguresChanged"]
    assert figures[-1] == {
        "customer": f"customers/{CUSTOMER_ID}",
        "annual_contract_amount": "10000.00",
        "longest_overdue_days": 0,
        "cooperation_start_date": "2026-11-23",
    }
    milestone = c.payment_milestones[0]
    c = contracts.record_payment(
        app.uow(), app.deps, FINANCE, c.id, milestone.id, Decimal(1000), date(2026, 11, 23), "银行"
    )
    assert c.payment_milestones[0].received_amount == Decimal(1000)
    assert c.payment_progress_percent == 10.0
    topics = [t for t, _ in outbox(app)]
    for topic in (
        "contract.ContractSubmitted",
        "contract.ContractApproved",
        "contract.ContractSigned",
        "contract.ContractActivated",
        "contract.PaymentReceived",
    ):
        assert topic in topics
    # A payment on time changes none of the customer's figures: nothing new is reported.
    assert topics.count("contract.CustomerFiguresChanged") == 1
    with pytest.raises(FailedPrecondition):
        contracts.update_contract(app.uow(), app.deps, SALES, c.id, {"title": "x"}, ["title"], "")


def test_overdue_days_reach_the_customer(contract_app: ContractApp, clock: Clock) -> None:
    app = contract_app
    c = active(app)
    clock.advance(days=30)  # the first milestone was due on 2026-12-10
    contracts.record_payment(
        app.uow(), app.deps, FINANCE, c.id, c.payment_milestones[0].id, Decimal(1), None, ""
    )
    last = [p for t, p in outbox(app) if t == "contract.CustomerFiguresChanged"][-1]
    assert last["longest_overdue_days"] == 13


def test_renewal_links_a_successor_and_termination_records_why(
    contract_app: ContractApp,
) -> None:
    app = contract_app
    c = active(app)
    successor = contracts.renew_contract(app.uow(), app.deps, SALES, c.id, None, date(2028, 11, 30))
    old = contracts.get_contract(app.uow(), c.id)
    assert old.state is ContractState.RENEWED and old.successor_id == successor.id
    assert successor.predecessor_id == c.id and successor.state is ContractState.DRAFT
    assert successor.start_date == date(2027, 12, 1)
    assert successor.number == "HT-2026-000002"
    other = active(app)
    ended = contracts.terminate_contract(
        app.uow(), app.deps, SALES, other.id, date(2027, 1, 5), "客户违约"
    )
    assert ended.state is ContractState.TERMINATED
    assert (ended.termination_date, ended.termination_reason) == (date(2027, 1, 5), "客户违约")
    archived = contracts.archive_contract(app.uow(), app.deps, SALES, other.id)
    assert archived.state is ContractState.ARCHIVED
    with pytest.raises(FailedPrecondition):
        contracts.archive_contract(app.uow(), app.deps, SALES, other.id)


def test_the_date_scan_warns_then_expires(contract_app: ContractApp, clock: Clock) -> None:
    app = contract_app
    c = active(app)
    clock.advance(days=350)  # 2027-11-08: within 30 days of the end
    assert contracts.mark_by_date(app.uow(), app.deps) == 1
    assert contracts.get_contract(app.uow(), c.id).state is ContractState.EXPIRING
    assert contracts.mark_by_date(app.uow(), app.deps) == 0
    clock.advance(days=30)
    assert contracts.mark_by_date(app.uow(), app.deps) == 1
    assert contracts.get_contract(app.uow(), c.id).state is ContractState.EXPIRED


def test_lists_filter_and_page(contract_app: ContractApp) -> None:
    app = contract_app
    made = [create(app).id for _ in range(5)]
    page = contracts.list_contracts(
        app.uow(), {"customer_id": CUSTOMER_ID, "state": "DRAFT"}, "number", False, None, 3
    )
    assert [c.id for c in page] == made[:4]


def test_figures_are_reported_when_they_change_only(
    contract_app: ContractApp, clock: Clock
) -> None:
    app = contract_app
    active(app)
    assert contracts.refresh_customer_figures(app.uow(), app.deps) == 0
    clock.advance(days=20)  # the first milestone (2026-12-10) is 3 days overdue
    assert contracts.refresh_customer_figures(app.uow(), app.deps) == 1
    assert contracts.refresh_customer_figures(app.uow(), app.deps) == 0
    reported = [p for t, p in outbox(app) if t == "contract.CustomerFiguresChanged"]
    assert [p["longest_overdue_days"] for p in reported] == [0, 3]
