"""Deliveries over external channels, with channels that fail on purpose: every attempt
recorded, retries with backoff, a failing channel or recipient blocking nothing else."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from services.alerts.adapters import orm
from services.alerts.bootstrap import AlertApp
from services.alerts.domain.rules import RetryPolicy
from services.alerts.service_layer import projection
from services.alerts.service_layer.channels import DeliveryFailed, Message, Recipient
from services.alerts.service_layer.delivery import deliver_due
from services.alerts.service_layer.scans import run_scans
from tests.alerts_fixtures import (
    FakeContracts,
    ScriptedChannel,
    contract,
    payment,
    seed_directory,
)

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
POLICY = RetryPolicy(max_attempts=3, base_seconds=30, max_seconds=600)


def _raise_two_alerts(app: AlertApp, contracts: FakeContracts) -> None:
    """A payment due in 3 days: one alert to the owner (e-mail) and one to finance (robot)."""
    seed_directory(app, NOW)
    contracts.put(
        contract(1, milestones=(payment(1, 1, date(2026, 3, 5)),), end_date=date(2027, 1, 1))
    )
    projection.handle_event(
        app.engine, contracts, "e1", "contract.ContractChanged",
        {"contract": "contracts/c0001", "action": "created"}, NOW,
    )  # fmt: skip
    assert run_scans(app.engine, app.rules, NOW)["payment_due"] == 2


def _deliveries(app: AlertApp) -> dict[str, tuple[str, int, datetime, str | None]]:
    with app.engine.connect() as conn:
        return {
            row.channel: (row.state, row.attempts, row.next_attempt_at, row.last_error)
            for row in conn.execute(select(orm.deliveries))
        }


def _attempts(app: AlertApp) -> list[tuple[int, bool]]:
    t = orm.delivery_attempts.c
    with app.engine.connect() as conn:
        return [(r.attempt, r.ok) for r in conn.execute(select(t.attempt, t.ok).order_by(t.id))]


def test_a_failing_channel_retries_with_backoff_and_blocks_nothing_else(
    alerts_app: AlertApp, fake_contracts: FakeContracts
) -> None:
    _raise_two_alerts(alerts_app, fake_contracts)
    email = ScriptedChannel("email")
    robot = ScriptedChannel(
        "webhook", [DeliveryFailed("robot answered 502"), RuntimeError("socket closed")]
    )
    channels = [robot, email]

    assert deliver_due(alerts_app.engine, channels, NOW, policy=POLICY, rand=lambda: 0.0) == 1
    state = _deliveries(alerts_app)
    assert state["email"][:2] == ("SENT", 1)
    assert state["webhook"][:2] == ("PENDING", 1)
    assert state["webhook"][2] == NOW + timedelta(seconds=15)  # half of 30 s, no jitter drawn
    assert state["webhook"][3] == "robot answered 502"

    # Not due yet: nothing is tried.
    assert deliver_due(alerts_app.engine, channels, NOW + timedelta(seconds=10), policy=POLICY) == 0
    assert robot.script and len(_attempts(alerts_app)) == 2

    second = NOW + timedelta(seconds=16)
    assert deliver_due(alerts_app.engine, channels, second, policy=POLICY, rand=lambda: 1.0) == 0
    state = _deliveries(alerts_app)
    assert state["webhook"][:2] == ("PENDING", 2)
    assert state["webhook"][2] == second + timedelta(seconds=60)  # doubled, top of the window
    assert "RuntimeError: socket closed" in (state["webhook"][3] or "")

    third = second + timedelta(seconds=61)
    assert deliver_due(alerts_app.engine, channels, third, policy=POLICY) == 1
    assert _deliveries(alerts_app)["webhook"][:2] == ("SENT", 3)
    assert robot.sent == [(robot.sent[0][0], "users/qian.cai")]
    assert email.sent[0][1] == "users/zhang.san"
    assert sorted(_attempts(alerts_app)) == [(1, False), (1, True), (2, False), (3, True)]


def test_a_final_refusal_and_the_last_attempt_give_up(
    alerts_app: AlertApp, fake_contracts: FakeContracts
) -> None:
    _raise_two_alerts(alerts_app, fake_contracts)
    email = ScriptedChannel("email", [DeliveryFailed("mailbox unavailable", retryable=False)])
    robot = ScriptedChannel("webhook", [DeliveryFailed("timeout")] * 5)
    at = NOW
    for _ in range(POLICY.max_attempts):
        deliver_due(alerts_app.engine, [email, robot], at, policy=POLICY)
        at += timedelta(hours=1)
    state = _deliveries(alerts_app)
    assert state["email"][:2] == ("FAILED", 1)
    assert state["webhook"][:2] == ("FAILED", POLICY.max_attempts)
    # Given up: later runs leave them alone.
    assert (
        deliver_due(alerts_app.engine, [email, robot], at + timedelta(days=1), policy=POLICY) == 0
    )
    assert len(robot.script) == 5 - POLICY.max_attempts


def test_deliveries_of_a_channel_not_configured_wait_for_one_that_is(
    alerts_app: AlertApp, fake_contracts: FakeContracts
) -> None:
    _raise_two_alerts(alerts_app, fake_contracts)
    email = ScriptedChannel("email")
    assert deliver_due(alerts_app.engine, [email], NOW, policy=POLICY) == 1
    assert _deliveries(alerts_app)["webhook"][:2] == ("PENDING", 0)
    assert deliver_due(alerts_app.engine, [], NOW, policy=POLICY) == 0


def test_concurrent_deliverers_send_each_delivery_once(
    alerts_app: AlertApp, fake_contracts: FakeContracts
) -> None:
    import threading
    import time

    seed_directory(alerts_app, NOW)
    for n in range(2, 12):
        fake_contracts.put(contract(n, end_date=date(2026, 3, 20)))
        projection.handle_event(
            alerts_app.engine, fake_contracts, f"e{n}", "contract.ContractChanged",
            {"contract": f"contracts/c{n:04d}", "action": "created"}, NOW,
        )  # fmt: skip
    assert run_scans(alerts_app.engine, alerts_app.rules, NOW)["contract_expiry"] == 10

    class SlowEmail(ScriptedChannel):
        def send(self, message: Message, recipient: Recipient) -> None:
            time.sleep(0.01)  # widen the window in which a second worker could take it
            with lock:
                super().send(message, recipient)

    lock = threading.Lock()
    email = SlowEmail("email")
    threads = [
        threading.Thread(
            target=deliver_due, args=(alerts_app.engine, [email], NOW), kwargs={"batch": 3}
        )
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    while deliver_due(alerts_app.engine, [email], NOW):
        pass
    sent = [alert for alert, _ in email.sent]
    assert len(sent) == len(set(sent)) == 10
