"""The contract service's Celery tasks: the expiry scan and the outbox relay. It consumes no
other service's events yet, so it has no `contract.handle_event`."""

from __future__ import annotations

from celery import Celery
from celery.schedules import crontab

from services.common.celery_app import RETRYING, make_celery
from services.contract.bootstrap import ContractApp
from services.contract.service_layer import contracts


def make_worker(app: ContractApp) -> Celery:
    celery = make_celery("contract", app.settings.broker_url, app.settings.timezone)

    @celery.task(name="contract.mark_by_date", shared=False, **RETRYING)  # type: ignore[untyped-decorator]
    def mark_by_date_task() -> int:
        return contracts.mark_by_date(app.uow(), app.deps)

    @celery.task(name="contract.refresh_customer_figures", shared=False, **RETRYING)  # type: ignore[untyped-decorator]
    def refresh_customer_figures_task() -> int:
        return contracts.refresh_customer_figures(app.uow(), app.deps)

    @celery.task(name="contract.relay_outbox", shared=False, **RETRYING)  # type: ignore[untyped-decorator]
    def relay_outbox_task() -> int:
        # The servers relay right after each commit; this catches what the workers wrote.
        return app.relay.publish_pending()

    celery.conf.beat_schedule = {
        "relay-outbox": {"task": "contract.relay_outbox", "schedule": 10.0},
        # Hourly: idempotent, and one missed run must not lose a day.
        "contracts-by-date": {"task": "contract.mark_by_date", "schedule": crontab(minute=17)},
        # Daily, just after midnight in the company's time zone: a payment falls overdue.
        "customer-figures": {
            "task": "contract.refresh_customer_figures",
            "schedule": crontab(hour=0, minute=23),
        },
    }
    celery.conf.task_routes = {"contract.*": {"queue": "contract"}}
    return celery
