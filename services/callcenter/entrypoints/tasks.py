"""The call center's Celery tasks: callback assignment and the scans beat drives."""

from __future__ import annotations

from typing import Any

from celery import Celery

from services.callcenter.bootstrap import CallCenterApp
from services.callcenter.domain import model
from services.callcenter.service_layer import callbacks, calls, notices
from services.common.celery_app import RETRYING, make_celery
from services.common.logging import get_logger

log = get_logger("callops.callcenter.tasks")


def handle_event(app: CallCenterApp, event_id: str, topic: str, payload: dict[str, Any]) -> None:
    """Routes one event to its use case; events for others are acknowledged and dropped."""
    if topic == "alerts.AlertRaised":
        alert = model.AgentAlert.from_payload(payload)
        recipient = str(payload.get("recipient") or "")
        if alert is None or not recipient.startswith("users/"):
            # Retrying cannot mend a malformed event: say so and drop it.
            log.warning("alert without alert or recipient name dropped", event_id=event_id)
            return
        notice = notices.push_alert(app.uow(), app.deps, event_id, recipient, alert)
        if notice is not None:
            log.info("alert pushed", alert=alert.alert, agent=f"agents/{notice.agent_id}")
    else:
        log.info("event ignored", topic=topic, event_id=event_id)


def make_worker(app: CallCenterApp) -> Celery:
    celery = make_celery("callcenter", app.settings.broker_url, app.settings.timezone)

    @celery.task(name="callcenter.handle_event", shared=False, **RETRYING)  # type: ignore[untyped-decorator]
    def handle_event_task(event_id: str, topic: str, payload: dict[str, Any]) -> None:
        handle_event(app, event_id, topic, payload)

    @celery.task(name="callcenter.assign_callbacks", shared=False, **RETRYING)  # type: ignore[untyped-decorator]
    def assign_callbacks_task() -> int:
        return callbacks.assign_pending(app.uow, app.deps)

    # A scan that frees agents or puts tasks back in the queue places them at once, in the
    # worker that ran it, rather than at the next assign-callbacks tick; SKIP LOCKED and the
    # one-reservation index keep that exactly once whoever else assigns at the same time.
    @celery.task(name="callcenter.lapse_reservations", shared=False, **RETRYING)  # type: ignore[untyped-decorator]
    def lapse_reservations_task() -> int:
        lapsed = callbacks.lapse_reservations(app.uow(), app.deps)
        if lapsed:
            callbacks.assign_pending(app.uow, app.deps)
        return lapsed

    @celery.task(name="callcenter.expire_callbacks", shared=False, **RETRYING)  # type: ignore[untyped-decorator]
    def expire_callbacks_task() -> list[int]:
        late, expired = callbacks.expire_callbacks(app.uow(), app.deps)
        if expired:
            callbacks.assign_pending(app.uow, app.deps)
        return [late, expired]

    @celery.task(name="callcenter.close_stale_calls", shared=False, **RETRYING)  # type: ignore[untyped-decorator]
    def close_stale_calls_task() -> int:
        closed = calls.close_stale_calls(app.uow(), app.deps)
        if closed:  # the closed calls' agents are free, and unanswered ones are missed
            callbacks.assign_pending(app.uow, app.deps)
        return closed

    @celery.task(name="callcenter.prune_agent_notices", shared=False, **RETRYING)  # type: ignore[untyped-decorator]
    def prune_agent_notices_task() -> int:
        return notices.prune_notices(app.uow(), app.deps)

    @celery.task(name="callcenter.relay_outbox", shared=False, **RETRYING)  # type: ignore[untyped-decorator]
    def relay_outbox_task() -> int:
        return app.relay.publish_pending()

    celery.conf.beat_schedule = {
        # Reservations last seconds: lapse them and place waiting tasks often.
        "lapse-reservations": {"task": "callcenter.lapse_reservations", "schedule": 5.0},
        "assign-callbacks": {"task": "callcenter.assign_callbacks", "schedule": 5.0},
        "expire-callbacks": {"task": "callcenter.expire_callbacks", "schedule": 60.0},
        "close-stale-calls": {"task": "callcenter.close_stale_calls", "schedule": 300.0},
        "relay-outbox": {"task": "callcenter.relay_outbox", "schedule": 10.0},
        "prune-agent-notices": {"task": "callcenter.prune_agent_notices", "schedule": 3600.0},
    }
    celery.conf.task_routes = {"callcenter.*": {"queue": "callcenter"}}
    return celery
