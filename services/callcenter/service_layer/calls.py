"""Call use cases: softphone events into call records, missed calls into callbacks,
after-call work, and the watchdog for calls that never ended."""

from __future__ import annotations

from typing import Any

from services.callcenter.adapters.uow import CallCenterUnitOfWork
from services.callcenter.domain import events, model
from services.callcenter.service_layer.agents import check_actor, release_agent
from services.callcenter.service_layer.deps import Deps
from services.common.errors import AlreadyExists, FailedPrecondition, StaleEtag


def _counts_as_missed(call: model.Call) -> bool:
    return call.missed and bool(call.peer_number)


# A busy center changes agents often (reservations, accepts): a phone event that loses
# the race a few times in a row is still applied rather than refused as ABORTED.
CONFLICT_ATTEMPTS = 5


def report_call_event(
    uow: CallCenterUnitOfWork,
    deps: Deps,
    agent_id: str,
    data: model.CallEventData,
    customer_id: str | None = None,
    actor: str | None = None,
) -> tuple[model.Call, bool]:
    """Applies one event; returns the call and whether the event was a repeat. Repeats change
    nothing; events in any order converge on the same record. The phone cannot read and
    retry like a person, so conflicts are read again here: an agent changed concurrently (a
    reservation), the same event reported twice at once (the retry sees it as a repeat), or
    a callback task opened for the number by a concurrent miss (the retry joins it)."""
    for attempt in range(1, CONFLICT_ATTEMPTS + 1):
        try:
            return _report_call_event(uow, deps, agent_id, data, customer_id, actor)
        except (StaleEtag, AlreadyExists):
            if attempt == CONFLICT_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def _report_call_event(
    uow: CallCenterUnitOfWork,
    deps: Deps,
    agent_id: str,
    data: model.CallEventData,
    customer_id: str | None,
    actor: str | None,
) -> tuple[model.Call, bool]:
    with uow:
        agent = uow.agents.get(agent_id, for_update=True)
        check_actor(agent, actor)
        call = uow.calls.by_call_id(data.call_id)
        if call is not None and call.agent_id != agent_id:
            raise FailedPrecondition(
                f"call {data.call_id} belongs to agents/{call.agent_id}",
                reason="CALL_OF_ANOTHER_AGENT",
            )
        if call is not None and uow.calls.seen(data.call_id, data.type):
            return call, True
        now = deps.clock()
        if call is None:
            call = model.Call(
                id=model.new_id(), call_id=data.call_id, agent_id=agent_id, created_at=now
            )
            uow.calls.add(call)
        missed_before = _counts_as_missed(call)
        call.apply(data)
        call.updated_at = now
        if customer_id and not call.customer_id:
            call.customer_id = customer_id
        uow.calls.remember(data.call_id, data.type, data.at, now)
        agent.follow_call(call, data, now)
        missed_now = _counts_as_missed(call)
        if missed_now and not missed_before:
            _file_missed_call(uow, deps, call, now)
        elif missed_before and not missed_now:
            for task in uow.callbacks.holding_call(call):
                task.drop_call(call.id, now)
                _free_reserved_agent(uow, task, now)
        if (
            call.direction is model.Direction.OUTBOUND
            and call.answered_at is not None
            and call.peer_number
        ):
            for task in uow.callbacks.open_for_number(call.peer_number):
                reserved_for = task.agent_id if task.state is model.CallbackState.RESERVED else None
                task.close_by_outbound(agent_id, call, now)
                if reserved_for and reserved_for != agent_id:
                    release_agent(uow, reserved_for, now, "callback_done_by_other")
        uow.commit()
    return call, False


def _file_missed_call(uow: CallCenterUnitOfWork, deps: Deps, call: model.Call, now: Any) -> None:
    call.events.append(
        events.CallMissed(
            call.resource_name,
            f"agents/{call.agent_id}",
            call.peer_number,
            call.ended_at or now,
        )
    )
    # The partial unique index keeps one open task per number: when two misses open one at
    # once, the second commit is refused and its retry finds and joins the first's task.
    for task in uow.callbacks.open_for_number(call.peer_number):
        if task.takes(call):
            task.join(call, deps.policy, now)
            return
    uow.callbacks.add(model.CallbackTask.for_missed_call(call, deps.policy, now))


def _free_reserved_agent(uow: CallCenterUnitOfWork, task: model.CallbackTask, now: Any) -> None:
    if task.state is model.CallbackState.CANCELED and task.agent_id:
        release_agent(uow, task.agent_id, now, "callback_canceled")


def get_call(uow: CallCenterUnitOfWork, call_id: str) -> model.Call:
    with uow:
        return uow.calls.get(call_id)


def list_calls(
    uow: CallCenterUnitOfWork, terms: dict[str, Any], after: dict[str, Any] | None, limit: int
) -> list[model.Call]:
    with uow:
        return uow.calls.list(terms, after, limit)


def wrap_up_call(
    uow: CallCenterUnitOfWork,
    deps: Deps,
    call_id: str,
    code: str,
    notes: str,
    no_order: bool,
    parked: bool,
    sales_result: model.SalesResult,
    etag: str = "",
    actor: str | None = None,
) -> model.Call:
    with uow:
        call = uow.calls.get(call_id, for_update=True)
        agent = uow.agents.get(call.agent_id, for_update=True)
        check_actor(agent, actor)
        now = deps.clock()
        call.wrap_up(code, notes, no_order, parked, sales_result, etag, now)
        if agent.state is model.AgentState.WRAP_UP:
            agent.set_state(model.AgentState.IDLE, now, "wrap_up_done")
        uow.commit()
    return call


def close_stale_calls(uow: CallCenterUnitOfWork, deps: Deps) -> int:
    """Watchdog: calls with no end event long after they began are closed as FAILED."""
    with uow:
        now = deps.clock()
        stale = uow.calls.unfinished_before(now - deps.call_watchdog)
        for call in stale:
            call.close_by_watchdog(now)
            call.updated_at = now
            agent = uow.agents.get(call.agent_id, for_update=True)
            if agent.state in (model.AgentState.RINGING, model.AgentState.ON_CALL):
                agent.set_state(model.AgentState.IDLE, now, "call_watchdog")
        uow.commit()
    return len(stale)
