"""The customer service's Celery tasks on a real worker and a real Redis broker: contract
figures arriving as events (redelivered ones change nothing) and the follow-up scan."""

from __future__ import annotations

import time
from collections.abc import Iterator
from decimal import Decimal

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from sqlalchemy import ColumnElement, Table, func, select

from services.common.auth import principal_for
from services.common.outbox import CeleryEventPublisher
from services.common.rights import DEFAULT_ROLE_RIGHTS
from services.customer.adapters import orm
from services.customer.bootstrap import CustomerApp
from services.customer.domain import model
from services.customer.domain.rules import Grade
from services.customer.entrypoints.tasks import make_worker
from services.customer.service_layer import customers
from tests.customer_fixtures import Clock
from tests.servers import wait_for_worker

pytestmark = pytest.mark.redis


@pytest.fixture
def worker(customer_app: CustomerApp, redis_url: str) -> Iterator[Celery]:
    customer_app.settings = customer_app.settings.model_copy(update={"broker_url": redis_url})
    celery = make_worker(customer_app)
    with start_worker(celery, pool="solo", perform_ping_check=False, queues=["customer"]):
        yield celery


def _customer(app: CustomerApp) -> model.Customer:
    sales = principal_for("zhang.san", ["sales"], "", DEFAULT_ROLE_RIGHTS)
    return customers.create_customer(
        app.uow(),
        app.deps,
        sales,
        {
            "full_name": "深圳前海物流有限公司",
            "kind": model.CustomerKind.ENTERPRISE,
            "owner": "users/zhang.san",
        },
        [],
    )


def _count(app: CustomerApp, table: Table, *where: ColumnElement[bool]) -> int:
    with app.engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table).where(*where)) or 0)


def test_contract_figures_event_sets_grade_once_however_often_delivered(
    customer_app: CustomerApp, worker: Celery
) -> None:
    customer = _customer(customer_app)
    publisher = CeleryEventPublisher(worker, {"contract.*": ["customer"]})
    payload = {
        "customer": customer.resource_name,
        "annual_contract_amount": "650000.00",
        "longest_overdue_days": 12,
        "cooperation_start_date": "2023-05-01",
    }
    for _ in range(3):  # the broker may redeliver; the relay may publish again
        publisher.publish(
            "7f1d2c3b-0000-4000-8000-000000000001", "contract.CustomerFiguresChanged", payload
        )

    def graded() -> bool:
        return customers.get_customer(customer_app.uow(), customer.id).grade is Grade.STRATEGIC

    wait_for_worker(graded)
    time.sleep(1)  # let the redeliveries run too
    stored = customers.get_customer(customer_app.uow(), customer.id)
    assert stored.annual_contract_amount == Decimal("650000.00")
    assert stored.credit_rating.name == "B"
    assert _count(customer_app, orm.processed_events) == 1
    assert (
        _count(customer_app, orm.outbox, orm.outbox.c.topic == "customer.CustomerGradeChanged") == 1
    )
    # Strategic: a visit every quarter and a phone follow-up every month.
    assert _count(customer_app, orm.follow_ups) == 2


def test_follow_up_scan_task_marks_due_follow_ups_once(
    customer_app: CustomerApp, worker: Celery, clock: Clock
) -> None:
    customer = _customer(customer_app)
    customers.report_figures(
        customer_app.uow(), customer_app.deps, customer.id, Decimal(120_000), 0, None
    )  # key: phone every quarter, visit half-yearly
    clock.advance(days=95)
    for _ in range(2):
        worker.send_task("customer.mark_due_follow_ups", queue="customer")

    def due() -> bool:
        return (
            _count(customer_app, orm.follow_ups, orm.follow_ups.c.state == model.FollowUpState.DUE)
            == 1
        )

    wait_for_worker(due)
    time.sleep(1)
    assert _count(customer_app, orm.outbox, orm.outbox.c.topic == "customer.FollowUpDue") == 1
