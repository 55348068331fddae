"""The alert workers' Celery tasks: events into the projection, the scans, the deliveries
and the outbox relay. All idempotent and acknowledged late: a worker killed mid-task leaves
its message to be run again, and running again changes nothing that was done."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from celery import Celery

from services.alerts.bootstrap import AlertApp
from services.alerts.service_layer import delivery, projection, scans
from services.common.celery_app import RETRYING, make_celery
from services.common.logging import get_logger

log = get_logger("callops.alerts.tasks")


def scan(app: AlertApp, as_of: str | None = None) -> dict[str, int]:
    """Runs every rule at `as_of` (ISO 8601 with offset; default: now), then publishes the
    AlertRaised events it wrote (the beat's relay catches up if the broker is away)."""
    at = datetime.fromisoformat(as_of) if as_of else app.clock()
    if at.tzinfo is None:
        raise ValueError("as_of must carry a UTC offset")
    counts = scans.run_scans(app.engine, app.rules, at, now=app.clock())
    scans.record_scan(app.engine, at, app.clock(), sum(counts.values()))
    log.info("alert scan", as_of=at.isoformat(), raised=counts)
    try:
        app.relay.publish_pending(app.clock())
    except Exception as exc:  # committed alerts wait in the outbox; relay_outbox retries
        log.warning("relay after scan failed", error=str(exc))
    return counts


def make_worker(app: AlertApp) -> Celery:
    settings = app.settings
    celery = make_celery("alerts", settings.broker_url, settings.timezone)
    celery.conf.broker_transport_options = {
        **celery.conf.broker_transport_options,
        "visibility_timeout": settings.broker_visibility_timeout,
        "unacked_restore_interval": settings.broker_restore_interval,
        "unacked_restore_throttle": 1,
    }

    @celery.task(name="alerts.handle_event", shared=False, **RETRYING)  # type: ignore[untyped-decorator]
    def handle_event_task(event_id: str, topic: str, payload: dict[str, Any]) -> bool:
        return projection.handle_event(
            app.engine, app.contracts, event_id, topic, payload, app.clock()
        )

    @celery.task(name="alerts.scan", shared=False, **RETRYING)  # type: ignore[untyped-decorator]
    def scan_task(as_of: str | None = None) -> dict[str, int]:
        return scan(app, as_of)

    @celery.task(name="alerts.deliver", shared=False, **RETRYING)  # type: ignore[untyped-decorator]
    def deliver_task() -> int:
        return delivery.deliver_due(app.engine, app.channels, app.clock(), policy=app.retry)

    @celery.task(name="alerts.relay_outbox", shared=False, **RETRYING)  # type: ignore[untyped-decorator]
    def relay_outbox_task() -> int:
        return app.relay.publish_pending(app.clock())

    celery.conf.beat_schedule = {
        "scan": {"task": "alerts.scan", "schedule": settings.scan_interval_seconds},
        "deliver": {"task": "alerts.deliver", "schedule": settings.deliver_interval_seconds},
        "relay-outbox": {"task": "alerts.relay_outbox", "schedule": 10.0},
    }
    celery.conf.task_routes = {"alerts.*": {"queue": "alerts"}}
    return celery
