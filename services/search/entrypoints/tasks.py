"""The search service's Celery tasks: contract events keep the index up to date."""

from __future__ import annotations

from typing import Any

from celery import Celery

from services.common.celery_app import RETRYING, make_celery
from services.common.logging import get_logger
from services.search.bootstrap import SearchApp
from services.search.service_layer import indexing

log = get_logger("callops.search.tasks")


def handle_event(app: SearchApp, event_id: str, topic: str, payload: dict[str, Any]) -> None:
    """Re-reads each contract a `contract.*` event names and indexes its current version;
    after a customer's rename or merge, re-reads each of that customer's indexed contracts.

    Idempotent: the engine keeps the higher version, so a redelivered or late event changes
    nothing; where the version does not move (a rename, a stored document) the contract's
    current text is written again, the same each time. Raises when the contract service or
    the engine cannot answer, and Celery retries with backoff; what still fails after the
    last retry, `check` repairs.
    """
    customers = indexing.customers_in_event(topic, payload)
    if customers:
        changed = indexing.refresh_customers(
            app.writable_engine(), app.contracts, customers, app.policy
        )
        log.info("customer reindexed", customers=customers, changed=changed, event_id=event_id)
        return
    names = indexing.contracts_in_event(topic, payload)
    if not names:
        log.info("event ignored", topic=topic, event_id=event_id)
        return
    engine = app.writable_engine()
    same_version = topic in indexing.UNVERSIONED_TOPICS
    for name in names:
        outcome = indexing.refresh_contract(
            engine, app.contracts, name, app.policy, same_version=same_version
        )
        log.info("contract indexed", contract=name, outcome=outcome, event_id=event_id)


def make_worker(app: SearchApp) -> Celery:
    celery = make_celery("search", app.settings.broker_url, app.settings.timezone)

    @celery.task(name="search.handle_event", shared=False, **RETRYING)  # type: ignore[untyped-decorator]
    def handle_event_task(event_id: str, topic: str, payload: dict[str, Any]) -> None:
        handle_event(app, event_id, topic, payload)

    @celery.task(name="search.check_index", shared=False, **RETRYING)  # type: ignore[untyped-decorator]
    def check_index_task() -> int:
        # Repairs what events missed: a contract change that emits no event, or an event
        # that ran out of retries while the engine was down.
        diff = indexing.check(app.writable_engine(), app.contracts, app.policy)
        return len(diff.missing) + len(diff.stale) + len(diff.ahead) + len(diff.extra)

    celery.conf.beat_schedule = {
        "check-index": {"task": "search.check_index", "schedule": 900.0},
    }
    celery.conf.task_routes = {"search.*": {"queue": "search"}}
    return celery
