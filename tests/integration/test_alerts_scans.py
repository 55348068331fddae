"""The projection and the scans on SQLite and on a real PostgreSQL: each alert exactly once
per subject, threshold and recipient, however often or concurrently the scans run, and
cancelled by the events that make it moot."""

from __future__ import annotations

import dataclasses
import json
import threading
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from services.alerts.adapters import orm
from services.alerts.bootstrap import AlertApp
from services.alerts.domain.events import AlertRaised
from services.alerts.domain.watched import ApprovalWait
from services.alerts.service_layer import projection, scans
from services.alerts.service_layer.scans import run_scans
from tests.alerts_fixtures import FakeContracts, contract, payment, seed_directory

Key = tuple[str, str, int, str]


def at_nine(day: date) -> datetime:
    """09:00 in Shanghai on `day`, as UTC."""
    return datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC)


def keys(app: AlertApp, state: str | None = None) -> Counter[Key]:
    a = orm.alerts.c
    query = select(a.kind, a.subject, a.threshold, a.recipient)
    if state:
        query = query.where(a.state == state)
    with app.engine.connect() as conn:
        return Counter(tuple(row) for row in conn.execute(query))  # type: ignore[misc]


def event(app: AlertApp, topic: str, now: datetime, **payload: Any) -> bool:
    return projection.handle_event(
        app.engine, app.contracts, str(uuid.uuid4()), topic, payload, now
    )


def changed(app: AlertApp, name: str, now: datetime) -> None:
    event(app, "contract.ContractChanged", now, contract=name, action="updated")


START = date(2026, 3, 2)


def test_expiry_alerts_once_per_threshold_over_a_month_of_scans(
    alerts_app: AlertApp, fake_contracts: FakeContracts
) -> None:
    seed_directory(alerts_app, at_nine(START))
    fake_contracts.put(contract(1, end_date=START + timedelta(days=31)))
    changed(alerts_app, "contracts/c0001", at_nine(START))
    for offset in range(35):
        day = START + timedelta(days=offset)
        run_scans(alerts_app.engine, alerts_app.rules, at_nine(day))
        run_scans(alerts_app.engine, alerts_app.rules, at_nine(day) + timedelta(hours=5))
    found = keys(alerts_app)
    assert found == Counter(
        {("CONTRACT_EXPIRY", "contracts/c0001", t, "users/zhang.san"): 1 for t in (30, 15, 7, 1)}
    )
    with alerts_app.engine.connect() as conn:
        events = [json.loads(p) for p in conn.execute(select(orm.outbox.c.payload)).scalars()]
        deliveries = conn.execute(select(orm.deliveries.c.channel)).scalars().all()
    assert len(events) == 4 and all(e["kind"] == "CONTRACT_EXPIRY" for e in events)
    assert "120000" not in json.dumps(events, ensure_ascii=False)  # no amount in the text
    assert deliveries == ["email"] * 4  # zhang.san has an e-mail address, no robot


def test_a_missed_day_still_raises_the_reminder_it_missed(
    alerts_app: AlertApp, fake_contracts: FakeContracts
) -> None:
    fake_contracts.put(contract(2, end_date=START + timedelta(days=29)))
    changed(alerts_app, "contracts/c0002", at_nine(START))
    # No scan ran on the 30-days-before day (START - 1): the next scan raises it.
    counts = run_scans(alerts_app.engine, alerts_app.rules, at_nine(START))
    assert counts["contract_expiry"] == 1
    assert set(keys(alerts_app)) == {("CONTRACT_EXPIRY", "contracts/c0002", 30, "users/zhang.san")}


