"""Callback use cases (漏话分配): reserve tasks for agents, accept, reject, complete, and the
scans for lapsed reservations, late and expired tasks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.callcenter.adapters.uow import CallCenterUnitOfWork
from services.callcenter.domain import model
from services.callcenter.service_layer.agents import check_actor
from services.callcenter.service_layer.deps import Deps
from services.common.errors import AlreadyExists, StaleEtag


def reserve_next(uow: CallCenterUnitOfWork, deps: Deps) -> model.CallbackTask | None:
    """Reserves the first pending task that a free agent can take, in one transaction.

    Tasks are locked with SKIP LOCKED, so concurrent assigners take different ones; the
    chosen agent is locked and re-checked the same way, and a partial unique index refuses a
    second reservation for one agent should anything slip through."""
    with uow:
        now = deps.clock()
        tasks = uow.callbacks.next_pending(limit=20)
        # Read once for all the tasks tried: agents found taken are dropped as we go.
        ready = uow.agents.ready_for_reservation() if tasks else []
        for task in tasks:
            candidates = list(ready)
            while candidates:
                chosen = model.choose_agent(task, candidates)
                if chosen is None:
                    break
                agent = uow.agents.lock_if_ready(chosen.id)
                if agent is None:  # taken by another process since the unlocked read
                    candidates = [a for a in candidates if a.id != chosen.id]
                    ready = [a for a in ready if a.id != chosen.id]
                    continue
                task.reserve(agent.id, deps.policy.reservation_hold, now)
                agent.set_state(model.AgentState.RESERVED, now, "callback_reserved")
                # The offer gets its number in the agent's sequence with the reservation.
                uow.notices.append(
                    agent.id, model.NoticeKind.CALLBACK_RESERVED, task.resource_name, now
                )
                uow.commit()
                return task
    return None


def assign_pending(
    uow_factory: Callable[[], CallCenterUnitOfWork], deps: Deps, limit: int = 100
) -> int:
    """Reserves pending tasks until none can be placed; a lost race is simply retried."""
    reserved = 0
    conflicts = 0
    while reserved < limit and conflicts < 20:
        try:
            task = reserve_next(uow_factory(), deps)
        except (AlreadyExists, StaleEtag):  # a concurrent assigner won this one: try again
            conflicts += 1
            continue
        if task is None:
            break
        reserved += 1
    return reserved


def accept_callback(
    uow: CallCenterUnitOfWork,
    deps: Deps,
    task_id: str,
    agent_id: str,
    actor: str | None = None,
) -> model.CallbackTask:
    with uow:
        check_actor(uow.agents.get(agent_id), actor)
        task = uow.callbacks.get(task_id, for_update=True)
        now = deps.clock()
        task.accept(agent_id, now)
        agent = uow.agents.get(agent_id, for_update=True)
        if agent.state is model.AgentState.RESERVED:
            agent.set_state(model.AgentState.IDLE, now, "callback_accepted")
        uow.commit()
    return task


def reject_callback(
    uow: CallCenterUnitOfWork,
    deps: Deps,
    task_id: str,
    agent_id: str,
    actor: str | None = None,
) -> model.CallbackTask:
    with uow:
        check_actor(uow.agents.get(agent_id), actor)
        task = uow.callbacks.get(task_id, for_update=True)
        now = deps.clock()
        task.reject(agent_id, now)
        agent = uow.agents.get(agent_id, for_update=True)
        if agent.state is model.AgentState.RESERVED:
            agent.set_state(model.AgentState.IDLE, now, "callback_rejected")
        uow.commit()
    return task


def complete_callback(
    uow: CallCenterUnitOfWork,
    deps: Deps,
    task_id: str,
    agent_id: str,
    result: str,
    actor: str | None = None,
) -> model.CallbackTask:
    with uow:
        check_actor(uow.agents.get(agent_id), actor)
        task = uow.callbacks.get(task_id, for_update=True)
        task.complete(agent_id, result, deps.clock())
        uow.commit()
    return task


def list_callbacks(
    uow: CallCenterUnitOfWork, terms: dict[str, Any], after: dict[str, Any] | None, limit: int
) -> list[model.CallbackTask]:
    with uow:
        return uow.callbacks.list(terms, after, limit)


def get_callback(uow: CallCenterUnitOfWork, task_id: str) -> model.CallbackTask:
    with uow:
        return uow.callbacks.get(task_id)


def lapse_reservations(uow: CallCenterUnitOfWork, deps: Deps) -> int:
    """Reservations not answered in time go back to the queue; the agent is freed."""
    with uow:
        now = deps.clock()
        lapsed = 0
        for task in uow.callbacks.in_states([model.CallbackState.RESERVED]):
            agent_id = task.agent_id
            if task.lapse(now):
                lapsed += 1
                if agent_id:
                    agent = uow.agents.get(agent_id, for_update=True)
                    if agent.state is model.AgentState.RESERVED:
                        agent.set_state(model.AgentState.IDLE, now, "reservation_timeout")
        uow.commit()
    return lapsed


def expire_callbacks(uow: CallCenterUnitOfWork, deps: Deps) -> tuple[int, int]:
    """Open tasks past their due time are reported late once; past their TTL they expire.
    Returns (late, expired)."""
    with uow:
        now = deps.clock()
        late = expired = 0
        for task in uow.callbacks.in_states(model.OPEN_CALLBACK_STATES):
            reserved_for = task.agent_id if task.state is model.CallbackState.RESERVED else None
            if task.expire(now):
                expired += 1
                if reserved_for:
                    agent = uow.agents.get(reserved_for, for_update=True)
                    if agent.state is model.AgentState.RESERVED:
                        agent.set_state(model.AgentState.IDLE, now, "callback_expired")
            elif task.mark_late(now):
                late += 1
        uow.commit()
    return late, expired
