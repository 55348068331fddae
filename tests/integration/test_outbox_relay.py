"""The outbox relay with a real Redis broker: each event queued once, in order, none lost."""

from __future__ import annotations

import base64
import json
import time
from datetime import datetime, timedelta
from typing import Any

import pytest
import redis
from kombu.exceptions import OperationalError
from sqlalchemy import Row, select

from services.common.auth import principal_for
from services.common.celery_app import make_celery
from services.common.outbox import CeleryEventPublisher
from services.common.rights import DEFAULT_ROLE_RIGHTS
from services.customer.adapters import orm
from services.customer.bootstrap import CustomerApp
from services.customer.domain import model
from services.customer.service_layer import customers
from tests.customer_fixtures import Clock
from tests.servers import RedisServer

pytestmark = pytest.mark.redis

SALES = principal_for("zhang.san", ["sales"], "华东销售部", DEFAULT_ROLE_RIGHTS)
ROUTES = {"customer.*": ["alerts"]}
# Without these a publish to a stopped Redis retries its connection for about 6 s (kombu
# reads max_retries from the transport options for the producer's connection).
FAST_FAIL = {"broker_transport_options": {"visibility_timeout": 3600, "max_retries": 0}}


@pytest.fixture
def publisher(redis_url: str) -> CeleryEventPublisher:
    """Replaces the recording publisher: `customer_app.relay` sends to the real Redis."""
    return CeleryEventPublisher(make_celery("customer", redis_url, **FAST_FAIL), ROUTES)


def create(app: CustomerApp, full_name: str) -> model.Customer:
    return customers.create_customer(
        app.uow(),
        app.deps,
        SALES,
        {"full_name": full_name, "kind": model.CustomerKind.ENTERPRISE, "owner": "users/zhang.san"},
        [],
    )


def outbox_rows(app: CustomerApp) -> list[Row[Any]]:
    with app.engine.connect() as conn:
        return list(conn.execute(select(orm.outbox).order_by(orm.outbox.c.seq)).all())


def queued(redis_url: str, queue: str = "alerts") -> list[dict[str, Any]]:
    """The kombu messages waiting in a queue, oldest first (kombu LPUSHes, workers BRPOP)."""
    with redis.Redis.from_url(redis_url) as client:
        raw = client.lrange(queue, 0, -1)
    return [json.loads(m) for m in reversed(raw)]


def task_kwargs(message: dict[str, Any]) -> dict[str, Any]:
    assert message["content-type"] == "application/json"
    assert message["properties"]["body_encoding"] == "base64"
    args, kwargs, _ = json.loads(base64.b64decode(message["body"]))
    assert args == []
    return dict(kwargs)


def test_relay_queues_each_event_as_an_alerts_task(
    customer_app: CustomerApp, redis_url: str, clock: Clock
) -> None:
    app = customer_app
    created = [create(app, name) for name in ("华东电气有限公司", "华南物流有限公司", "西部矿业")]
    customers.update_customer(
        app.uow(), app.deps, SALES, created[0].id, {"city": "南京市"}, ["city"], etag=""
    )

    assert app.relay.publish_pending(now=clock()) == 4

    rows = outbox_rows(app)
    messages = queued(redis_url)
    assert len(messages) == len(rows) == 4
    for row, message in zip(rows, messages, strict=True):
        assert message["headers"]["task"] == "alerts.handle_event"
        assert message["properties"]["delivery_info"]["routing_key"] == "alerts"
        kwargs = task_kwargs(message)
        assert kwargs["event_id"] == row.event_id
        assert kwargs["topic"] == row.topic
        assert kwargs["payload"] == json.loads(row.payload)
        assert row.published_at == clock() and row.attempts == 0 and row.last_error is None
    assert [task_kwargs(m)["topic"] for m in messages] == [
        "customer.CustomerCreated",
        "customer.CustomerCreated",
        "customer.CustomerCreated",
        "customer.CustomerUpdated",
    ]
    assert task_kwargs(messages[1])["payload"]["full_name"] == "华南物流有限公司"
    # Nothing is sent twice: published rows are never picked again.
    assert app.relay.publish_pending(now=clock() + timedelta(hours=1)) == 0
    assert len(queued(redis_url)) == 4


