"""The call center's Celery tasks on a real worker and a real Redis broker: beat's scans
(reservation timeout, TTL and lateness, the call watchdog), the assigner, and alerts from the
alerts service put on the addressed agent's stream."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker

from services.callcenter.bootstrap import CallCenterApp
from services.callcenter.domain.model import (
    AgentNotice,
    AgentState,
    CallbackState,
    CallEventData,
    CallResult,
    Direction,
    EndCause,
    EventType,
    NoticeKind,
)
from services.callcenter.entrypoints.tasks import make_worker
from services.callcenter.service_layer import agents, callbacks, calls
from services.callcenter.service_layer.agents import AgentValues
from services.common.config import EVENT_ROUTES
from services.common.outbox import CeleryEventPublisher
from tests.customer_fixtures import Clock
from tests.servers import wait_for_worker

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
        data = CallEventData("m1", type_, at, **extra)
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
    wait_for_worker(lambda: state() is CallbackState.RESERVED)
    b = agents.create_agent(app.uow(), app.deps, AgentValues("users/li.si", "李四"))
    agents.login_agent(app.uow(), app.deps, b.id)
    clock.advance(seconds=31)
    # The lapse puts the task back and places it at once: with li.si, who has not let it lapse.
    worker.send_task("callcenter.lapse_reservations", queue="callcenter")
    wait_for_worker(lambda: callbacks.get_callback(app.uow(), task.id).agent_id == b.id)
    assert state() is CallbackState.RESERVED
    assert agents.get_agent(app.uow(), a.id).state is AgentState.IDLE

    data = CallEventData(
        "hung", EventType.INCOMING, clock(), Direction.INBOUND, peer_number="+8613900139000"
    )
    calls.report_call_event(app.uow(), app.deps, a.id, data)
    clock.advance(days=2)
    worker.send_task("callcenter.expire_callbacks", queue="callcenter")
    worker.send_task("callcenter.close_stale_calls", queue="callcenter")
    wait_for_worker(lambda: state() is CallbackState.EXPIRED)
    wait_for_worker(
        lambda: bool(calls.list_calls(app.uow(), {"result": CallResult.FAILED}, None, 5))
    )
    assert clock() - at > timedelta(days=1)


def _notices(app: CallCenterApp, agent_id: str) -> list[AgentNotice]:
    with app.uow() as uow:
        return uow.notices.after(agent_id, 0)


def test_alerts_for_an_agent_go_into_its_sequence_once(
    callcenter_app: CallCenterApp, worker: Celery
) -> None:
    app = callcenter_app
    a = agents.create_agent(app.uow(), app.deps, AgentValues("users/wang.wu", "王五"))
    other = agents.create_agent(app.uow(), app.deps, AgentValues("users/li.si", "李四"))
    # Published as the alerts service's relay does, through the shared routes.
    publisher = CeleryEventPublisher(worker, EVENT_ROUTES)
    assert publisher.queues_for("alerts.AlertRaised") == ["callcenter"]
    raised = {
        "alert": "alerts/1",
        "recipient": "users/wang.wu",
        "kind": "callback_expired",
        "severity": "WARNING",
        "title": "回拨已过期",
        "body": "13800138000 的回拨超过 24 小时未完成",
        "subject": "callbacks/abc",
    }
    publisher.publish("e-1", "alerts.AlertRaised", raised)
    publisher.publish("e-1", "alerts.AlertRaised", raised)  # redelivered
    publisher.publish("e-2", "alerts.AlertRaised", {**raised, "alert": "alerts/2"})
    # Not an agent's user, and a malformed one: acknowledged, nothing shown.
    publisher.publish("e-3", "alerts.AlertRaised", {**raised, "recipient": "users/finance.zhao"})
    publisher.publish("e-4", "alerts.AlertRaised", {"recipient": "users/wang.wu"})
    publisher.publish("e-5", "alerts.AlertRaised", {**raised, "alert": "alerts/5"})
    # One solo worker takes the queue in order: once e-5 is in, all before it were handled.
    wait_for_worker(lambda: any(n.subject == "alerts/5" for n in _notices(app, a.id)))
    notices = _notices(app, a.id)
    assert [(n.sequence, n.kind, n.subject) for n in notices] == [
        (1, NoticeKind.ALERT, "alerts/1"),
        (2, NoticeKind.ALERT, "alerts/2"),
        (3, NoticeKind.ALERT, "alerts/5"),
    ]
    assert notices[0].payload == {k: v for k, v in raised.items() if k != "recipient"}
    assert _notices(app, other.id) == []
