"""Concurrency on one PostgreSQL: missed-call assignment with several processes (every
callback task reserved and accepted exactly once, no agent ever holding two reservations),
and simultaneous misses from one number opening one task, never two."""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from services.callcenter.adapters import orm
from services.callcenter.bootstrap import MIGRATIONS, bootstrap
from services.callcenter.domain.model import (
    AgentState,
    Call,
    CallbackState,
    CallbackTask,
    CallEventData,
    Direction,
    EndCause,
    EventType,
)
from services.callcenter.service_layer import agents, callbacks, calls
from services.callcenter.service_layer.agents import AgentValues
from services.common.errors import AlreadyExists, StaleEtag
from services.common.migrations import upgrade
from tests.callcenter_fixtures import FakeDirectory, callcenter_settings
from tests.customer_fixtures import RecordingPublisher

TASKS = 200
AGENTS = 12
PROCESSES = 4
T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def _app(url: str):  # type: ignore[no-untyped-def]
    return bootstrap(
        callcenter_settings(url), publisher=RecordingPublisher(), directory=FakeDirectory()
    )


def _work(url: str, most: int = 1) -> tuple[list[tuple[str, str]], int]:
    """One assigner process: reserve (one task, or a batch of up to `most` in one
    transaction), accept as the reserved agents, repeat until the queue is empty. Returns
    what it accepted and how many races it lost."""
    app = _app(url)
    accepted: list[tuple[str, str]] = []
    lost = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            batch = callbacks.reserve_batch(app.uow(), app.deps, most)
        except (AlreadyExists, StaleEtag):
            lost += 1
            continue
        if not batch:
            with app.engine.connect() as conn:
                pending = conn.execute(
                    select(func.count())
                    .select_from(orm.callback_tasks)
                    .where(orm.callback_tasks.c.state == "PENDING")
                ).scalar_one()
            if pending == 0:
                break
            time.sleep(0.005)
            continue
        assert len({task.agent_id for task in batch}) == len(batch)
        for task in batch:
            assert task.agent_id is not None
            callbacks.accept_callback(app.uow(), app.deps, task.id, task.agent_id)
            accepted.append((task.id, task.agent_id))
    app.engine.dispose()
    return accepted, lost


def _seed(url: str) -> None:
    app = _app(url)
    for i in range(AGENTS):
        a = agents.create_agent(app.uow(), app.deps, AgentValues(f"users/agent{i}", f"坐席{i}"))
        agents.login_agent(app.uow(), app.deps, a.id)
    with app.uow() as uow:
        for i in range(TASKS):
            call = Call(id=f"{i:032x}", call_id=f"m{i}", agent_id="0" * 32, created_at=T0)
            at = T0 + timedelta(seconds=i)
            number = f"+86139{i:08d}"
            call.apply(
                CallEventData(
                    f"m{i}", EventType.INCOMING, at, Direction.INBOUND, peer_number=number
                )
            )
            call.apply(CallEventData(f"m{i}", EventType.ENDED, at, end_cause=EndCause.NO_ANSWER))
            uow.callbacks.add(CallbackTask.for_missed_call(call, app.deps.policy, at))
        uow.commit()
    app.engine.dispose()


@pytest.mark.parametrize("most", [1, callbacks.PER_COMMIT], ids=["one", "batched"])
def test_several_processes_assign_every_task_exactly_once(postgres_url: str, most: int) -> None:
    upgrade(MIGRATIONS, postgres_url)
    _seed(postgres_url)
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        results = pool.starmap(_work, [(postgres_url, most)] * PROCESSES)

    accepted = [pair for done, _ in results for pair in done]
    task_ids = Counter(task for task, _ in accepted)
    assert len(task_ids) == TASKS, "a task was lost"
    assert max(task_ids.values()) == 1, "a task was accepted twice"
    assert sum(1 for done, _ in results if done) >= 2, "the processes did not share the work"

    app = _app(postgres_url)
    with app.engine.connect() as conn:
        states = Counter(conn.execute(select(orm.callback_tasks.c.state)).scalars())
        reserved_events = conn.execute(
            select(func.count())
            .select_from(orm.outbox)
            .where(orm.outbox.c.topic == "callcenter.CallbackReserved")
        ).scalar_one()
        log = conn.execute(
            select(orm.agent_state_log.c.agent_id, orm.agent_state_log.c.state).order_by(
                orm.agent_state_log.c.id
            )
        ).all()
    assert states == {CallbackState.ASSIGNED: TASKS}
    assert reserved_events == TASKS  # each reserved once: no double reservation was undone
    # Per agent, the state log alternates: never RESERVED again before being freed.
    previous: dict[str, AgentState] = {}
    for agent_id, state in log:
        assert not (state is AgentState.RESERVED and previous.get(agent_id) is AgentState.RESERVED)
        previous[agent_id] = state
    per_agent = Counter(agent for _, agent in accepted)
    assert len(per_agent) > 1
    app.engine.dispose()


