"""Amendments against real SQLite and PostgreSQL: versions are kept, and of two concurrent
decisions on one step exactly one wins."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

from services.common.auth import Principal
from services.common.errors import DomainError
from services.contract.bootstrap import ContractApp
from services.contract.domain.amendment import AmendmentState
from services.contract.service_layer import amendments, contracts
from tests.contract_fixtures import FakeCustomerDirectory
from tests.integration.test_contract_persistence import (
    CUSTOMER_ID,
    LEGAL,
    SALES,
    SUPERVISOR,
    SUPERVISOR_2,
    active,
)


@pytest.fixture(autouse=True)
def known_customer(customer_directory: FakeCustomerDirectory) -> None:
    customer_directory.known.add(f"customers/{CUSTOMER_ID}")


def propose(app: ContractApp, contract_id: str, end: date) -> str:
    contract = contracts.get_contract(app.uow(), contract_id)
    amendment = amendments.amend_contract(
        app.uow(),
        app.deps,
        SALES,
        contract_id,
        {"end_date": end},
        ["end_date"],
        contract.etag,
        "延期",
        "期限延长",
        [],
    )
    return amendment.id


def test_versions_follow_the_approved_amendments(contract_app: ContractApp) -> None:
    app = contract_app
    c = active(app)
    for year in (2028, 2029):
        aid = propose(app, c.id, date(year, 11, 30))
        for who in (SUPERVISOR, LEGAL):
            done = amendments.decide_amendment(app.uow(), app.deps, who, c.id, aid, True, "同意")
        assert done.state is AmendmentState.APPROVED
    versions = amendments.list_versions(app.uow(), c.id)
    assert [(v.version, v.values["end_date"]) for v in versions] == [
        (1, "2027-11-30"),
        (2, "2028-11-30"),
        (3, "2029-11-30"),
    ]
    changed, _ = amendments.diff(app.uow(), c.id, 1, 3)
    assert changed == [("end_date", "2027-11-30", "2029-11-30")]
    assert contracts.get_contract(app.uow(), c.id).end_date == date(2029, 11, 30)


def test_two_concurrent_decisions_one_wins(contract_app: ContractApp) -> None:
    app = contract_app
    c = active(app)
    aid = propose(app, c.id, date(2028, 11, 30))
    barrier = threading.Barrier(2)

    def decide(who: Principal) -> str:
        barrier.wait()
        try:
            amendments.decide_amendment(app.uow(), app.deps, who, c.id, aid, True, "同意")
        except DomainError as exc:
            return exc.reason
        return "ok"

    with ThreadPoolExecutor(2) as pool:
        results = sorted(pool.map(decide, (SUPERVISOR, SUPERVISOR_2)))
    assert results[1] == "ok" and results[0] != "ok", results
    with app.uow() as uow:
        decided = uow.amendments.get(c.id, aid)
    assert len(decided.approval.decisions) == 1
