"""The contract service's Celery tasks on a real worker and a real Redis broker, and its
CustomerFiguresChanged events reaching the customer service's real worker."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker

from services.common.auth import principal_for
from services.common.outbox import CeleryEventPublisher, OutboxRelay
from services.common.rights import DEFAULT_ROLE_RIGHTS
from services.contract.adapters import orm
from services.contract.bootstrap import ContractApp
from services.contract.domain.model import ContractState, Party
from services.contract.entrypoints.tasks import make_worker
from services.contract.service_layer import contracts
from services.customer.bootstrap import CustomerApp
from services.customer.domain import model as customer_model
from services.customer.domain.rules import Grade
from services.customer.entrypoints.tasks import make_worker as make_customer_worker
from services.customer.service_layer import customers
from tests.contract_fixtures import FakeCustomerDirectory
from tests.customer_fixtures import Clock
from tests.integration.test_contract_persistence import (
    ADMIN,
    LEGAL,
    SALES,
    SUPERVISOR,
    values,
)
from tests.servers import wait_for_worker

pytestmark = pytest.mark.redis


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """The customer side runs on SQLite here; the contract side on both databases."""
    return f"sqlite:///{tmp_path / 'customer.db'}"


def _active(app: ContractApp, customer_id: str, price: str = "1000") -> str:
    c = contracts.create_contract(
        app.uow(), app.deps, SALES, values(price=price, customer_id=customer_id)
    )
    contracts.submit_contract(app.uow(), app.deps, SALES, c.id)
    for who in (SUPERVISOR, LEGAL, ADMIN):
        c = contracts.decide(app.uow(), app.deps, who, c.id, True, "同意")
        if c.state is ContractState.APPROVED:
            break
    for party in (Party.OURS, Party.CUSTOMER):
        c = contracts.sign_contract(
            app.uow(), app.deps, SALES, c.id, party, "签字人", date(2026, 11, 23)
        )
    assert c.state is ContractState.ACTIVE
    return c.id


@pytest.fixture
def contract_worker(contract_app: ContractApp, redis_url: str) -> Iterator[Celery]:
    contract_app.settings = contract_app.settings.model_copy(update={"broker_url": redis_url})
    celery = make_worker(contract_app)
    with start_worker(celery, pool="solo", perform_ping_check=False, queues=["contract"]):
        yield celery


def test_the_date_scan_runs_on_the_worker(
    contract_app: ContractApp,
    contract_worker: Celery,
    clock: Clock,
    customer_directory: FakeCustomerDirectory,
) -> None:
    customer_directory.known.add("customers/" + "a" * 32)
    contract_id = _active(contract_app, "a" * 32)
    clock.advance(days=350)
    for _ in range(2):  # a duplicate run changes nothing
        contract_worker.send_task("contract.mark_by_date", queue="contract")

    def expiring() -> bool:
        got = contracts.get_contract(contract_app.uow(), contract_id)
        return got.state is ContractState.EXPIRING

    wait_for_worker(expiring)


def test_figures_reach_the_customer_service_and_grade_the_customer(
    contract_app: ContractApp,
    customer_app: CustomerApp,
    customer_directory: FakeCustomerDirectory,
    redis_url: str,
) -> None:
    sales = principal_for("zhang.san", ["sales"], "", DEFAULT_ROLE_RIGHTS)
    customer = customers.create_customer(
        customer_app.uow(),
        customer_app.deps,
        sales,
        {
            "full_name": "杭州云栖数据有限公司",
            "kind": customer_model.CustomerKind.ENTERPRISE,
            "owner": "users/zhang.san",
        },
        [],
    )
    customer_directory.known.add(customer.resource_name)
    _active(contract_app, customer.id, price="60000")  # 600,000 CNY: strategic
    customer_app.settings = customer_app.settings.model_copy(update={"broker_url": redis_url})
    celery = make_customer_worker(customer_app)
    relay = OutboxRelay(
        contract_app.engine, orm.outbox, CeleryEventPublisher(celery, {"contract.*": ["customer"]})
    )
    with start_worker(celery, pool="solo", perform_ping_check=False, queues=["customer"]):
        assert relay.publish_pending() > 0

        def graded() -> bool:
            got = customers.get_customer(customer_app.uow(), customer.id)
            return got.grade is Grade.STRATEGIC

        wait_for_worker(graded)
    stored = customers.get_customer(customer_app.uow(), customer.id)
    assert stored.annual_contract_amount == Decimal("600000.00")
    assert stored.cooperation_start_date == date(2026, 11, 23)