# --- one open callback task per number -----------------------------------------------------

NUMBER = "+8613800138000"


def _agents(app, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    made = []
    for i in range(count):
        a = agents.create_agent(app.uow(), app.deps, AgentValues(f"users/desk{i}", f"前台{i}"))
        agents.login_agent(app.uow(), app.deps, a.id)
        made.append(a.id)
    return made


def _report(app, agent_id: str, call_id: str, type_: EventType, number: str = "") -> None:  # type: ignore[no-untyped-def]
    at = datetime.now(UTC)
    data = (
        CallEventData(call_id, type_, at, Direction.INBOUND, peer_number=number)
        if type_ is EventType.INCOMING
        else CallEventData(call_id, type_, at, end_cause=EndCause.CALLER_HANGUP)
    )
    calls.report_call_event(app.uow(), app.deps, agent_id, data)


def _tasks_and_creations(app) -> tuple[list[tuple[str, CallbackState, int]], int]:  # type: ignore[no-untyped-def]
    t = orm.callback_tasks
    with app.engine.connect() as conn:
        tasks = [
            (row.phone_number, row.state, row.missed_count)
            for row in conn.execute(select(t).order_by(t.c.phone_number))
        ]
        created = conn.execute(
            select(func.count())
            .select_from(orm.outbox)
            .where(orm.outbox.c.topic == "callcenter.CallbackTaskCreated")
        ).scalar_one()
    return tasks, created


def test_a_miss_racing_a_task_being_opened_for_its_number_joins_that_task(
    postgres_url: str,
) -> None:
    """The interleaving that made duplicates: a miss reads no open task for its number while
    another transaction is opening one. The database refuses the second task; the retry
    joins the first."""
    upgrade(MIGRATIONS, postgres_url)
    app = _app(postgres_url)
    [agent_id] = _agents(app, 1)
    _report(app, agent_id, "late", EventType.INCOMING, NUMBER)
    first = Call(id="f" * 32, call_id="first", agent_id=agent_id, created_at=T0)
    first.apply(
        CallEventData("first", EventType.INCOMING, T0, Direction.INBOUND, peer_number=NUMBER)
    )
    first.apply(CallEventData("first", EventType.ENDED, T0, end_cause=EndCause.NO_ANSWER))
    with app.uow() as opening:
        task = CallbackTask.for_missed_call(first, app.deps.policy, datetime.now(UTC))
        opening.callbacks.add(task)
        opening.session.flush()  # written, not committed: invisible to the other miss
        racer = threading.Thread(
            target=_report, args=(app, agent_id, "late", EventType.ENDED), daemon=True
        )
        racer.start()
        _wait_for_lock_wait(app)  # the racer's task insert waits on the unique index
        opening.commit()
    racer.join(timeout=30)
    assert not racer.is_alive()
    [joined] = callbacks.list_callbacks(app.uow(), {}, None, 10)
    assert joined.id == task.id and joined.missed_count == 2
    assert _tasks_and_creations(app) == ([(NUMBER, CallbackState.PENDING, 2)], 1)
    app.engine.dispose()


def _wait_for_lock_wait(app) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 30
    with app.engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            ).scalar_one()
            conn.rollback()  # a fresh snapshot of the activity view on each read
            if waiting:
                return
            time.sleep(0.01)
    raise AssertionError("the racing miss never waited on the open task")


ROUNDS = 8
CALLERS = 6


def test_simultaneous_misses_from_one_number_open_one_task(postgres_url: str) -> None:
    """Each round, several agents' calls from one new number end at the same moment: every
    miss is filed, and into one task."""
    upgrade(MIGRATIONS, postgres_url)
    app = _app(postgres_url)
    desks = _agents(app, CALLERS)
    barrier = threading.Barrier(CALLERS)
    failures: list[BaseException] = []

    def desk(i: int) -> None:
        try:
            for r in range(ROUNDS):
                number = f"+86138{r:08d}"
                _report(app, desks[i], f"r{r}-d{i}", EventType.INCOMING, number)
                barrier.wait(timeout=30)
                _report(app, desks[i], f"r{r}-d{i}", EventType.ENDED)
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=desk, args=(i,)) for i in range(CALLERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures, failures
    tasks, created = _tasks_and_creations(app)
    assert tasks == [(f"+86138{r:08d}", CallbackState.PENDING, CALLERS) for r in range(ROUNDS)]
    assert created == ROUNDS
    app.engine.dispose()
