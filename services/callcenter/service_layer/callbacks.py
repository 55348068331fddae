"""Callback use cases (漏话分配): reserve tasks for agents, accept, reject, complete, and the
scans for lapsed reservations, late and expired tasks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.callcenter.adapters.uow import CallCenterUnitOfWork
from services.callcenter.domain import model
from services.callcenter.service_layer.agents import check_actor, release_agent
from services.callcenter.service_layer.deps import Deps
from services.common.errors import AlreadyExists, InvalidArgument, NotFound, StaleEtag

BATCH = 20  # pending tasks read and locked per transaction
# Reservations per commit: enough to share the reads and the commit, few enough that the
# write lock (SQLite's is the whole database) is not held long against the call events.
PER_COMMIT = 8


def reserve_next(uow: CallCenterUnitOfWork, deps: Deps) -> model.CallbackTask | None:
    """Reserves the first pending task that a free agent can take, in one transaction."""
    reserved = reserve_batch(uow, deps, most=1)
    return reserved[0] if reserved else None


def reserve_batch(
    uow: CallCenterUnitOfWork, deps: Deps, most: int = PER_COMMIT
) -> list[model.CallbackTask]:
    """Reserves, in queue order, up to `most` of the first pending tasks that free agents can
    take, each for a different agent, in one transaction: the reads of the queue and of the
    free agents, and the commit, are shared by the batch.

    Tasks are locked with SKIP LOCKED, so concurrent assigners take different ones; each
    chosen agent is locked and re-checked the same way, and a partial unique index refuses a
    second reservation for one agent should anything slip through. A conflict at commit
    undoes the whole batch, which the caller retries."""
    reserved: list[model.CallbackTask] = []
    with uow:
        now = deps.clock()
        tasks = uow.callbacks.next_pending(limit=BATCH)
        # Read once for all the tasks tried: agents taken (here or elsewhere) are dropped.
        ready = uow.agents.ready_for_reservation() if tasks else []
        for task in tasks:
            if len(reserved) == most or not ready:
                break
            candidates = list(ready)
            while candidates:
                chosen = model.choose_agent(task, candidates)
                if chosen is None:
                    break
                ready = [a for a in ready if a.id != chosen.id]
                agent = uow.agents.lock_if_ready(chosen.id)
                if agent is None:  # taken by another process since the unlocked read
                    candidates = [a for a in candidates if a.id != chosen.id]
                    continue
                task.reserve(agent.id, deps.policy.reservation_hold, now)
                agent.set_state(model.AgentState.RESERVED, now, "callback_reserved")
                # The offer gets its number in the agent's sequence with the reservation.
                uow.notices.append(
                    agent.id, model.NoticeKind.CALLBACK_RESERVED, task.resource_name, now
                )
                reserved.append(task)
                break
        if reserved:
            uow.commit()
    return reserved


def assign_pending(
    uow_factory: Callable[[], CallCenterUnitOfWork], deps: Deps, limit: int = 100
) -> int:
    """Reserves pending tasks until none can be placed; a lost race is simply retried."""
    reserved = 0
    conflicts = 0
    while reserved < limit and conflicts < 20:
        try:
            batch = reserve_batch(uow_factory(), deps, most=min(PER_COMMIT, limit - reserved))
        except (AlreadyExists, StaleEtag):  # a concurrent assigner won one of them: again
            conflicts += 1
            continue
        if not batch:
            break
        reserved += len(batch)
    return reserved


def accept_callback(
    uow: CallCenterUnitOfWork,
    deps: Deps,
    task_id: str,
    agent_id: str,
    actor: str | None = None,
) -> model.CallbackTask:
    return _answer_offer(uow, deps, task_id, agent_id, actor, accept=True)


def reject_callback(
    uow: CallCenterUnitOfWork,
    deps: Deps,
    task_id: str,
    agent_id: str,
    actor: str | None = None,
) -> model.CallbackTask:
    return _answer_offer(uow, deps, task_id, agent_id, actor, accept=False)


def _answer_offer(
    uow: CallCenterUnitOfWork,
    deps: Deps,
    task_id: str,
    agent_id: str,
    actor: str | None,
    accept: bool,
) -> model.CallbackTask:
    with uow:
        check_actor(uow.agents.get(agent_id), actor)
        task = uow.callbacks.get(task_id, for_update=True)
        now = deps.clock()
        if accept:
            task.accept(agent_id, now)
        else:
            task.reject(agent_id, now)
        reason = "callback_accepted" if accept else "callback_rejected"
        release_agent(uow, agent_id, now, reason)
        uow.commit()
    return task


def complete_callback(
    uow: CallCenterUnitOfWork,
    deps: Deps,
    task_id: str,
    agent_id: str,
    result: str,
    actor: str | None = None,
    callback_call_id: str = "",
) -> model.CallbackTask:
    """Completes an assigned task; `callback_call_id` names the outbound call that called
    the number back, when the agent says which."""
    with uow:
        check_actor(uow.agents.get(agent_id), actor)
        task = uow.callbacks.get(task_id, for_update=True)
        call = _callback_call(uow, callback_call_id) if callback_call_id else None
        task.complete(agent_id, result, deps.clock(), call)
        uow.commit()
    return task


def _callback_call(uow: CallCenterUnitOfWork, call_id: str) -> model.Call:
    # NOT_FOUND would read as the task missing: the request's `call` field is at fault.
    try:
        return uow.calls.get(call_id)
    except NotFound as exc:
        raise InvalidArgument.of("call", f"calls/{call_id} does not exist") from exc


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
                    release_agent(uow, agent_id, now, "reservation_timeout")
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
                    release_agent(uow, reserved_for, now, "callback_expired")
            elif task.mark_late(now):
                late += 1
        uow.commit()
    return late, expired