def test_payment_reminders_overdue_weeks_and_escalation(
    alerts_app: AlertApp, fake_contracts: FakeContracts
) -> None:
    seed_directory(alerts_app, at_nine(START))
    due = START + timedelta(days=8)
    fake_contracts.put(contract(3, end_date=date(2027, 3, 1), milestones=(payment(3, 1, due),)))
    changed(alerts_app, "contracts/c0003", at_nine(START))
    for offset in range(8 + 41):  # up to 41 days overdue
        run_scans(alerts_app.engine, alerts_app.rules, at_nine(START + timedelta(days=offset)))
    m = "contracts/c0003/milestones/m1"
    expected: Counter[Key] = Counter()
    for who in ("users/zhang.san", "users/qian.cai"):
        for t in (7, 3, 1):
            expected[("PAYMENT_DUE", m, t, who)] += 1
        for week in range(6):  # days 1-7 ... 36-42
            expected[("PAYMENT_OVERDUE", m, week, who)] += 1
    # Past 30 days overdue (day 31 is in week 4): the owner's supervisor, weekly.
    for week in (4, 5):
        expected[("PAYMENT_OVERDUE_ESCALATED", m, week, "users/wang.wu")] += 1
    assert keys(alerts_app) == expected


def test_payment_received_cancels_the_pending_reminders(
    alerts_app: AlertApp, fake_contracts: FakeContracts
) -> None:
    seed_directory(alerts_app, at_nine(START))
    due = START + timedelta(days=2)
    fake_contracts.put(contract(4, end_date=date(2027, 3, 1), milestones=(payment(4, 1, due),)))
    changed(alerts_app, "contracts/c0004", at_nine(START))
    run_scans(alerts_app.engine, alerts_app.rules, at_nine(START))
    assert len(keys(alerts_app, "OPEN")) == 2  # owner and finance, 3 days before
    paid = payment(4, 1, due, received="30000.00")
    fake_contracts.put(contract(4, end_date=date(2027, 3, 1), version=2, milestones=(paid,)))
    event(
        alerts_app,
        "contract.PaymentReceived",
        at_nine(START) + timedelta(hours=2),
        contract="contracts/c0004",
        milestone=paid.name,
        amount="30000.00",
        received_date=START.isoformat(),
    )
    assert keys(alerts_app, "OPEN") == Counter()
    assert len(keys(alerts_app, "CANCELLED")) == 2
    with alerts_app.engine.connect() as conn:
        states = conn.execute(select(orm.deliveries.c.state)).scalars().all()
    assert states and set(states) == {"CANCELLED"}
    for offset in range(1, 12):
        counts = run_scans(
            alerts_app.engine, alerts_app.rules, at_nine(START + timedelta(days=offset))
        )
        assert sum(counts.values()) == 0


def test_renewal_and_termination_cancel_expiry_alerts(
    alerts_app: AlertApp, fake_contracts: FakeContracts
) -> None:
    for n in (5, 6):
        fake_contracts.put(contract(n, end_date=START + timedelta(days=10)))
        changed(alerts_app, f"contracts/c{n:04d}", at_nine(START))
    run_scans(alerts_app.engine, alerts_app.rules, at_nine(START))
    assert len(keys(alerts_app, "OPEN")) == 2
    fake_contracts.put(contract(5, state="RENEWED", end_date=START + timedelta(days=10), version=2))
    event(
        alerts_app,
        "contract.ContractRenewed",
        at_nine(START),
        contract="contracts/c0005",
        successor="contracts/c0099",
    )
    fake_contracts.put(
        contract(6, state="TERMINATED", end_date=START + timedelta(days=10), version=2)
    )
    event(
        alerts_app,
        "contract.ContractTerminated",
        at_nine(START),
        contract="contracts/c0006",
        termination_date=START.isoformat(),
        reason="客户要求提前终止",
    )
    assert keys(alerts_app, "OPEN") == Counter()
    assert len(keys(alerts_app, "CANCELLED")) == 2
    counts = run_scans(alerts_app.engine, alerts_app.rules, at_nine(START + timedelta(days=5)))
    assert counts["contract_expiry"] == 0


