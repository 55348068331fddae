"""The customer service's Celery tasks: events from other services, and the follow-up scan."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from celery import Celery
from celery.schedules import crontab

from services.common.celery_app import RETRYING, make_celery
from services.common.logging import get_logger
from services.customer.bootstrap import CustomerApp
from services.customer.service_layer import activities, customers

log = get_logger("callops.customer.tasks")


def handle_event(app: CustomerApp, event_id: str, topic: str, payload: dict[str, Any]) -> None:
    """Routes one event to its use case; events for others are acknowledged and dropped."""
    if topic == "contract.CustomerFiguresChanged":
        start = payload.get("cooperation_start_date")
        customers.report_figures(
            app.uow(),
            app.deps,
            payload["customer"].removeprefix("customers/"),
            Decimal(payload["annual_contract_amount"]),
            int(payload["longest_overdue_days"]),
            date.fromisoformat(start) if start else None,
            event_id=event_id,
        )
    else:
        log.info("event ignored", topic=topic, event_id=event_id)


def make_worker(app: CustomerApp) -> Celery:
    celery = make_celery("customer", app.settings.broker_url, app.settings.timezone)

    @celery.task(name="customer.handle_event", shared=False, **RETRYING)  # type: ignore[untyped-decorator]
    def handle_event_task(event_id: str, topic: str, payload: dict[str, Any]) -> None:
        handle_event(app, event_id, topic, payload)

    @celery.task(name="customer.mark_due_follow_ups", shared=False, **RETRYING)  # type: ignore[untyped-decorator]
    def mark_due_follow_ups_task() -> int:
        return activities.mark_due_follow_ups(app.uow(), app.deps.today())

    @celery.task(name="customer.relay_outbox", shared=False, **RETRYING)  # type: ignore[untyped-decorator]
    def relay_outbox_task() -> int:
        # The servers relay right after each commit; this catches what the workers wrote.
        return app.relay.publish_pending()

    celery.conf.beat_schedule = {
        "relay-outbox": {"task": "customer.relay_outbox", "schedule": 10.0},
        # Hourly: a follow-up comes due on a day, and one missed run must not lose a day.
        "follow-ups-due": {"task": "customer.mark_due_follow_ups", "schedule": crontab(minute=7)},
    }
    celery.conf.task_routes = {"customer.*": {"queue": "customer"}}
    return celery
