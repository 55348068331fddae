"""A simulated quarter on the real thing: a real Celery worker process, a real Redis broker
and the scans run with a controlled clock (`alerts.scan` with `as_of`, day by day). The
other services are played by the test: their events go through an outbox and a relay into
Redis, and contracts are read from JSON files (the worker's file contract source).

The alerts raised must be exactly the ones an independent Python model of the rules
expects: none twice, none missing, the moot ones cancelled; also when the worker is
SIGKILLed in the middle of a task and when Redis restarts in the middle of the run."""

from __future__ import annotations

import base64
import json
import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import redis
from google.type import date_pb2, money_pb2
from sqlalchemy import Engine, create_engine, func, select

from callops.contract.v1 import contract_pb2 as cpb
from services.alerts.adapters import orm
from services.alerts.adapters.contract_files import write_contract
from services.alerts.bootstrap import MIGRATIONS
from services.alerts.domain import rules as r
from services.alerts.domain.alerts import DirectoryEntry
from services.alerts.domain.rules import AlertRules, overdue_week, threshold_for
from services.alerts.domain.watched import approval_key
from services.alerts.service_layer import alerts as alert_cases
from services.callcenter.domain import events as cc
from services.common.celery_app import make_celery
from services.common.db import make_engine, new_metadata
from services.common.events import Event
from services.common.migrations import upgrade
from services.common.outbox import CeleryEventPublisher, OutboxRelay, add_to_outbox, outbox_tables
from services.contract.domain import events as ct
from services.customer.domain import events as cu
from tests.alerts_fixtures import DIRECTORY, DurableRedis, WorkerProcess
from tests.customer_fixtures import JWT_SECRET

Q0 = date(2026, 4, 1)
DAYS = 91
RULES = AlertRules()
Key = tuple[str, str, int, str]
SUPERVISOR = {e.user: e.supervisor for e in DIRECTORY if e.supervisor}
GROUPS: dict[str, set[str]] = {}
for _entry in DIRECTORY:
    for _group in _entry.groups:
        GROUPS.setdefault(_group, set()).add(_entry.user)
AGENT_USER = {e.agent: e.user for e in DIRECTORY if e.agent}
# zhou.ba is not in the directory: no supervisor, so no escalation for his payments.
OWNERS = ("users/zhang.san", "users/zhou.ba")
PAYMENT_KINDS = {r.PAYMENT_DUE, r.PAYMENT_OVERDUE, r.PAYMENT_OVERDUE_ESCALATED}


def scan_at(day: int) -> datetime:
    """09:00 in Shanghai on the quarter's `day`."""
    d = Q0 + timedelta(days=day)
    return datetime(d.year, d.month, d.day, 1, 0, tzinfo=UTC)


def early(day: int) -> datetime:
    """08:00 in Shanghai: when the day's events happen, before the scan."""
    return scan_at(day) - timedelta(hours=1)


# --- the world the other services keep ----------------------------------------------------


@dataclass
class Pay:
    id: str
    due: date
    amount: Decimal
    paid_on: int | None  # quarter day


@dataclass
class Deal:
    n: int
    owner: str
    end: date
    pays: list[Pay]
    renewed_on: int | None = None
    terminated_on: int | None = None
    submitted_on: int | None = None  # waits for legal from this day, 10:00
    approved_on: int | None = None
    created_on: int = 0

    @property
    def name(self) -> str:
        return f"contracts/q{self.n:03d}"

    def state(self, day: int) -> str:
        if self.submitted_on is not None and (self.approved_on is None or day < self.approved_on):
            return "PENDING_APPROVAL"
        if self.renewed_on is not None and day >= self.renewed_on:
            return "RENEWED"
        if self.terminated_on is not None and day >= self.terminated_on:
            return "TERMINATED"
        return "ACTIVE"

    def submitted_at(self) -> datetime:
        assert self.submitted_on is not None
        return early(self.submitted_on) + timedelta(hours=2)