def test_an_older_contract_version_never_overwrites_a_newer_one(
    alerts_app: AlertApp, fake_contracts: FakeContracts
) -> None:
    fake_contracts.put(contract(7, end_date=date(2026, 12, 31), version=3))
    changed(alerts_app, "contracts/c0007", at_nine(START))
    fake_contracts.put(contract(7, end_date=START + timedelta(days=3), version=2))
    changed(alerts_app, "contracts/c0007", at_nine(START))
    with alerts_app.engine.connect() as conn:
        row = conn.execute(
            select(orm.contracts).where(orm.contracts.c.name == "contracts/c0007")
        ).one()
    assert (row.version, row.end_date) == (3, date(2026, 12, 31))


def test_the_same_event_twice_is_handled_once(
    alerts_app: AlertApp, fake_contracts: FakeContracts
) -> None:
    fake_contracts.put(contract(8, end_date=START + timedelta(days=5)))
    payload = {"contract": "contracts/c0008", "action": "created"}
    first = projection.handle_event(
        alerts_app.engine,
        fake_contracts,
        "e-1",
        "contract.ContractChanged",
        payload,
        at_nine(START),
    )
    again = projection.handle_event(
        alerts_app.engine,
        fake_contracts,
        "e-1",
        "contract.ContractChanged",
        payload,
        at_nine(START),
    )
    assert (first, again) == (True, False)


def test_approval_waits_go_to_the_role_then_to_the_supervisor_in_working_days(
    alerts_app: AlertApp, fake_contracts: FakeContracts
) -> None:
    seed_directory(alerts_app, at_nine(START))
    # Submitted Friday 2026-11-20 10:00 Shanghai, waiting for legal (李四).
    since = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    fake_contracts.put(
        contract(
            9,
            state="PENDING_APPROVAL",
            approval=ApprovalWait("legal", 100, since),
            updated_at=since,
        )
    )
    changed(alerts_app, "contracts/c0009", since)
    rules = alerts_app.rules
    # Monday 10:00: one working day. Nothing yet.
    assert sum(run_scans(alerts_app.engine, rules, since + timedelta(days=3)).values()) == 0
    # Tuesday 10:00: two working days: the approver.
    run_scans(alerts_app.engine, rules, since + timedelta(days=4))
    assert set(keys(alerts_app)) == {("APPROVAL_WAITING", "contracts/c0009", 100, "users/li.si")}
    # Thursday 10:00: four working days: the approver's supervisor.
    run_scans(alerts_app.engine, rules, since + timedelta(days=6))
    assert ("APPROVAL_ESCALATED", "contracts/c0009", 100, "users/wang.wu") in keys(alerts_app)
    assert len(keys(alerts_app)) == 2


