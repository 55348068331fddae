"""A real `celery worker` process consumes the relayed events from Redis: each exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import redis

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

ROOT = Path(__file__).resolve().parents[2]
BROKER_ENV = "CALLOPS_TEST_WORKER_BROKER"
HANDLED = "test:alerts:handled"  # hash: event id -> times the task ran for it
SALES = principal_for("zhang.san", ["sales"], "华东销售部", DEFAULT_ROLE_RIGHTS)
# See test_outbox_relay: a publish to a stopped Redis must fail at once.
FAST_FAIL = {"broker_transport_options": {"visibility_timeout": 3600, "max_retries": 0}}

# The test-only consumer the worker subprocess runs (`-A <this module>:worker_app`).
worker_app = make_celery("alerts", os.environ.get(BROKER_ENV, "redis://127.0.0.1:1/0"))


# shared=False: a shared task would replace the real alerts.handle_event in every Celery app
# made later in this test process (the alerts service's worker tests).
@worker_app.task(name="alerts.handle_event", shared=False)
def handle_event(event_id: str, topic: str, payload: dict[str, Any]) -> None:
    with redis.Redis.from_url(worker_app.conf.broker_url) as client:
        client.hincrby(HANDLED, event_id, 1)


@pytest.fixture(scope="module")
def worker(redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A prefork worker with two processes on queue `alerts`; yields its log file."""
    redis_server.start()
    with redis.Redis.from_url(redis_server.url) as client:
        client.flushall()  # tasks other modules queued must not reach this worker
    log = tmp_path_factory.mktemp("celery") / "worker.log"
    command = [
        sys.executable, "-m", "celery", "-A", f"{__name__}:worker_app", "worker",
        "-Q", "alerts", "--concurrency", "2", "--loglevel", "INFO",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, BROKER_ENV: redis_server.url},
        )
    try:
        wait_for(lambda: b"ready." in log.read_bytes(), 60, lambda: log.read_text())
        yield log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_for(done: Callable[[], bool], seconds: float, explain: Callable[[], str]) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {seconds} s: {explain()}")
        time.sleep(0.05)


@pytest.fixture
def publisher(redis_url: str) -> CeleryEventPublisher:
    """Replaces the recording publisher: `customer_app.relay` sends to the real Redis."""
    return CeleryEventPublisher(
        make_celery("customer", redis_url, **FAST_FAIL), {"customer.*": ["alerts"]}
    )


def create_many(app: CustomerApp, prefix: str, n: int) -> None:
    for i in range(n):
        customers.create_customer(
            app.uow(),
            app.deps,
            SALES,
            {
                "full_name": f"{prefix}{i}号有限公司",
                "kind": model.CustomerKind.ENTERPRISE,
                "owner": "users/zhang.san",
            },
            [],
        )


def event_ids(app: CustomerApp) -> set[str]:
    with app.engine.connect() as conn:
        return set(
            conn.execute(orm.outbox.select().with_only_columns(orm.outbox.c.event_id)).scalars()
        )


def handled(redis_url: str) -> dict[str, int]:
    with redis.Redis.from_url(redis_url) as client:
        return {k.decode(): int(v) for k, v in client.hgetall(HANDLED).items()}


def assert_each_handled_once(redis_url: str, expected: set[str], log: Path) -> None:
    wait_for(
        lambda: len(handled(redis_url)) >= len(expected),
        60,
        lambda: f"{len(handled(redis_url))}/{len(expected)} handled\n{log.read_text()}",
    )
    time.sleep(0.5)  # a duplicate delivery would land by now
    with redis.Redis.from_url(redis_url) as client:
        assert client.llen("alerts") == 0
    seen = handled(redis_url)
    assert set(seen) == expected
    assert set(seen.values()) == {1}


def test_worker_handles_fifty_events_exactly_once(
    customer_app: CustomerApp, worker: Path, redis_url: str, clock: Clock
) -> None:
    app = customer_app
    create_many(app, "工单消费客户", 50)
    expected = event_ids(app)
    assert len(expected) == 50

    assert app.relay.publish_pending(now=clock()) == 50
    assert_each_handled_once(redis_url, expected, worker)
    assert app.relay.publish_pending(now=clock()) == 0


def test_backlog_from_a_redis_outage_reaches_the_worker(
    customer_app: CustomerApp,
    worker: Path,
    redis_server: RedisServer,
    redis_url: str,
    clock: Clock,
) -> None:
    app = customer_app
    redis_server.stop()
    create_many(app, "断网积压客户", 10)
    assert app.relay.publish_pending(now=clock()) == 0
    time.sleep(1)  # the worker notices the lost broker connection
    redis_server.start()

    assert app.relay.publish_pending(now=clock() + timedelta(seconds=2)) == 10
    assert_each_handled_once(redis_url, event_ids(app), worker)