@dataclass
class Quarter:
    deals: list[Deal]
    # quarter day -> the events of the other services that day, in order
    events: dict[int, list[Event]] = field(default_factory=dict)


def _pb_day(d: date) -> date_pb2.Date:
    return date_pb2.Date(year=d.year, month=d.month, day=d.day)


def _cny(amount: Decimal) -> money_pb2.Money:
    units = int(amount)
    return money_pb2.Money(currency_code="CNY", units=units, nanos=int((amount - units) * 10**9))


def contract_message(deal: Deal, day: int, version: int) -> cpb.Contract:
    state = deal.state(day)
    message = cpb.Contract(
        name=deal.name,
        number=f"HT-2026-Q{deal.n:03d}",
        title=f"运维服务合同 {deal.n}",
        customer="customers/cu01",
        owner=deal.owner,
        department="华东销售部",
        state=f"STATE_{state}",  # type: ignore[arg-type]
        end_date=_pb_day(deal.end),
        total_amount=_cny(sum((p.amount for p in deal.pays), Decimal(0))),
        etag=str(version),
    )
    message.update_time.FromDatetime(early(day))
    for p in deal.pays:
        paid = p.paid_on is not None and p.paid_on <= day
        message.payment_milestones.append(
            cpb.PaymentMilestone(
                name=f"{deal.name}/milestones/{p.id}",
                display_name=f"{p.id}期款",
                due_date=_pb_day(p.due),
                amount=_cny(p.amount),
                received_amount=_cny(p.amount if paid else Decimal(0)),
            )
        )
    if state == "PENDING_APPROVAL":
        message.update_time.FromDatetime(deal.submitted_at())
        message.approval_steps.append(
            cpb.ApprovalStep(
                display_name="法务审核",
                approver_role="legal",
                state="STATE_PENDING",  # type: ignore[arg-type]
            )
        )
        message.current_approval_step = 0
    return message


