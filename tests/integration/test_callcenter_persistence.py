"""Call-center use cases on a real database (SQLite and PostgreSQL): agents and their state
log, call events with retries and disorder, missed calls into callbacks, assignment and the
scans beat drives."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import insert, select

from services.callcenter.adapters import orm
from services.callcenter.bootstrap import MIGRATIONS, CallCenterApp
from services.callcenter.domain.model import (
    AgentAlert,
    AgentState,
    AgentStatus,
    CallbackState,
    CallbackTask,
    CallEventData,
    CallRecording,
    CallResult,
    Direction,
    EndCause,
    EventType,
)
from services.callcenter.service_layer import agents, callbacks, calls, notices
from services.callcenter.service_layer.agents import AgentValues
from services.common.db import make_engine
from services.common.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    PermissionDenied,
)
from services.common.migrations import alembic_config
from tests.customer_fixtures import Clock

NUMBER = "+8613800138000"


def topics(app: CallCenterApp) -> list[str]:
    with app.engine.connect() as conn:
        return list(conn.execute(select(orm.outbox.c.topic).order_by(orm.outbox.c.seq)).scalars())


def payloads(app: CallCenterApp, topic: str) -> list[dict[str, object]]:
    with app.engine.connect() as conn:
        rows = conn.execute(select(orm.outbox.c.payload).where(orm.outbox.c.topic == topic))
        return [json.loads(p) for p in rows.scalars()]


def new_agent(app: CallCenterApp, user: str, **kw: object) -> str:
    a = agents.create_agent(app.uow(), app.deps, AgentValues(f"users/{user}", user, **kw))  # type: ignore[arg-type]
    agents.login_agent(app.uow(), app.deps, a.id)
    return a.id


def event(
    app: CallCenterApp,
    agent_id: str,
    call_id: str,
    type_: EventType,
    seconds_after: float = 0,
    **kw: object,
) -> tuple[object, bool]:
    at = app.deps.clock() + timedelta(seconds=seconds_after)
    data = CallEventData(call_id, type_, at, **kw)  # type: ignore[arg-type]
    return calls.report_call_event(app.uow(), app.deps, agent_id, data)


def miss(app: CallCenterApp, agent_id: str, call_id: str, number: str = NUMBER) -> None:
    event(
        app, agent_id, call_id, EventType.INCOMING, direction=Direction.INBOUND, peer_number=number
    )
    event(app, agent_id, call_id, EventType.ENDED, 20, end_cause=EndCause.CALLER_HANGUP)


def test_agent_lifecycle_is_logged(callcenter_app: CallCenterApp, clock: Clock) -> None:
    app = callcenter_app
    values = AgentValues("users/wang.wu", "王五", extension="8001", skills=["billing"])
    a = agents.create_agent(app.uow(), app.deps, values, request_id="r1")
    again = agents.create_agent(app.uow(), app.deps, values, request_id="r1")
    assert again.id == a.id
    with pytest.raises(PermissionDenied):
        agents.login_agent(app.uow(), app.deps, a.id, actor="users/li.si")
    agents.login_agent(app.uow(), app.deps, a.id, actor="users/wang.wu")
    clock.advance(minutes=5)
    agents.set_agent_status(app.uow(), app.deps, a.id, AgentStatus.ON_BREAK, "lunch")
    log = agents.state_log(app.uow(), a.id)
    assert [(c.status, c.state, c.reason) for c in log] == [
        (AgentStatus.AVAILABLE, AgentState.IDLE, "login"),
        (AgentStatus.ON_BREAK, AgentState.IDLE, "lunch"),
    ]
    assert log[1].at - log[0].at == timedelta(minutes=5)
    assert topics(app).count("callcenter.AgentStateChanged") == 2


def test_call_events_are_idempotent_and_drive_the_agent(callcenter_app: CallCenterApp) -> None:
    app = callcenter_app
    aid = new_agent(app, "wang.wu")
    inbound = {"direction": Direction.INBOUND, "peer_number": NUMBER}
    call, dup = event(app, aid, "c1", EventType.INCOMING, **inbound)
    assert not dup
    _, dup = event(app, aid, "c1", EventType.INCOMING, **inbound)
    assert dup
    event(app, aid, "c1", EventType.ANSWERED, 8)
    assert agents.get_agent(app.uow(), aid).state is AgentState.ON_CALL
    event(app, aid, "c1", EventType.ENDED, 68)
    c = calls.get_call(app.uow(), call.id)  # type: ignore[attr-defined]
    assert (c.result, c.ring_seconds, c.talk_seconds) == (CallResult.ANSWERED, 8, 60)
    assert agents.get_agent(app.uow(), aid).state is AgentState.WRAP_UP
    calls.wrap_up_call(app.uow(), app.deps, c.id, "sale", "想要报价", True, True, c.sales_result)
    assert agents.get_agent(app.uow(), aid).state is AgentState.IDLE
    found = calls.list_calls(app.uow(), {"no_order": True, "parked_for_follow_up": True}, None, 10)
    assert [x.id for x in found] == [c.id]
    assert "callcenter.CallMissed" not in topics(app)


def test_missed_calls_group_and_a_late_answer_cancels(callcenter_app: CallCenterApp) -> None:
    app = callcenter_app
    aid = new_agent(app, "wang.wu")
    miss(app, aid, "m1")
    miss(app, aid, "m2")
    miss(app, aid, "m3", "+8613900139000")
    tasks = callbacks.list_callbacks(app.uow(), {}, None, 10)
    by_number = {t.phone_number: t for t in tasks}
    assert by_number[NUMBER].missed_count == 2 and by_number["+8613900139000"].missed_count == 1
    assert topics(app).count("callcenter.CallMissed") == 3
    assert topics(app).count("callcenter.CallbackTaskCreated") == 2
    # m3's ANSWERED arrives after its ENDED: the call was not missed after all.
    event(app, aid, "m3", EventType.ANSWERED, 5)
    t = callbacks.get_callback(app.uow(), by_number["+8613900139000"].id)
    assert t.state is CallbackState.CANCELED


def test_assignment_accept_reject_timeout_and_complete(
    callcenter_app: CallCenterApp, clock: Clock
) -> None:
    app = callcenter_app
    receiver = new_agent(app, "front.desk")
    miss(app, receiver, "m1")
    first = new_agent(app, "li.si")
    clock.advance(seconds=10)
    second = new_agent(app, "zhao.liu")
    # front.desk has been idle longest (its call ended at the earliest).
    agents.set_agent_status(app.uow(), app.deps, receiver, AgentStatus.ON_BREAK, "meeting")
    task = callbacks.reserve_next(app.uow(), app.deps)
    assert task is not None and task.agent_id == first
    assert agents.get_agent(app.uow(), first).state is AgentState.RESERVED
    assert callbacks.reserve_next(app.uow(), app.deps) is None  # nothing else pending
    callbacks.reject_callback(app.uow(), app.deps, task.id, first)
    task = callbacks.reserve_next(app.uow(), app.deps)
    assert task is not None and task.agent_id == second  # li.si rejected it
    clock.advance(seconds=31)
    assert callbacks.lapse_reservations(app.uow(), app.deps) == 1
    assert agents.get_agent(app.uow(), second).state is AgentState.IDLE
    task = callbacks.reserve_next(app.uow(), app.deps)
    assert task is not None
    holder = task.agent_id
    assert holder is not None
    with pytest.raises(FailedPrecondition):
        callbacks.complete_callback(app.uow(), app.deps, task.id, holder, "reached")
    callbacks.accept_callback(app.uow(), app.deps, task.id, holder)
    done = callbacks.complete_callback(app.uow(), app.deps, task.id, holder, "reached")
    assert done.state is CallbackState.COMPLETED
    assert topics(app).count("callcenter.CallbackReserved") == 3
    assert payloads(app, "callcenter.CallbackCompleted")[0]["result"] == "reached"


def test_outbound_call_that_connects_closes_the_callback(callcenter_app: CallCenterApp) -> None:
    app = callcenter_app
    aid = new_agent(app, "wang.wu")
    miss(app, aid, "m1")
    outbound, _ = event(app, aid, "o1", EventType.OUTBOUND_DIAL, 30, peer_number=NUMBER)
    event(app, aid, "o1", EventType.ANSWERED, 40)
    [task] = callbacks.list_callbacks(app.uow(), {}, None, 10)
    assert task.state is CallbackState.COMPLETED and task.result == "reached_by_outbound_call"
    assert task.callback_call_id == outbound.id  # type: ignore[attr-defined]
    assert callbacks.get_callback(app.uow(), task.id).callback_call_id == outbound.id  # type: ignore[attr-defined]


def test_completing_by_hand_keeps_the_named_callback_call(callcenter_app: CallCenterApp) -> None:
    app = callcenter_app
    receiver = new_agent(app, "front.desk")
    miss(app, receiver, "m1")
    task = callbacks.reserve_next(app.uow(), app.deps)
    assert task is not None and task.agent_id == receiver
    callbacks.accept_callback(app.uow(), app.deps, task.id, receiver)
    # The callback went out, rang and was not answered: the agent completes by hand.
    tried, _ = event(app, receiver, "o1", EventType.OUTBOUND_DIAL, 30, peer_number=NUMBER)
    event(app, receiver, "o1", EventType.ENDED, 60, end_cause=EndCause.NO_ANSWER)
    other, _ = event(app, receiver, "o2", EventType.OUTBOUND_DIAL, 70, peer_number="+8613900139000")
    for wrong in (other.id, "f" * 32):  # type: ignore[attr-defined]
        with pytest.raises(InvalidArgument) as caught:
            callbacks.complete_callback(
                app.uow(), app.deps, task.id, receiver, "no_answer", None, wrong
            )
        assert caught.value.violations[0].field == "call"
    done = callbacks.complete_callback(
        app.uow(),
        app.deps,
        task.id,
        receiver,
        "no_answer",
        None,
        tried.id,  # type: ignore[attr-defined]
    )
    assert done.callback_call_id == tried.id  # type: ignore[attr-defined]
    [listed] = callbacks.list_callbacks(app.uow(), {}, None, 10)
    assert (listed.state, listed.callback_call_id) == (CallbackState.COMPLETED, tried.id)  # type: ignore[attr-defined]


def test_a_number_has_at_most_one_open_task(callcenter_app: CallCenterApp, clock: Clock) -> None:
    app = callcenter_app
    aid = new_agent(app, "wang.wu")
    miss(app, aid, "m1")
    clock.advance(minutes=50)  # beyond the 30-minute window: still the same open task
    miss(app, aid, "m2")
    [task] = callbacks.list_callbacks(app.uow(), {}, None, 10)
    # m2 gets the time to live it would have had with a task of its own.
    m2_ended = clock() + timedelta(seconds=20)
    assert task.missed_count == 2 and task.expires_at == m2_ended + app.deps.policy.ttl
    # The database itself refuses a second open task for the number.
    with app.uow() as uow:
        [m1] = calls.list_calls(app.uow(), {"call_id": "m1"}, None, 1)
        uow.callbacks.add(CallbackTask.for_missed_call(m1, app.deps.policy, clock()))
        with pytest.raises(AlreadyExists):
            uow.commit()
    # Once the task is closed, the next miss opens a new one.
    clock.advance(seconds=20 + app.deps.policy.ttl.total_seconds())
    assert callbacks.expire_callbacks(app.uow(), app.deps)[1] == 1
    miss(app, aid, "m3")
    states = sorted(t.state.name for t in callbacks.list_callbacks(app.uow(), {}, None, 10))
    assert states == ["EXPIRED", "PENDING"]


def test_a_call_names_its_recording_once_there_is_one(callcenter_app: CallCenterApp) -> None:
    app = callcenter_app
    aid = new_agent(app, "wang.wu")
    call, _ = event(
        app, aid, "c1", EventType.INCOMING, direction=Direction.INBOUND, peer_number=NUMBER
    )
    event(app, aid, "c1", EventType.ANSWERED, 3)
    ended, _ = event(app, aid, "c1", EventType.ENDED, 60)
    assert not ended.has_recording  # type: ignore[attr-defined]
    cid = call.id  # type: ignore[attr-defined]
    assert calls.get_call(app.uow(), cid).recording_name == ""
    with app.uow() as uow:
        uow.recordings.add(
            CallRecording(
                cid,
                f"recordings/{cid}",
                "audio/wav",
                10,
                "0" * 64,
                "users/wang.wu",
                app.deps.clock(),
            )
        )
        uow.commit()
    assert calls.get_call(app.uow(), cid).recording_name == f"calls/{cid}/recording"
    [listed] = calls.list_calls(app.uow(), {}, None, 10)
    assert listed.has_recording


def test_scans_late_expire_and_watchdog(callcenter_app: CallCenterApp, clock: Clock) -> None:
    app = callcenter_app
    aid = new_agent(app, "wang.wu")
    miss(app, aid, "m1")
    event(app, aid, "hung", EventType.INCOMING, 60, direction=Direction.INBOUND, peer_number=NUMBER)
    clock.advance(minutes=31)
    assert callbacks.expire_callbacks(app.uow(), app.deps) == (1, 0)
    assert callbacks.expire_callbacks(app.uow(), app.deps) == (0, 0)
    clock.advance(hours=24)
    assert callbacks.expire_callbacks(app.uow(), app.deps) == (0, 1)
    [task] = callbacks.list_callbacks(app.uow(), {}, None, 10)
    assert task.state is CallbackState.EXPIRED and task.close_reason.startswith("ttl")
    # Written in the expiring transaction, with the names the alerts service reads.
    assert payloads(app, "callcenter.CallbackExpired") == [
        {
            "callback": task.resource_name,
            "phone_number": NUMBER,
            "agent": "",
            "reason": task.close_reason,
            "at": clock().isoformat(),
        }
    ]
    assert "callcenter.CallbackLate" in topics(app)
    assert agents.get_agent(app.uow(), aid).state is AgentState.RINGING
    assert calls.close_stale_calls(app.uow(), app.deps) == 1
    assert agents.get_agent(app.uow(), aid).state is AgentState.IDLE
    [hung] = calls.list_calls(app.uow(), {"result": CallResult.FAILED}, None, 10)
    assert hung.call_id == "hung"


def test_alerts_number_per_agent_and_old_notices_are_pruned(
    callcenter_app: CallCenterApp, clock: Clock
) -> None:
    app = callcenter_app
    wang, li = new_agent(app, "wang.wu"), new_agent(app, "li.si")

    def push(event_id: str, user: str, alert: str) -> object:
        return notices.push_alert(
            app.uow(), app.deps, event_id, f"users/{user}", AgentAlert(f"alerts/{alert}")
        )

    assert push("e1", "wang.wu", "1") is not None
    assert push("e1", "wang.wu", "1") is None  # the same event again: handled once
    push("e2", "li.si", "2")
    clock.advance(days=3)
    push("e3", "wang.wu", "3")
    assert push("e4", "finance.zhao", "4") is None  # not an agent
    with app.uow() as uow:
        assert [(n.sequence, n.subject) for n in uow.notices.after(wang, 0)] == [
            (1, "alerts/1"),
            (2, "alerts/3"),
        ]
        assert [n.sequence for n in uow.notices.after(li, 0)] == [1]  # its own sequence
    clock.advance(days=6)  # alerts/1 and alerts/2 are past the retention, alerts/3 not
    assert notices.prune_notices(app.uow(), app.deps) == 1  # li.si keeps its last one
    clock.advance(days=30)
    assert notices.prune_notices(app.uow(), app.deps) == 0  # each agent's last stays
    push("e5", "li.si", "5")
    with app.uow() as uow:
        assert [n.sequence for n in uow.notices.after(wang, 0)] == [2]
        assert [n.sequence for n in uow.notices.after(li, 0)] == [1, 2]  # goes on from there


def test_one_commit_reserves_several_tasks_each_for_another_agent(
    callcenter_app: CallCenterApp, clock: Clock
) -> None:
    app = callcenter_app
    receiver = new_agent(app, "front.desk")
    for i in range(4):
        miss(app, receiver, f"m{i}", f"+86139001390{i:02d}")
        clock.advance(seconds=30)
    agents.set_agent_status(app.uow(), app.deps, receiver, AgentStatus.ON_BREAK, "meeting")
    free = {new_agent(app, "li.si"), new_agent(app, "zhao.liu")}
    batch = callbacks.reserve_batch(app.uow(), app.deps)
    # Queue order: the two oldest misses, one per free agent; the rest wait for an agent.
    assert [t.phone_number for t in batch] == ["+8613900139000", "+8613900139001"]
    assert {t.agent_id for t in batch} == free
    states = {t.phone_number: t.state for t in callbacks.list_callbacks(app.uow(), {}, None, 10)}
    assert list(states.values()).count(CallbackState.RESERVED) == 2
    assert states["+8613900139003"] is CallbackState.PENDING
    assert topics(app).count("callcenter.CallbackReserved") == 2
    assert callbacks.reserve_batch(app.uow(), app.deps) == []  # nobody free now


def test_migration_merges_open_tasks_made_twice_for_one_number(
    callcenter_database_url: str,
) -> None:
    """Before 0004 nothing refused a second open task for a number: the upgrade keeps the one
    an agent holds, gives it the other's calls and cancels the other."""
    config = alembic_config(MIGRATIONS, callcenter_database_url)
    command.upgrade(config, "0003")
    engine = make_engine(callcenter_database_url)
    at = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    base = {
        "phone_number": NUMBER,
        "skill": "",
        "priority_seconds": 0,
        "rejected_by": [],
        "result": "",
        "close_reason": "",
        "late_notified": False,
        "version": 1,
        "first_missed_at": at,
        "last_missed_at": at,
        "due_at": at,
        "expires_at": at,
        "rank_at": at,
        "created_at": at,
    }
    with engine.begin() as conn:
        conn.execute(
            insert(orm.callback_tasks),
            [
                {
                    **base,
                    "id": "a" * 32,
                    "state": "PENDING",
                    "call_ids": ["1" * 32],
                    "missed_count": 1,
                },
                {
                    **base,
                    "id": "b" * 32,
                    "state": "ASSIGNED",
                    "agent_id": "c" * 32,
                    "call_ids": ["2" * 32],
                    "missed_count": 1,
                },
                {
                    **base,
                    "id": "d" * 32,
                    "state": "COMPLETED",
                    "call_ids": ["3" * 32],
                    "missed_count": 1,
                },
            ],
        )
    command.upgrade(config, "head")
    t = orm.callback_tasks
    with engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(select(t))}
    kept = rows["b" * 32]
    assert (kept.state, kept.call_ids) == (CallbackState.ASSIGNED, ["2" * 32, "1" * 32])
    assert kept.missed_count == 2
    merged = rows["a" * 32]
    assert merged.state is CallbackState.CANCELED and "b" * 32 in merged.close_reason
    assert rows["d" * 32].state is CallbackState.COMPLETED  # closed tasks are left alone
    engine.dispose()
