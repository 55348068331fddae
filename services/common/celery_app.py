"""The Celery app factory: JSON only, late acks, bounded retries with backoff and jitter."""

from __future__ import annotations

from typing import Any

from celery import Celery


def make_celery(name: str, broker_url: str, timezone: str = "Asia/Shanghai", **conf: Any) -> Celery:
    app = Celery(name, broker=broker_url)
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        # A worker killed mid-task leaves the message in the queue for another worker:
        # tasks are idempotent, so running twice is safe and never running is not.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        # max_retries=0: a publish to a broker that is down fails at once (the outbox relay
        # retries it later) instead of holding the relay's transaction for ~6 s; workers
        # still reconnect through broker_connection_max_retries. Timeouts cover a host that
        # drops packets rather than refusing.
        broker_transport_options={
            "visibility_timeout": 3600,
            "max_retries": 0,
            "socket_connect_timeout": 2,
            "socket_timeout": 5,
        },
        # Off: with it on, Celery 5.x can exit the whole worker on a broker reconnect
        # (celery/celery#7185, #9250). A task running when Redis drops finishes and its
        # message is redelivered after the visibility timeout; tasks are idempotent.
        worker_cancel_long_running_tasks_on_connection_loss=False,
        timezone=timezone,
        enable_utc=True,
        task_default_queue=name,
    )
    app.conf.update(conf)
    return app


# The options every task of ours uses (pass as **RETRYING to @app.task).
RETRYING: dict[str, Any] = {
    "autoretry_for": (Exception,),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
    "acks_late": True,
}