def make_quarter(seed: int = 2026) -> Quarter:
    rng = random.Random(seed)
    deals = []
    for n in range(24):
        pays = []
        for i in range(rng.randint(1, 2)):
            due = Q0 + timedelta(days=rng.randint(-12, 80))
            delay = rng.choice([None, None, -2, 0, 3, 12, 40])
            paid_on = None
            if delay is not None:
                paid_on = (due - Q0).days + delay
                paid_on = paid_on if 1 <= paid_on < DAYS else None
            pays.append(Pay(f"m{i + 1}", due, Decimal(rng.randint(5, 300) * 1000), paid_on))
        end = Q0 + timedelta(days=rng.randint(3, 110))
        deal = Deal(n, OWNERS[n % 2], end, pays)
        renew = (end - Q0).days - rng.randint(2, 20)
        if n % 5 == 2 and 1 <= renew < DAYS:
            deal.renewed_on = renew
        elif n % 7 == 4:
            deal.terminated_on = rng.randint(5, 60)
        deals.append(deal)
    # Two contracts waiting for legal: one approved after a while, one never.
    deals.append(Deal(90, OWNERS[0], Q0 + timedelta(days=400), [], submitted_on=17,
                      approved_on=27, created_on=17))  # fmt: skip
    deals.append(Deal(91, OWNERS[1], Q0 + timedelta(days=400), [], submitted_on=50,
                      created_on=50))  # fmt: skip
    quarter = Quarter(deals)

    def on(day: int, event: Event) -> None:
        quarter.events.setdefault(day, []).append(event)

    for deal in deals:
        on(deal.created_on, ct.ContractChanged(deal.name, "created"))
        for p in deal.pays:
            if p.paid_on is not None:
                on(p.paid_on, ct.PaymentReceived(
                    deal.name, f"{deal.name}/milestones/{p.id}", p.amount,
                    Q0 + timedelta(days=p.paid_on)))  # fmt: skip
        if deal.renewed_on is not None:
            on(deal.renewed_on, ct.ContractRenewed(deal.name, f"{deal.name}-r"))
        if deal.terminated_on is not None:
            ended = Q0 + timedelta(days=deal.terminated_on)
            on(deal.terminated_on, ct.ContractTerminated(deal.name, ended, "客户要求提前终止"))
        if deal.approved_on is not None:
            on(
                deal.approved_on,
                ct.ContractApproved(deal.name, "法务审核", "users/li.si", True, ""),
            )

    def ticket(day: int, tid: str) -> None:
        on(day, cu.TicketOpened(f"customers/cu01/tickets/{tid}", "customers/cu01", "HIGH",
                                early(day) + timedelta(minutes=30)))  # fmt: skip

    def ticket_state(day: int, tid: str, state: str) -> None:
        on(day, cu.TicketStateChanged(f"customers/cu01/tickets/{tid}", "customers/cu01",
                                      state, "users/zhao.liu"))  # fmt: skip

    ticket(3, "t1")
    ticket_state(3, "t1", "IN_PROGRESS")  # answered before the scan: no alert
    ticket(5, "t2")
    ticket_state(6, "t2", "IN_PROGRESS")  # late on day 5, cancelled on day 6
    ticket(8, "t3")  # never answered
    on(
        10,
        cu.SurveyUnsatisfied("surveys/s1", "customers/cu01", 2.0, early(10) + timedelta(hours=48)),
    )
    on(11, cu.SurveyAnswered("surveys/s1", "users/wang.wu"))
    on(
        20,
        cu.SurveyUnsatisfied("surveys/s2", "customers/cu01", 1.5, early(20) + timedelta(hours=48)),
    )
    on(15, cc.CallbackTaskCreated("callbacks/b1", "+8613800138000", "customers/cu01"))
    on(15, cc.CallbackReserved("callbacks/b1", "agents/a1"))
    on(16, cc.CallbackLate("callbacks/b1", early(16)))
    on(17, cc.CallbackCompleted("callbacks/b1", "agents/a1", "已回拨"))
    on(30, cc.CallbackExpired("callbacks/b2", "+8613900139000", "", "超过回拨时限", early(30)))
    on(40, cu.FollowUpDue("customers/cu01/followUps/f1", "customers/cu01", "users/zhang.san",
                          "季度回访", Q0 + timedelta(days=40)))  # fmt: skip
    on(41, cu.CustomerCreated("customers/cu02", "users/zhang.san", "宁波海曙贸易有限公司"))
    return quarter


# --- an independent model of the rules ------------------------------------------------------


