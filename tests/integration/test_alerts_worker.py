"""The alert tasks on a real Celery worker with a real Redis broker: events, a scan at a
given time, the deliveries and the relay of AlertRaised events, each sent by name as the beat
and the other services send them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from celery.contrib.testing.worker import start_worker
from sqlalchemy import func, select

from services.alerts.adapters import orm
from services.alerts.entrypoints.tasks import make_worker
from tests.alerts_fixtures import (
    FakeContracts,
    ScriptedChannel,
    contract,
    make_alerts_app,
    seed_directory,
)
from tests.customer_fixtures import Clock, RecordingPublisher
from tests.servers import wait_for_worker

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def test_the_tasks_run_on_a_worker(tmp_path: Path, redis_url: str) -> None:
    contracts = FakeContracts()
    email = ScriptedChannel("email")
    clock = Clock(NOW)
    publisher = RecordingPublisher()
    app = make_alerts_app(
        f"sqlite:///{tmp_path / 'alerts.db'}", clock, contracts, [email], publisher,
        broker_url=redis_url,
    )  # fmt: skip
    seed_directory(app, NOW)
    contracts.put(contract(1, end_date=date(2026, 3, 9)))
    celery = make_worker(app)
    published = publisher.published

    def count(table: object) -> int:
        with app.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]

    with start_worker(celery, pool="solo", perform_ping_check=False, queues=["alerts"]):
        for _ in range(2):  # the same event delivered twice is handled once
            celery.send_task(
                "alerts.handle_event",
                kwargs={"event_id": "e1", "topic": "contract.ContractChanged",
                        "payload": {"contract": "contracts/c0001", "action": "created"}},
                queue="alerts",
            )  # fmt: skip
        wait_for_worker(lambda: count(orm.contracts) == 1)
        celery.send_task("alerts.scan", kwargs={"as_of": NOW.isoformat()}, queue="alerts")
        wait_for_worker(lambda: count(orm.scan_runs) == 1)
        assert count(orm.alerts) == 1  # 7 days before the end
        wait_for_worker(lambda: len(published) == 1)  # the scan relays its AlertRaised
        assert published[0][1] == "alerts.AlertRaised"
        assert published[0][2]["recipient"] == "users/zhang.san"
        celery.send_task("alerts.deliver", queue="alerts")
        wait_for_worker(lambda: len(email.sent) == 1)
        celery.send_task("alerts.relay_outbox", queue="alerts")
        # The same scan again, an hour later by the wall clock: it must raise nothing new.
        clock.advance(hours=1)
        celery.send_task("alerts.scan", kwargs={"as_of": NOW.isoformat()}, queue="alerts")

        def rescanned() -> bool:
            with app.engine.connect() as conn:
                finished = conn.execute(select(orm.scan_runs.c.finished_at)).scalar_one()
            return bool(finished == clock.now)

        wait_for_worker(rescanned)
        assert count(orm.processed_events) == 1
    assert count(orm.alerts) == 1 and len(published) == 1 and len(email.sent) == 1
    app.engine.dispose()
