"""Missed-call assignment with several processes on one PostgreSQL: every callback task is
reserved and accepted exactly once, and no agent ever holds two reservations."""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

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
from services.callcenter.service_layer import agents, callbacks
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


def _work(url: str) -> tuple[list[tuple[str, str]], int]:
    """One assigner process: reserve, accept as the reserved agent, repeat until the queue
    is empty. Returns what it accepted and how many races it lost."""
    app = _app(url)
    accepted: list[tuple[str, str]] = []
    lost = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            task = callbacks.reserve_next(app.uow(), app.deps)
        except (AlreadyExists, StaleEtag):
            lost += 1
            continue
        if task is None:
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


def test_several_processes_assign_every_task_exactly_once(postgres_url: str) -> None:
    upgrade(MIGRATIONS, postgres_url)
    _seed(postgres_url)
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        results = pool.map(_work, [postgres_url] * PROCESSES)

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