def expected_alerts(quarter: Quarter) -> tuple[set[Key], set[Key]]:
    """(every alert raised, those cancelled), day by day as the scans and events would."""
    raised: set[Key] = set()
    cancelled: set[Key] = set()
    tickets: dict[str, tuple[datetime, bool]] = {}  # name -> (deadline, awaiting)
    surveys: dict[str, tuple[datetime, bool]] = {}  # name -> (deadline, answered)
    callbacks: dict[str, tuple[str, str]] = {}  # name -> (state, agent)
    follow_ups: dict[str, tuple[date, str]] = {}

    def cancel(match: Callable[[Key], bool]) -> None:
        cancelled.update(k for k in raised if match(k) and k not in cancelled)

    for day in range(DAYS):
        for e in quarter.events.get(day, []):
            if isinstance(e, ct.PaymentReceived):
                cancel(lambda k, e=e: k[1] == e.milestone and k[0] in PAYMENT_KINDS)
            elif isinstance(e, ct.ContractRenewed | ct.ContractTerminated):
                cancel(lambda k, e=e: k[1] == e.contract and k[0] == r.CONTRACT_EXPIRY)
            elif isinstance(e, cu.TicketOpened):
                tickets[e.ticket] = (e.response_deadline, True)
            elif isinstance(e, cu.TicketStateChanged):
                tickets[e.ticket] = (tickets[e.ticket][0], e.state in ("SUBMITTED", "ASSIGNED"))
                if not tickets[e.ticket][1]:
                    cancel(lambda k, e=e: k[1] == e.ticket and k[0] == r.TICKET_RESPONSE_LATE)
            elif isinstance(e, cu.SurveyUnsatisfied):
                surveys[e.survey] = (e.response_deadline, False)
            elif isinstance(e, cu.SurveyAnswered):
                surveys[e.survey] = (surveys[e.survey][0], True)
                cancel(lambda k, e=e: k[1] == e.survey)
            elif isinstance(e, cu.FollowUpDue):
                follow_ups[e.follow_up] = (e.due_date, e.owner)
            elif isinstance(e, cc.CallbackReserved):
                callbacks[e.callback] = ("OPEN", e.agent)
            elif isinstance(e, cc.CallbackLate):
                callbacks[e.callback] = ("LATE", callbacks.get(e.callback, ("", ""))[1])
            elif isinstance(e, cc.CallbackExpired):
                callbacks[e.callback] = ("EXPIRED", e.agent)
            elif isinstance(e, cc.CallbackCompleted):
                callbacks[e.callback] = ("DONE", e.agent)
                cancel(lambda k, e=e: k[1] == e.callback and k[0] == r.CALLBACK_LATE)
        as_of, today = scan_at(day), Q0 + timedelta(days=day)
        for deal in quarter.deals:
            if day < deal.created_on:
                continue
            state, owner = deal.state(day), deal.owner
            if state == "ACTIVE":
                t = threshold_for((deal.end - today).days, RULES.expiry_days)
                if t is not None:
                    raised.add((r.CONTRACT_EXPIRY, deal.name, t, owner))
                for p in deal.pays:
                    if p.paid_on is not None and p.paid_on <= day:
                        continue
                    m = f"{deal.name}/milestones/{p.id}"
                    left = (p.due - today).days
                    t = threshold_for(left, RULES.payment_due_days)
                    week = overdue_week(-left)
                    for who in (owner, *GROUPS["finance"]):
                        if t is not None:
                            raised.add((r.PAYMENT_DUE, m, t, who))
                        if week is not None:
                            raised.add((r.PAYMENT_OVERDUE, m, week, who))
                    boss = SUPERVISOR.get(owner)
                    if week is not None and -left > RULES.overdue_escalation_days and boss:
                        raised.add((r.PAYMENT_OVERDUE_ESCALATED, m, week, boss))
            if state == "PENDING_APPROVAL":
                since, key = deal.submitted_at(), approval_key(1, 0)
                if since <= RULES.waited_since_cutoff(as_of, RULES.approval_wait_working_days):
                    for who in GROUPS["legal"]:
                        raised.add((r.APPROVAL_WAITING, deal.name, key, who))
                if since <= RULES.waited_since_cutoff(
                    as_of, RULES.approval_escalation_working_days
                ):
                    for who in GROUPS["legal"]:
                        if SUPERVISOR.get(who):
                            raised.add((r.APPROVAL_ESCALATED, deal.name, key, SUPERVISOR[who]))
        for name, (deadline, awaiting) in tickets.items():
            if awaiting and deadline <= as_of:
                raised.update((r.TICKET_RESPONSE_LATE, name, 0, w) for w in GROUPS["supervisor"])
        for name, (deadline, answered) in surveys.items():
            if not answered:
                raised.update((r.SURVEY_UNSATISFIED, name, 0, w) for w in GROUPS["supervisor"])
                if deadline <= as_of:
                    raised.update(
                        (r.SURVEY_RESPONSE_LATE, name, 0, w) for w in GROUPS["supervisor"]
                    )
        for name, (state, agent) in callbacks.items():
            if state in ("LATE", "EXPIRED"):
                kind = r.CALLBACK_LATE if state == "LATE" else r.CALLBACK_EXPIRED
                person = AGENT_USER.get(agent)
                boss = SUPERVISOR.get(person or "")
                if person:
                    raised.add((kind, name, 0, person))
                elif agent:
                    raised.add((kind, name, 0, agent))
                if boss:
                    raised.add((kind, name, 0, boss))
                else:
                    raised.update((kind, name, 0, w) for w in GROUPS["supervisor"])
        for name, (due, owner) in follow_ups.items():
            if due <= today:
                raised.add((r.FOLLOW_UP_DUE, name, 0, owner))
    return raised, cancelled


