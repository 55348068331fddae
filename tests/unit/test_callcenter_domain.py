"""Call-center domain rules: agent status and state, call events in any order, missed-call
grouping, reservation outcomes and the choice of agent."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from services.callcenter.domain import events
from services.callcenter.domain.model import (
    Agent,
    AgentState,
    AgentStatus,
    Call,
    CallbackPolicy,
    CallbackState,
    CallbackTask,
    CallEventData,
    CallResult,
    Direction,
    EndCause,
    EventType,
    choose_agent,
)
from services.callcenter.domain.phones import peer_number
from services.common.errors import FailedPrecondition, InvalidArgument

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
NUMBER = "+8613800138000"


def agent(id_: str = "a" * 32, **kw: object) -> Agent:
    a = Agent(id=id_, user=f"users/{id_[:8]}", display_name="王五", created_at=T0, **kw)  # type: ignore[arg-type]
    a.state_since = T0
    return a


def ev(type_: EventType, seconds: int, **kw: object) -> CallEventData:
    return CallEventData("c1", type_, T0 + timedelta(seconds=seconds), **kw)  # type: ignore[arg-type]


def new_call() -> Call:
    return Call(id="1" * 32, call_id="c1", agent_id="a" * 32, created_at=T0)


# --- agents -----------------------------------------------------------------------------------


def test_login_break_and_logout_are_logged_with_times() -> None:
    a = agent()
    a.login(T0)
    assert (a.status, a.state) == (AgentStatus.AVAILABLE, AgentState.IDLE)
    a.login(T0)  # a retry changes nothing
    a.set_status(AgentStatus.ON_BREAK, "lunch", T0 + timedelta(minutes=1))
    assert a.break_reason == "lunch" and not a.ready
    a.set_status(AgentStatus.AVAILABLE, "", T0 + timedelta(minutes=2))
    assert a.ready and a.break_reason == ""
    a.set_status(AgentStatus.LOGGED_OUT, "", T0 + timedelta(minutes=3))
    assert [(c.status, c.reason) for c in a.changes] == [
        (AgentStatus.AVAILABLE, "login"),
        (AgentStatus.ON_BREAK, "lunch"),
        (AgentStatus.AVAILABLE, "available"),
        (AgentStatus.LOGGED_OUT, "logged_out"),
    ]
    assert [c.at for c in a.changes] == [T0 + timedelta(minutes=m) for m in range(4)]
    assert all(isinstance(e, events.AgentStateChanged) for e in a.events)


def test_break_needs_a_reason_and_a_login() -> None:
    a = agent()
    with pytest.raises(FailedPrecondition):
        a.set_status(AgentStatus.ON_BREAK, "lunch", T0)
    a.login(T0)
    with pytest.raises(InvalidArgument) as caught:
        a.set_status(AgentStatus.ON_BREAK, "", T0)
    assert caught.value.violations[0].field == "break_reason"


def test_no_logout_during_a_call() -> None:
    a = agent()
    a.login(T0)
    a.set_state(AgentState.ON_CALL, T0, "call_answered")
    with pytest.raises(FailedPrecondition):
        a.set_status(AgentStatus.LOGGED_OUT, "", T0)


# --- calls ------------------------------------------------------------------------------------


ANSWERED_CALL = [
    ev(EventType.INCOMING, 0, direction=Direction.INBOUND, peer_number=NUMBER),
    ev(EventType.RINGING, 1, direction=Direction.INBOUND, peer_number=NUMBER),
    ev(EventType.ANSWERED, 9),
    ev(EventType.HOLD, 30),
    ev(EventType.RESUME, 40),
    ev(EventType.ENDED, 129, end_cause=EndCause.CALLER_HANGUP),
]


def _fields(c: Call) -> tuple[object, ...]:
    return (
        c.direction,
        c.peer_number,
        c.offered_at,
        c.answered_at,
        c.ended_at,
        c.result,
        c.ring_seconds,
        c.talk_seconds,
        c.end_cause,
    )


def test_an_answered_call_has_ring_and_talk_times() -> None:
    c = new_call()
    for e in ANSWERED_CALL:
        c.apply(e)
    assert (c.result, c.ring_seconds, c.talk_seconds) == (CallResult.ANSWERED, 9, 120)
    assert c.agent_state() is AgentState.WRAP_UP


@pytest.mark.parametrize("order", list(itertools.permutations(range(4))))
def test_any_order_of_events_converges(order: tuple[int, ...]) -> None:
    reference = new_call()
    for e in ANSWERED_CALL:
        reference.apply(e)
    c = new_call()
    for i in order:
        c.apply([ANSWERED_CALL[0], ANSWERED_CALL[2], ANSWERED_CALL[5], ANSWERED_CALL[1]][i])
    assert _fields(c) == _fields(reference)


def test_ended_before_answered_is_missed_then_answered() -> None:
    c = new_call()
    c.apply(ev(EventType.INCOMING, 0, direction=Direction.INBOUND, peer_number=NUMBER))
    c.apply(ev(EventType.ENDED, 60, end_cause=EndCause.CALLER_HANGUP))
    assert c.missed
    c.apply(ev(EventType.ANSWERED, 5))
    assert not c.missed and c.result is CallResult.ANSWERED and c.talk_seconds == 55


def test_outbound_results() -> None:
    c = new_call()
    c.apply(ev(EventType.OUTBOUND_DIAL, 0, peer_number=NUMBER))
    c.apply(ev(EventType.ENDED, 20, end_cause=EndCause.BUSY))
    assert c.direction is Direction.OUTBOUND and c.result is CallResult.BUSY and not c.missed


def test_watchdog_closes_a_call_as_failed() -> None:
    c = new_call()
    c.apply(ev(EventType.INCOMING, 0, direction=Direction.INBOUND, peer_number=NUMBER))
    c.close_by_watchdog(T0 + timedelta(hours=5))
    assert c.result is CallResult.FAILED and c.ended_at is not None


@pytest.mark.parametrize(
    ("uri", "number"),
    [
        ("sip:13800138000@127.0.0.1:5082", NUMBER),
        ("138 0013 8000", NUMBER),
        ("+86 10 1234 5678", "+861012345678"),
        ("sip:alice@127.0.0.1", "sip:alice@127.0.0.1"),
    ],
)
def test_peer_numbers_become_e164(uri: str, number: str) -> None:
    assert peer_number(uri) == number


# --- callbacks --------------------------------------------------------------------------------


POLICY = CallbackPolicy(
    group_window=timedelta(minutes=30),
    due_after=timedelta(minutes=10),
    ttl=timedelta(hours=1),
    reservation_hold=timedelta(seconds=30),
    priority_seconds=60,
)


def missed_call(id_: str, minutes: int, number: str = NUMBER) -> Call:
    c = Call(id=id_ * 32, call_id=id_, agent_id="a" * 32, created_at=T0)
    at = minutes * 60
    c.apply(
        CallEventData(
            id_,
            EventType.INCOMING,
            T0 + timedelta(seconds=at),
            Direction.INBOUND,
            peer_number=number,
        )
    )
    c.apply(
        CallEventData(
            id_, EventType.ENDED, T0 + timedelta(seconds=at + 20), end_cause=EndCause.CALLER_HANGUP
        )
    )
    return c


def test_missed_calls_from_one_number_within_the_window_join_one_task() -> None:
    first = missed_call("1", 0)
    task = CallbackTask.for_missed_call(first, POLICY, T0)
    assert task.rank_at == first.ended_at - timedelta(seconds=60)  # type: ignore[operator]
    second, other = missed_call("2", 20), missed_call("4", 5, "+8613900139000")
    assert task.takes(second)
    task.join(second, POLICY, T0)
    task.join(second, POLICY, T0)  # joining twice counts once
    assert task.missed_count == 2
    assert task.expires_at == first.ended_at + POLICY.ttl  # type: ignore[operator]
    assert not task.takes(other)


def test_a_miss_after_the_window_joins_the_open_task_with_its_own_time_to_live() -> None:
    first = missed_call("1", 0)
    task = CallbackTask.for_missed_call(first, POLICY, T0)
    late = missed_call("3", 50)  # 50 minutes on: beyond the 30-minute window
    assert task.takes(late)  # a number has one open task: one agent calls it back
    task.join(late, POLICY, T0)
    assert task.missed_count == 2
    assert task.expires_at == late.ended_at + POLICY.ttl  # type: ignore[operator]
    assert task.due_at == first.ended_at + POLICY.due_after  # type: ignore[operator]
    task.complete(None, "reached", T0)
    assert not task.takes(missed_call("5", 55))  # a closed task takes no more calls


def _reserved() -> CallbackTask:
    task = CallbackTask.for_missed_call(missed_call("1", 0), POLICY, T0)
    task.reserve("b" * 32, POLICY.reservation_hold, T0)
    return task


def test_reservation_accepted_then_completed() -> None:
    task = _reserved()
    with pytest.raises(FailedPrecondition):
        task.accept("c" * 32, T0)  # not the reserved agent
    task.accept("b" * 32, T0)
    assert task.state is CallbackState.ASSIGNED
    task.complete("b" * 32, "reached", T0)
    assert task.state is CallbackState.COMPLETED and task.result == "reached"
    assert any(isinstance(e, events.CallbackCompleted) for e in task.events)


def test_reservation_rejected_or_timed_out_goes_back_to_pending() -> None:
    task = _reserved()
    task.reject("b" * 32, T0)
    assert (task.state, task.agent_id, task.rejected_by) == (
        CallbackState.PENDING,
        None,
        ["b" * 32],
    )
    task.reserve("c" * 32, POLICY.reservation_hold, T0)
    assert not task.lapse(T0 + timedelta(seconds=29))
    assert task.lapse(T0 + timedelta(seconds=30))
    assert task.state is CallbackState.PENDING and task.rejected_by == ["b" * 32, "c" * 32]


def test_reservation_canceled_when_the_missed_call_turns_out_answered() -> None:
    task = _reserved()
    task.drop_call("1" * 32, T0)
    assert task.state is CallbackState.CANCELED and task.missed_count == 0


def test_late_then_expired() -> None:
    task = CallbackTask.for_missed_call(missed_call("1", 0), POLICY, T0)
    assert not task.mark_late(T0 + timedelta(minutes=5))
    assert task.mark_late(T0 + timedelta(minutes=11))
    assert not task.mark_late(T0 + timedelta(minutes=12))  # reported once
    assert task.expire(T0 + timedelta(hours=2))
    assert task.state is CallbackState.EXPIRED and "ttl" in task.close_reason
    [expired] = [e for e in task.events if isinstance(e, events.CallbackExpired)]
    assert expired.payload() == {
        "callback": task.resource_name,
        "phone_number": NUMBER,
        "agent": "",
        "reason": task.close_reason,
        "at": (T0 + timedelta(hours=2)).isoformat(),
    }
    assert not task.expire(T0 + timedelta(hours=3))  # expires once


def test_expiry_names_the_holder_or_the_last_agent_whose_reservation_lapsed() -> None:
    held = _reserved()
    held.expire(T0 + timedelta(days=2))
    assert [e.agent for e in held.events if isinstance(e, events.CallbackExpired)] == [
        "agents/" + "b" * 32
    ]
    lapsed = _reserved()
    assert lapsed.lapse(T0 + timedelta(minutes=1))
    lapsed.expire(T0 + timedelta(days=2))
    assert [e.agent for e in lapsed.events if isinstance(e, events.CallbackExpired)] == [
        "agents/" + "b" * 32
    ]


def outbound_call(id_: str, number: str = NUMBER) -> Call:
    c = Call(id=id_ * 32, call_id=id_, agent_id="d" * 32, created_at=T0)
    c.apply(CallEventData(id_, EventType.OUTBOUND_DIAL, T0, peer_number=number))
    c.apply(CallEventData(id_, EventType.ANSWERED, T0 + timedelta(seconds=5)))
    return c


def test_an_outbound_call_closes_the_task_and_is_its_callback_call() -> None:
    task = CallbackTask.for_missed_call(missed_call("1", 0), POLICY, T0)
    task.close_by_outbound("d" * 32, outbound_call("o"), T0)
    assert task.state is CallbackState.COMPLETED and task.agent_id == "d" * 32
    assert task.callback_call_id == "o" * 32


def test_completing_by_hand_may_name_the_callback_call_to_the_number() -> None:
    task = _reserved()
    task.accept("b" * 32, T0)
    for wrong in (outbound_call("x", "+8613900139000"), missed_call("2", 1)):
        with pytest.raises(InvalidArgument) as caught:
            task.complete("b" * 32, "reached", T0, wrong)
        assert caught.value.violations[0].field == "call"
    assert task.state is CallbackState.ASSIGNED and task.callback_call_id is None
    task.complete("b" * 32, "reached", T0, outbound_call("o"))
    assert task.state is CallbackState.COMPLETED and task.callback_call_id == "o" * 32


def test_a_call_shows_whether_it_has_a_recording() -> None:
    call = missed_call("1", 0)
    assert call.recording_name == ""
    call.has_recording = True
    assert call.recording_name == f"calls/{'1' * 32}/recording"


def test_choice_prefers_the_owner_then_the_longest_idle() -> None:
    owner, early, late = agent("o" * 32), agent("e" * 32), agent("l" * 32)
    for a in (owner, early, late):
        a.login(T0)
    owner.owned_customers = ["c" * 32]
    early.state_since, late.state_since, owner.state_since = (
        T0 - timedelta(minutes=9),
        T0 - timedelta(minutes=1),
        T0,
    )
    task = CallbackTask.for_missed_call(missed_call("1", 0), POLICY, T0)
    assert choose_agent(task, [late, early, owner]) is early
    task.customer_id = "c" * 32
    assert choose_agent(task, [late, early, owner]) is owner
    owner.set_status(AgentStatus.ON_BREAK, "lunch", T0)
    assert choose_agent(task, [late, early, owner]) is early
    task.skill = "billing"
    late.skills = ["billing"]
    assert choose_agent(task, [late, early, owner]) is late
    task.rejected_by = ["l" * 32]
    assert choose_agent(task, [late, early]) is late  # nobody else has the skill
    late.set_state(AgentState.ON_CALL, T0, "call")
    assert choose_agent(task, [late, early]) is None


def test_the_agent_follows_its_newest_call_whatever_the_phone_clock() -> None:
    a = agent()
    server_now = T0 + timedelta(hours=1)  # the phone's clock is an hour behind
    a.login(server_now)
    first, second = new_call(), Call(id="2" * 32, call_id="c2", agent_id=a.id, created_at=T0)
    ring = ev(EventType.RINGING, 0, direction=Direction.INBOUND, peer_number=NUMBER)
    first.apply(ring)
    a.follow_call(first, ring, server_now)
    assert a.state is AgentState.RINGING and a.state_since == server_now
    end = ev(EventType.ENDED, 10, end_cause=EndCause.NO_ANSWER)
    first.apply(end)
    a.follow_call(first, end, server_now)
    assert a.state is AgentState.IDLE
    ring2 = CallEventData("c2", EventType.RINGING, T0 + timedelta(seconds=20), Direction.INBOUND)
    second.apply(ring2)
    a.follow_call(second, ring2, server_now)
    assert a.state is AgentState.RINGING
    # The first call's late ANSWERED belongs to an older call: the agent stays on the second.
    late = ev(EventType.ANSWERED, 5)
    first.apply(late)
    a.follow_call(first, late, server_now)
    assert a.state is AgentState.RINGING and a.current_call == "c2"
    # Hold does not change the phase.
    answer2 = CallEventData("c2", EventType.ANSWERED, T0 + timedelta(seconds=25))
    second.apply(answer2)
    a.follow_call(second, answer2, server_now)
    hold = CallEventData("c2", EventType.HOLD, T0 + timedelta(seconds=30))
    a.follow_call(second, hold, server_now)
    assert a.state is AgentState.ON_CALL


def test_a_reservation_yields_only_to_a_ringing_call() -> None:
    a = agent()
    a.login(T0)
    a.set_state(AgentState.RESERVED, T0, "callback_reserved")
    c = new_call()
    end = ev(EventType.ENDED, 0)
    c.apply(end)
    a.follow_call(c, end, T0)
    assert a.state is AgentState.RESERVED
