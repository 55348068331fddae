"""The call center's Celery tasks: callback assignment and the scans beat drives."""

from __future__ import annotations

from typing import Any

from celery import Celery

from services.callcenter.bootstrap import CallCenterApp
from services.callcenter.service_layer import callbacks, calls
from services.common.celery_app import RETRYING, make_celery
from services.common.logging import get_logger

log = get_logger("callops.callcenter.tasks")


def make_worker(app: CallCenterApp) -> Celery:
    celery = make_celery("callcenter", app.settings.broker_url, app.settings.timezone)

    @celery.task(name="callcenter.handle_event", shared=False, **RETRYING)  # type: ignore[untyped-decorator]
    def handle_event_task(event_id: str, topic: str, payload: dict[str, Any]) -> None:
        log.info("event ignored", topic=topic, event_id=event_id)

    @celery.task(name="callcenter.assign_callbacks", shared=False, **RETRYING)  # type: ignore[untyped-decorator]
    def assign_callbacks_task() -> int:
        return callbacks.assign_pending(app.uow, app.deps)

    @celery.task(name="callcenter.lapse_reservations", shared=False, **RETRYING)  # type: ignore[untyped-decorator]
    def lapse_reservations_task() -> int:
        return callbacks.lapse_reservations(app.uow(), app.deps)

    @celery.task(name="callcenter.expire_callbacks", shared=False, **RETRYING)  # type: ignore[untyped-decorator]
    def expire_callbacks_task() -> list[int]:
        return list(callbacks.expire_callbacks(app.uow(), app.deps))

    @celery.task(name="callcenter.close_stale_calls", shared=False, **RETRYING)  # type: ignore[untyped-decorator]
    def close_stale_calls_task() -> int:
        return calls.close_stale_calls(app.uow(), app.deps)

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
    }
    celery.conf.task_routes = {"callcenter.*": {"queue": "callcenter"}}
    return celery