def test_the_model_covers_every_rule_it_should() -> None:
    """The scenario is rich enough to mean something: each kind happens, and some cancel."""
    raised, cancelled = expected_alerts(make_quarter())
    kinds = {k[0] for k in raised}
    assert kinds >= set(r.KINDS) - {r.DELIVERY_DUE, r.ACCEPTANCE_DUE}
    assert {k[0] for k in cancelled} >= {
        r.PAYMENT_DUE, r.CONTRACT_EXPIRY, r.TICKET_RESPONSE_LATE, r.SURVEY_UNSATISFIED,
        r.CALLBACK_LATE,
    }  # fmt: skip
    assert 150 < len(raised) < 2000


# --- running the quarter on the real worker ---------------------------------------------------


@dataclass
class Run:
    tmp: Path
    broker: DurableRedis
    worker: WorkerProcess
    alerts: Engine
    relay: OutboxRelay
    driver_outbox: Engine
    outbox_table: object
    celery: object
    sent_events: int = 0
    versions: dict[str, int] = field(default_factory=dict)

    def wait(self, what: str, done: Callable[[], bool], timeout: float = 60.0,
             retry: Callable[[], None] | None = None) -> None:  # fmt: skip
        deadline = time.monotonic() + timeout
        nudge = time.monotonic() + 5
        while not done():
            self.worker.revive_if_dead()
            if time.monotonic() > deadline:
                log = (self.tmp / "worker.log").read_text(errors="replace")[-3000:]
                pytest.fail(f"timed out waiting for {what}; worker log:\n{log}")
            if retry is not None and time.monotonic() > nudge:
                retry()  # what the beat does on its next tick
                nudge = time.monotonic() + 5
            time.sleep(0.02)

    def publish(self, events: list[Event], now: datetime) -> None:
        with self.driver_outbox.begin() as conn:
            from sqlalchemy.orm import Session

            with Session(bind=conn) as session:
                for e in events:
                    add_to_outbox(session, self.outbox_table, e, now)  # type: ignore[arg-type]
                session.flush()
        self.sent_events += len(events)
        self.relay_all()

    def relay_all(self) -> None:
        def pending() -> int:
            ob = self.outbox_table
            with self.driver_outbox.connect() as conn:
                return int(
                    conn.execute(
                        select(func.count()).select_from(ob).where(ob.c.published_at.is_(None))  # type: ignore[attr-defined]
                    ).scalar_one()
                )

        def relay() -> bool:
            # The relay's retry delay is its own clock; the test's "now" only moves forward.
            self.relay.publish_pending(datetime.now(UTC) + timedelta(hours=1))
            return pending() == 0

        self.wait("the driver's outbox to drain", relay)

    def handled(self) -> int:
        with self.alerts.connect() as conn:
            return int(
                conn.execute(select(func.count()).select_from(orm.processed_events)).scalar_one()
            )

    def scanned(self, as_of: datetime) -> bool:
        with self.alerts.connect() as conn:
            return (
                conn.execute(
                    select(orm.scan_runs.c.as_of).where(orm.scan_runs.c.as_of == as_of)
                ).first()
                is not None
            )

    def send_scan(self, as_of: datetime) -> None:
        while True:
            try:
                self.celery.send_task(  # type: ignore[attr-defined]
                    "alerts.scan", kwargs={"as_of": as_of.isoformat()}, queue="alerts", retry=False
                )
                return
            except Exception:  # the broker is restarting; beat would try on its next tick
                time.sleep(0.1)

    def unacked(self) -> int:
        client = redis.Redis.from_url(self.broker.url)
        try:
            return int(client.hlen("unacked"))
        finally:
            client.close()