def test_tickets_surveys_callbacks_and_follow_ups_from_events(
    alerts_app: AlertApp, fake_contracts: FakeContracts
) -> None:
    seed_directory(alerts_app, at_nine(START))
    now = at_nine(START)
    event(alerts_app, "customer.TicketOpened", now, ticket="customers/cu01/tickets/t1",
          customer="customers/cu01", priority="HIGH",
          response_deadline=(now + timedelta(hours=4)).isoformat())  # fmt: skip
    event(alerts_app, "customer.TicketOpened", now, ticket="customers/cu01/tickets/t2",
          customer="customers/cu01", priority="LOW",
          response_deadline=(now + timedelta(hours=4)).isoformat())  # fmt: skip
    event(alerts_app, "customer.TicketStateChanged", now, ticket="customers/cu01/tickets/t2",
          customer="customers/cu01", state="IN_PROGRESS", assignee="users/zhao.liu")  # fmt: skip
    event(alerts_app, "customer.SurveyUnsatisfied", now, survey="surveys/s1",
          customer="customers/cu01", average_score=2.0,
          response_deadline=(now + timedelta(hours=48)).isoformat())  # fmt: skip
    event(alerts_app, "customer.FollowUpDue", now, follow_up="customers/cu01/followUps/f1",
          customer="customers/cu01", owner="users/zhang.san", kind="回访",
          due_date=START.isoformat())  # fmt: skip
    event(alerts_app, "callcenter.CallbackReserved", now, callback="callbacks/b1",
          agent="agents/a1")  # fmt: skip
    event(alerts_app, "callcenter.CallbackLate", now, callback="callbacks/b1",
          due=now.isoformat())  # fmt: skip
    event(alerts_app, "callcenter.CallbackExpired", now, callback="callbacks/b2",
          phone_number="+8613800138000", agent="", reason="超过回拨时限",
          at=now.isoformat())  # fmt: skip
    assert not event(alerts_app, "customer.CustomerCreated", now, customer="customers/x")

    run_scans(alerts_app.engine, alerts_app.rules, now)
    assert set(keys(alerts_app)) == {
        ("SURVEY_UNSATISFIED", "surveys/s1", 0, "users/wang.wu"),
        ("FOLLOW_UP_DUE", "customers/cu01/followUps/f1", 0, "users/zhang.san"),
        ("CALLBACK_LATE", "callbacks/b1", 0, "users/zhao.liu"),
        ("CALLBACK_LATE", "callbacks/b1", 0, "users/wang.wu"),
        # No agent held it: every supervisor.
        ("CALLBACK_EXPIRED", "callbacks/b2", 0, "users/wang.wu"),
    }
    later = now + timedelta(hours=49)
    # An answer to a survey never seen changes nothing (and does not fail).
    event(alerts_app, "customer.SurveyAnswered", later, survey="surveys/s2", responder="users/x")
    run_scans(alerts_app.engine, alerts_app.rules, later)
    new = set(keys(alerts_app))
    assert ("TICKET_RESPONSE_LATE", "customers/cu01/tickets/t1", 0, "users/wang.wu") in new
    assert ("SURVEY_RESPONSE_LATE", "surveys/s1", 0, "users/wang.wu") in new
    # t2 was responded to in time: nobody hears about it.
    assert not any(k[1] == "customers/cu01/tickets/t2" for k in new)
    with alerts_app.engine.connect() as conn:
        phone = conn.execute(
            select(orm.alerts.c.phone_number).where(orm.alerts.c.subject == "callbacks/b2")
        ).scalar_one()
    assert phone == "+8613800138000"


def test_concurrent_scans_raise_each_alert_once(
    alerts_app: AlertApp, fake_contracts: FakeContracts
) -> None:
    seed_directory(alerts_app, at_nine(START))
    for n in range(40):
        fake_contracts.put(
            contract(
                100 + n,
                end_date=START + timedelta(days=n),
                milestones=(payment(100 + n, 1, START + timedelta(days=n - 20)),),
            )
        )
        changed(alerts_app, f"contracts/c{100 + n:04d}", at_nine(START))
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def scan() -> None:
        try:
            results.append(run_scans(alerts_app.engine, alerts_app.rules, at_nine(START)))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=scan) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    found = keys(alerts_app)
    assert max(found.values()) == 1
    assert sum(sum(r.values()) for r in results) == len(found) > 0
    with alerts_app.engine.connect() as conn:
        events = conn.execute(select(func.count()).select_from(orm.outbox)).scalar_one()
    assert events == len(found)  # one AlertRaised per alert, none for the losers


def test_delivery_and_acceptance_milestones_remind_the_owner_until_completed(
    alerts_app: AlertApp, fake_contracts: FakeContracts
) -> None:
    from services.alerts.domain.watched import Milestone

    def snap(version: int, done: bool) -> Any:
        return contract(
            10,
            end_date=date(2027, 1, 1),
            version=version,
            milestones=(
                Milestone("contracts/c0010/deliveryMilestones/d1", "DELIVERY", "服务器到货",
                          START + timedelta(days=6), settled=done),
                Milestone("contracts/c0010/deliveryMilestones/d2", "ACCEPTANCE", "系统终验",
                          START + timedelta(days=1)),
            ),
        )  # fmt: skip

    fake_contracts.put(snap(1, False))
    changed(alerts_app, "contracts/c0010", at_nine(START))
    run_scans(alerts_app.engine, alerts_app.rules, at_nine(START))
    fake_contracts.put(snap(2, True))  # delivered early
    changed(alerts_app, "contracts/c0010", at_nine(START))
    for offset in range(1, 9):
        run_scans(alerts_app.engine, alerts_app.rules, at_nine(START + timedelta(days=offset)))
    assert set(keys(alerts_app)) == {
        ("DELIVERY_DUE", "contracts/c0010/deliveryMilestones/d1", 7, "users/zhang.san"),
        ("ACCEPTANCE_DUE", "contracts/c0010/deliveryMilestones/d2", 1, "users/zhang.san"),
    }