def test_a_publish_to_a_stopped_redis_fails_fast(
    publisher: CeleryEventPublisher, redis_server: RedisServer
) -> None:
    publisher.publish("warm-up", "customer.CustomerCreated", {})
    redis_server.stop()
    for n in range(3):
        started = time.monotonic()
        with pytest.raises(OperationalError, match="Connection refused"):
            publisher.publish(f"e{n}", "customer.CustomerCreated", {})
        assert time.monotonic() - started < 1.0


def test_writes_succeed_while_redis_is_down_and_the_backlog_follows_in_order(
    customer_app: CustomerApp, redis_server: RedisServer, redis_url: str, clock: Clock
) -> None:
    app = customer_app
    redis_server.stop()
    created = [create(app, f"断网期间客户{n}有限公司") for n in range(3)]
    assert len(outbox_rows(app)) == 3

    now = clock()
    for attempt in range(1, 4):
        started = time.monotonic()
        assert app.relay.publish_pending(now=now) == 0
        assert time.monotonic() - started < 2.0
        head, *rest = outbox_rows(app)
        assert head.published_at is None and head.attempts == attempt
        assert head.last_error.startswith("OperationalError: ")
        assert "Connection refused" in head.last_error
        # Backoff doubles: 1 s, 2 s, 4 s.
        assert head.next_attempt_at == now + timedelta(seconds=2 ** (attempt - 1))
        # The batch stops at the first failure: the rest wait behind it, untouched.
        assert [(r.published_at, r.attempts) for r in rest] == [(None, 0), (None, 0)]
        now = head.next_attempt_at

    redis_server.start()
    # Before the head's retry time nothing may overtake it.
    assert app.relay.publish_pending(now=now - timedelta(milliseconds=1)) == 0
    assert queued(redis_url) == []
    assert app.relay.publish_pending(now=now) == 3

    rows = outbox_rows(app)
    assert [task_kwargs(m)["event_id"] for m in queued(redis_url)] == [r.event_id for r in rows]
    assert [json.loads(r.payload)["customer"] for r in rows] == [c.resource_name for c in created]
    assert all(r.published_at == now for r in rows)
    assert app.relay.publish_pending(now=now + timedelta(days=1)) == 0
    assert len(queued(redis_url)) == 3


def test_a_deferred_event_holds_back_the_events_after_it(
    customer_app: CustomerApp, redis_server: RedisServer, redis_url: str, clock: Clock
) -> None:
    """The relay runs on every commit and every poll: a retry not yet due must still come
    first, or consumers see an update before the create it follows."""
    app = customer_app
    redis_server.stop()
    first = create(app, "先创建的客户有限公司")
    now: datetime = clock()
    assert app.relay.publish_pending(now=now) == 0  # fails on the first; retry in 1 s
    redis_server.start()
    customers.update_customer(
        app.uow(), app.deps, SALES, first.id, {"city": "上海市"}, ["city"], etag=""
    )
    second = create(app, "后创建的客户有限公司")

    assert app.relay.publish_pending(now=now + timedelta(milliseconds=500)) == 0
    assert queued(redis_url) == []
    assert app.relay.publish_pending(now=now + timedelta(seconds=1)) == 3
    assert [
        (task_kwargs(m)["topic"], task_kwargs(m)["payload"]["customer"]) for m in queued(redis_url)
    ] == [
        ("customer.CustomerCreated", first.resource_name),
        ("customer.CustomerUpdated", first.resource_name),
        ("customer.CustomerCreated", second.resource_name),
    ]