@pytest.fixture
def quarter_run(tmp_path: Path) -> Iterator[Run]:
    broker = DurableRedis(tmp_path)
    broker.start()
    contracts_dir = tmp_path / "contracts"
    contracts_dir.mkdir()
    url = f"sqlite:///{tmp_path / 'alerts.db'}"
    upgrade(MIGRATIONS, url)
    alerts = make_engine(url)
    for entry in DIRECTORY:
        alert_cases.put_recipient(alerts, entry, scan_at(0))
    alert_cases.put_recipient(alerts, DirectoryEntry(user="users/nobody"), scan_at(0))
    env = {
        **os.environ,
        "CALLOPS_JWT_SECRET": JWT_SECRET,
        "CALLOPS_DATABASE_URL": url,
        "CALLOPS_BROKER_URL": broker.url,
        "CALLOPS_CONTRACT_FILES_DIR": str(contracts_dir),
        "CALLOPS_WEBHOOK_ENABLED": "false",
        "CALLOPS_BROKER_VISIBILITY_TIMEOUT": "3",
        "CALLOPS_BROKER_RESTORE_INTERVAL": "1",
        "CALLOPS_LOG_LEVEL": "WARNING",
    }
    worker = WorkerProcess(env, tmp_path / "worker.log")
    worker.start()
    metadata = new_metadata()
    outbox_table, _ = outbox_tables(metadata)
    driver = create_engine(f"sqlite:///{tmp_path / 'others.db'}")
    metadata.create_all(driver)
    celery = make_celery("others", broker.url)
    routes = {"contract.*": ["alerts"], "customer.*": ["alerts"], "callcenter.*": ["alerts"]}
    relay = OutboxRelay(driver, outbox_table, CeleryEventPublisher(celery, routes))
    run = Run(tmp_path, broker, worker, alerts, relay, driver, outbox_table, celery)
    yield run
    worker.stop()
    broker.stop()
    alerts.dispose()
    driver.dispose()


Hook = Callable[[Run, int], None]


def play(
    run: Run,
    quarter: Quarter,
    contracts_dir: Path,
    before_events: Hook | None = None,
    after_scan_sent: Hook | None = None,
) -> None:
    for day in range(DAYS):
        events = quarter.events.get(day, [])
        for e in events:
            name = getattr(e, "contract", None)
            if isinstance(e, ct.ContractEvent) and name:
                deal = next(d for d in quarter.deals if d.name == name)
                run.versions[name] = run.versions.get(name, 0) + 1
                write_contract(contracts_dir, contract_message(deal, day, run.versions[name]))
        if before_events is not None:
            before_events(run, day)
        if events:
            run.publish(events, early(day))
        target = run.sent_events
        run.wait(f"day {day}'s events", lambda t=target: run.handled() >= t)
        as_of = scan_at(day)
        run.send_scan(as_of)
        if after_scan_sent is not None:
            after_scan_sent(run, day)
        run.wait(f"day {day}'s scan", lambda a=as_of: run.scanned(a),
                 retry=lambda a=as_of: run.send_scan(a))  # fmt: skip


def actual_alerts(run: Run) -> tuple[list[Key], set[Key]]:
    a = orm.alerts.c
    with run.alerts.connect() as conn:
        rows = conn.execute(select(a.kind, a.subject, a.threshold, a.recipient, a.state)).all()
    every = [(k, s, t, w) for k, s, t, w, _ in rows]
    cancelled = {(k, s, t, w) for k, s, t, w, state in rows if state == "CANCELLED"}
    return every, cancelled


