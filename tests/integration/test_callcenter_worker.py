"""The call center's Celery tasks on a real worker and a real Redis broker: beat's scans
(reservation timeout, TTL and lateness, the call watchdog) and the assigner."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker

from services.callcenter.bootstrap import CallCenterApp
from services.callcenter.domain.model import (
    AgentState,
    CallbackState,
    CallEventData,
    CallResult,
    Direction,
    EndCause,
    EventType,
)
from services.callcenter.entrypoints.tasks import make_worker
from services.callcenter.service_layer import agents, callbacks, calls
from services.callcenter.service_layer.agents import AgentValues
from tests.customer_fixtures import Clock

pytestmark = pytest.mark.redis


@pytest.fixture
def callcenter_database_url(tmp_path: object) -> str:
    return f"sqlite:///{tmp_path}/callcenter.db"


@pytest.fixture
def worker(callcenter_app: CallCenterApp, redis_url: str) -> Iterator[Celery]:
    callcenter_app.settings = callcenter_app.settings.model_copy(update={"broker_url": redis_url})
    celery = make_worker(callcenter_app)
    with start_worker(celery, pool="solo", perform_ping_check=False, queues=["callcenter"]):
        yield celery


def _wait_for(check: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the worker did not get there in time"
        time.sleep(0.1)


def test_beat_tasks_assign_lapse_expire_and_close(
    callcenter_app: CallCenterApp, worker: Celery, clock: Clock
) -> None:
    app = callcenter_app
    a = agents.create_agent(app.uow(), app.deps, AgentValues("users/wang.wu", "王五"))
    agents.login_agent(app.uow(), app.deps, a.id)
    at = clock()
    for type_, extra in (
        (EventType.INCOMING, {"direction": Direction.INBOUND, "peer_number": "+8613800138000"}),
        (EventType.ENDED, {"end_cause": EndCause.NO_ANSWER}),
    ):
        data = CallEventData("m1", type_, at, **extra)  # type: ignore[arg-type]
        calls.report_call_event(app.uow(), app.deps, a.id, data)
    [task] = callbacks.list_callbacks(app.uow(), {}, None, 10)
    assert set(worker.conf.beat_schedule) >= {
        "lapse-reservations",
        "assign-callbacks",
        "expire-callbacks",
        "close-stale-calls",
    }

    def state() -> CallbackState:
        return callbacks.get_callback(app.uow(), task.id).state

    worker.send_task("callcenter.assign_callbacks", queue="callcenter")
    _wait_for(lambda: state() is CallbackState.RESERVED)
    clock.advance(seconds=31)
    worker.send_task("callcenter.lapse_reservations", queue="callcenter")
    _wait_for(lambda: state() is CallbackState.PENDING)
    assert agents.get_agent(app.uow(), a.id).state is AgentState.IDLE

    data = CallEventData(
        "hung", EventType.INCOMING, clock(), Direction.INBOUND, peer_number="+8613900139000"
    )
    calls.report_call_event(app.uow(), app.deps, a.id, data)
    clock.advance(days=2)
    worker.send_task("callcenter.expire_callbacks", queue="callcenter")
    worker.send_task("callcenter.close_stale_calls", queue="callcenter")
    _wait_for(lambda: state() is CallbackState.EXPIRED)
    _wait_for(lambda: bool(calls.list_calls(app.uow(), {"result": CallResult.FAILED}, None, 5)))
    assert clock() - at > timedelta(days=1)