def test_an_alert_commits_only_with_its_event_and_deliveries(
    alerts_app: AlertApp, fake_contracts: FakeContracts, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The payment rules start with a WITH: on SQLite the driver did not open a transaction
    # for them, so their alerts committed alone when what followed failed.
    seed_directory(alerts_app, at_nine(START))
    due = START + timedelta(days=3)
    fake_contracts.put(contract(20, end_date=date(2027, 3, 1), milestones=(payment(20, 1, due),)))
    changed(alerts_app, "contracts/c0020", at_nine(START))

    def broken(*args: Any) -> Any:
        raise RuntimeError("the deliveries could not be written")

    monkeypatch.setattr(scans, "_deliveries", broken)
    with pytest.raises(RuntimeError):
        run_scans(alerts_app.engine, alerts_app.rules, at_nine(START))
    monkeypatch.undo()
    assert keys(alerts_app) == Counter()
    with alerts_app.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(orm.outbox)).scalar_one() == 0
    run_scans(alerts_app.engine, alerts_app.rules, at_nine(START))
    assert sum(keys(alerts_app).values()) == 2  # to the owner and to finance


def test_alert_raised_events_are_what_python_would_write(
    alerts_app: AlertApp, fake_contracts: FakeContracts
) -> None:
    """The events' JSON is built in SQL: byte for byte what json.dumps writes, escapes and
    Chinese included, a fresh version-4 event id each, a delivery per address on file."""
    seed_directory(alerts_app, at_nine(START))
    title = '第1期款 "尾款" \\ 备注\n\t\x01 /完'
    due = START + timedelta(days=1)
    milestone = dataclasses.replace(payment(21, 1, due), title=title)
    fake_contracts.put(contract(21, end_date=date(2027, 3, 1), milestones=(milestone,)))
    changed(alerts_app, "contracts/c0021", at_nine(START))
    raised = run_scans(alerts_app.engine, alerts_app.rules, at_nine(START))
    assert raised["payment_due"] == 2
    a, o, d = orm.alerts.c, orm.outbox.c, orm.deliveries.c
    with alerts_app.engine.connect() as conn:
        alerts = conn.execute(select(orm.alerts).order_by(a.id)).all()
        events = conn.execute(select(orm.outbox).order_by(o.seq)).all()
        deliveries = conn.execute(select(d.alert_id, d.channel, d.state).order_by(d.id)).all()
    assert all(title in alert.title for alert in alerts)
    assert [e.payload for e in events] == [
        json.dumps(
            AlertRaised(
                alert=f"alerts/{alert.id}",
                recipient=alert.recipient,
                kind=alert.kind,
                severity=alert.severity,
                title=alert.title,
                body=alert.body,
                subject=alert.subject,
            ).payload(),
            ensure_ascii=False,
        )
        for alert in alerts
    ]
    assert {e.topic for e in events} == {"alerts.AlertRaised"}
    assert len({e.event_id for e in events}) == len(events)
    assert all(uuid.UUID(e.event_id).version == 4 for e in events)
    assert all(str(uuid.UUID(e.event_id)) == e.event_id for e in events)
    # zhang.san has an e-mail address only, qian.cai (finance) a robot webhook only.
    by_recipient = {alert.id: alert.recipient for alert in alerts}
    assert sorted((by_recipient[i], ch, state) for i, ch, state in deliveries) == [
        ("users/qian.cai", "webhook", "PENDING"),
        ("users/zhang.san", "email", "PENDING"),
    ]