def check(run: Run, quarter: Quarter) -> None:
    expected, expected_cancelled = expected_alerts(quarter)
    every, cancelled = actual_alerts(run)
    assert len(every) == len(set(every)), "an alert was raised twice"
    assert set(every) - expected == set(), "alerts raised that should not be"
    assert expected - set(every) == set(), "alerts missing"
    assert cancelled == expected_cancelled
    with run.alerts.connect() as conn:
        announced = conn.execute(select(orm.outbox.c.event_id, orm.outbox.c.published_at)).all()
    assert len(announced) == len(every)  # one AlertRaised per alert, written with it
    # Published to the call center's queue (a relay may send one twice: consumers dedupe).
    assert all(published is not None for _, published in announced)
    assert queued_event_ids(run, "callcenter") == {event_id for event_id, _ in announced}


def crash_report(run: Run) -> str:
    log = (run.tmp / "worker.log").read_text(errors="replace")
    return f"worker exited with {run.worker.exit_codes}; log:\n{log[-4000:]}"


def queued_event_ids(run: Run, queue: str) -> set[str]:
    """The event ids of the `<queue>.handle_event` tasks waiting in a Redis queue."""
    client = redis.Redis.from_url(run.broker.url)
    try:
        raw = client.lrange(queue, 0, -1)
    finally:
        client.close()
    ids = set()
    for item in raw:
        message = json.loads(item)
        _, kwargs, _ = json.loads(base64.b64decode(message["body"]))
        ids.add(kwargs["event_id"])
    return ids


def test_a_quarter_raises_exactly_the_expected_alerts(quarter_run: Run) -> None:
    quarter = make_quarter()
    play(quarter_run, quarter, quarter_run.tmp / "contracts")
    check(quarter_run, quarter)
    assert quarter_run.worker.crashes == 0, crash_report(quarter_run)


def test_a_worker_killed_mid_task_loses_nothing(quarter_run: Run) -> None:
    quarter = make_quarter()
    killed: list[int] = []

    def kill_mid_task(run: Run, day: int) -> None:
        if day in (20, 45) and not run.scanned(scan_at(day)):
            # The worker holds the day's scan, unacknowledged: kill it and its pool, then
            # start a new worker. The message comes back after the visibility timeout.
            run.wait(
                "the worker to take the scan",
                lambda: run.unacked() > 0 or run.scanned(scan_at(day)),
            )
            if run.unacked() > 0:
                run.worker.kill()
                killed.append(day)
                run.worker.start()

    play(quarter_run, quarter, quarter_run.tmp / "contracts", after_scan_sent=kill_mid_task)
    check(quarter_run, quarter)
    assert killed, "the worker finished every scan before it could be killed"
    assert quarter_run.worker.crashes == 0, crash_report(quarter_run)


def test_redis_restarting_mid_run_loses_nothing(quarter_run: Run) -> None:
    quarter = make_quarter()
    restarts: list[str] = []

    def down_while_others_publish(run: Run, day: int) -> None:
        if day == 30:
            # Down when the other services commit events: their relay keeps retrying from
            # the outbox until Redis is back.
            run.broker.stop()
            restarts.append("before events")
            threading.Timer(1.5, run.broker.start).start()

    def restart_mid_scan(run: Run, day: int) -> None:
        if day == 60:
            run.wait(
                "the worker to take the scan",
                lambda: run.unacked() > 0 or run.scanned(scan_at(day)),
            )
            run.broker.restart()
            restarts.append("during the scan")

    play(
        quarter_run,
        quarter,
        quarter_run.tmp / "contracts",
        before_events=down_while_others_publish,
        after_scan_sent=restart_mid_scan,
    )
    check(quarter_run, quarter)
    assert restarts == ["before events", "during the scan"]
    # The worker may have exited on the reconnect (celery/celery#9250) and been started
    # again as a supervisor would: nothing is lost either way.
    assert quarter_run.worker.crashes <= 2
